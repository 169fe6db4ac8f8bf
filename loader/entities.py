"""Entity resolution: every known entity by IRI and by each of its names, so that a fact file, a
query parameter or the browser can say "Niger" or "Tchiani" and mean one entity."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pyoxigraph as ox

from .namespaces import (
    DECLARES_ENTITIES,
    GRAPH,
    NAME_KEY,
    OWL,
    RDFS,
    RECORDS_DECLARATIONS,
    RECORDS_NAMES,
    SCHEMA,
    SK,
    SKOS,
    SOURCES_GRAPH,
    WD,
)
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
    label_rank: tuple = ()  # which of several labels is the label: see EntityIndex.add
    declared_in: set[str] = field(default_factory=set)  # graphs (a batch's files: their paths) that declare it


class EntityIndex:
    """Every known entity by IRI and by each of its names."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.by_name: dict[str, set[str]] = defaultdict(set)

    def add(self, iri: str, types: set[str], names: set[str], label: str | None = None,
            language: str | None = None, declared_in: str | None = None) -> None:
        """An entity's types, names and a label (in a `language`), as a graph declares it. Of several
        labels (an RDF file may give one a language) the label is one without a language, else in
        English, else the first by language and text: the same whatever order they are read in."""
        entity = self.entities.setdefault(iri, Entity(iri, set(), set()))
        entity.types |= types
        entity.names |= names
        if declared_in is not None:
            entity.declared_in.add(declared_in)
        if label is not None:
            rank = (0 if not language else 1 if language.lower().startswith("en") else 2, language or "", label)
            if not entity.label_rank or rank < entity.label_rank:
                entity.label, entity.label_rank = label, rank
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
        near = self.near(name)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        return None, f"unknown entity '{name}'{hint} (declare it under 'entities:' if it is new)"

    def near(self, name: str) -> list[str]:
        """Known names close to a name that names no entity (normalised, as they are compared)."""
        if name.startswith(("http://", "https://")):
            return []
        return difflib.get_close_matches(normalize_name(name), list(self.by_name), n=3, cutoff=0.6)

    def look_up(self, iris) -> None:
        """Have these IRIs' entities at hand (this index holds every entity already)."""

    def stored_as(self, iri: str, cls: str) -> bool:
        """Whether the store says the entity is a `cls`; False where there is no store to ask (the
        ontology then decides)."""
        return False


class _ReadOnAsking(dict):
    """IRI -> Entity, reading from the store an IRI first asked for (`[]`, `in`, `get`)."""

    def __init__(self, index: StoreEntities):
        super().__init__()
        self._index = index

    def __missing__(self, iri: str) -> Entity:
        self._index.look_up([iri])
        if dict.__contains__(self, iri):
            return dict.__getitem__(self, iri)
        raise KeyError(iri)

    def __contains__(self, iri: object) -> bool:
        if not dict.__contains__(self, iri) and isinstance(iri, str):
            self._index.look_up([iri])
        return dict.__contains__(self, iri)

    def get(self, iri, default=None):
        return self[iri] if iri in self else default


class StoreEntities(EntityIndex):
    """The store's entities, read as they are asked for: a name through the store's record of the
    names of the entities (graph/sources, ``skg:nameKey``), an IRI directly. Resolving a file's or
    a query's few names then costs a few look-ups, not a read of every entity (tens of thousands in
    a large store: seconds at 1,000 generated articles, tens of seconds at 10,000). What is added
    (a batch's own entities) is held beside what is read."""

    def __init__(self, kg) -> None:
        super().__init__()
        self.kg = kg
        self.entities = _ReadOnAsking(self)
        self._iris: set[str] = set()  # IRIs looked up, found or not
        self._keys: set[str] = set()  # names looked up
        self._recorded: set[str] | None = None  # every recorded name, once an unknown name needs them

    def resolve(self, name: str) -> tuple[str | None, str | None]:
        if not name.startswith(("http://", "https://")):
            self.look_up_names([name])
        return super().resolve(name)  # an IRI is looked up as it is asked for

    def look_up_names(self, names) -> None:
        """Read the entities that have (or had) any of these names."""
        keys = sorted({normalize_name(n) for n in names} - self._keys)
        self._keys.update(keys)
        self.look_up(named_by(self.kg, keys))

    def look_up(self, iris) -> None:
        wanted = sorted({i for i in iris if i.startswith(SK)} - self._iris)
        self._iris.update(wanted)
        for part in _parts(wanted):
            values = " ".join(f"<{i}>" for i in part)
            _add_rows(self, self.kg.query(f"SELECT ?e ?type ?name ?label ?g WHERE {{ VALUES ?e {{ {values} }} "
                                          f"{_entity_pattern()} }}"))

    def stored_as(self, iri: str, cls: str) -> bool:
        # one look-up in a graph that declares it and in that graph's inferences (each ancestor class
        # is there), instead of reading the ontology: 35 ms of a query's start-up. Not in any graph: a
        # graph that only says something of it may infer a type from a range
        from .inference import INFERRED_SUFFIX

        return bool(self.kg.query(
            f"ASK {{ GRAPH ?declaring {{ <{iri}> rdfs:label ?label ; a ?type }} GRAPH ?typing {{ <{iri}> a <{cls}> }} "
            f"FILTER(?typing = ?declaring || STR(?typing) = CONCAT(STR(?declaring), '{INFERRED_SUFFIX}')) }}"))

    def near(self, name: str) -> list[str]:
        """The names the store records or this index holds that are close to it, best first, each
        still a name (a record may outlive its name): the nearest three."""
        if name.startswith(("http://", "https://")):
            return []
        if self._recorded is None:  # read once: an unknown name's message and its error both ask
            rows = self.kg.query(f"SELECT DISTINCT ?k WHERE {{ GRAPH <{SOURCES_GRAPH}> {{ ?e <{NAME_KEY}> ?k }} }}")
            self._recorded = {row["k"].value for row in rows}
        names = self._recorded | set(self.by_name)
        found: list[str] = []
        for close in difflib.get_close_matches(normalize_name(name), list(names), n=max(len(names), 1), cutoff=0.6):
            self.look_up_names([close])
            if self.by_name.get(close):
                found.append(close)
            if len(found) == 3:
                break
        return found


_PER_QUERY = 200  # values in one VALUES block


def _parts(values: list[str]) -> list[list[str]]:
    return [values[start:start + _PER_QUERY] for start in range(0, len(values), _PER_QUERY)]


def entity_index(kg) -> EntityIndex:
    """The entities of the graph: looked up as they are asked for where the store records their
    names (a store whose first load was made by this version), else read whole."""
    if kg is not None and records_names(kg):
        return StoreEntities(kg)
    return known_entities(kg)


def records_names(kg) -> bool:
    """Whether the store records the names of every graph's entities (its first load did)."""
    return kg is not None and bool(kg.query(f"ASK {{ GRAPH <{SOURCES_GRAPH}> {{ <{SOURCES_GRAPH}> <{RECORDS_NAMES}> true }} }}"))


def named_by(kg, keys) -> set[str]:
    """The entities the store records with any of these (normalised) names. A record outlives a
    name an entity no longer has (records are only added): what is read of the entity decides."""
    found: set[str] = set()
    for part in _parts(sorted(keys)):
        rows = kg.query(f"SELECT DISTINCT ?e WHERE {{ VALUES ?k {{ {' '.join(str(ox.Literal(k)) for k in part)} }} "
                        f"GRAPH <{SOURCES_GRAPH}> {{ ?e <{NAME_KEY}> ?k }} }}")
        found |= {row["e"].value for row in rows}
    return found


def name_keys(quads) -> list[tuple[str, str]]:
    """(entity, name normalised) for the names quads of one graph give the project's entities: each
    label and alias, and the id of each entity named, as the index matches them."""
    keys: set[tuple[str, str]] = set()
    for quad in quads:
        iri = quad.subject.value
        if quad.predicate.value in (LABEL, ALIAS) and iri.startswith(SK) and isinstance(quad.subject, ox.NamedNode):
            keys.add((iri, normalize_name(quad.object.value)))
            keys.add((iri, normalize_name(iri.removeprefix(SK))))
    return sorted(keys)


def known_entities(kg) -> EntityIndex:
    """Every entity the graph declares, by IRI and by name (here, not beside the loader, so that a
    query resolves names without importing the loader's parsing and validation)."""
    index = EntityIndex()
    if kg is None:
        return index
    rows = kg.query(
        # anchored on labels, with the types asserted beside them in the same graph (an entity is
        # declared, label and kinds, in one file's graph): scanning every rdf:type instead reads each
        # report's and citation's too, ten times slower at 1,000 articles. Asserted types only: the
        # inferred ancestors follow from them through the ontology. Only the graphs that declare
        # entities, where the store records them.
        f"SELECT ?e ?type ?name ?label ?g WHERE {{ {declaring_graphs(kg)}{_entity_pattern()} "
        "FILTER(STRSTARTS(STR(?e), STR(sk:))) }"
    )
    _add_rows(index, rows)
    return index


def _entity_pattern() -> str:
    """An entity is declared, label and kinds, in a file's graph (not in a graph of inferences, whose
    types are the ontology's ancestors of the asserted ones); its aliases may be given in any graph."""
    from .inference import INFERRED_SUFFIX  # not above: the ontology's module, which queries need not read

    return (f"GRAPH ?g {{ ?e rdfs:label ?label . ?e a ?type }} FILTER(!STRENDS(STR(?g), '{INFERRED_SUFFIX}')) "
            "OPTIONAL { ?e skos:altLabel ?name }")


def _add_rows(index: EntityIndex, rows) -> None:
    for row in rows:
        names = {row["label"].value} | ({row["name"].value} if row["name"] else set())
        EntityIndex.add(index, row["e"].value, {row["type"].value}, names, row["label"].value, row["label"].language,
                        row["g"].value)


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


def stored_declarations(kg, replaced: set[str], about: dict[str, dict[str, Declaration]] | None = None
                        ) -> dict[str, dict[str, Declaration]]:
    """graph -> entity -> what the graph says it is called, for the stored graphs a batch does not
    replace: every entity, or, given ``about`` (the batch's own declarations) in a store that
    records names, the entities that are the batch's, have one of its names or one of its Wikidata
    ids, which is all that `entity_problems` compares them with."""
    graphs: dict[str, dict[str, Declaration]] = defaultdict(lambda: defaultdict(Declaration))
    if kg is None:
        return graphs
    pattern = ("VALUES ?p { rdfs:label skos:altLabel schema:sameAs } GRAPH ?g { ?e ?p ?o } "
               "FILTER(STRSTARTS(STR(?e), STR(sk:)))")
    if about is None or not records_names(kg):
        queries = [f"SELECT ?g ?e ?p ?o WHERE {{ {declaring_graphs(kg)}{pattern} }}"]
    else:
        # by entity: one an article names by its role (a state's armed forces) is declared by
        # every article that names it so, and those graphs are read for it alone
        queries = [f"SELECT ?g ?e ?p ?o WHERE {{ VALUES ?e {{ {' '.join(f'<{i}>' for i in part)} }} {pattern} "
                   f"GRAPH <{SOURCES_GRAPH}> {{ ?g <{DECLARES_ENTITIES}> true }} }}"
                   for part in _parts(sorted(_concerned(kg, about)))]
    for query in queries:
        for row in kg.query(query):
            if row["g"].value not in replaced:
                graphs[row["g"].value][row["e"].value].add(row["p"].value, row["o"].value)
    return graphs


def _concerned(kg, about: dict[str, dict[str, Declaration]]) -> set[str]:
    """The batch's entities, and the stored ones with one of their names or Wikidata ids."""
    iris = {iri for entities in about.values() for iri in entities}
    names = {iri.removeprefix(SK) for iri in iris}
    names |= {n for entities in about.values() for said in entities.values() for n in said.labels | said.aliases}
    ids = sorted({i for entities in about.values() for said in entities.values() for i in said.wikidata})
    iris |= named_by(kg, {normalize_name(n) for n in names})
    for part in _parts(ids):
        rows = kg.query(f"SELECT DISTINCT ?e WHERE {{ VALUES ?o {{ {' '.join(f'<{i}>' for i in part)} }} "
                        "GRAPH ?g { ?e schema:sameAs ?o } FILTER(STRSTARTS(STR(?e), STR(sk:))) }")
        iris |= {row["e"].value for row in rows}
    return iris


def entity_problems(files, stored: dict[str, dict[str, Declaration]],
                    batch: dict[str, dict[str, Declaration]] | None = None) -> list[Problem]:
    """Names and ids a batch's files may not give: a new label, alias or Wikidata id for an entity
    declared in another graph (unless in the reference file), a name already naming another entity,
    one Wikidata id on two entities, owl:sameAs between two of the project's entities. ``batch``:
    the files' own declarations (graph -> `declarations_in` its quads), when already read."""
    from .roles import FORCES_PREFIX, armed_forces_iri  # a load's, not a query's: its dataclasses cost a query's start-up

    batch = {item.graph: declarations_in(item.quads) for item in files} if batch is None else batch
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
        # a state's armed forces, declared beside it, change with it: the state's problem says so
        beside = {armed_forces_iri(iri): iri for iri in getattr(item, "declarations", {})}
        found: dict[str, list[Problem]] = defaultdict(list)  # entity -> its problems
        for iri, said in sorted(own.items()):
            where, line = _named(iri), _line(item, beside.get(iri, iri))
            if item.graph != REFERENCE_GRAPH:
                known = {graph: entities[iri] for graph, entities in everywhere.items()
                         if graph != item.graph and iri in entities}
                if known and iri in beside:
                    continue
                if known:
                    found[iri] += [replace(p, line=_line(item, iri, p.field)) for p in _changes(display, iri, said, known)]
                    continue
                for name in sorted(said.labels | said.aliases):
                    others = sorted(owner_of_name[normalize_name(name)] - {iri})
                    if others:
                        hint = ("; a state's armed forces are declared beside it, and a fact names them "
                                "{armed_forces_of: <state>}" if any(o.startswith(FORCES_PREFIX) for o in others) else "")
                        found[iri].append(Problem(display, "name-taken", f"the name '{name}' already names "
                                                  f"{', '.join(_local(o) for o in others)}; a name names one "
                                                  f"entity{hint}", line=line, fact=where))
            for wikidata in sorted(said.wikidata):
                others = sorted(owner_of_id[wikidata] - {iri})
                if others:
                    found[iri].append(Problem(display, "wikidata-id", f"{wikidata.removeprefix(WD)} is already the "
                                              f"Wikidata item of {', '.join(_local(o) for o in others)}; one item is "
                                              "one entity", line=_line(item, iri, "wikidata"), fact=where,
                                              field="wikidata"))
        for forces, state in beside.items():  # named after the state: its own problem is the one to fix
            if found.get(state):
                found.pop(forces, None)
        problems += [p for iri in sorted(found) for p in found[iri]]
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
