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
from .rdfterms import to_rdflib as _rdflib_term

FORMATS = {
    "turtle": "ttl",
    "trig": "trig",
    "ntriples": "nt",
    "nquads": "nq",
    "jsonld": "jsonld",
}


def to_rdflib(triples: Iterable[ox.Triple], prefixes: dict[str, str] = PREFIXES) -> rdflib.Graph:
    """pyoxigraph triples as an rdflib Graph (for rdflib's writers, pySHACL and owlready2)."""
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


def _split_turtle(graph: rdflib.Graph) -> tuple[list[str], str]:
    """rdflib's Turtle as (prefix lines, statements); it declares only the prefixes it uses."""
    lines = graph.serialize(format="turtle").splitlines()
    prefixes = [line for line in lines if line.startswith("@prefix")]
    body = "\n".join(line for line in lines if not line.startswith("@prefix")).strip("\n")
    return prefixes, body


def _sorted_lines(terms: Iterable, fmt: ox.RdfFormat) -> bytes:
    lines = {ox.serialize([t], format=fmt) for t in terms}
    return b"".join(sorted(lines))


def _sort_jsonld(value):
    if isinstance(value, dict):
        # an "@list" is an RDF list: its order is data, not presentation
        return {k: [_sort_jsonld(i) for i in v] if k == "@list" else _sort_jsonld(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "", json.dumps(v, sort_keys=True)))
    return value


def export(quads: Iterable[ox.Quad], fmt: str = "turtle") -> bytes:
    """Serialize quads; triple formats merge all graphs into one."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    quads = list(canonical(quads))
    if fmt == "nquads":
        return _sorted_lines(quads, ox.RdfFormat.N_QUADS)
    triples = {q.triple for q in quads}
    if fmt == "ntriples":
        return _sorted_lines(triples, ox.RdfFormat.N_TRIPLES)
    union = to_rdflib(triples)
    prefix_lines, body = _split_turtle(union)
    if fmt == "turtle":
        return ("\n".join(prefix_lines) + "\n\n" + body + "\n").encode("utf-8")
    # namespaces rdflib had to name itself (ns1, ...) keep those names in every graph
    prefixes = {p: str(iri) for p, iri in union.namespaces()}
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        by_graph[q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""].append(q.triple)
    if fmt == "trig":
        blocks = []
        for name, triples_of_graph in sorted(by_graph.items()):
            _, body = _split_turtle(to_rdflib(triples_of_graph, prefixes))
            # no re-indenting: it would change multi-line literals such as an article's text
            blocks.append(f"<{name}> {{\n{body}\n}}\n" if name else f"{{\n{body}\n}}\n")
        return ("\n".join(prefix_lines) + "\n\n" + "\n".join(blocks)).encode("utf-8")
    # JSON-LD: one named graph object per graph, compacted with the project's prefixes
    dataset = rdflib.Dataset(default_union=False)
    for name, triples_of_graph in by_graph.items():
        target = dataset.graph(rdflib.URIRef(name)) if name else dataset.default_context
        for t in triples_of_graph:
            target.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
    document = json.loads(dataset.serialize(format="json-ld", context=dict(PREFIXES)))
    return (json.dumps(_sort_jsonld(document), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
