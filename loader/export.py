"""Deterministic exports: the same graph gives the same bytes, whatever order it was loaded in.

pyoxigraph's own dump follows insertion order, so every format here imposes its own: Turtle and
TriG come from rdflib's Turtle writer (subjects and predicates sorted, statements grouped by
subject; the prefixes it used are declared from its own table, never read back from its text),
N-Triples and N-Quads are sorted lines, JSON-LD is oxigraph's, sorted by node id and key.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.plugins.serializers.turtle import TurtleSerializer

from .namespaces import PREFIXES, SOURCES_GRAPH
from .rdfterms import to_rdflib as _rdflib_term

_SOURCES = ox.NamedNode(SOURCES_GRAPH)
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


class _Statements(TurtleSerializer):
    """rdflib's Turtle writer, statements only: the caller declares the prefixes, from the ones this
    writer used (its `namespaces`), so no serialized text is ever parsed back."""

    def startDocument(self) -> None:
        self._started = True

    def label(self, node, position):
        # rdflib's triple-quoted form leaves some quotes unescaped (a text ending in \" breaks it):
        # escape every quote and backslash, keep the newlines as they are
        if isinstance(node, rdflib.Literal) and ("\n" in node or "\r" in node):
            text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
            if node.language:
                suffix = "@" + node.language
            elif node.datatype:
                suffix = "^^" + (self.get_pname(node.datatype, False) or node.datatype.n3())
            else:
                suffix = ""
            return f'"""{text}"""{suffix}'
        return super().label(node, position)


def _statements(graph: rdflib.Graph) -> tuple[dict[str, str], str]:
    """rdflib's Turtle statements of a graph, and the prefixes they use."""
    writer = _Statements(graph)
    stream = io.BytesIO()
    writer.serialize(stream)
    return {p: str(iri) for p, iri in writer.namespaces.items()}, stream.getvalue().decode("utf-8").strip("\n")


def _prefix_lines(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(prefixes.items()))


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


def export(quads: Iterable[ox.Quad], fmt: str = "turtle") -> bytes:
    """Serialize quads; triple formats merge all graphs into one."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    # where this store's graphs were loaded from is the store's own record, not data to share
    quads = list(canonical(q for q in quads if q.graph_name != _SOURCES))
    if fmt == "nquads":
        return _sorted_lines(quads, ox.RdfFormat.N_QUADS)
    triples = {q.triple for q in quads}
    if fmt == "ntriples":
        return _sorted_lines(triples, ox.RdfFormat.N_TRIPLES)
    union = to_rdflib(triples)
    used, body = _statements(union)
    if fmt == "turtle":
        return (_prefix_lines(used) + "\n" + body + "\n").encode("utf-8")
    # namespaces rdflib had to name itself (ns1, ...) keep those names in every graph
    prefixes = {p: str(iri) for p, iri in union.namespaces()}
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        by_graph[q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""].append(q.triple)
    if fmt == "trig":
        blocks, used = [], {}
        for name, triples_of_graph in sorted(by_graph.items()):
            graph_prefixes, body = _statements(to_rdflib(triples_of_graph, prefixes))
            used.update(graph_prefixes)
            # no re-indenting: it would change multi-line literals such as an article's text
            blocks.append(f"<{name}> {{\n{body}\n}}\n" if name else f"{{\n{body}\n}}\n")
        return (_prefix_lines(used) + "\n" + "\n".join(blocks)).encode("utf-8")
    # JSON-LD: oxigraph's own writer (one named graph object per graph), IRIs then shortened with
    # the project's prefixes; grouped by graph and subject, so each node is written once
    ordered = sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    expanded = json.loads(ox.serialize(ordered, format=ox.RdfFormat.JSON_LD))
    document = {"@context": dict(PREFIXES), "@graph": _compact(expanded, _shortener(PREFIXES))}
    return (json.dumps(_sort_jsonld(document), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
