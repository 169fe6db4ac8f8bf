"""Start-up: a command imports only the libraries it needs. rdflib, pySHACL, owlready2 and matplotlib
take hundreds of milliseconds to import; only validation, the reasoner and pictures use them, so
`sahelkg query` and `sahelkg export` start without them. Nor pydantic, which typer 0.29 imports to
convert options (0.3 s on every command; pyproject.toml keeps typer below it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("rdflib", "pyshacl", "owlready2", "matplotlib", "networkx", "pydantic")


def heavy_imports(code: str) -> tuple[list[str], str]:
    """The heavy libraries a fresh interpreter holds after running `code`, and what it printed."""
    report = f"import sys, json; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.splitlines()[-1]), done.stdout


def test_importing_the_command_line_loads_no_heavy_library():
    assert heavy_imports("import loader.cli") == ([], "")


def test_a_named_query_and_an_export_run_without_them(seed_store_path, tmp_path):
    out = tmp_path / "graph.ttl"
    code = ("from loader.cli import app\n"
            f"for args in (['query', 'who-rules', '--param', 'state=Niger', '--store', {str(seed_store_path)!r}],\n"
            f"             ['export', '--format', 'turtle', '-o', {str(out)!r}, '--store', {str(seed_store_path)!r}]):\n"
            "    app(args, standalone_mode=False)")
    modules, printed = heavy_imports(code)
    assert modules == []
    assert "Abdourahamane Tiani" in printed
    assert out.read_bytes().startswith(b"@prefix ")
