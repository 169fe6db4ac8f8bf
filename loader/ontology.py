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
    typed: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate == _SUBCLASS and isinstance(q.object, ox.NamedNode):
            parents[q.subject.value].add(q.object.value)
        elif q.predicate == _TYPE and isinstance(q.subject, ox.NamedNode) and q.object != _NAMED_INDIVIDUAL:
            typed[q.subject.value].add(q.object.value)

    def ancestors(cls: str, seen: set[str]) -> set[str]:
        for parent in parents.get(cls, ()):
            if parent not in seen:
                seen.add(parent)
                ancestors(parent, seen)
        return seen

    classes = set(parents) | {p for ps in parents.values() for p in ps}
    superclasses = {c: ancestors(c, {c}) for c in classes}
    members: dict[str, set[str]] = defaultdict(set)
    for individual, types in typed.items():
        for t in types:
            if t.startswith(SKG):
                members[t].add(individual)
    quads.sort(key=str)
    return Ontology(quads, superclasses, dict(members))
