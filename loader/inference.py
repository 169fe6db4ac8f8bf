"""Materialised inferences: what the ontology says follows from a graph, written beside it.

For each graph a load writes, the loader also writes ``<graph>/inferred`` (same transaction):

- every node's types up the class tree (a MilitaryJunta is a Regime, an Organization, an Actor);
- the types given by the domains and ranges of the properties used (a node with skg:hostState is
  a MilitaryPresence's fact; what skg:hostState points to is a State), to the nodes the graph
  describes: those it types, and its blank nodes. A node it only points to (an entity, another
  article's report, a vocabulary value) is typed by the graph that describes it, and the shapes
  check it has the type the property needs: typed again by every graph that points to it, Niger
  had its types in 24,000 graphs of a 10,000-article store;
- every triple again with each super-property (skg:hostState implies skg:involves), and with
  owl:inverseOf properties reversed.

Only the loaded graph is read, so the cost follows the size of what changed, not of the store.
Queries then need no property paths over the ontology: ``?r a skg:Regime`` finds juntas.
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import RDF, SKG
from .ontology import Ontology

INFERRED_SUFFIX = "/inferred"
_TYPE = ox.NamedNode(RDF + "type")
_REPORT = ox.NamedNode(SKG + "Report")


def inferred_graph(graph: str) -> str:
    return graph + INFERRED_SUFFIX


def is_inferred(graph: str) -> bool:
    return graph.endswith(INFERRED_SUFFIX)


def infer(quads: list[ox.Quad], ontology: Ontology, graph: str) -> list[ox.Quad]:
    """The entailed quads of one graph that it does not already hold, in the graph's inferred graph."""
    target = ox.NamedNode(inferred_graph(graph))
    asserted = {q.triple for q in quads}
    types: dict[ox.NamedNode | ox.BlankNode, set[str]] = {}
    triples: set[ox.Triple] = set()
    # a report says what a fact's roles are, it does not play them: its roles entail nothing
    # (the fact derived from it, in its facts graph, gets these inferences)
    reports = {q.subject for q in quads if q.predicate == _TYPE and q.object == _REPORT}
    # the nodes the graph types (and its blank nodes) are the ones it describes; the others it only
    # points to, or links by a derived triple (a regime skg:standsFor its state, in a fact's graph)
    described = {q.subject for q in quads if q.predicate == _TYPE}

    def describes(node) -> bool:
        return isinstance(node, ox.BlankNode) or node in described

    for q in quads:
        s, p, o = q.subject, q.predicate.value, q.object
        if q.predicate == _TYPE and isinstance(o, ox.NamedNode):
            types.setdefault(s, set()).add(o.value)
            continue
        if s in reports:
            continue
        if describes(s):
            for cls in ontology.domains.get(p, ()):
                types.setdefault(s, set()).add(cls)
        for parent in ontology.superproperties.get(p, ()):
            triples.add(ox.Triple(s, ox.NamedNode(parent), o))
        if not isinstance(o, ox.Literal):
            if describes(o):
                for cls in ontology.ranges.get(p, ()):
                    types.setdefault(o, set()).add(cls)
            for inverse in ontology.inverses.get(p, ()):
                triples.add(ox.Triple(o, ox.NamedNode(inverse), s))
    for node, classes in types.items():
        for cls in classes:
            for ancestor in ontology.superclasses.get(cls, {cls}):
                triples.add(ox.Triple(node, _TYPE, ox.NamedNode(ancestor)))
    return [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples - asserted]
