"""Fact files: one YAML file per article, turned into validated RDF quads.

A fact file has three parts (see the README for a complete example):

    article: ../articles/<slug>.md     # the article the facts come from
    entities: [...]                     # entities this article introduces (optional)
    facts: [...]                        # every fact, each with its verbatim quote

A reference file has only ``entities``. Nothing is written here: compiling returns quads, or
raises InvalidInput listing every problem found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import schema
from .articles import Article, ArticleError, read_article
from .namespaces import GRAPH, PROV, RDF, RDFS, SCHEMA, SK, SKC, SKG, SKOS, SKR, WD, XSD
from .ontology import Ontology
from .problems import InvalidInput, Problem
from .quantities import parse_troops
from .timespec import TimeError, TimeValue, parse_time
from .yamlsource import LineDict, YamlProblem, parse_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")
REPORT_REF = re.compile(r"^([^\s#/]+)#([a-z0-9]+(?:-[a-z0-9]+)*)$")  # <article file name>#<fact id>


def report_iri(article_slug: str, fact_id: str) -> str:
    """A report is named by its article and its id there: stable whatever else is loaded."""
    return f"{SKR}{article_slug}.{fact_id}"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _date(value: dt.date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=_n(XSD + "date"))


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


@dataclass
class CompiledFile:
    path: Path
    graph: str
    quads: list[ox.Quad] = field(default_factory=list)
    facts: int = 0
    entities: int = 0
    article: Article | None = None
    reports: dict[str, str] = field(default_factory=dict)  # report IRI -> its fact id in the file
    merges: list[str] = field(default_factory=list)  # what its reports merged with, in words


@dataclass
class _Source:
    path: Path
    display: str
    doc: dict
    problems: list[Problem] = field(default_factory=list)

    def problem(self, rule: str, message: str, *, line=None, fact=None, field=None) -> None:
        self.problems.append(Problem(self.display, rule, message, line, fact, field))


MAX_FACT_FILE_BYTES = 16 * 1024 * 1024  # one article's facts are a few hundred kB at most


def read_fact_file(path: Path, display: str | None = None) -> _Source:
    """Read and parse one YAML file; syntax problems raise InvalidInput at once."""
    display = display or str(path)
    size = path.stat().st_size
    if size > MAX_FACT_FILE_BYTES:  # refused before reading: a huge file is a mistake, not an article
        raise InvalidInput([Problem(display, "file-size", f"the file is {size / 1e6:.1f} MB; a fact file holds one "
                                    f"article's facts and may be at most {MAX_FACT_FILE_BYTES // (1024 * 1024)} MiB")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InvalidInput([Problem(display, "utf-8", f"not UTF-8 text (invalid byte at offset {err.start})", line)]) from None
    try:
        doc = parse_yaml(text)
    except YamlProblem as err:
        raise InvalidInput([Problem(display, "yaml-syntax", str(err), err.line)]) from None
    if doc is None:
        raise InvalidInput([Problem(display, "empty-file", "the file is empty (expected 'entities:' and/or 'facts:')")])
    if not isinstance(doc, LineDict):
        message = "the file must be a mapping with 'article', 'entities' and 'facts'"
        raise InvalidInput([Problem(display, "structure", message, 1)])
    return _Source(path, display, doc)


def declare_entities(source: _Source, index: EntityIndex, ontology: Ontology) -> list[tuple[str, LineDict]]:
    """Add the file's declared entities to the index (so later files and facts resolve them)."""
    declared = []
    entries = source.doc.get("entities") or []
    if not isinstance(entries, list):
        source.problem("structure", "'entities' must be a list", line=source.doc.key_lines.get("entities"))
        return declared
    seen: set[str] = set()
    for position, entry in enumerate(entries, 1):
        where = f"entity #{position}"
        if not isinstance(entry, LineDict):
            source.problem("structure", "each entity must be a mapping", fact=where)
            continue
        line = entry.line
        ident = entry.get("id")
        where = f"entity '{ident}'" if ident else where
        for key in entry:
            if key not in schema.ENTITY_KEYS:
                source.problem("unknown-field", f"unknown field '{key}' (allowed: {', '.join(schema.ENTITY_KEYS)})",
                               line=entry.key_lines[key], fact=where, field=key)
        if not isinstance(ident, str) or not SLUG.match(ident):
            source.problem("entity-id", "an entity needs an 'id' of lower-case words joined by '-', e.g. burkina-faso",
                           line=line, fact=where, field="id")
            continue
        if ident in seen:
            source.problem("duplicate-id", f"entity id '{ident}' is declared twice in this file", line=line, fact=where)
            continue
        seen.add(ident)
        type_name = entry.get("type")
        if type_name not in schema.ENTITY_TYPES:
            source.problem("entity-type", f"type '{type_name}' is not one of {', '.join(schema.ENTITY_TYPES)}",
                           line=entry.key_lines.get("type", line), fact=where, field="type")
            continue
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            source.problem("required-field", "an entity needs a 'label'", line=line, fact=where, field="label")
            continue
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            source.problem("structure", "'aliases' must be a list of names", line=entry.key_lines.get("aliases"),
                           fact=where, field="aliases")
            continue
        wikidata = entry.get("wikidata")
        if wikidata is not None and not (isinstance(wikidata, str) and WIKIDATA_ID.match(wikidata)):
            source.problem("wikidata-id", f"'{wikidata}' is not a Wikidata item id such as Q1032",
                           line=entry.key_lines.get("wikidata"), fact=where, field="wikidata")
            continue
        iri = SK + ident
        cls = SKG + type_name
        known = index.entities.get(iri)
        if known and known.types and not ontology.is_a({cls}, next(iter(known.types))) and cls not in known.types:
            source.problem("entity-conflict", f"'{ident}' is already known as a {_local(sorted(known.types)[0])}, "
                           f"not a {type_name}", line=line, fact=where, field="type")
            continue
        index.add(iri, {cls}, {ident, label, *aliases}, label)
        declared.append((iri, entry))
    return declared


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _a(noun: str) -> str:
    """The noun with its indefinite article, for messages."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def entity_quads(iri: str, entry: LineDict, graph: ox.NamedNode) -> list[ox.Quad]:
    s = _n(iri)
    quads = [
        ox.Quad(s, _n(RDF + "type"), _n(SKG + entry["type"]), graph),
        ox.Quad(s, _n(RDFS + "label"), ox.Literal(entry["label"], language="en"), graph),
    ]
    for alias in entry.get("aliases") or []:
        quads.append(ox.Quad(s, _n(SKOS + "altLabel"), ox.Literal(alias, language="en"), graph))
    if entry.get("wikidata"):
        quads.append(ox.Quad(s, _n(SCHEMA + "sameAs"), _n(WD + entry["wikidata"]), graph))
    if entry.get("description"):
        quads.append(ox.Quad(s, _n(RDFS + "comment"), ox.Literal(str(entry["description"]), language="en"), graph))
    return quads


def article_quads(article: Article, graph: ox.NamedNode) -> list[ox.Quad]:
    s = _n(article.iri)
    quads = [
        ox.Quad(s, _n(RDF + "type"), _n(SKG + "Article"), graph),
        ox.Quad(s, _n(SCHEMA + "headline"), ox.Literal(article.title), graph),
        ox.Quad(s, _n(SCHEMA + "publisher"), ox.Literal(article.publisher), graph),
        ox.Quad(s, _n(SCHEMA + "datePublished"), _date(article.published), graph),
        ox.Quad(s, _n(SCHEMA + "url"), _n(article.url), graph),
        ox.Quad(s, _n(SCHEMA + "articleBody"), ox.Literal(article.body), graph),
    ]
    if article.agency:
        quads.append(ox.Quad(s, _n(SCHEMA + "sourceOrganization"), ox.Literal(article.agency), graph))
    if article.language:
        quads.append(ox.Quad(s, _n(SCHEMA + "inLanguage"), ox.Literal(article.language), graph))
    return quads


@dataclass
class _Fact:
    ident: str
    entry: LineDict
    kind: schema.FactType
    values: dict[str, list[ox.NamedNode | ox.Literal]] = field(default_factory=dict)  # prop -> objects
    refs: dict[str, list[str]] = field(default_factory=dict)  # prop -> local ids of other facts in the file
    times: dict[str, TimeValue] = field(default_factory=dict)
    quotes: list[str] = field(default_factory=list)
    attribution: tuple[str | None, str | None] = (None, None)
    iri: str | None = None
    same_as: list[str] = field(default_factory=list)  # report IRIs this one is of the same fact as
    distinct_from: list[str] = field(default_factory=list)


class _FactCompiler:
    def __init__(self, source: _Source, index: EntityIndex, ontology: Ontology, article: Article):
        self.source = source
        self.index = index
        self.ontology = ontology
        self.article = article

    def problem(self, rule, message, fact, key=None, entry=None):
        line = None
        if entry is not None:
            line = entry.key_lines.get(key, entry.line) if key else entry.line
        self.source.problem(rule, message, line=line, fact=fact, field=key)

    def fact(self, position: int, entry) -> _Fact | None:
        if not isinstance(entry, LineDict):
            self.source.problem("structure", "each fact must be a mapping", fact=f"#{position}")
            return None
        ident = entry.get("id")
        name = ident if isinstance(ident, str) else f"#{position}"
        if not isinstance(ident, str) or not SLUG.match(ident):
            self.problem("fact-id", "a fact needs an 'id' of lower-case words joined by '-'", name, "id", entry)
            return None
        type_name = entry.get("type")
        kind = schema.FACT_TYPES.get(type_name) if isinstance(type_name, str) else None
        if kind is None:
            self.problem("fact-type", f"type '{type_name}' is not one of {', '.join(schema.FACT_TYPES)}",
                         name, "type", entry)
            return None
        fact = _Fact(ident, entry, kind)
        time_keys = schema.TIME_KEYS_SITUATION if kind.situation else schema.TIME_KEYS_EVENT
        allowed = set(schema.COMMON_KEYS) | set(time_keys) | {f.key for f in kind.fields}
        for key in entry:
            if key not in allowed:
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                self.problem("unknown-field", f"unknown field '{key}' for a {kind.name}"
                             + (f"; did you mean '{hint[0]}'?" if hint else f" (allowed: {', '.join(sorted(allowed))})"),
                             name, key, entry)
        for spec in kind.fields:
            self.field_value(fact, spec)
        self.times(fact, time_keys)
        self.quotes(fact)
        self.attribution(fact)
        self.overrides(fact)
        fact.iri = report_iri(self.article.slug, ident)
        return fact

    def overrides(self, fact: _Fact) -> None:
        """same_as / distinct_from: the analyst's word on merging, where the automatic rule is wrong."""
        for key in ("same_as", "distinct_from"):
            raw = fact.entry.get(key)
            if raw is None:
                continue
            refs = raw if isinstance(raw, list) else [raw]
            for ref in refs:
                match = REPORT_REF.match(ref) if isinstance(ref, str) else None
                if not match:
                    self.problem("report-ref", f"{ref!r} is not a report reference: expected "
                                 "'<article file name>#<fact id>', e.g. 2024-03-26-channelstv-niger#us-troops",
                                 fact.ident, key, fact.entry)
                    continue
                slug, ident = match.groups()
                target = report_iri(Path(slug).stem, ident)
                if target == report_iri(self.article.slug, fact.ident):
                    self.problem("report-ref", f"'{ref}' is this fact itself", fact.ident, key, fact.entry)
                    continue
                getattr(fact, key).append(target)

    def field_value(self, fact: _Fact, spec: schema.Field) -> None:
        entry, name = fact.entry, fact.ident
        raw = entry.get(spec.key)
        if raw is None:
            if spec.required:
                self.problem("required-field", f"a {fact.kind.name} needs '{spec.key}'", name, None, entry)
            return
        items = raw if isinstance(raw, list) else [raw]
        if isinstance(raw, list) and not spec.many:
            self.problem("single-value", f"'{spec.key}' takes one value, not a list", name, spec.key, entry)
            return
        if not items and spec.required:
            self.problem("required-field", f"'{spec.key}' must not be empty", name, spec.key, entry)
            return
        objects: list = []
        for item in items:
            value = self.field_item(fact, spec, item)
            if value is not None:
                objects.append(value)
        if spec.kind == "fact":
            return
        if objects:
            fact.values[spec.prop] = objects

    def field_item(self, fact: _Fact, spec: schema.Field, item):
        entry, name, key = fact.entry, fact.ident, spec.key
        if spec.kind == "entity":
            if not isinstance(item, str):
                self.problem("entity-name", f"{item!r} is not a name", name, key, entry)
                return None
            iri, error = self.index.resolve(item)
            if error:
                self.problem("unknown-entity", error, name, key, entry)
                return None
            types = self.index.entities[iri].types
            if not self.ontology.is_a(types, spec.range):
                kinds = " or ".join(sorted(_local(t) for t in types)) or "untyped entity"
                self.problem("wrong-kind", f"'{item}' is {_a(kinds)}, but '{key}' of {_a(fact.kind.name)} "
                             f"must be {_a(_local(spec.range))}", name, key, entry)
                return None
            return _n(iri)
        if spec.kind == "vocab":
            allowed = self.ontology.vocabulary(spec.range)
            iri = SKG + str(item)
            if iri not in allowed:
                options = ", ".join(sorted(_local(a) for a in allowed))
                self.problem("unknown-value", f"'{item}' is not a {_local(spec.range)} (expected one of: {options})",
                             name, key, entry)
                return None
            return _n(iri)
        if spec.kind == "fact":
            if not isinstance(item, str):
                self.problem("fact-ref", f"{item!r} is not the id of a fact in this file", name, key, entry)
                return None
            fact.refs.setdefault(spec.prop, []).append(item)
            return None
        if spec.kind == "text":
            if not isinstance(item, str) or not item.strip():
                self.problem("text", f"'{key}' must be non-empty text", name, key, entry)
                return None
            return ox.Literal(item.strip())
        if spec.kind == "troops":
            return self.troops(fact, item)
        raise AssertionError(spec.kind)

    def troops(self, fact: _Fact, item):
        entry, name = fact.entry, fact.ident
        try:
            strength = parse_troops(item)
        except ValueError as err:
            self.problem("troops", str(err), name, "troops", entry)
            return None

        def integer(value: int) -> ox.Literal:
            # xsd:integer, not xsd:positiveInteger: pyoxigraph stores the latter as the former, and an
            # export must load back unchanged; SHACL (sh:minInclusive 1) keeps it positive
            return ox.Literal(str(value), datatype=_n(XSD + "integer"))

        fact.values[SKG + "troopsText"] = [ox.Literal(strength.text)]
        fact.values[SKG + "troopsMin"] = [integer(strength.low)]
        if strength.high is not None:
            fact.values[SKG + "troopsMax"] = [integer(strength.high)]
        if strength.approximate:
            fact.values[SKG + "approximate"] = [ox.Literal("true", datatype=_n(XSD + "boolean"))]
        return integer(strength.number) if strength.number is not None else None

    def times(self, fact: _Fact, time_keys: tuple[str, ...]) -> None:
        entry, name = fact.entry, fact.ident
        published = self.article.published
        for key in time_keys:
            if key not in entry or entry[key] is None:
                continue
            try:
                value = parse_time(entry[key], published=published, is_end=(key == "end"))
            except TimeError as err:
                self.problem("real-date", str(err), name, key, entry)
                continue
            if key != "end" and not value.planned:
                # a reported event or beginning happened by the time the article was published
                if value.earliest and value.earliest > published:
                    self.problem("after-publication", f"'{value.text}' is after the article was published "
                                 f"({published.isoformat()}); an article reports what has already happened",
                                 name, key, entry)
                    continue
                if value.latest is None or value.latest > published:
                    value = TimeValue(value.lexical, value.datatype, value.earliest, published, value.text)
            fact.times[key] = value
        start, end = fact.times.get("start"), fact.times.get("end")
        if end and not end.planned and end.earliest and end.earliest > published:
            self.problem("after-publication", f"end '{end.text}' is after the article was published "
                         f"({published.isoformat()}); write a plan or deadline as 'planned ...'", name, "end", entry)
        if start and end and start.earliest and end.latest and end.latest < start.earliest:
            self.problem("end-before-start", f"end '{end.text}' is before start '{start.text}'", name, "end", entry)

    def quotes(self, fact: _Fact) -> None:
        entry, name = fact.entry, fact.ident
        raw = entry.get("quote")
        quotes = raw if isinstance(raw, list) else [raw] if raw is not None else []
        if not quotes:
            self.problem("quote", "every fact needs the 'quote' it was taken from", name, None, entry)
            return
        for quote in quotes:
            if not isinstance(quote, str) or not quote.strip():
                self.problem("quote", "a quote must be non-empty text", name, "quote", entry)
            elif quote not in self.article.body:
                self.problem("quote-in-article", f"the quote is not in article {self.article.slug}: "
                             f"'{quote[:60]}{'...' if len(quote) > 60 else ''}' (quotes are verbatim, "
                             "including curly quotes and apostrophes)", name, "quote", entry)
            else:
                fact.quotes.append(quote)

    def attribution(self, fact: _Fact) -> None:
        entry, name = fact.entry, fact.ident
        raw = entry.get("according_to")
        if raw is None:
            return
        if isinstance(raw, str):
            raw = {"source": raw}
        if not isinstance(raw, dict) or not raw or set(raw) - set(schema.ATTRIBUTION_KEYS):
            self.problem("according-to", "'according_to' is the source's words, or a mapping with "
                         "'source' (words) and/or 'actor' (an entity)", name, "according_to", entry)
            return
        actor_iri = None
        if raw.get("actor") is not None:
            actor_iri, error = self.index.resolve(str(raw["actor"]))
            if error:
                self.problem("unknown-entity", error, name, "according_to", entry)
                return
        words = raw.get("source")
        fact.attribution = (str(words).strip() if words else None, actor_iri)


def identity_key(kind: schema.FactType, values: dict[str, list]) -> str:
    """The digest of a report's kind and identifying roles: equal keys, same fact (up to time)."""
    roles = {key: sorted(str(o) for o in values.get(kind.field(key).prop, [])) for key in kind.identity}
    content = json.dumps({"type": kind.name, "roles": roles}, sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:24]


def _citation_iri(report: str, article_iri: str, quote: str) -> str:
    digest = hashlib.sha256("\n".join((report, article_iri, quote)).encode()).hexdigest()
    return SKC + digest[:20]


def compile_file(source: _Source, index: EntityIndex, ontology: Ontology,
                 declared: list[tuple[str, LineDict]]) -> CompiledFile:
    doc = source.doc
    for key in doc:
        if key not in ("article", "entities", "facts"):
            source.problem("unknown-field", f"unknown top-level field '{key}' (allowed: article, entities, facts)",
                           line=doc.key_lines[key], field=key)
    article = None
    if "article" in doc:
        ref = doc["article"]
        if not isinstance(ref, str):
            source.problem("missing-article", "'article' must be the path of the article file",
                           line=doc.key_lines["article"], field="article")
        else:
            try:
                article = read_article((source.path.parent / ref).resolve())
            except ArticleError as err:
                source.problem("missing-article", str(err), line=doc.key_lines["article"], field="article")
    facts_raw = doc.get("facts")
    if facts_raw is not None and "article" not in doc:
        source.problem("missing-article", "a file with facts must name its 'article'", line=1, field="article")
    graph_iri = article.iri if article else GRAPH + source.path.stem
    graph = _n(graph_iri)
    out = CompiledFile(source.path, graph_iri, article=article)
    for iri, entry in declared:
        out.quads.extend(entity_quads(iri, entry, graph))
    out.entities = len(declared)
    if facts_raw is None or article is None:
        return out
    if not isinstance(facts_raw, list):
        source.problem("structure", "'facts' must be a list", line=doc.key_lines.get("facts"))
        return out
    compiler = _FactCompiler(source, index, ontology, article)
    facts: dict[str, _Fact] = {}
    for position, entry in enumerate(facts_raw, 1):
        fact = compiler.fact(position, entry)
        if fact is None:
            continue
        if fact.ident in facts:
            compiler.problem("duplicate-id", f"fact id '{fact.ident}' is used twice in this file "
                             f"(first on line {facts[fact.ident].entry.line})", fact.ident, None, fact.entry)
            continue
        facts[fact.ident] = fact
    for fact in facts.values():
        for prop, refs in fact.refs.items():
            key = next(f.key for f in fact.kind.fields if f.prop == prop)
            expected = next(f.range for f in fact.kind.fields if f.prop == prop)
            for ref in refs:
                target = facts.get(ref)
                if target is None:
                    compiler.problem("fact-ref", f"no fact with id '{ref}' in this file", fact.ident, key, fact.entry)
                elif not ontology.is_a({target.kind.iri}, expected):
                    compiler.problem("wrong-kind", f"'{ref}' is {_a(target.kind.name)}, but '{key}' must be "
                                     f"{_a(_local(expected))}", fact.ident, key, fact.entry)
    if source.problems:
        return out
    out.quads.extend(article_quads(article, graph))
    out.quads.append(ox.Quad(_n(article.iri), _n(SKG + "factFile"), ox.Literal(source.path.name), graph))
    for fact in facts.values():
        out.quads.extend(_report_quads(fact, facts, article, graph))
        out.reports[fact.iri] = fact.ident
    out.facts = len(facts)
    return out


def _report_quads(fact: _Fact, facts: dict[str, _Fact], article: Article, graph: ox.NamedNode) -> list[ox.Quad]:
    """What the article says about one fact: its kind and roles, times and values as given, its quotes."""
    s = _n(fact.iri)
    quads = [
        ox.Quad(s, _n(RDF + "type"), _n(SKG + "Report"), graph),
        ox.Quad(s, _n(SKG + "reportedType"), _n(fact.kind.iri), graph),
        ox.Quad(s, _n(SKG + "identityKey"), ox.Literal(identity_key(fact.kind, fact.values)), graph),
    ]
    for prop, objects in fact.values.items():
        quads.extend(ox.Quad(s, _n(prop), o, graph) for o in objects)
    for prop, refs in fact.refs.items():
        quads.extend(ox.Quad(s, _n(prop), _n(facts[ref].iri), graph) for ref in refs)
    for key, value in fact.times.items():
        name = "plannedEnd" if value.planned else key
        if value.lexical:
            quads.append(ox.Quad(s, _n(SKG + name), ox.Literal(value.lexical, datatype=_n(value.datatype)), graph))
        if value.earliest:
            quads.append(ox.Quad(s, _n(SKG + name + "Earliest"), _date(value.earliest), graph))
        if value.latest:
            quads.append(ox.Quad(s, _n(SKG + name + "Latest"), _date(value.latest), graph))
        quads.append(ox.Quad(s, _n(SKG + key + "AsWritten"), ox.Literal(value.text), graph))
    for prop, targets in ((SKG + "sameReportAs", fact.same_as), (SKG + "distinctFrom", fact.distinct_from)):
        quads.extend(ox.Quad(s, _n(prop), _n(t), graph) for t in targets)
    quads.append(ox.Quad(s, _n(PROV + "wasDerivedFrom"), _n(article.iri), graph))
    words, actor = fact.attribution
    for quote in fact.quotes:
        c = _n(_citation_iri(fact.iri, article.iri, quote))
        quads += [
            ox.Quad(s, _n(SKG + "citation"), c, graph),
            ox.Quad(c, _n(RDF + "type"), _n(SKG + "Citation"), graph),
            ox.Quad(c, _n(SKG + "cites"), _n(article.iri), graph),
            ox.Quad(c, _n(SKG + "quote"), ox.Literal(quote), graph),
            ox.Quad(c, _n(SKG + "localId"), ox.Literal(fact.ident), graph),
        ]
        if words:
            quads.append(ox.Quad(c, _n(SKG + "attribution"), ox.Literal(words), graph))
        if actor:
            quads.append(ox.Quad(c, _n(SKG + "attributedTo"), _n(actor), graph))
    return quads
