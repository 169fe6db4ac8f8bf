"""bench/run.py runs: its query table names every named query, each with the rows the front door answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import loader
from loader.queries import UnknownEntity, example_values, named_queries

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2024-03-26"  # bench/run.py's date for a query whose example gives none


def test_bench_times_every_named_query_on_a_store(seed_store_path, tmp_path):
    figures = tmp_path / "bench.json"
    report = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, "bench/run.py", "--store", str(seed_store_path), "--repeat", "1",
                           "--results", str(report), "--json", str(figures)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=120)
    assert done.returncode == 0, done.stderr
    table = done.stdout.splitlines()
    assert table[0] == "Named queries (in-process on the on-disk store, parameters of each query's example)"
    assert table[2].split() == ["query", "as", "of", "store:", "median", "ms", "p95", "CPU", "rows"]
    rows = {line.split()[0]: line.split() for line in table[3:] if line and not line.startswith(("target", "timed"))
            and ":" not in line.split()[0]}
    assert sorted(rows) == sorted(named_queries())
    timed = json.loads(figures.read_text(encoding="utf-8"))["queries"]["store"]
    with loader.open(seed_store_path, read_only=True) as graph:
        for name, query in named_queries().items():
            values, as_of = example_values(query)
            as_of = as_of or (AS_OF if query.takes_as_of else None)
            try:
                expected = len(graph.query(name, as_of=as_of, **values))
            except UnknownEntity:  # the example's entity is not in the store: the bench asks with none
                expected = len(graph.query(name, as_of=as_of))
            assert timed[name]["rows"] == expected, name
            assert rows[name][-1] == str(expected), name
            assert timed[name]["runs"] == 1 and timed[name]["median_ms"] > 0, name
    assert "| query | as of | store: median ms | p95 | CPU | rows |" in report.read_text(encoding="utf-8")
