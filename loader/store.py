"""The embedded store: a pyoxigraph database on disk."""

from __future__ import annotations

import fcntl
import io
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import PREFIXES, SOURCES_GRAPH

DEFAULT_STORE = Path(".sahelkg") / "store"
STORE_ENV = "SAHELKG_STORE"


class StoreError(Exception):
    """The store cannot be opened or written; the message says why and what to do."""


class NoStore(StoreError):
    """Nothing has been loaded at this path yet."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"no store at {path}: load data first")


class StoreInUse(StoreError):
    """Another process holds the store's writer lock; `holder` says who, as it wrote in the lock file."""

    def __init__(self, path: Path, holder: str):
        self.path, self.holder = path, holder
        super().__init__(f"the store at {path} is in use by another process ({holder}); "
                         "wait for it to finish, then try again")


class StoreServed(StoreInUse):
    """`sahelkg serve` holds the store: writes go through its endpoint, or wait until it stops."""

    def __init__(self, path: Path, holder: str):
        self.path, self.holder = path, holder
        StoreError.__init__(self, f"the store at {path} is being served ({holder}); stop the server, then try again "
                            "(or serve it writable and load through its endpoint)")


def store_path(path: str | os.PathLike | None = None) -> Path:
    """The path given, else $SAHELKG_STORE, else .sahelkg/store in the current directory."""
    return Path(path or os.environ.get(STORE_ENV) or DEFAULT_STORE)


def writer_lock(path: Path, holder: str) -> object:
    """Take the store's writer lock (a file beside it), or say who holds it.

    RocksDB's own lock keeps out a second writer, but not `sahelkg serve`: the Oxigraph server opens
    the store read-only, and a write under a read-only process is undefined behaviour. So every
    writer and the server take this lock first. The kernel drops it when its process dies.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / (path.name + ".lock")
    lock = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the process's lifetime
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        who = lock.read().strip() or "a load"
        lock.close()
        raise (StoreServed if who.startswith("sahelkg serve") else StoreInUse)(path, who) from None
    name_holder(lock, holder)
    return lock


def name_holder(lock, holder: str) -> None:
    """Say in the lock file who holds it, for the message another process will print."""
    lock.seek(0)
    lock.truncate()
    lock.write(holder)
    lock.flush()


class _Stopped(Exception):
    """Raised into pyoxigraph's writer to end an abandoned evaluation."""


class _StoppingWriter(io.RawIOBase):
    """The bytes pyoxigraph serializes, gathered until `stop` is set: then the next write raises,
    which ends the evaluation (pyoxigraph writes while it evaluates)."""

    def __init__(self, stop: threading.Event):
        self.stop, self.parts = stop, []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.stop.is_set():
            raise _Stopped
        self.parts.append(bytes(data))
        return len(data)


def _read_whole(result, stop: threading.Event):
    """The whole answer, read in this thread: solutions as SPARQL JSON (to be parsed by the caller:
    pyoxigraph's solutions may not cross threads), triples as a list, a boolean as is."""
    if isinstance(result, ox.QuerySolutions):
        sink = _StoppingWriter(stop)
        result.serialize(sink, format=ox.QueryResultsFormat.JSON)
        return b"".join(sink.parts)
    if isinstance(result, ox.QueryTriples):
        triples = []
        for triple in result:
            if stop.is_set():
                raise _Stopped
            triples.append(triple)
        return triples
    return result


def within(seconds: float, work):
    """`work(stop)` run in a worker thread, given `seconds` to finish; else QueryTimeout.

    pyoxigraph evaluates in Rust without the GIL and cannot be interrupted from Python: the caller
    gets its answer (or the error) on time, and the abandoned evaluation ends at its next write of a
    result (`stop` is set), or, for a step that writes nothing until done (a sort, an aggregate),
    when that step ends or the process does. A command-line process therefore ends at once.
    """
    from .queries import QueryTimeout

    outcome: dict = {}
    stop = threading.Event()

    def run() -> None:
        try:
            outcome["answer"] = work(stop)
        except _Stopped:
            pass
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            # without its traceback, whose frames hold pyoxigraph objects that must die in this thread
            outcome["error"] = error.with_traceback(None)

    worker = threading.Thread(target=run, name="sahelkg-query", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        stop.set()
        raise QueryTimeout(seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["answer"]


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


@dataclass(frozen=True)
class Change:
    """How many quads a write added and took away (a graph written again counts both ways)."""

    added: int = 0
    removed: int = 0


def _replacing(replaced: dict[str, list[ox.Quad]], additions: list[ox.Quad], removals: list[ox.Quad]) -> str:
    """A SPARQL update that writes these graphs again, takes these quads away and adds these."""
    parts = [f"DROP SILENT GRAPH <{graph}>" for graph in replaced]
    if removals:
        parts.append("DELETE DATA {\n" + " .\n".join(
            f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in removals) + " .\n}")
    by_graph: dict[str, list[ox.Quad]] = {graph: list(quads) for graph, quads in replaced.items()}
    for quad in additions:
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    # one INSERT DATA for every graph: a blank node may be in several graphs (a file's and its
    # inferences), and SPARQL keeps it one node only within one INSERT DATA
    blocks = []
    for graph, quads in by_graph.items():
        if quads:
            body = " .\n".join(f"{q.subject} {q.predicate} {q.object}" for q in quads)
            blocks.append(f"GRAPH <{graph}> {{\n{body} .\n}}")
    if blocks:
        parts.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(parts)


class KnowledgeGraph:
    """The project's graph in a pyoxigraph store; every write is one transaction."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False, holder: str = "a load"):
        self.path = store_path(path)
        self.location = str(self.path)
        if read_only and not self.path.exists():
            raise NoStore(self.path)
        self._lock = None
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = writer_lock(self.path, holder)
        try:
            self.store = self._open_read_only() if read_only else ox.Store(str(self.path))
        except OSError as err:
            self._release_lock()
            if "lock" in str(err).lower():
                raise StoreError(
                    f"the store at {self.path} is in use by another process (a load or 'sahelkg serve'); "
                    "wait for it to finish or stop it, then try again"
                ) from None
            raise StoreError(f"cannot open the store at {self.path}: {err}") from None
        except RuntimeError as err:  # RocksDB's "Corruption: ...": the files are not a store any more
            self._release_lock()
            raise StoreError(f"the store at {self.path} is damaged ({' '.join(str(err).split())}); "
                             "load the data into a new store") from None
        except BaseException:
            self._release_lock()
            raise

    def _open_read_only(self, attempts: int = 10) -> ox.Store:
        # A read-only open that meets a writer deleting its old files fails with RuntimeError
        # ("Corruption: ... No such file"): the store is fine, the moment is not. Try again.
        for attempt in range(attempts):
            try:
                return ox.Store.read_only(str(self.path))
            except RuntimeError:
                if attempt == attempts - 1:
                    raise StoreError(
                        f"the store at {self.path} cannot be read: another process (a load) is rewriting it, "
                        "or it is damaged; try again when the load has finished, and if this persists, "
                        "load the data into a new store"
                    ) from None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def query(self, sparql: str, substitutions: dict | None = None, *, timeout: float | None = None):
        """The answer as pyoxigraph gives it; with a `timeout` (seconds), read whole within it or
        QueryTimeout (see `within`)."""
        if substitutions:
            from .queries import inline

            # written into the text: pyoxigraph plans a query before it substitutes, so a bound
            # parameter is planned as unknown and the match starts elsewhere (from every contact
            # of the store, not the state's: 4x slower at 1,000 articles)
            sparql, substitutions = inline(sparql, substitutions), None

        def evaluate():
            return self.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)

        if timeout is None:
            return evaluate()
        answer = within(timeout, lambda stop: _read_whole(evaluate(), stop))
        if isinstance(answer, bytes):  # solutions are parsed here: pyoxigraph's stay in their thread
            return ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
        return answer

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]],
                       sources: dict[str, list[ox.Quad]] | None = None, *, atomic: bool = True) -> Change:
        """Replace each named graph with the given quads, and the store's records of where graphs were
        loaded from (``sources``: graph -> its records, quads of SOURCES_GRAPH about it, none to
        forget it, and about its entities, which are only added), all in one transaction.

        A graph whose content would not change is left alone, so that reloading the same files
        leaves the store byte-identical (rewriting would relabel the ontology's blank nodes). What
        only adds quads (a new article's graphs, new records of sources) is added with ``extend``,
        which is twice as fast as the same quads in a SPARQL update; a graph whose quads change
        otherwise is dropped and written again in the update, which then carries the additions too.
        Every step reads only the graphs written, never the whole store.

        Not ``atomic`` (a batch of a large load): the additions first, in one transaction, then the
        graphs written again, in another; a load interrupted between the two has added its articles
        and not yet rewritten the facts they join, and loading the same files again rewrites them.
        """
        additions, removals, replaced, dropped = self._changes(graphs, sources or {})
        if (replaced or removals) and atomic:
            # one SPARQL update is one transaction: either every graph is replaced or none is
            self.store.update(_replacing(replaced, additions, removals))
        else:
            if additions:
                self.store.extend(additions)  # one transaction too
            if replaced or removals:
                self.store.update(_replacing(replaced, [], removals))
        self.store.flush()
        return Change(len(additions) + sum(len(set(q)) for q in replaced.values()), len(removals) + dropped)

    def _changes(self, graphs: dict[str, list[ox.Quad]], sources: dict[str, list[ox.Quad]]):
        """The quads to add, those to take away, the graphs to write again whole, and how many quads
        those held."""
        from .export import canonical

        additions: list[ox.Quad] = []
        replaced: dict[str, list[ox.Quad]] = {}
        dropped = 0
        for graph, quads in sorted(graphs.items()):
            if not self.store.contains_named_graph(ox.NamedNode(graph)):
                additions += quads
                continue
            current, wanted = set(self.quads(graph)), set(quads)
            if current <= wanted and not any(_has_blank_node(q) for q in current):
                additions += wanted - current  # nothing to take away: only add (nothing, if it is the same)
            elif len(current) != len(wanted) or canonical(current) != canonical(wanted):
                replaced[graph] = quads
                dropped += len(current)
        removals: list[ox.Quad] = []
        held_in = ox.NamedNode(SOURCES_GRAPH)
        for graph, records in sorted(sources.items()):
            current = set(self.store.quads_for_pattern(ox.NamedNode(graph), None, None, held_in))
            wanted = set(records)
            removals += current - wanted
            # the records about the graph's entities (their names) are added where missing, never taken away
            additions += [q for q in wanted - current if q.subject.value == graph or q not in self.store]
        return list(dict.fromkeys(additions)), removals, replaced, dropped  # a file may state a triple twice

    def graphs_present(self, graphs: Iterable[str]) -> set[str]:
        """Which of these graphs the store holds (looked up one by one: the store may hold millions)."""
        return {g for g in graphs if self.store.contains_named_graph(ox.NamedNode(g))}

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        target = ox.NamedNode(graph) if graph else None
        return self.store.quads_for_pattern(None, None, None, target)

    def count(self, graph: str) -> int:
        return sum(1 for _ in self.quads(graph))

    def counts(self, graphs=None) -> dict[str, int]:
        """Quads per named graph: every graph, or those given (a graph that holds nothing is left out)."""
        found = {g: self.count(g) for g in (self.named_graphs() if graphs is None else graphs)}
        return {g: n for g, n in found.items() if n}

    def rdflib_graph(self):
        """Every graph merged into one rdflib Graph (for the reasoner)."""
        from .export import to_rdflib

        return to_rdflib({q.triple for q in self.quads()})

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self.store)

    def update(self, sparql: str) -> None:
        """Run a SPARQL UPDATE as given (one transaction); `load` is the validated way in."""
        self.store.update(sparql, prefixes=PREFIXES)
        self.store.flush()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def close(self) -> None:
        """Release the store (and its locks) now rather than when garbage collected."""
        self.__dict__.pop("store", None)
        self._release_lock()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
