"""The README's sessions are true: each `console` block marked `<!-- session -->` is run, command by
command, in a fresh folder holding a copy of data/ and the devset, and must print exactly what the
README shows. Blocks run in README order and share the folder (the second session loads on top of the
first). `python tests/test_readme.py --update` writes the real outputs into the README.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARK = "<!-- session -->"
BLOCK = re.compile(r"<!-- session -->\n```console\n(.*?)```\n", re.DOTALL)


def sessions(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each marked block as (command, the lines it prints) pairs."""
    found = []
    for block in BLOCK.findall(text):
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps and (line or steps[-1][1]):
                steps[-1][1].append(line)
        found.append([(command, _trimmed(lines)) for command, lines in steps])
    return found


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def run(command: str, folder: Path) -> list[str]:
    shell = re.sub(r"^sahelkg\b", f"{sys.executable} -m loader", command)
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    env.pop("SAHELKG_STORE", None)
    result = subprocess.run(shell, shell=True, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    return _trimmed([line.rstrip() for line in (result.stdout + result.stderr).splitlines()])


def workspace(folder: Path) -> Path:
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.copytree(ROOT / "tests" / "devset", folder / "tests" / "devset")
    (folder / "docs").mkdir()
    return folder


def test_the_readme_sessions_print_what_the_readme_shows(tmp_path):
    found = sessions(README.read_text(encoding="utf-8"))
    assert len(found) >= 3, f"the README marks {len(found)} sessions with {MARK}"
    folder = workspace(tmp_path)
    for steps in found:
        for command, expected in steps:
            assert run(command, folder) == expected, f"$ {command}"


def update() -> None:
    """Run the sessions and write what they print into the README."""
    import tempfile

    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        folder = workspace(Path(scratch))

        def rewrite(match: re.Match) -> str:
            lines = []
            for command, _ in sessions(match.group(0))[0]:
                lines += [*([""] if lines else []), f"$ {command}", *run(command, folder)]
            return f"{MARK}\n```console\n" + "\n".join(lines) + "\n```\n"

        text = BLOCK.sub(rewrite, text)
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_readme.py --update")
    update()
