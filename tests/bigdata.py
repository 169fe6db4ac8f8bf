"""A large synthetic load, and helpers, for the crash-safety and concurrency tests.

The load is a copy of the seed article under a new file name (so it is a new article and a new
named graph) with a fact file of many distinct facts: each is a military presence in Niger of its
own synthetic state, with its own troop strength, so each is a fact of its own with its own
report and citation. Every
quote is a verbatim sentence of the seed article, so every fact is valid.

The 'before' state is the seed data (data/) loaded by the real CLI; the 'after' state is the seed
data plus the big file, also loaded by the real CLI. Stores are compared as full dumps: the sorted
N-Quads lines of every quad, read with pyoxigraph after the writing process is gone.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED_ARTICLE = "2024-03-26-channelstv-niger-putin-security-cooperation"
BIG_ARTICLE = "2024-03-26-synthetic-bulk-copy-of-channelstv"
QUOTE = ("The United States still stations some 1,000 troops in Niger although movements have been "
         "limited since the coup and Washington has curbed assistance to the government.")
BIG_FACTS = 400  # the load takes ~4 s on 2 cores (400 entities and facts validated, 800 graphs written)

# What a second writer is told while a load holds the store's writer lock (loader/store.py, printed by the CLI).
IN_USE = "error: the store at {path} is in use by another process (a load); wait for it to finish, then try again"
# What any process is told when RocksDB's own lock is held (by a writer that is not a sahelkg load).
LOCKED = ("error: the store at {path} is in use by another process (a load or 'sahelkg serve'); "
          "wait for it to finish or stop it, then try again")


def make_big_load(directory: Path, facts: int = BIG_FACTS) -> Path:
    """Write articles/<BIG_ARTICLE>.md and facts/<BIG_ARTICLE>.yaml under directory; return directory."""
    articles, fact_dir = directory / "articles", directory / "facts"
    articles.mkdir(parents=True, exist_ok=True)
    fact_dir.mkdir(parents=True, exist_ok=True)
    article = articles / f"{BIG_ARTICLE}.md"
    shutil.copyfile(DATA / "articles" / f"{SEED_ARTICLE}.md", article)
    assert QUOTE in article.read_text(encoding="utf-8"), "the seed article no longer has the quoted sentence"
    # each presence is deployed by its own (synthetic) state, so each is a fact of its own
    lines = [f"article: ../articles/{BIG_ARTICLE}.md", "", "entities:"]
    for number in range(1, facts + 1):
        lines += [f"  - id: synthetic-state-{number}", "    type: State", f"    label: Synthetic state {number}"]
    lines += ["", "facts:"]
    for number in range(1, facts + 1):
        lines += [
            f"  - id: us-presence-{number}",
            "    type: MilitaryPresence",
            f"    deploying_state: synthetic-state-{number}",
            "    host_state: Niger",
            f"    troops: {number}" if number % 2 else f"    troops:\n      about: {number}",
            "    start: before 2024-03-26",
            "    end: ongoing",
            f'    quote: "{QUOTE}"',
        ]
    (fact_dir / f"{BIG_ARTICLE}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SAHELKG_STORE", None)  # every call names its store
    env["COLUMNS"] = "200"
    return env


def command(*args) -> list[str]:
    return [sys.executable, "-m", "loader", *map(str, args)]


def cli(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m loader ARGS` from the repository root and wait for it."""
    return subprocess.run(command(*args), cwd=ROOT, env=_env(), capture_output=True, timeout=timeout)


def start(*args, **popen) -> subprocess.Popen:
    """Start `python -m loader ARGS` from the repository root; output is discarded unless redirected."""
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen(command(*args), cwd=ROOT, env=_env(), **popen)


def load_args(big: Path, store: Path) -> tuple:
    """The big load: the seed data and the synthetic article, in one command."""
    return ("load", DATA, big, "--store", store)


def dump(store: Path) -> list[str]:
    """Every quad of the store as sorted N-Quads lines; the store is closed again before returning."""
    gc.collect()  # a CLI run in this process closed its store: make sure no reference still holds the lock
    opened = ox.Store(str(store))
    try:
        return sorted(opened.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    finally:
        del opened


def lock_holder(store: Path) -> int | None:
    """The pid holding RocksDB's lock on the store (from /proc/locks), without taking the lock."""
    inode = os.stat(store / "LOCK").st_ino
    with open("/proc/locks") as locks:
        for line in locks:
            fields = line.split()
            if len(fields) > 5 and fields[5].endswith(f":{inode}"):
                return int(fields[4])
    return None


@dataclass
class BigLoad:
    big: Path             # the directory with the synthetic article and its fact file
    before: Path          # a store holding the seed data, as the CLI left it; copy it, never open it
    after: Path           # a store holding the 'after' state (opened once, to dump it)
    before_dump: list[str]
    after_dump: list[str]
    seconds: float        # how long the big load took, from process start to exit


def build(workdir: Path) -> BigLoad:
    """Generate the big load and the reference stores with the real CLI."""
    big = make_big_load(workdir / "big")
    before = workdir / "before"
    done = cli("load", DATA, "--store", before)
    assert done.returncode == 0, done.stderr.decode()
    reference = workdir / "before-reference"
    shutil.copytree(before, reference)
    before_dump = dump(reference)
    after = workdir / "after-reference"
    shutil.copytree(before, after)
    started = time.monotonic()
    process = start(*load_args(big, after), stderr=subprocess.PIPE)
    _, err = process.communicate(timeout=300)
    seconds = time.monotonic() - started
    assert process.returncode == 0, err.decode()
    after_dump = dump(after)
    assert len(after_dump) > len(before_dump) + 10 * BIG_FACTS, "the big load did not write its facts"
    shutil.rmtree(reference)
    return BigLoad(big, before, after, before_dump, after_dump, seconds)


def which_state(found: list[str], bulk: BigLoad) -> str:
    """'before' or 'after'; fails with a short description of the difference otherwise."""
    if found == bulk.before_dump:
        return "before"
    if found == bulk.after_dump:
        return "after"
    have = set(found)
    missing = set(bulk.after_dump) - have
    extra = have - set(bulk.after_dump)
    raise AssertionError(
        f"the store holds neither the state before the load ({len(bulk.before_dump)} quads) nor after it "
        f"({len(bulk.after_dump)} quads) but {len(found)} quads: {len(missing)} of the 'after' quads missing, "
        f"{len(extra)} not in 'after'; e.g. missing {sorted(missing)[:2]}, extra {sorted(extra)[:2]}"
    )
