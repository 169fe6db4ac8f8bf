"""Benchmark: load generated corpora of several sizes into fresh stores, and time the named queries on each.

    bench/run.py [--sizes 100,1000] [--repeat 5] [--seed 1] [--max-query-seconds 60]
    bench/run.py --store DIR [--repeat 5]   # only the queries, on a store already loaded

For each size, the corpus of bench/generate.py (kept in bench/.cache/ by size, seed and a digest of the generator,
so a changed generator makes a new one) is loaded together with data/reference.yaml and data/facts, in one
batch, into a fresh on-disk store in a temporary directory. The load runs in a child process of its own, which
reports the wall-clock time of the load and its peak RSS. Then each named query (queries/*.rq) runs with the
parameters of its example, each in another child process: one warm-up, then --repeat timed runs of executing it
and reading every value of every row. A run that takes longer than --max-query-seconds ends that query's process,
and the table says "> N s" for it.

Prints a table (corpus, quads, load, then one row per query: median wall ms, its CPU ms and rows) and the ratio of each median at
the largest size to the smallest. Exit status 1 if the loader refuses a corpus (its first 20 problems are
printed) or a query fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from generate import generate

from loader.loading import known_entities, load
from loader.problems import InvalidInput
from loader.queries import UnknownEntity, bind, example_values, named_queries
from loader.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("bench") / ".cache"  # paths relative to ROOT, where main() runs, keep the loader's messages short
SEED_DATA = [Path("data") / "reference.yaml", Path("data") / "facts"]
SHOWN_PROBLEMS = 20
# Children are forked from a small server process, so getrusage gives each its own peak RSS (a spawned child's
# starts from its parent's, which may have generated a corpus).
CHILDREN = multiprocessing.get_context("forkserver")


QUERY_TARGET_MS = 50  # the many-articles issue's target for every named query at 1,000 articles


@dataclass
class Timing:
    median_ms: float | None = None
    rows: int | None = None
    cpu_ms: float | None = None  # the query process's CPU time: steadier than wall time on a shared machine
    timeout: float | None = None  # a run was stopped after this many seconds
    error: str | None = None

    def __str__(self) -> str:
        if self.timeout:
            return f"> {self.timeout:g} s"
        return "error" if self.error else f"{self.median_ms:.1f} ({self.cpu_ms:.0f}) ms {self.rows:>6}"


@dataclass
class Result:
    size: int
    corpus: dict  # what the generator made
    quads: int
    load_seconds: float
    peak_rss: int  # bytes
    queries: dict[str, Timing]


def corpus(size: int, seed: int) -> tuple[Path, dict]:
    """The corpus directory of that size and seed (generated once), and the generator's summary of it."""
    digest = hashlib.sha256((Path("bench") / "generate.py").read_bytes()).hexdigest()[:12]
    entry = CACHE / f"{size}-seed{seed}-{digest}"
    if not (entry / "summary.json").is_file():
        for stale in CACHE.glob(f"{size}-seed{seed}-*"):  # an older generator's, or a generation cut short
            shutil.rmtree(stale)
        print(f"[{size}] generating the corpus into {entry}", file=sys.stderr)
        partial = entry.with_name(entry.name + "-partial")
        summary = generate(size, partial / "corpus", seed)
        (partial / "summary.json").write_text(json.dumps(asdict(summary)) + "\n", encoding="utf-8")
        partial.rename(entry)
    return entry / "corpus", json.loads((entry / "summary.json").read_text(encoding="utf-8"))


def load_corpus(store: str, corpus_dir: str, report) -> None:
    """In a child process: load the seed data and the corpus in one batch, and report how it went."""
    kg = KnowledgeGraph(store)
    try:
        start = time.perf_counter()
        load([*SEED_DATA, Path(corpus_dir)], kg)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
        report.send(("loaded", seconds, peak, len(kg)))
    except InvalidInput as err:
        report.send(("invalid", [str(p) for p in err.problems[:SHOWN_PROBLEMS]], len(err.problems)))
    finally:
        kg.close()


def time_query(store: str, name: str, repeat: int, report) -> None:
    """In a child process: bind the query's example parameters, then report each run: seconds and rows."""
    try:
        kg = KnowledgeGraph(store, read_only=True)
        query = named_queries()[name]
        values, as_of = example_values(query)
        index = known_entities(kg)
        try:
            substitutions = bind(query, values, index, as_of)
        except UnknownEntity:  # the example names what only the devset holds (a base): ask of every one
            print(f"{name}: its example's entity is not in this corpus; timed with no entity", file=sys.stderr)
            substitutions = bind(query, {}, index, as_of)
    except Exception as err:  # whatever fails is the query's result, for the parent to report
        report.send(("error", f"{type(err).__name__}: {err}"))
        return
    report.send(("ready",))
    for _ in range(repeat + 1):
        start, cpu = time.perf_counter(), time.process_time()
        rows = 0
        for row in kg.query(query.text, substitutions):
            tuple(row)  # every value, as a client reads it
            rows += 1
        report.send(("run", time.perf_counter() - start, rows, time.process_time() - cpu))


def run_query(store: str, name: str, repeat: int, limit: float) -> Timing:
    receive, send = CHILDREN.Pipe(duplex=False)
    process = CHILDREN.Process(target=time_query, args=(store, name, repeat, send), daemon=True)
    process.start()
    send.close()
    runs, ready = [], False
    try:
        while len(runs) < repeat + 1:
            if not receive.poll(limit):
                if ready:
                    return Timing(timeout=limit)
                return Timing(error=f"opening the store and binding the parameters took more than {limit:g} s")
            message = receive.recv()
            ready = True
            if message[0] == "error":
                return Timing(error=message[1])
            if message[0] == "run":
                runs.append(message[1:])
    except EOFError:
        process.join()
        return Timing(error=f"its process died (exit status {process.exitcode})")
    finally:
        if process.is_alive():
            process.kill()
        process.join()
    return Timing(statistics.median(seconds for seconds, _, _ in runs[1:]) * 1000, runs[-1][1],
                  statistics.median(cpu for _, _, cpu in runs[1:]) * 1000)


def bench(size: int, seed: int, repeat: int, limit: float) -> Result:
    corpus_dir, summary = corpus(size, seed)
    with tempfile.TemporaryDirectory(prefix=f"sahelkg-bench-{size}-") as scratch:
        store = str(Path(scratch) / "store")
        print(f"[{size}] loading {summary['facts']} facts into {store}", file=sys.stderr)
        receive, send = CHILDREN.Pipe(duplex=False)
        process = CHILDREN.Process(target=load_corpus, args=(store, str(corpus_dir), send))
        process.start()
        send.close()
        try:
            message = receive.recv()
        except EOFError:
            process.join()
            sys.exit(f"[{size}] the load failed (exit status {process.exitcode}); see above")
        process.join()
        if message[0] == "invalid":
            problems, count = message[1:]
            print(f"[{size}] the loader refused the corpus {corpus_dir}: {count} problem(s); the first "
                  f"{len(problems)}:", file=sys.stderr)
            print("\n".join(problems), file=sys.stderr)
            sys.exit(1)
        _, seconds, peak, quads = message
        print(f"[{size}] loaded in {seconds:.1f} s, {quads} quads", file=sys.stderr)
        timings = {}
        for name in named_queries():
            timings[name] = run_query(store, name, repeat, limit)
            print(f"[{size}] {name}: {timings[name]}", file=sys.stderr)
    return Result(size, summary, quads, seconds, peak, timings)


def table(results: list[Result]) -> str:
    """Sizes across, measures down; the last column is largest size / smallest."""
    first, last = results[0], results[-1]
    ratio = len(results) > 1

    def row(label: str, cells: list[str], times: tuple[float | None, float | None] | None = None) -> str:
        line = f"{label:<22}" + "".join(f"{c:>24}" for c in cells)
        if ratio and times:
            line += f"{times[1] / times[0]:>12.1f}x" if None not in times and times[0] > 0 else f"{'-':>13}"
        return line

    lines = [row("articles", [str(r.size) for r in results]) + (f"{f'{last.size}/{first.size}':>13}" if ratio else ""),
             row("facts", [str(r.corpus["facts"]) for r in results]),
             row("  re-reports", [str(r.corpus["re_reports"]) for r in results]),
             row("quads", [str(r.quads) for r in results], (first.quads, last.quads)),
             row("load", [f"{r.load_seconds:.1f} s" for r in results], (first.load_seconds, last.load_seconds)),
             row("peak RSS of load", [f"{r.peak_rss / 2**20:.0f} MB" for r in results], (first.peak_rss, last.peak_rss)),
             "",
             row("query", ["median (cpu) ms   rows" for _ in results])]
    for name in first.queries:
        timings = [r.queries[name] for r in results]
        lines.append(row(name, [str(t) for t in timings], (timings[0].median_ms, timings[-1].median_ms)))
    if last.size >= 1000:
        slow = [name for name, t in last.queries.items() if t.median_ms is None or t.median_ms >= QUERY_TARGET_MS]
        lines += ["", f"target: every named query under {QUERY_TARGET_MS} ms at {last.size} articles: "
                  + ("met" if not slow else f"not met by {', '.join(slow)}")]
    errors = [f"  {r.size} articles, {name}: {t.error}" for r in results for name, t in r.queries.items() if t.error]
    return "\n".join(line.rstrip() for line in lines + (["", "errors:", *errors] if errors else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="corpus sizes in articles, comma-separated (default 100,1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query, after one warm-up (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="the corpus generator's seed (default 1)")
    parser.add_argument("--max-query-seconds", type=float, default=60,
                        help="a query run taking longer is stopped and reported as '> N s' (default 60)")
    parser.add_argument("--store", help="time the queries on this store, already loaded (no corpus, no load)")
    args = parser.parse_args()
    if args.store:
        for name in named_queries():
            print(f"{name:<22}{str(run_query(args.store, name, args.repeat, args.max_query_seconds)):>24}")
        return
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    os.chdir(ROOT)
    results = [bench(size, args.seed, args.repeat, args.max_query_seconds) for size in sizes]
    print(table(results))
    if any(t.error for r in results for t in r.queries.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
