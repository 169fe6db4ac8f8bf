"""A second process that opens the store while a load runs gets a clear message or a complete state.

The load is the real CLI in a subprocess writing a real on-disk store (see tests/bigdata.py). What
pyoxigraph 0.5 (RocksDB) does, observed by these tests:

- a read-write open (`sahelkg load`) while another process holds the store fails on RocksDB's lock:
  the CLI says the store is in use and exits 1;
- a read-only open (`sahelkg query`, `export`, `stats`) does not take the lock: it opens a snapshot,
  which holds the state before the load until the load's transaction is committed and the state
  after it from then on, never a part of it; the snapshot stays readable after the load has ended;
- but a read-only open made while the loader deletes store files (when it opens the store and
  replays the previous write-ahead log, a few tens of milliseconds right after it takes the lock; and
  when it flushes and compacts after its commit) can fail with pyoxigraph's RuntimeError("Corruption:
  IO error: No such file or directory: ...sst ... may be corrupted"). The store is not corrupt:
  opening it a moment later works, so KnowledgeGraph retries, and after ten tries says plainly that
  a load is rewriting the store (a StoreError, never a traceback).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from bigdata import DATA, IN_USE, LOCKED, BigLoad, build, cli, dump, load_args, lock_holder, start, which_state

from loader.store import KnowledgeGraph, StoreError

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks to see the lock")


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> BigLoad:
    return build(tmp_path_factory.mktemp("concurrency"))


def _wait_for_lock(process: subprocess.Popen, store: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while lock_holder(store) != process.pid:
        assert process.poll() is None, "the load ended before it was seen holding the store"
        assert time.monotonic() < deadline, "the load never took the store's lock"
        time.sleep(0.002)


def _no_traceback(done: subprocess.CompletedProcess) -> str:
    err = done.stderr.decode()
    assert "Traceback" not in err, err
    return err


def test_a_second_process_gets_a_clear_message_or_a_complete_state_while_a_load_runs(bulk, tmp_path):
    before = tmp_path / "before"
    shutil.copytree(bulk.before, before)
    readers = {
        "query": ("query", "who-rules", "--param", "state=Niger", "--store"),
        "export": ("export", "--format", "nquads", "--store"),
        "stats": ("stats", "--store"),
    }
    # what each reader prints on the state before the load and on the state after it
    # (who-rules gives the same answer on both: the big load adds only military presences)
    expected: dict[str, dict[bytes, str]] = {}
    for name, args in readers.items():
        outputs = {label: cli(*args, state).stdout for state, label in ((before, "before"), (bulk.after, "after"))}
        assert all(outputs.values()), f"{name} printed nothing"
        expected[name] = {out: " or ".join(label for label in outputs if outputs[label] == out)
                          for out in outputs.values()}
    assert len(expected["export"]) == 2 and len(expected["stats"]) == 2

    store = tmp_path / "store"
    shutil.copytree(bulk.before, store)
    in_use = IN_USE.format(path=store)
    loading = start(*load_args(bulk.big, store), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_lock(loading, store)
        second_load = cli("load", DATA, "--store", store)
        assert loading.poll() is None, "the big load ended before the second load tried: nothing was tested"
        done = {name: cli(*args, store) for name, args in readers.items()}
        running = loading.poll() is None
    finally:
        _, err = loading.communicate(timeout=300)
    assert loading.returncode == 0, err.decode()

    # a writer meets the lock: a clear message, status 1, nothing else
    assert second_load.returncode == 1
    assert _no_traceback(second_load).strip() == in_use
    assert second_load.stdout == b""

    # readers: a complete state (the one before the load or the one after it), or the same clear message
    seen = {}
    for name, result in done.items():
        err_text = _no_traceback(result)
        if result.returncode == 0:
            assert result.stdout in expected[name], (
                f"{name} during the load printed neither the state before nor after it:\n{result.stdout.decode()[:2000]}")
            seen[name] = expected[name][result.stdout]
        else:
            assert err_text.strip() in (LOCKED.format(path=store), "error: " + REWRITTEN.format(path=store)), \
                f"{name} during the load failed unclearly: {err_text}"
            seen[name] = "in use"
    print(f"\nduring the load (still running after the readers: {running}): {seen}")

    # and the load itself is complete
    assert which_state(dump(store), bulk) == "after"


REWRITTEN = ("the store at {path} cannot be read: another process (a load) is rewriting it, or it is damaged; "
             "try again when the load has finished, and if this persists, load the data into a new store")


def test_read_only_opens_at_every_moment_of_a_load_see_before_or_after(bulk, tmp_path):
    """Open the store read-only again and again while a load runs, from its start to its end."""
    sizes = {len(bulk.before_dump): "before", len(bulk.after_dump): "after"}
    seen: Counter[str] = Counter()
    unclear: list[str] = []
    for run in range(2):
        store = tmp_path / f"store{run}"
        shutil.copytree(bulk.before, store)
        loading = start(*load_args(bulk.big, store))
        started = time.monotonic()
        checked_after = False
        while loading.poll() is None:
            moment = time.monotonic() - started
            try:
                kg = KnowledgeGraph(store, read_only=True)
            except StoreError as error:
                assert str(error) in (LOCKED.format(path=store).removeprefix("error: "), REWRITTEN.format(path=store))
                seen["in use"] += 1
                continue
            except Exception as error:  # noqa: BLE001 - any other exception is what this test looks for
                unclear.append(f"{moment:.2f}s {type(error).__name__}: {str(error)[:160]}")
                continue
            try:
                size = len(kg)
                assert size in sizes, f"a read-only open at {moment:.2f}s saw {size} quads: a part of the load"
                state = sizes[size]
                if state == "after" and not checked_after:  # the first 'after' snapshot, checked in full
                    assert sorted(kg.store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines()) == bulk.after_dump
                    checked_after = True
                seen[state] += 1
            finally:
                kg.close()
        assert loading.returncode == 0
        assert which_state(dump(store), bulk) == "after"
    print(f"\nread-only opens during 2 loads: {dict(seen)}; failures: {len(unclear)} {unclear[:3]}")
    assert seen["before"] > 0
    assert unclear == [], "read-only opens during a load failed without a clear message"
