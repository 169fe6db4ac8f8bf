"""A load is all or nothing even when the loader is killed, and loading the same files twice changes nothing.

Every test here runs the real CLI (`python -m loader load ...`) in a subprocess against a real
on-disk store, and reads the store back with pyoxigraph only once that process is dead.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from bigdata import BigLoad, build, cli, dump, load_args, start, which_state

KILLS = 10        # kills at random moments over the whole load (more if some come after it ended)
AIMED_KILLS = 4   # kills aimed at the commit: while its log record is written, and just after
SEED = 20240326


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> BigLoad:
    return build(tmp_path_factory.mktemp("crash"))


def _fresh_copy(bulk: BigLoad, where: Path) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(bulk.before, where)
    return where


def _new_log_size(store: Path, old_logs: set[str]) -> int:
    """Size of RocksDB's new write-ahead log: it jumps by tens of MB when the load's transaction commits."""
    try:
        return max((entry.stat().st_size for entry in os.scandir(store)
                    if entry.name.endswith(".log") and entry.name not in old_logs), default=0)
    except FileNotFoundError:  # a file went away between listing and stat
        return 0


def _kill(process) -> bool:
    """SIGKILL the load; return whether it had already finished on its own."""
    finished = process.poll() is not None
    process.send_signal(signal.SIGKILL)
    code = process.wait(timeout=120)
    if finished or code == 0:  # it may end between poll() and the signal
        assert code == 0, f"the load failed on its own (status {code})"
        return True
    assert code == -signal.SIGKILL
    return False


def test_sigkill_during_a_big_load_leaves_the_state_before_or_after_it(bulk, tmp_path):
    assert bulk.seconds >= 1.0, f"the big load took only {bulk.seconds:.2f} s: too short to kill it at random moments"
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    timeline: list[str] = []
    # Kill times spread evenly over the measured duration (one random moment in each of KILLS equal
    # slices): startup, validation, inference, building the update, the commit, and what follows it.
    delays = [bulk.seconds * (slot + rng.random()) / KILLS for slot in range(KILLS)]
    rng.shuffle(delays)
    extra = 0
    while delays:
        delay = delays.pop()
        store = _fresh_copy(bulk, tmp_path / "store")
        process = start(*load_args(bulk.big, store))
        time.sleep(delay)
        finished = _kill(process)
        state = which_state(dump(store), bulk)
        if finished:
            assert state == "after"
            outcomes["finished first"] += 1
            if extra < 6:  # the load ran faster than measured: one more kill, earlier
                delays.append(rng.uniform(0, 0.9 * bulk.seconds))
                extra += 1
        else:
            outcomes[state] += 1
        timeline.append(f"{delay:.2f}s:{'finished' if finished else state}")

    # Kills aimed at the commit, found by watching the store's files: once the new write-ahead log
    # passes 1 MB the transaction's record is being written; kill 0-30 ms later, or once the log has
    # stopped growing for 50 ms (the record is on disk but the process has not finished) plus 0-100 ms.
    aimed: Counter[str] = Counter()
    for number in range(AIMED_KILLS):
        store = _fresh_copy(bulk, tmp_path / "store")
        old_logs = {p.name for p in store.glob("*.log")}
        process = start(*load_args(bulk.big, store))
        while process.poll() is None and _new_log_size(store, old_logs) < 1 << 20:
            time.sleep(0.002)
        moment = "while writing the log" if number % 2 == 0 else "after the log"
        if number % 2 == 0:
            time.sleep(rng.uniform(0, 0.03))
        else:
            size, since = -1, time.monotonic()
            while process.poll() is None and time.monotonic() - since < 0.05:
                if (now := _new_log_size(store, old_logs)) != size:
                    size, since = now, time.monotonic()
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.1))
        finished = _kill(process)
        aimed[f"{moment}: {'finished first' if finished else which_state(dump(store), bulk)}"] += 1

    landed = outcomes["before"] + outcomes["after"]
    print(f"\nbig load: {bulk.seconds:.2f} s, {len(bulk.before_dump)} -> {len(bulk.after_dump)} quads; "
          f"{landed} kills at random moments: {outcomes['before']} before, {outcomes['after']} after "
          f"({outcomes['finished first']} came after the load had finished); kills aimed at the commit: "
          f"{dict(aimed)}\n" + " ".join(sorted(timeline, key=lambda t: float(t.split("s")[0]))))
    assert landed >= KILLS - 2, f"only {landed} kills hit a running load: {dict(outcomes)}"
    states = Counter(outcomes) + Counter({key.split(": ")[1]: n for key, n in aimed.items()})
    assert states["before"] >= 1 and states["after"] >= 1, (
        f"the kills did not land on both sides of the commit: {dict(outcomes)} {dict(aimed)}")


def test_loading_the_same_files_again_changes_nothing(bulk, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(bulk.after, store)  # the big load, done once by the fixture

    def exports() -> dict[str, bytes]:
        out = {}
        for fmt in ("nquads", "turtle"):
            done = cli("export", "--format", fmt, "--store", store)
            assert done.returncode == 0, done.stderr.decode()
            out[fmt] = done.stdout
        return out

    exported, quads = exports(), dump(store)
    assert quads == bulk.after_dump
    second = cli(*load_args(bulk.big, store))
    assert second.returncode == 0, second.stderr.decode()
    assert dump(store) == quads, "a second load of the same files changed the stored quads"
    again = exports()
    for fmt in exported:
        assert again[fmt] == exported[fmt], f"the {fmt} export changed after loading the same files again"
