"""Deterministic exports that stream: the same graph gives the same bytes, whatever order it was
loaded in, and a graph of any size is written in bounded memory.

Every format is written from one order: each graph's statements as pyoxigraph's N-Triples lines,
sorted as bytes (in memory up to a budget, beyond it in sorted runs on disk merged as they are
written). Triple formats (Turtle, N-Triples) sort the lines of all graphs together, so the
statements come grouped by subject, each triple once; quad formats (TriG, N-Quads, JSON-LD) sort
them graph by graph, in graph-name order. Blank nodes (the ontology's OWL lists and axioms) get
content-derived labels (RDFC-1.0) over the graphs that hold them, so equal graphs give equal bytes.
Turtle and TriG are pyoxigraph's writer fed that order, with the project's prefixes; JSON-LD is
built in memory (use N-Quads or TriG for large graphs).
"""

from __future__ import annotations

import heapq
import io
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from .namespaces import PREFIXES, SOURCES_GRAPH
from .rdfterms import to_rdflib as _rdflib_term

if TYPE_CHECKING:
    import rdflib

_SOURCES = ox.NamedNode(SOURCES_GRAPH)
FORMATS = {
    "turtle": "ttl",
    "trig": "trig",
    "ntriples": "nt",
    "nquads": "nq",
    "jsonld": "jsonld",
}
_QUAD_FORMATS = ("trig", "nquads", "jsonld")
SORT_BUDGET = 64 << 20  # bytes of lines sorted in memory before a sorted run goes to disk
_BLOCK = 4096  # lines handed to pyoxigraph's parser (and written) at a time
_REPORT_EVERY = 1000  # graphs between two progress reports

# `progress(total, description)` gives a context whose value, `advance(n)`, is called as work is done
Progress = Callable[[int | None, str], AbstractContextManager[Callable[[int], None]]]


def to_rdflib(triples: Iterable[ox.Triple], prefixes: dict[str, str] = PREFIXES) -> rdflib.Graph:
    """pyoxigraph triples as an rdflib Graph (for pySHACL and owlready2)."""
    import rdflib  # here, not above: exports and queries never need it

    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in prefixes.items():
        graph.bind(prefix, iri, override=True, replace=True)
    for t in triples:
        graph.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
    return graph


def canonical(quads: Iterable[ox.Quad]) -> ox.Dataset:
    """The quads as a dataset whose blank nodes (the ontology's OWL lists and axioms) have
    content-derived labels (RDFC-1.0), so equal graphs compare and serialize equal."""
    dataset = ox.Dataset(quads)
    if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in dataset):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def _no_progress(total: int | None, description: str):
    return nullcontext(lambda n=1: None)


class _SortedLines:
    """Lines (bytes, each ending in a newline) given in any order, read back sorted and each once:
    sorted in memory up to `budget` bytes, beyond it in sorted runs in a temporary folder, merged."""

    def __init__(self, folder: str, budget: int | None = None):
        self.folder, self.budget = folder, budget or SORT_BUDGET
        self.lines: list[bytes] = []
        self.size = 0
        self.runs: list[str] = []
        self.count = 0  # lines added (with repeats)

    def extend(self, lines: list[bytes], size: int) -> None:
        self.lines.extend(lines)
        self.size += size
        self.count += len(lines)
        if self.size > self.budget:
            self._spill()

    def _spill(self) -> None:
        self.lines.sort()
        path = os.path.join(self.folder, f"run{len(self.runs)}")
        with open(path, "wb") as run:
            run.writelines(self.lines)
        self.runs.append(path)
        self.lines, self.size = [], 0

    def __iter__(self) -> Iterator[bytes]:
        self.lines.sort()
        if not self.runs:
            return (line for line, _ in itertools.groupby(self.lines))
        runs = [open(path, "rb") for path in self.runs]  # noqa: SIM115 - closed when the merge ends
        return self._merged(runs)

    def _merged(self, runs) -> Iterator[bytes]:
        try:
            yield from (line for line, _ in itertools.groupby(heapq.merge(*runs, self.lines)))
        finally:
            for run in runs:
                run.close()


def _graph_key(graph: ox.NamedNode | ox.DefaultGraph) -> bytes:
    # a quad line is sorted as "<graph>\t<triple line>": the default graph ("") first, then by name;
    # an IRI holds no tab, so one graph's lines stay together
    return b"" if isinstance(graph, ox.DefaultGraph) else f"<{graph.value}>".encode()


def _read_graphs(store: ox.Store, graphs: Iterable[ox.NamedNode | ox.DefaultGraph], quads: bool,
                 lines: _SortedLines, advance: Callable[[int], None]) -> None:
    """Every graph's statements into `lines`: pyoxigraph's own N-Triples writer, one graph at a time;
    a graph with blank nodes is held back, and all of those are labelled canonically together."""
    with_blank_nodes: list[ox.Quad] = []
    done = 0
    for graph in graphs:
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        if b"_:" in data:  # maybe a blank node (or just text): its labels are the store's own
            with_blank_nodes.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                                    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        elif data:
            _add(lines, graph, data.splitlines(keepends=True), len(data), quads)
        done += 1
        if done == _REPORT_EVERY:
            advance(done)
            done = 0
    advance(done)
    by_graph: dict = {}
    for quad in canonical(with_blank_nodes):
        by_graph.setdefault(quad.graph_name, []).append(quad.triple)
    for graph, triples in by_graph.items():
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        _add(lines, graph, data.splitlines(keepends=True), len(data), quads)


def _add(lines: _SortedLines, graph, triple_lines: list[bytes], size: int, quads: bool) -> None:
    if quads:
        key = _graph_key(graph) + b"\t"
        lines.extend([key + line for line in triple_lines], size + len(key) * len(triple_lines))
    else:
        lines.extend(triple_lines, size)


def _nquads(records: Iterable[bytes]) -> Iterator[bytes]:
    """Sorted "<graph>\\t<triple line>" records as N-Quads lines."""
    for record in records:
        key, _, line = record.partition(b"\t")
        yield line if not key else line[:-2] + key + b" .\n"


def _blocks(lines: Iterable[bytes], advance: Callable[[int], None]) -> Iterator[bytes]:
    """Lines joined a few thousand at a time; `advance` is told of each block."""
    lines = iter(lines)
    while batch := list(itertools.islice(lines, _BLOCK)):
        yield b"".join(batch)
        advance(len(batch))


def _parsed(blocks: Iterable[bytes], fmt: ox.RdfFormat) -> Iterator:
    # line formats: each block of whole lines parses on its own; blank node labels stay as written
    for block in blocks:
        yield from ox.parse(block, format=fmt)


class _Counted:
    """A binary file that counts the bytes written through it."""

    def __init__(self, file: BinaryIO):
        self.file, self.written = file, 0

    def write(self, data) -> int:
        self.written += len(data)
        return self.file.write(data)

    def flush(self) -> None:
        self.file.flush()


def write(store: ox.Store, out: BinaryIO, fmt: str = "turtle", graphs: Iterable[str] | None = None, *,
          default_graph: bool = True, count: int | None = None, progress: Progress | None = None) -> int:
    """Write the named `graphs` of the store (default: all but the store's record of where its graphs
    came from), and its default graph if it holds anything, to `out` in `fmt`, as they are read;
    returns the number of bytes written. Triple formats merge all graphs into one. `count`: how many
    graphs there are, for `progress`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    progress = progress or _no_progress
    if graphs is None:
        graphs = (g.value for g in store.named_graphs() if g != _SOURCES)
    chosen: Iterable = (ox.NamedNode(g) for g in graphs)
    if default_graph and next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
        chosen = itertools.chain([ox.DefaultGraph()], chosen)
        count = None if count is None else count + 1
    quads = fmt in _QUAD_FORMATS
    out = _Counted(out)
    with tempfile.TemporaryDirectory(prefix="sahelkg-export-") as folder:
        lines = _SortedLines(folder)
        with progress(count, "reading graphs") as advance:
            _read_graphs(store, chosen, quads, lines, advance)
        # a triple found in several graphs is written once: how many lines that leaves is not known yet
        with progress(lines.count if quads else None, f"writing {fmt}") as advance:
            _write_sorted(lines, out, fmt, advance)
    return out.written


def _write_sorted(lines: _SortedLines, out: BinaryIO, fmt: str, advance: Callable[[int], None]) -> None:
    blocks = _blocks(_nquads(lines) if fmt in _QUAD_FORMATS else lines, advance)
    if fmt in ("ntriples", "nquads"):
        for block in blocks:
            out.write(block)
    elif fmt == "turtle":
        ox.serialize(_parsed(blocks, ox.RdfFormat.N_TRIPLES), out, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    elif fmt == "trig":
        ox.serialize(_parsed(blocks, ox.RdfFormat.N_QUADS), out, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    else:
        out.write(_jsonld(list(_parsed(blocks, ox.RdfFormat.N_QUADS))))


def export(quads: Iterable[ox.Quad], fmt: str = "turtle") -> bytes:
    """Quads serialized (small data: they are held in memory); triple formats merge all graphs into one."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    store = ox.Store()  # in memory
    # where this store's graphs were loaded from is the store's own record, not data to share
    store.extend(q for q in quads if q.graph_name != _SOURCES)
    out = io.BytesIO()
    write(store, out, fmt)
    return out.getvalue()


# --- JSON-LD ---------------------------------------------------------------------------------------

def _sort_jsonld(value):
    if isinstance(value, dict):
        return {k: _sort_jsonld(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "", json.dumps(v, sort_keys=True)))
    return value


def _shortener(prefixes: dict[str, str]):
    by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def shorten(iri: str) -> str:
        for prefix, namespace in by_length:
            local = iri[len(namespace):]
            # a local name starting with // would be read back as an absolute IRI, not a prefixed one
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri
    return shorten


def _compact(value, shorten):
    """Expanded JSON-LD with IRIs in keys, @id and @type written with prefixes; values stay as they are."""
    if isinstance(value, list):
        return [_compact(v, shorten) for v in value]
    if not isinstance(value, dict):
        return value
    def iri(node: str) -> str:
        return node if node.startswith("_:") else shorten(node)

    compacted = {}
    for key, item in value.items():
        if key in ("@id", "@type"):
            compacted[key] = [iri(i) for i in item] if isinstance(item, list) else iri(item)
        elif key.startswith("@"):
            compacted[key] = _compact(item, shorten)
        else:
            compacted[shorten(key)] = _compact(item, shorten)
    return compacted


def _jsonld(quads: list[ox.Quad]) -> bytes:
    # oxigraph's own writer (one named graph object per graph), IRIs then shortened with the
    # project's prefixes; grouped by graph and subject, so each node is written once
    ordered = sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    expanded = json.loads(ox.serialize(ordered, format=ox.RdfFormat.JSON_LD))
    document = {"@context": dict(PREFIXES), "@graph": _compact(expanded, _shortener(PREFIXES))}
    return (json.dumps(_sort_jsonld(document), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
