"""Benchmark (issue 11): every figure of the scale issue, each comparison measured side by side in one run.

    bench/run.py [--sizes 100,1000] [--only load,incremental,queries,export,startup] [--repeat 20]
                 [--rdflib-size N] [--results bench/RESULTS.md] [--json FILE]   (--help for the rest)
    bench/run.py --store DIR [--repeat 20]   # only the named queries, on a store already loaded

Phases (all by default; --only picks some, so that a part can be rerun):

- load: at each size, the validated load (loader.loading.load of data/reference.yaml, data/facts and the corpus
  of bench/generate.py, in batches of 200 files as `sahelkg load` does) into a fresh on-disk store: wall, CPU,
  peak RSS, facts/s, quads/s. The
  loaded store is dumped to N-Quads once, and the same quads are loaded by pyoxigraph's Store.bulk_load and
  Store.load (transactional; skipped above --store-load-max-quads) into fresh stores, and parsed by rdflib (a
  Dataset; skipped above --rdflib-max-quads). Target: the validated load at least half as fast as bulk_load.
- incremental: at the largest size, the corpus's last article (by date) that loads on its own is taken out of a copy of the loaded
  store (`sahelkg remove`, not timed) and loaded again: one new article into the largest store, against the same
  file loaded into a store holding only data/ and the corpus's entities. Target: within 2x.
- queries: at each size, every named query (queries/*.rq) with its example's parameters and an as-of date where it
  takes one, each in a child process: one warm-up, then --repeat runs (fewer once --query-budget seconds are
  spent, at least 3): median, 95th percentile, CPU, rows. Target: median < 50 ms at the largest size. At
  --rdflib-size the same queries, parameters bound alike, run on rdflib (a Dataset parsed from the same N-Quads,
  its default graph the union, as on the store) with --rdflib-timeout per run. Target: at least 30x faster.
- export: at the largest size, `sahelkg export --format turtle` and `--format nquads` as whole processes, against
  a process that only opens the store and calls pyoxigraph's Store.dump to N-Quads: wall, peak RSS. Targets: peak
  RSS < 500 MB, time <= 2x the raw dump.
- startup: `sahelkg query who-rules --param state=Niger` on a store of data/ alone, as a whole process (median
  of --startup-repeat after a warm-up that writes the bytecode, as a user's first command does), against
  `python -c "import pyoxigraph"`. Target: within 0.3 s.

Every step runs in a process of its own: the loads and queries in children forked from a server process that has
imported pyoxigraph and the loader (so each child's peak RSS is its own, from about 60 MB of imported modules), the
commands (`sahelkg ...`) as the user runs them, with this checkout first on PYTHONPATH. Corpora are kept in bench/.cache/ by
size, seed and a digest of the generator; their loaded stores and N-Quads dumps beside them, by a digest of the
loader, ontology and data/ (a changed loader makes new ones); the load phase always loads afresh.

Prints the tables on stdout (progress on stderr); --results writes them as a Markdown report (bench/RESULTS.md)
with the date, the machine and the command, --json the raw figures. Exit status 1 if the loader refuses a corpus
(its first 20 problems are printed), a query fails, or a command fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from generate import generate

import loader
from loader.loading import load
from loader.namespaces import PREFIXES
from loader.problems import InvalidInput
from loader.queries import UnknownEntity, bind, example_values, named_queries
from loader.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("bench") / ".cache"  # paths relative to ROOT, where main() runs, keep the loader's messages short
SEED_DATA = [Path("data") / "reference.yaml", Path("data") / "facts"]
SHOWN_PROBLEMS = 20
PHASES = ("load", "incremental", "queries", "export", "startup")
# Children are forked from a small server process, so getrusage gives each its own peak RSS (a spawned child's
# starts from its parent's, which may have generated a corpus).
CHILDREN = multiprocessing.get_context("forkserver")
# Python 3.11's forkserver does not preload __main__ (it looks for a key its own data lacks), so each child would
# import this script and the loader again, seconds on a busy machine: the server imports them once.
CHILDREN.set_forkserver_preload(["pyoxigraph", "loader.api", "loader.loading", "loader.queries", "generate"])
AS_OF = "2024-03-26"  # for a query that answers as of a date and whose example gives none

# the targets
LOAD_TARGET = 2.0  # validated load time / bulk_load time
INCREMENTAL_TARGET = 2.0  # one article into the largest store / into an empty one
QUERY_TARGET_MS = 50
RDFLIB_TARGET = 30.0  # rdflib time / store time
EXPORT_MEMORY_TARGET = 500 * 2**20
EXPORT_TIME_TARGET = 2.0  # export time / raw dump time
STARTUP_TARGET = 0.3  # seconds over bare python importing pyoxigraph


class BenchError(Exception):
    """A step that failed: the run stops with this message."""


# --- measuring ------------------------------------------------------------------------------------------------------

@dataclass
class Run:
    """One measured step: wall and CPU seconds, peak RSS of its process in bytes, and what it made."""

    wall: float
    cpu: float
    peak: int
    quads: int | None = None
    note: str = ""

    def cells(self) -> list[str]:
        return [f"{self.wall:.2f} s", f"{self.cpu:.2f} s", mb(self.peak)]


def mb(size: int | None) -> str:
    return "-" if size is None else f"{size / 2**20:.0f} MB"


def peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def in_child(target, *args, timeout: float | None = None):
    """Run target(*args, report) in a child process; its one message (None after `timeout` seconds)."""
    receive, send = CHILDREN.Pipe(duplex=False)
    process = CHILDREN.Process(target=target, args=(*args, send), daemon=True)
    process.start()
    send.close()
    try:
        if timeout is not None and not receive.poll(timeout):
            return None
        return receive.recv()
    except EOFError:
        process.join()
        raise BenchError(f"{target.__name__.strip('_')} died (exit status {process.exitcode}); see above") from None
    finally:
        if process.is_alive():
            process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


def child_env() -> dict[str, str]:
    """This checkout's code first, and no store or server from the caller's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHELKG_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def sahelkg() -> list[str]:
    """The command as the user runs it: the installed script beside this Python, else `python -m loader`."""
    script = Path(sys.executable).parent / "sahelkg"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "loader"]


def run_command(argv: list[str], stdout=subprocess.DEVNULL, env: dict[str, str] | None = None) -> Run:
    """A whole process: its wall time, CPU time (user + system) and peak RSS, from wait4."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env or child_env(), cwd=ROOT)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise BenchError(f"`{shlex.join(argv)}` failed (exit status {process.returncode}): "
                         f"{stderr.decode(errors='replace').strip()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                sha.update(str(file).encode() + b"\0" + file.read_bytes())
    return sha.hexdigest()[:12]


def loader_digest() -> str:
    """What a loaded store depends on besides the corpus: the loader, the ontology, data/."""
    return digest([Path("loader"), Path("ontology"), Path("data") / "reference.yaml", Path("data") / "facts"])


# --- child processes (top-level functions, for the forkserver) -------------------------------------------------------

def _validated_load(store: str, paths: list[str], report) -> None:
    kg = KnowledgeGraph(store)
    try:
        start, cpu = time.perf_counter(), time.process_time()
        load([Path(p) for p in paths], kg)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        report.send(("loaded", Run(wall, cpu, peak_rss(), len(kg))))
    except InvalidInput as err:
        report.send(("invalid", [str(p) for p in err.problems[:SHOWN_PROBLEMS]], len(err.problems)))
    finally:
        kg.close()


def _raw_load(method: str, store: str, nquads: str, report) -> None:
    """pyoxigraph alone: bulk_load or load (one transaction) of the N-Quads file into a new store."""
    target = ox.Store(store)
    start, cpu = time.perf_counter(), time.process_time()
    getattr(target, method)(path=nquads, format=ox.RdfFormat.N_QUADS)
    target.flush()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    report.send(Run(wall, cpu, peak_rss(), len(target)))


def _dump(store: str, nquads: str, report) -> None:
    ox.Store.read_only(store).dump(nquads, ox.RdfFormat.N_QUADS)
    report.send(Path(nquads).stat().st_size)


def _rdflib_quads(dataset) -> int:
    return sum(1 for _ in dataset.quads((None, None, None, None)))  # len() counts the union's distinct triples


def _rdflib_dataset(nquads: str):
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    return dataset


def _rdflib_parse(nquads: str, report) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    dataset = _rdflib_dataset(nquads)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    report.send(Run(wall, cpu, peak_rss(), _rdflib_quads(dataset)))


def _answer_rows(result) -> int:
    if isinstance(result, ox.QueryBoolean) or isinstance(result, bool):
        return 1
    return sum(1 for row in result if tuple(row) is not None)  # every value, as a client reads it


def _time_query(store: str, name: str, repeat: int, budget: float, report) -> None:
    """Bind the query's example parameters, then report each run: seconds, rows, CPU seconds."""
    try:
        graph = loader.open(store, read_only=True)
        query = named_queries()[name]
        values, as_of = example_values(query)
        as_of = as_of or (AS_OF if query.takes_as_of else None)
        note = ""
        try:
            substitutions = bind(query, values, graph.entities(), as_of)
        except UnknownEntity:  # the example names what only the devset holds (a base): ask of every one
            note, values = "its example's entity is not in this corpus: asked with no entity", {}
            substitutions = bind(query, values, graph.entities(), as_of)
    except Exception as err:  # whatever fails is the query's result, for the parent to report
        report.send(("error", f"{type(err).__name__}: {err}"))
        return
    report.send(("ready", values, as_of, note, {v.value: _term(t) for v, t in substitutions.items()}))
    spent = 0.0
    for run in range(repeat + 1):
        start, cpu = time.perf_counter(), time.process_time()
        rows = _answer_rows(graph.answer(query, values, as_of, timeout=None).result)
        seconds = time.perf_counter() - start
        report.send(("run", seconds, rows, time.process_time() - cpu))
        spent += seconds if run else 0
        if run >= min(3, repeat) and spent > budget:
            break
    report.send(("done",))


def _term(term) -> tuple:
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    return ("literal", term.value, term.datatype.value if term.datatype else None, term.language)


def _rdflib_term(spec: tuple):
    import rdflib

    if spec[0] == "iri":
        return rdflib.URIRef(spec[1])
    _, value, datatype, language = spec
    return rdflib.Literal(value, lang=language) if language else rdflib.Literal(value, datatype=datatype)


def _rdflib_run(dataset, text: str, bindings: dict, repeat: int, budget: float, report) -> None:
    import rdflib

    initial = {rdflib.Variable(k): _rdflib_term(v) for k, v in bindings.items()}
    spent = 0.0
    for _ in range(repeat):
        if spent > budget:  # one run took most of the time allowed to one: the others would too
            break
        start, cpu = time.perf_counter(), time.process_time()
        try:
            rows = sum(1 for row in dataset.query(text, initNs=PREFIXES, initBindings=initial) if row is not None)
        except Exception as err:  # rdflib cannot answer it: that is its figure
            report.send(("error", f"rdflib fails: {type(err).__name__}: {' '.join(str(err).split())[:200]}"))
            return
        spent += time.perf_counter() - start
        report.send(("run", time.perf_counter() - start, rows, time.process_time() - cpu))
    report.send(("done",))


def _rdflib_queries(nquads: str, specs: list[tuple[str, str, dict]], repeat: int, limit: float, report) -> None:
    """Parse the N-Quads once, then run each query in a fork of this process (sharing the parsed data), stopped
    after `limit` seconds a run."""
    try:
        start, cpu = time.perf_counter(), time.process_time()
        dataset = _rdflib_dataset(nquads)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    except Exception as err:
        report.send(("error", f"rdflib could not parse {nquads}: {type(err).__name__}: {err}"))
        return
    report.send(("parsed", Run(wall, cpu, peak_rss(), _rdflib_quads(dataset))))  # the load table's figure at this size
    forks = multiprocessing.get_context("fork")
    answers = {}
    for name, text, bindings in specs:
        receive, send = forks.Pipe(duplex=False)
        process = forks.Process(target=_rdflib_run, args=(dataset, text, bindings, repeat, limit / 2, send),
                                daemon=True)
        process.start()
        send.close()
        runs = []
        try:
            while len(runs) < repeat:
                if not receive.poll(limit):
                    answers[name] = Timing(timeout=limit)
                    break
                message = receive.recv()
                if message[0] == "error":
                    answers[name] = Timing(error=message[1])
                    break
                if message[0] == "done":
                    break
                runs.append(message[1:])
        except EOFError:
            answers[name] = Timing(error=f"rdflib's process died (exit status {process.exitcode})")
        finally:
            if process.is_alive():
                process.kill()
            process.join()
        if name not in answers:
            answers[name] = Timing.of(runs)
        report.send(("answer", name, answers[name]))
    report.send(("done", answers))


# --- queries --------------------------------------------------------------------------------------------------------

@dataclass
class Timing:
    median_ms: float | None = None
    p95_ms: float | None = None
    cpu_ms: float | None = None  # the query process's CPU time: steadier than wall time on a shared machine
    rows: int | None = None
    runs: int = 0
    timeout: float | None = None  # a run was stopped after this many seconds
    error: str | None = None
    as_of: str | None = None
    params: dict = field(default_factory=dict)
    note: str = ""

    @classmethod
    def of(cls, runs: list[tuple[float, int, float]], **more) -> Timing:
        times = sorted(seconds * 1000 for seconds, _, _ in runs)
        p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]  # nearest rank
        return cls(statistics.median(times), p95, statistics.median(cpu * 1000 for _, _, cpu in runs),
                   runs[-1][1], len(runs), **more)

    def cells(self) -> list[str]:
        if self.timeout:
            return [f"> {self.timeout:g} s", "", "", ""]
        if self.error:
            return ["error", "", "", ""]
        return [f"{self.median_ms:.1f}", f"{self.p95_ms:.1f}", f"{self.cpu_ms:.1f}", str(self.rows)]

    def short(self) -> str:
        return f"> {self.timeout:g} s" if self.timeout else "error" if self.error else f"{self.median_ms:.1f} ms"


def run_query(store: str, name: str, repeat: int, budget: float, limit: float) -> tuple[Timing, dict]:
    """The query's timing on the store, and the terms its parameters were bound to (for rdflib)."""
    receive, send = CHILDREN.Pipe(duplex=False)
    process = CHILDREN.Process(target=_time_query, args=(store, name, repeat, budget, send), daemon=True)
    process.start()
    send.close()
    runs, ready, bound = [], None, {}
    try:
        while True:
            if not receive.poll(limit):
                if ready:
                    return Timing(timeout=limit, as_of=ready[2], params=ready[1]), bound
                return Timing(error=f"opening the store and binding the parameters took more than {limit:g} s"), {}
            message = receive.recv()
            if message[0] == "error":
                return Timing(error=message[1]), {}
            if message[0] == "ready":
                ready, bound = message, message[4]
            elif message[0] == "run":
                runs.append(message[1:])
            elif message[0] == "done":
                break
    except EOFError:
        process.join()
        return Timing(error=f"its process died (exit status {process.exitcode})"), {}
    finally:
        if process.is_alive():
            process.kill()
        process.join()
    return Timing.of(runs[1:], as_of=ready[2], params=ready[1], note=ready[3]), bound


def time_queries(store: str, label: str, args) -> tuple[dict[str, Timing], dict[str, dict]]:
    timings, bindings = {}, {}
    for name in named_queries():
        timings[name], bindings[name] = run_query(store, name, args.repeat, args.query_budget, args.max_query_seconds)
        print(f"[{label}] {name}: {timings[name].short()}" + (f" ({timings[name].note})" if timings[name].note else ""),
              file=sys.stderr)
    return timings, bindings


def rdflib_queries(nquads: Path, bindings: dict[str, dict], args) -> tuple[Run, dict[str, Timing]]:
    """rdflib's parse of the N-Quads, and its timing of each query."""
    queries = named_queries()
    specs = [(name, queries[name].text, bound) for name, bound in bindings.items() if name in queries]
    receive, send = CHILDREN.Pipe(duplex=False)
    process = CHILDREN.Process(target=_rdflib_queries, args=(str(nquads), specs, args.rdflib_repeat,
                                                             args.rdflib_timeout, send))  # it forks: no daemon
    process.start()
    send.close()
    parsed = None
    try:
        while True:
            message = receive.recv()
            if message[0] == "error":
                raise BenchError(message[1])
            if message[0] == "parsed":
                parsed = message[1]
                print(f"[rdflib] parsed in {parsed.wall:.1f} s", file=sys.stderr)
            if message[0] == "answer":
                print(f"[rdflib] {message[1]}: {message[2].short()}", file=sys.stderr)
            if message[0] == "done":
                return parsed, message[1]
    except EOFError:
        process.join()
        raise BenchError(f"rdflib's queries died (exit status {process.exitcode})") from None
    finally:
        process.join()


# --- corpora and stores ---------------------------------------------------------------------------------------------

def corpus(size: int, seed: int) -> tuple[Path, dict]:
    """The corpus directory of that size and seed (generated once), and the generator's summary of it."""
    generator = hashlib.sha256((Path("bench") / "generate.py").read_bytes()).hexdigest()[:12]
    entry = CACHE / f"{size}-seed{seed}-{generator}"
    if not (entry / "summary.json").is_file():
        for stale in CACHE.glob(f"{size}-seed{seed}-*"):  # an older generator's, or a generation cut short
            shutil.rmtree(stale)
        print(f"[{size}] generating the corpus into {entry}", file=sys.stderr)
        partial = entry.with_name(entry.name + "-partial")
        summary = generate(size, partial / "corpus", seed)
        (partial / "summary.json").write_text(json.dumps(asdict(summary)) + "\n", encoding="utf-8")
        partial.rename(entry)
    return entry / "corpus", json.loads((entry / "summary.json").read_text(encoding="utf-8"))


def validated_load(store: Path, paths: list[Path], label: str) -> Run:
    """Load the files into the store (a fresh one, replacing a cached one) in a child; refused: BenchError."""
    for old in (store, store.with_name(store.name + ".lock")):
        shutil.rmtree(old) if old.is_dir() else old.unlink(missing_ok=True)
    message = in_child(_validated_load, str(store), [str(p) for p in paths])
    if message[0] == "invalid":
        problems, count = message[1:]
        raise BenchError(f"[{label}] the loader refused {', '.join(map(str, paths))}: {count} problem(s); the first "
                         f"{len(problems)}:\n" + "\n".join(problems))
    return message[1]


def cached_store(corpus_dir: Path, size: int, fresh: bool) -> tuple[Path, Run | None]:
    """The loaded store of the corpus (loaded now if `fresh` or not cached), and the load's figures if loaded."""
    store = corpus_dir.parent / f"store-{loader_digest()}"
    if not fresh and (store.parent / (store.name + ".quads")).is_file():
        return store, None
    for stale in corpus_dir.parent.glob("store-*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    print(f"[{size}] loading data/ and the corpus into {store}", file=sys.stderr)
    run = validated_load(store, [*SEED_DATA, corpus_dir], str(size))
    (store.parent / (store.name + ".quads")).write_text(f"{run.quads}\n", encoding="utf-8")  # the store is complete
    print(f"[{size}] loaded in {run.wall:.1f} s, {run.quads} quads", file=sys.stderr)
    return store, run


def store_quads(store: Path) -> int:
    return int((store.parent / (store.name + ".quads")).read_text(encoding="utf-8"))


def nquads_of(store: Path) -> Path:
    """The store dumped to N-Quads (once)."""
    dump = store.with_name(store.name + ".nq")
    if not dump.is_file():
        partial = dump.with_name(dump.name + ".partial")
        in_child(_dump, str(store), str(partial))
        partial.rename(dump)
    return dump


# --- phases ---------------------------------------------------------------------------------------------------------

def load_phase(size: int, summary: dict, run: Run, store: Path, scratch: Path, args, rdflib_parse: bool) -> dict:
    """The loads; rdflib's parse is left to the rdflib queries (`rdflib_parse` false), which parse the same file."""
    nquads = nquads_of(store)
    figures = {"validated": run, "facts": summary["facts"]}
    for method in ("bulk_load", "load"):
        if method == "load" and run.quads > args.store_load_max_quads:
            figures[method] = None
            continue
        print(f"[{size}] pyoxigraph Store.{method} of {nquads}", file=sys.stderr)
        figures[method] = in_child(_raw_load, method, str(scratch / f"{method}-{size}"), str(nquads))
        shutil.rmtree(scratch / f"{method}-{size}")
    if run.quads > args.rdflib_max_quads:
        figures["rdflib"] = None
    elif rdflib_parse:
        print(f"[{size}] rdflib parse of {nquads}", file=sys.stderr)
        figures["rdflib"] = in_child(_rdflib_parse, str(nquads))
    return figures


def standalone_article(corpus_dir: Path) -> Path:
    """The corpus's last article (by name) that loads beside the entities alone: one that names a
    government by its role (regime_of) needs the article of its rule, one that says it reports the
    same event as another article's report (same_as) needs that article."""
    for article in sorted((corpus_dir / "facts").glob("*.yaml"), reverse=True):
        text = article.read_text(encoding="utf-8")
        if "regime_of:" not in text and "same_as:" not in text:
            return article
    raise BenchError(f"no article of {corpus_dir} loads on its own")


def incremental_phase(size: int, corpus_dir: Path, store: Path, scratch: Path) -> dict:
    article = standalone_article(corpus_dir)
    big = scratch / "incremental-big"
    print(f"[{size}] incremental: {article.stem} out of a copy of the store, then loaded again", file=sys.stderr)
    shutil.copytree(store, big)
    removal = run_command([*sahelkg(), "remove", article.stem, "--store", str(big)])
    into_big = _load_into(big, article)
    small = scratch / "incremental-small"
    validated_load(small, [*SEED_DATA, corpus_dir / "bench-entities.yaml"], "incremental")
    into_small = _load_into(small, article)
    for directory in (big, small):
        shutil.rmtree(directory)
    return {"article": str(article), "remove": removal, "into_largest": into_big, "into_empty": into_small,
            "quads_before": store_quads(store)}


def _load_into(store: Path, article: Path) -> Run:
    message = in_child(_validated_load, str(store), [str(article)])
    if message[0] == "invalid":
        raise BenchError(f"the loader refused {article}:\n" + "\n".join(message[1]))
    return message[1]


def export_phase(size: int, store: Path, scratch: Path) -> dict:
    figures = {}
    for fmt in ("turtle", "nquads"):
        out = scratch / f"export.{fmt}"
        print(f"[{size}] sahelkg export --format {fmt}", file=sys.stderr)
        figures[fmt] = run_command([*sahelkg(), "export", "--format", fmt, "-o", str(out), "--store", str(store)])
        figures[fmt].note = f"{out.stat().st_size / 2**20:.1f} MB written"
        out.unlink()
    out = scratch / "dump.nq"
    print(f"[{size}] pyoxigraph Store.dump", file=sys.stderr)
    figures["dump"] = run_command([sys.executable, "-c", "import sys, pyoxigraph as ox; "
                                   "ox.Store.read_only(sys.argv[1]).dump(sys.argv[2], ox.RdfFormat.N_QUADS)",
                                   str(store), str(out)])
    figures["dump"].note = f"{out.stat().st_size / 2**20:.1f} MB written"
    out.unlink()
    return figures


def startup_phase(repeat: int) -> dict:
    store = CACHE / f"data-store-{loader_digest()}"
    if not (store.parent / (store.name + ".quads")).is_file():
        for stale in CACHE.glob("data-store-*"):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        run = validated_load(store, [Path("data")], "startup")
        (store.parent / (store.name + ".quads")).write_text(f"{run.quads}\n", encoding="utf-8")
    commands = {"query": [*sahelkg(), "query", "who-rules", "--param", "state=Niger", "--store", str(store)],
                "import": [sys.executable, "-c", "import pyoxigraph"]}
    # as a user's second command runs: the warm-up writes the bytecode (here in a folder of its own, and
    # even where PYTHONDONTWRITEBYTECODE is set, as on the machines this ran on), the timed runs read it
    env = {k: v for k, v in child_env().items() if k != "PYTHONDONTWRITEBYTECODE"}
    figures = {}
    with tempfile.TemporaryDirectory(prefix="sahelkg-bench-pycache-") as pycache:
        env["PYTHONPYCACHEPREFIX"] = pycache
        for key, argv in commands.items():
            print(f"[startup] {shlex.join(argv)}", file=sys.stderr)
            run_command(argv, env=env)  # warm-up: files in the page cache, bytecode written
            runs = [run_command(argv, env=env) for _ in range(repeat)]
            figures[key] = {"command": shlex.join(argv), "median": statistics.median(r.wall for r in runs),
                            "cpu": statistics.median(r.cpu for r in runs), "peak": max(r.peak for r in runs)}
    return figures


# --- tables ---------------------------------------------------------------------------------------------------------

@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # targets met or not, and what a figure means

    def text(self) -> str:
        widths = [max(len(r[i]) if i < len(r) else 0 for r in [self.header, *self.rows])
                  for i in range(len(self.header))]
        lines = [self.title, "-" * len(self.title)]
        for row in [self.header, *self.rows]:
            cells = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines + self.notes)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", "| " + " | ".join(self.header) + " |",
                 "|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.header))) + "|"]
        lines += ["| " + " | ".join(c or " " for c in row) + " |" for row in self.rows]
        return "\n".join(lines + ([""] + [f"- {n}" for n in self.notes] if self.notes else []))


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a is not None and b else "-"


def load_table(loads: dict[int, dict]) -> Table:
    table = Table("Load (validated load vs pyoxigraph and rdflib, same quads)",
                  ["articles", "facts", "quads", "loader", "wall", "CPU", "peak RSS", "facts/s", "quads/s",
                   "x bulk_load"])
    notes = []
    for size, f in loads.items():
        bulk = f["bulk_load"]
        for label, key in (("validated load", "validated"), ("Store.bulk_load", "bulk_load"),
                           ("Store.load", "load"), ("rdflib parse", "rdflib")):
            run: Run | None = f.get(key)
            first = [str(size), str(f["facts"]), str(f["validated"].quads)] if key == "validated" else ["", "", ""]
            if run is None:
                table.rows.append([*first, label, "skipped", "", "", "", "", ""])
                continue
            facts = f"{f['facts'] / run.wall:,.0f}" if key == "validated" else ""
            table.rows.append([*first, label, *run.cells(), facts, f"{run.quads / run.wall:,.0f}",
                               ratio(run.wall, bulk.wall)])
        slower = f["validated"].wall / bulk.wall
        notes.append(f"target at {size} articles: validated load at least half as fast as bulk_load "
                     f"(<= {LOAD_TARGET:g}x its time): {met(slower <= LOAD_TARGET)} ({slower:.1f}x)")
    table.notes = notes + ["Store.load is skipped above --store-load-max-quads, rdflib parse above --rdflib-max-quads; "
                           "quads/s of the validated load counts the store's quads (reports, facts, inferences, "
                           "ontology)"]
    return table


def incremental_table(f: dict, size: int) -> Table:
    big, small = f["into_largest"], f["into_empty"]
    table = Table(f"Incremental load (one article, {Path(f['article']).stem})",
                  ["into", "wall", "CPU", "peak RSS", "quads after"])
    table.rows = [[f"the {size}-article store", *big.cells(), str(big.quads)],
                  ["a store of data/ and the corpus's entities", *small.cells(), str(small.quads)],
                  ["(not timed against: `sahelkg remove` of it first)", *f["remove"].cells(), ""]]
    slower = big.wall / small.wall
    table.notes = [f"target: within {INCREMENTAL_TARGET:g}x of the empty store: {met(slower <= INCREMENTAL_TARGET)} "
                   f"({slower:.1f}x)"]
    if f["quads_before"] is not None:
        table.notes.append(f"the {size}-article store holds {big.quads} quads after, "
                           + ("as before the article went out" if big.quads == f["quads_before"]
                              else f"where it held {f['quads_before']} before the article went out"))
    return table


def query_table(queries: dict[int, dict[str, Timing]]) -> Table:
    sizes = list(queries)
    header = ["query", "as of"]
    for size in sizes:
        header += [f"{size}: median ms", "p95", "CPU", "rows"]
    if len(sizes) > 1:
        header.append(f"{sizes[-1]}/{sizes[0]}")
    table = Table("Named queries (in-process on the on-disk store, parameters of each query's example)", header)
    last = queries[sizes[-1]]
    for name in last:
        timings = [queries[s][name] for s in sizes]
        row = [name, timings[-1].as_of or ""]
        for t in timings:
            row += t.cells()
        if len(sizes) > 1:
            row.append(ratio(timings[-1].median_ms, timings[0].median_ms))
        table.rows.append(row)
    slow = [n for n, t in last.items() if t.median_ms is None or t.median_ms >= QUERY_TARGET_MS]
    where = f"at {sizes[-1]} articles" if isinstance(sizes[-1], int) else "on this store"
    table.notes = [f"target: every median under {QUERY_TARGET_MS} ms {where} (the issue: at 100k articles): "
                   + (met(True) if not slow else f"NOT met by {len(slow)} of {len(last)}: {', '.join(slow)}")]
    runs = {t.runs for q in queries.values() for t in q.values() if t.runs}
    if runs:
        table.notes.append(f"timed runs per query: {min(runs)} to {max(runs)} after a warm-up (fewer once "
                           "--query-budget is spent)")
    table.notes += [f"{n}: {t.note}" for n, t in last.items() if t.note]
    table.notes += [f"{s} articles, {n}: {t.error}" for s in sizes for n, t in queries[s].items() if t.error]
    return table


def rdflib_table(size: int, ours: dict[str, Timing], theirs: dict[str, Timing]) -> Table:
    table = Table(f"Named queries against rdflib ({size} articles, the same quads)",
                  ["query", "store median ms", "rdflib median ms", "rdflib / store", "rows store", "rows rdflib"])
    short, failing, stopped = [], [], []
    for name, t in ours.items():
        other = theirs.get(name, Timing(error="not run"))
        if other.timeout and t.median_ms:
            times = f"> {other.timeout * 1000 / t.median_ms:.0f}x"
            fast = other.timeout * 1000 / t.median_ms >= RDFLIB_TARGET
            if not fast:
                stopped.append(name)
                fast = True  # not known: said below
        elif other.median_ms is not None and t.median_ms:
            times, fast = ratio(other.median_ms, t.median_ms), other.median_ms / t.median_ms >= RDFLIB_TARGET
        else:
            times, fast = "-", False
        if other.error:
            failing.append(name)
        elif not fast:
            short.append(name)
        rdflib_ms = (f"> {other.timeout * 1000:.0f}" if other.timeout else "error" if other.error
                     else f"{other.median_ms:.1f}")
        table.rows.append([name, t.cells()[0], rdflib_ms, times, str(t.rows if t.rows is not None else ""),
                           str(other.rows if other.rows is not None else "")])
    table.notes = [f"target: at least {RDFLIB_TARGET:g}x faster than rdflib: "
                   + (met(True) if not short else f"NOT met by {len(short)} of {len(ours)}: {', '.join(short)}")
                   + (f"; not measured for {', '.join(failing)} (rdflib cannot answer them, below)" if failing else "")
                   + (f"; not known for {', '.join(stopped)} (rdflib stopped at --rdflib-timeout before 30x)"
                      if stopped else ""),
                   "'> Nx': rdflib was stopped at its timeout, so the ratio is at least that; rows that differ are "
                   "rdflib's reading of the query (its GROUP_CONCAT, its bound parameters)"]
    table.notes += [f"rdflib, {n}: {t.error}" for n, t in theirs.items() if t.error]
    return table


def export_table(f: dict, size: int) -> Table:
    dump = f["dump"]
    table = Table(f"Export of the {size}-article store (whole processes)",
                  ["command", "wall", "CPU", "peak RSS", "x raw dump", "output"])
    for key, label in (("turtle", "sahelkg export --format turtle"), ("nquads", "sahelkg export --format nquads"),
                       ("dump", "pyoxigraph Store.dump (N-Quads)")):
        run = f[key]
        table.rows.append([label, *run.cells(), ratio(run.wall, dump.wall), run.note])
    for key in ("turtle", "nquads"):
        run = f[key]
        table.notes.append(f"target, {key}: peak RSS under {mb(EXPORT_MEMORY_TARGET)}: "
                           f"{met(run.peak < EXPORT_MEMORY_TARGET)} ({mb(run.peak)}); at most "
                           f"{EXPORT_TIME_TARGET:g}x the raw dump's time: {met(run.wall <= EXPORT_TIME_TARGET * dump.wall)}"
                           f" ({run.wall / dump.wall:.1f}x)")
    table.notes.append("the export leaves out the materialised inferences; the raw dump writes every quad")
    return table


def startup_table(f: dict) -> Table:
    table = Table("Start-up (whole processes, median)", ["command", "wall", "CPU", "peak RSS"])
    for key in ("query", "import"):
        table.rows.append([f[key]["command"].replace(str(ROOT) + "/", ""), f"{f[key]['median']:.3f} s",
                           f"{f[key]['cpu']:.3f} s", mb(f[key]["peak"])])
    over = f["query"]["median"] - f["import"]["median"]
    table.notes = [f"target: within {STARTUP_TARGET:g} s of bare python importing pyoxigraph: "
                   f"{met(over <= STARTUP_TARGET)} (+{over:.3f} s)",
                   "after a warm-up run that writes the bytecode (PYTHONDONTWRITEBYTECODE is lifted for these runs)"]
    return table


def machine() -> dict:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    import rdflib

    memory = first("/proc/meminfo", "MemTotal")  # "24683584 kB"
    if memory.endswith(" kB"):
        memory = f"{int(memory.split()[0]) / 2**20:.1f} GiB"
    return {"cores": os.cpu_count(), "memory": memory,
            "cpu": first("/proc/cpuinfo", "model name"), "python": platform.python_version(),
            "pyoxigraph": ox.__version__, "rdflib": rdflib.__version__, "system": platform.platform()}


LIMITS = Path(__file__).resolve().parent / "LIMITS.md"  # hand-written: what limits each figure, and why


def markdown(tables: list[Table], about: dict) -> str:
    m = about["machine"]
    head = ["# Benchmark results", "",
            f"- date: {about['date']}",
            f"- machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory, {m['system']}",
            f"- python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}",
            f"- command: `{about['command']}`",
            f"- took: {about['seconds'] / 60:.1f} min", ""]
    targets = [f"- {t.title}: {n}" for t in tables for n in t.notes if n.startswith("target")]
    # what limits each figure is measured by hand (profiles), and kept beside the figures it explains
    limits = LIMITS.read_text(encoding="utf-8").strip() if LIMITS.exists() else ""
    return "\n".join(head + ["\n\n".join(t.markdown() for t in tables), "", "## Targets", "", *targets,
                             *(["", limits] if limits else [])]) + "\n"


def jsonable(value):
    if isinstance(value, (Run, Timing)):
        return asdict(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


# --- main -----------------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000",
                        help="corpus sizes in articles, comma-separated (default 100,1000; the issue's: 10000,100000)")
    parser.add_argument("--only", default=",".join(PHASES), help=f"phases to run, comma-separated ({','.join(PHASES)})")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each query, after one warm-up (default 20)")
    parser.add_argument("--query-budget", type=float, default=15,
                        help="stop repeating a query (after 3 runs) once its runs took this many seconds (default 15)")
    parser.add_argument("--seed", type=int, default=1, help="the corpus generator's seed (default 1)")
    parser.add_argument("--max-query-seconds", type=float, default=60,
                        help="a query run taking longer is stopped and reported as '> N s' (default 60)")
    parser.add_argument("--rdflib-size", type=int,
                        help="the size to run the queries on rdflib at (default: the smallest size >= 1000, else the "
                             "smallest)")
    parser.add_argument("--rdflib-max-quads", type=int, default=3_000_000,
                        help="rdflib parses no corpus larger than this (its memory: about 1.5 GB a million quads; "
                             "default 3,000,000, about 2,000 articles)")
    parser.add_argument("--store-load-max-quads", type=int, default=5_000_000,
                        help="pyoxigraph's transactional Store.load is not run on a corpus larger than this (it held "
                             "11.7 GB after 20 minutes of 13 million quads; default 5,000,000)")
    parser.add_argument("--rdflib-timeout", type=float, default=10,
                        help="an rdflib query run taking longer is stopped; no run starts after half of it is spent "
                             "(default 10 s)")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="timed runs of each query on rdflib (default 3)")
    parser.add_argument("--startup-repeat", type=int, default=5, help="runs of each start-up command (default 5)")
    parser.add_argument("--results", type=Path, help="write the tables as a Markdown report (bench/RESULTS.md)")
    parser.add_argument("--json", type=Path, help="write the raw figures as JSON")
    parser.add_argument("--store", help="time the queries on this store, already loaded (no corpus, no load)")
    args = parser.parse_args()
    command = shlex.join(["python", "bench/run.py", *sys.argv[1:]])
    results, json_out = (p and p.resolve() for p in (args.results, args.json))
    began = time.perf_counter()
    try:
        if args.store:
            store = str(Path(args.store).resolve())
            figures = {"store": store, "queries": {"store": time_queries(store, "store", args)[0]}}
            tables = [query_table(figures["queries"])]
            failed = any(t.error for t in figures["queries"]["store"].values())
        else:
            figures, tables, failed = main_run(args, parser)
    except BenchError as err:
        sys.exit(str(err))
    print("\n\n".join(t.text() for t in tables))
    about = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
             "command": command, "seconds": time.perf_counter() - began}
    if results:
        results.write_text(markdown(tables, about), encoding="utf-8")
        print(f"\nwrote {results}", file=sys.stderr)
    if json_out:
        targets = [f"{t.title}: {n}" for t in tables for n in t.notes if n.startswith("target")]
        json_out.write_text(json.dumps(jsonable({**about, **figures, "targets": targets}), indent=1) + "\n",
                            encoding="utf-8")
    if failed:
        sys.exit(1)


def main_run(args, parser) -> tuple[dict, list[Table], bool]:
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = [p for p in only if p not in PHASES]
    if unknown:
        parser.error(f"unknown phase(s) {', '.join(unknown)} (phases: {', '.join(PHASES)})")
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    rdflib_size = args.rdflib_size or next((s for s in sizes if s >= 1000), sizes[0])
    if "queries" in only and rdflib_size not in sizes:
        parser.error(f"--rdflib-size {rdflib_size} is not one of --sizes {args.sizes}")
    os.chdir(ROOT)
    return run(sizes, only, rdflib_size, args)


def run(sizes: list[int], only: list[str], rdflib_size: int, args) -> tuple[dict, list[Table], bool]:
    figures: dict = {"sizes": sizes, "phases": only}
    loads, queries, stores, corpora = {}, {}, {}, {}
    with tempfile.TemporaryDirectory(prefix="sahelkg-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        for size in sizes:
            corpus_dir, summary = corpus(size, args.seed)
            corpora[size] = corpus_dir
            needs_store = "load" in only or "queries" in only or (size == sizes[-1] and
                                                                  {"incremental", "export"} & set(only))
            if not needs_store:
                continue
            stores[size], loaded = cached_store(corpus_dir, size, fresh="load" in only)
            if "load" in only:
                loads[size] = load_phase(size, summary, loaded, stores[size], scratch, args,
                                         rdflib_parse=not ("queries" in only and size == rdflib_size))
            if "queries" in only:
                queries[size], bindings = time_queries(str(stores[size]), str(size), args)
                if size == rdflib_size:
                    if store_quads(stores[size]) > args.rdflib_max_quads:
                        figures["rdflib_queries"] = None
                    else:
                        print(f"[{size}] rdflib: parsing the N-Quads, then each query", file=sys.stderr)
                        parsed, figures["rdflib_queries"] = rdflib_queries(nquads_of(stores[size]), bindings, args)
                        if size in loads:
                            loads[size]["rdflib"] = parsed
        largest = sizes[-1]
        tables = []
        if loads:
            figures["load"] = loads
            tables.append(load_table(loads))
        if "incremental" in only:
            figures["incremental"] = incremental_phase(largest, corpora[largest], stores[largest], scratch)
            tables.append(incremental_table(figures["incremental"], largest))
        if queries:
            figures["queries"] = queries
            tables.append(query_table(queries))
            if figures.get("rdflib_queries") is not None:
                tables.append(rdflib_table(rdflib_size, queries[rdflib_size], figures["rdflib_queries"]))
            elif "rdflib_queries" in figures:
                tables.append(Table(f"Named queries against rdflib ({rdflib_size} articles)", ["skipped"],
                                    notes=[f"skipped: more quads than --rdflib-max-quads {args.rdflib_max_quads}"]))
        if "export" in only:
            figures["export"] = export_phase(largest, stores[largest], scratch)
            tables.append(export_table(figures["export"], largest))
        if "startup" in only:
            figures["startup"] = startup_phase(args.startup_repeat)
            tables.append(startup_table(figures["startup"]))
    failed = any(t.error for q in queries.values() for t in q.values())
    return figures, tables, failed


if __name__ == "__main__":
    main()
