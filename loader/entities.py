"""Entity resolution: every known entity by IRI and by each of its names, so that a fact file, a
query parameter or the browser can say "Niger" or "Tchiani" and mean one entity."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .namespaces import DECLARES_ENTITIES, GRAPH, OWL, RDFS, RECORDS_DECLARATIONS, SCHEMA, SK, SKOS, SOURCES_GRAPH, WD
from .problems import Problem
from .rdfterms import local as _local


@lru_cache(maxsize=1 << 16)  # the same few thousand names are compared for every file of a load
def normalize_name(name: str) -> str:
    """Names match whatever their case, accents, punctuation or spacing."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


@dataclass
class Entity:
    iri: str
    types: set[str]
    names: set[str]  # id, label and aliases
    label: str | None = None


class EntityIndex:
    """Every known entity by IRI and by each of its names."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.by_name: dict[str, set[str]] = defaultdict(set)

    def add(self, iri: str, types: set[str], names: set[str], label: str | None = None) -> None:
        entity = self.entities.setdefault(iri, Entity(iri, set(), set(), label))
        entity.types |= types
        entity.names |= names
        entity.label = entity.label or label
        for name in names | {iri.removeprefix(SK)}:
            self.by_name[normalize_name(name)].add(iri)

    def resolve(self, name: str) -> tuple[str | None, str | None]:
        """Return (iri, None) or (None, what is wrong, with near matches)."""
        if name.startswith(("http://", "https://")):
            if not name.startswith(SK):
                return None, f"'{name}' is not an entity of this project (its IRIs start with {SK})"
            if name not in self.entities:
                return None, f"no entity has the IRI <{name}>"
            return name, None
        found = self.by_name.get(normalize_name(name), set())
        if len(found) == 1:
            return next(iter(found)), None
        if found:
            options = ", ".join(sorted(self.entities[i].label or i for i in found))
            return None, f"'{name}' is ambiguous: it names {options}; use the entity's id"
        near = difflib.get_close_matches(normalize_name(name), list(self.by_name), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        return None, f"unknown entity '{name}'{hint} (declare it under 'entities:' if it is new)"


def known_entities(kg) -> EntityIndex:
    """Every entity the graph declares, by IRI and by name (here, not beside the loader, so that a
    query resolves names without importing the loader's parsing and validation)."""
    from .inference import INFERRED_SUFFIX

    index = EntityIndex()
    if kg is None:
        return index
    rows = kg.query(
        # anchored on labels, with the types asserted beside them in the same graph (an entity is
        # declared, label and kinds, in one file's graph): scanning every rdf:type instead reads each
        # report's and citation's too, ten times slower at 1,000 articles. Asserted types only: the
        # inferred ancestors follow from them through the ontology. Only the graphs that declare
        # entities, where the store records them.
        f"SELECT ?e ?type ?name ?label WHERE {{ {declaring_graphs(kg)}GRAPH ?g {{ ?e rdfs:label ?label . ?e a ?type }} "
        f"FILTER(STRSTARTS(STR(?e), STR(sk:)) && !STRENDS(STR(?g), '{INFERRED_SUFFIX}')) "
        "OPTIONAL { ?e skos:altLabel ?name } }"
    )
    for row in rows:
        names = {row["label"].value} | ({row["name"].value} if row["name"] else set())
        index.add(row["e"].value, {row["type"].value}, names, row["label"].value)
    return index


# Who may say what an entity is called. An article's file adds facts and new entities; the names and
# the Wikidata id of an entity already declared elsewhere are that file's (the reference file's, for
# the reference entities), so that no unrelated file can rename Niger "Mali" or make "Putin" ambiguous.
REFERENCE_GRAPH = GRAPH + "reference"
LABEL, ALIAS, WIKIDATA = RDFS + "label", SKOS + "altLabel", SCHEMA + "sameAs"
_SAME_AS = OWL + "sameAs"


@dataclass
class Declaration:
    """What one graph says an entity is called."""

    labels: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    wikidata: set[str] = field(default_factory=set)

    def add(self, predicate: str, value: str) -> None:
        {LABEL: self.labels, ALIAS: self.aliases, WIKIDATA: self.wikidata}[predicate].add(value)


def declarations_in(quads) -> dict[str, Declaration]:
    """entity IRI -> its labels, aliases and Wikidata ids in these quads."""
    found: dict[str, Declaration] = defaultdict(Declaration)
    for quad in quads:
        if quad.predicate.value in (LABEL, ALIAS, WIKIDATA) and quad.subject.value.startswith(SK):
            found[quad.subject.value].add(quad.predicate.value, quad.object.value)
    return found


def declaring_graphs(kg) -> str:
    """A pattern binding ?g to the graphs that declare entities, as the store records them, so the
    labels of facts (millions, in a large store) are not read; nothing (every graph is read) unless
    the store records them for every graph: it does when its first load was made by a sahelkg that
    records them, not when it was written otherwise (an older sahelkg, a bulk load, an update)."""
    recorded = kg.query(f"ASK {{ GRAPH <{SOURCES_GRAPH}> {{ <{SOURCES_GRAPH}> <{RECORDS_DECLARATIONS}> true }} }}")
    return f"GRAPH <{SOURCES_GRAPH}> {{ ?g <{DECLARES_ENTITIES}> true }} " if recorded else ""


def stored_declarations(kg, replaced: set[str]) -> dict[str, dict[str, Declaration]]:
    """graph -> entity -> what the graph says it is called, for every stored graph a batch does not replace."""
    graphs: dict[str, dict[str, Declaration]] = defaultdict(lambda: defaultdict(Declaration))
    if kg is None:
        return graphs
    rows = kg.query(f"SELECT ?g ?e ?p ?o WHERE {{ {declaring_graphs(kg)}VALUES ?p {{ rdfs:label skos:altLabel schema:sameAs }} "
                    "GRAPH ?g { ?e ?p ?o } FILTER(STRSTARTS(STR(?e), STR(sk:))) }")
    for row in rows:
        if row["g"].value not in replaced:
            graphs[row["g"].value][row["e"].value].add(row["p"].value, row["o"].value)
    return graphs


def entity_problems(files, stored: dict[str, dict[str, Declaration]]) -> list[Problem]:
    """Names and ids a batch's files may not give: a new label, alias or Wikidata id for an entity
    declared in another graph (unless in the reference file), a name already naming another entity,
    one Wikidata id on two entities, owl:sameAs between two of the project's entities."""
    batch = {item.graph: declarations_in(item.quads) for item in files}
    everywhere: dict[str, dict[str, Declaration]] = {**stored, **batch}
    owner_of_name: dict[str, set[str]] = defaultdict(set)
    owner_of_id: dict[str, set[str]] = defaultdict(set)
    for entities in everywhere.values():
        for iri, said in entities.items():
            for name in said.labels | said.aliases | {iri.removeprefix(SK)}:
                owner_of_name[normalize_name(name)].add(iri)
            for item in said.wikidata:
                owner_of_id[item].add(iri)
    problems = []
    for item in files:
        display, own = str(item.path), batch[item.graph]
        for quad in item.quads:
            s, o = quad.subject, quad.object
            if quad.predicate.value == _SAME_AS and s.value.startswith(SK) and o.value.startswith(SK) and s != o:
                problems.append(Problem(display, "same-as", f"<{s.value}> owl:sameAs <{o.value}> makes two of the "
                                        "project's entities one; they are distinct entities", fact=_named(s.value)))
        for iri, said in sorted(own.items()):
            where = _named(iri)
            if item.graph != REFERENCE_GRAPH:
                known = {graph: entities[iri] for graph, entities in everywhere.items()
                         if graph != item.graph and iri in entities}
                if known:
                    problems += [replace(p, line=_line(item, iri, p.field)) for p in _changes(display, iri, said, known)]
                    continue
                for name in sorted(said.labels | said.aliases):
                    others = sorted(owner_of_name[normalize_name(name)] - {iri})
                    if others:
                        problems.append(Problem(display, "name-taken", f"the name '{name}' already names "
                                                f"{', '.join(_local(o) for o in others)}; a name names one entity",
                                                line=_line(item, iri), fact=where))
            for wikidata in sorted(said.wikidata):
                others = sorted(owner_of_id[wikidata] - {iri})
                if others:
                    problems.append(Problem(display, "wikidata-id", f"{wikidata.removeprefix(WD)} is already the "
                                            f"Wikidata item of {', '.join(_local(o) for o in others)}; one item is one "
                                            "entity", line=_line(item, iri, "wikidata"), fact=where, field="wikidata"))
    return problems


def _changes(display: str, iri: str, said: Declaration, known: dict[str, Declaration]) -> list[Problem]:
    """What this file says of an entity declared elsewhere that is not said there."""
    labels = set().union(*(k.labels for k in known.values()))
    names = labels | set().union(*(k.aliases for k in known.values()))
    ids = set().union(*(k.wikidata for k in known.values()))
    where = "the reference file" if REFERENCE_GRAPH in known else "graph " + ", ".join(f"<{g}>" for g in sorted(known))
    new = [("label", v) for v in sorted(said.labels - labels)] + [("aliases", v) for v in sorted(said.aliases - names)]
    new += [("wikidata", v) for v in sorted(said.wikidata - ids)]
    return [Problem(display, "entity-owned", f"'{value.removeprefix(WD)}' would change {_what(key, labels, names, ids)} "
                    f"of {_local(iri)}, declared in {where}; a fact file adds facts and new entities, and an entity "
                    "changes only where it is declared", fact=_named(iri), field=key)
            for key, value in new]


def _what(key: str, labels: set[str], names: set[str], ids: set[str]) -> str:
    if key == "label":
        return "the label (" + " / ".join(f"'{v}'" for v in sorted(labels)) + ")"
    if key == "aliases":
        return "the names (" + ", ".join(f"'{v}'" for v in sorted(names)) + ")"
    return "the Wikidata item (" + (", ".join(v.removeprefix(WD) for v in sorted(ids)) or "none") + ")"


def _line(item, iri: str, key: str | None = None) -> int | None:
    """The line of an entity's declaration (or of one of its fields) in a fact file; RDF files have none."""
    entry = getattr(item, "declarations", {}).get(iri)
    if entry is None:
        return None
    return entry.key_lines.get(key, entry.line) if key else entry.line


def _named(iri: str) -> str:
    return f"entity '{_local(iri)}'"
