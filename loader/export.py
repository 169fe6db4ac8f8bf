"""Deterministic exports: the same graph gives the same bytes, whatever order it was loaded in.

pyoxigraph's own dump follows insertion order, so every format here imposes its own: Turtle and
TriG come from rdflib's Turtle writer (subjects and predicates sorted, statements grouped by
subject), N-Triples and N-Quads are sorted lines, JSON-LD is sorted by node id and key.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from .namespaces import PREFIXES

FORMATS = {
    "turtle": "ttl",
    "trig": "trig",
    "ntriples": "nt",
    "nquads": "nq",
    "jsonld": "jsonld",
}


def _rdflib_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode("utf-8") if data else "", format="nt")
    return graph


def _prefix_block() -> str:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(PREFIXES.items()))


def _turtle_body(graph: rdflib.Graph) -> str:
    text = graph.serialize(format="turtle")
    return "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip("\n")


def _sorted_lines(terms: Iterable, fmt: ox.RdfFormat) -> bytes:
    lines = {ox.serialize([t], format=fmt) for t in terms}
    return b"".join(sorted(lines))


def _sort_jsonld(value):
    if isinstance(value, dict):
        return {k: _sort_jsonld(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "", json.dumps(v, sort_keys=True)))
    return value


def export(quads: Iterable[ox.Quad], fmt: str = "turtle") -> bytes:
    """Serialize quads; triple formats merge all graphs into one."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    quads = list(quads)
    if fmt == "nquads":
        return _sorted_lines(quads, ox.RdfFormat.N_QUADS)
    triples = {q.triple for q in quads}
    if fmt == "ntriples":
        return _sorted_lines(triples, ox.RdfFormat.N_TRIPLES)
    if fmt == "turtle":
        return (_prefix_block() + "\n" + _turtle_body(_rdflib_graph(triples)) + "\n").encode("utf-8")
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        by_graph[q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""].append(q.triple)
    if fmt == "trig":
        blocks = []
        for name, triples_of_graph in sorted(by_graph.items()):
            body = _turtle_body(_rdflib_graph(triples_of_graph))
            body = "\n".join("    " + line if line else "" for line in body.splitlines())
            blocks.append(f"<{name}> {{\n{body}\n}}\n" if name else f"{{\n{body}\n}}\n")
        return (_prefix_block() + "\n" + "\n".join(blocks)).encode("utf-8")
    # JSON-LD: one named graph object per graph, compacted with the project's prefixes
    dataset = rdflib.Dataset()
    for name, triples_of_graph in by_graph.items():
        target = dataset.graph(rdflib.URIRef(name)) if name else dataset.default_context
        for triple in _rdflib_graph(triples_of_graph):
            target.add(triple)
    document = json.loads(dataset.serialize(format="json-ld", context=dict(PREFIXES)))
    return (json.dumps(_sort_jsonld(document), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
