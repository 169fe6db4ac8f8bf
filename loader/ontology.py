"""The ontology as the loader needs it: its triples, its class tree and its vocabularies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .namespaces import ONTOLOGY_DIR, ONTOLOGY_GRAPH, OWL, RDF, RDFS, SKG

_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_TYPE = ox.NamedNode(RDF + "type")
_NAMED_INDIVIDUAL = ox.NamedNode(OWL + "NamedIndividual")


@dataclass
class Ontology:
    quads: list[ox.Quad]
    superclasses: dict[str, set[str]] = field(default_factory=dict)  # class -> itself and all ancestors
    members: dict[str, set[str]] = field(default_factory=dict)  # vocabulary class -> its individuals
    superproperties: dict[str, set[str]] = field(default_factory=dict)  # property -> all its ancestors
    inverses: dict[str, set[str]] = field(default_factory=dict)  # property -> its owl:inverseOf (both ways)
    domains: dict[str, set[str]] = field(default_factory=dict)  # property -> named rdfs:domain classes
    ranges: dict[str, set[str]] = field(default_factory=dict)  # object property -> named rdfs:range classes
    # vocabulary class -> its individuals, in the order the ontology lists them (for shapes, README)
    vocabularies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # term -> its English rdfs:label
    comments: dict[str, str] = field(default_factory=dict)  # term -> its English rdfs:comment
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> its direct superclasses

    def is_a(self, types: set[str], cls: str) -> bool:
        return any(cls in self.superclasses.get(t, {t}) for t in types)

    def vocabulary(self, cls: str) -> set[str]:
        return self.members.get(cls, set())


def ontology_files(directory: Path = ONTOLOGY_DIR) -> list[Path]:
    # shapes are validation input, not part of the published ontology
    return sorted(p for p in directory.glob("*.ttl") if not p.name.endswith("shapes.ttl"))


@cache
def load_ontology(directory: Path = ONTOLOGY_DIR) -> Ontology:
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    quads: list[ox.Quad] = []
    for path in ontology_files(directory):
        with path.open("rb") as source:
            quads.extend(ox.Quad(q.subject, q.predicate, q.object, graph)
                         for q in ox.parse(source, format=ox.RdfFormat.TURTLE))
    parents: dict[str, set[str]] = defaultdict(set)
    property_parents: dict[str, set[str]] = defaultdict(set)
    inverses: dict[str, set[str]] = defaultdict(set)
    domains: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, set[str]] = defaultdict(set)
    typed: dict[str, set[str]] = defaultdict(set)
    object_properties = set()
    labels: dict[str, str] = {}
    comments: dict[str, str] = {}
    for q in quads:
        if (isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
                and q.object.language in ("en", None)):
            if q.predicate.value == RDFS + "label":
                labels.setdefault(q.subject.value, q.object.value)
            elif q.predicate.value == RDFS + "comment":
                comments.setdefault(q.subject.value, q.object.value)
        if not isinstance(q.subject, ox.NamedNode) or not isinstance(q.object, ox.NamedNode):
            continue  # anonymous class expressions are left to the reasoner
        s, p, o = q.subject.value, q.predicate.value, q.object.value
        if p == _SUBCLASS.value:
            parents[s].add(o)
        elif p == RDFS + "subPropertyOf":
            property_parents[s].add(o)
        elif p == OWL + "inverseOf":
            inverses[s].add(o)
            inverses[o].add(s)
        elif p == RDFS + "domain":
            domains[s].add(o)
        elif p == RDFS + "range":
            ranges[s].add(o)
        elif p == _TYPE.value:
            if o == OWL + "ObjectProperty":
                object_properties.add(s)
            elif q.object != _NAMED_INDIVIDUAL:
                typed[s].add(o)

    def ancestors(node: str, tree: dict[str, set[str]], seen: set[str]) -> set[str]:
        for parent in tree.get(node, ()):
            if parent not in seen:
                seen.add(parent)
                ancestors(parent, tree, seen)
        return seen

    classes = set(parents) | {p for ps in parents.values() for p in ps}
    superclasses = {c: ancestors(c, parents, {c}) for c in classes}
    superproperties = {p: ancestors(p, property_parents, set()) for p in property_parents}
    # a datatype property's range is a datatype, not a class of its values
    ranges = {p: rs - {OWL + "Thing"} for p, rs in ranges.items() if p in object_properties}
    domains = {p: ds - {OWL + "Thing"} for p, ds in domains.items()}
    members: dict[str, dict[str, None]] = defaultdict(dict)  # insertion-ordered: the files' order
    for individual, types in typed.items():
        for t in types:
            if t.startswith(SKG):
                members[t][individual] = None
    # the direct superclasses, in a stable order
    direct = {c: tuple(sorted(ps)) for c, ps in parents.items()}
    quads.sort(key=str)
    return Ontology(quads, superclasses, {c: set(m) for c, m in members.items()}, superproperties, dict(inverses),
                    domains, ranges, {c: tuple(m) for c, m in members.items()}, labels, comments, direct)
