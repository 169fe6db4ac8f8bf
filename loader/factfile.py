"""Fact files: one YAML file per article, turned into validated RDF quads.

A fact file has three parts (see the README for a complete example):

    article: ../articles/<slug>.md     # the article the facts come from
    entities: [...]                     # entities this article introduces (optional)
    facts: [...]                        # every fact, each with its verbatim quote

A reference file has only ``entities``. Nothing is written here: compiling returns quads, or
raises InvalidInput listing every problem found.

This module compiles the entries; the rest lives by concern: reading the file and its limits
(reading.py), resolving names (entities.py), each field's parsing and messages (fieldkinds.py),
naming reports (identity.py), and the quads (rdfmap.py). The names other modules import from
here are kept (``__all__``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import schema
from .articles import Article, ArticleError, read_article
from .entities import Entity, EntityIndex, normalize_name
from .fieldkinds import FactReferenceKind, FieldProblem, TimeKind
from .identity import identity_key, report_iri
from .namespaces import GRAPH, SK, SKG
from .ontology import Ontology
from .quantities import Strength
from .rdfmap import article_quads, entity_quads, report_quads
from .rdfterms import indefinite as _a
from .rdfterms import local as _local
from .reading import MAX_FACT_FILE_BYTES, FactFileSource, read_fact_file
from .roles import ARMED_FORCES, Regimes, armed_forces_entity, armed_forces_quads
from .timespec import TimeValue
from .yamlsource import LineDict

# what other modules import from here, wherever it now lives
__all__ = ["MAX_FACT_FILE_BYTES", "CompiledFile", "Entity", "EntityIndex", "FactFileSource", "_a", "_local",
           "compile_file", "declare_entities", "identity_key", "normalize_name", "read_fact_file", "report_iri"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")
REPORT_REF = re.compile(r"^([^\s#/]+)#([a-z0-9]+(?:-[a-z0-9]+)*)$")  # <article file name>#<fact id>


@dataclass
class CompiledFile:
    path: Path
    graph: str
    quads: list[ox.Quad] = field(default_factory=list)
    facts: int = 0
    entities: int = 0
    article: Article | None = None
    reports: dict[str, str] = field(default_factory=dict)  # report IRI -> its fact id in the file
    compiled: list[CompiledReport] = field(default_factory=list)  # its reports, as compiled
    deferred: bool = False  # a role waits for the batch's regimes (``regime_of``)
    merges: list[str] = field(default_factory=list)  # what its reports merged with, in words
    declarations: dict[str, LineDict] = field(default_factory=dict)  # entity IRI -> its entry, for messages' lines


def declare_entities(source: FactFileSource, index: EntityIndex, ontology: Ontology) -> list[tuple[str, LineDict]]:
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
        index.add(iri, {cls}, {ident, label, *aliases}, label, declared_in=str(source.path))
        if ontology.is_a({cls}, SKG + "State"):
            forces, forces_label = armed_forces_entity(iri, label)
            index.add(forces, {ARMED_FORCES}, {forces_label}, forces_label, declared_in=str(source.path))
        declared.append((iri, entry))
    return declared


# pairs of roles one fact cannot give to one entity
DISTINCT_ROLES = (("deploying_state", "host_state"),)
MAX_TROOPS = 10_000_000  # a sanity bound: more is a typo (the largest armies have about 2 million)
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _shown(quote: str) -> str:
    """The quote's start, on one line (a message is one line)."""
    return f"{quote[:60]}{'...' if len(quote) > 60 else ''}".replace("\n", "\\n")


def _in_whole_words(quote: str, body: str) -> bool:
    """Whether the quote is somewhere in the body not cut out of a word: "N" or "ige" of "Niger" is no quote."""
    first = quote[0].isalnum()
    last = quote[-1].isalnum()
    at = body.find(quote)
    while at >= 0:
        end = at + len(quote)
        if not (first and at > 0 and body[at - 1].isalnum()) and not (last and end < len(body) and body[end].isalnum()):
            return True
        at = body.find(quote, at + 1)
    return False


@dataclass(frozen=True)
class Quote:
    """A sentence of the article and who the article says it from (the source's words, an actor's IRI)."""

    text: str
    words: str | None = None
    actor: str | None = None


@dataclass
class CompiledReport:
    """One fact-file entry, compiled: what its article reports about one fact."""

    ident: str
    entry: LineDict
    kind: schema.FactType
    values: dict[str, list[ox.NamedNode | ox.Literal]] = field(default_factory=dict)  # prop -> objects
    refs: dict[str, list[str]] = field(default_factory=dict)  # prop -> local ids of other facts in the file
    times: dict[str, TimeValue] = field(default_factory=dict)
    time_terms: list[tuple[str, ox.NamedNode | ox.Literal]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    attribution: tuple[str | None, str | None] = (None, None)  # the fact's according_to
    iri: str | None = None
    same_as: list[str] = field(default_factory=list)  # report IRIs this one is of the same fact as
    distinct_from: list[str] = field(default_factory=list)


class ReportCompiler:
    def __init__(self, source: FactFileSource, index: EntityIndex, ontology: Ontology, article: Article,
                 fact_types: dict[str, schema.FactType], graph: ox.NamedNode, regimes: Regimes | None = None):
        self.source = source
        self.graph = graph
        self.regimes = regimes
        self.deferred = False
        self.fact_types = fact_types
        self.index = index
        self.ontology = ontology
        self.article = article
        self.published = article.published  # what a field kind's parsing needs (fieldkinds.Context)

    def problem(self, rule, message, fact, key=None, entry=None):
        line = None
        if entry is not None:
            line = entry.key_lines.get(key, entry.line) if key else entry.line
        self.source.problem(rule, message, line=line, fact=fact, field=key)

    def fact(self, position: int, entry) -> CompiledReport | None:
        if not isinstance(entry, LineDict):
            self.source.problem("structure", "each fact must be a mapping", fact=f"#{position}")
            return None
        ident = entry.get("id")
        name = ident if isinstance(ident, str) else f"#{position}"
        if not isinstance(ident, str) or not SLUG.match(ident):
            self.problem("fact-id", "a fact needs an 'id' of lower-case words joined by '-'", name, "id", entry)
            return None
        type_name = entry.get("type")
        kind = self.fact_types.get(type_name) if isinstance(type_name, str) else None
        if kind is None:
            self.problem("fact-type", f"type '{type_name}' is not one of {', '.join(self.fact_types)}",
                         name, "type", entry)
            return None
        fact = CompiledReport(ident, entry, kind)
        allowed = set(schema.COMMON_KEYS) | {f.key for f in (*kind.times, *kind.fields)}
        for key in entry:
            if key not in allowed:
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                self.problem("unknown-field", f"unknown field '{key}' for a {kind.name}"
                             + (f"; did you mean '{hint[0]}'?" if hint else f" (allowed: {', '.join(sorted(allowed))})"),
                             name, key, entry)
        for spec in kind.fields:
            self.field_value(fact, spec)
        if kind.one_of and all(entry.get(key) is None for key in kind.one_of):
            self.problem("required-field", f"a {kind.name} needs {' or '.join(repr(k) for k in kind.one_of)}",
                         name, None, entry)
        self.distinct_roles(fact)
        self.times(fact)
        self.attribution(fact)
        self.quotes(fact)
        self.overrides(fact)
        fact.iri = report_iri(self.article.slug, ident)
        return fact

    def overrides(self, fact: CompiledReport) -> None:
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

    def distinct_roles(self, fact: CompiledReport) -> None:
        """Roles that cannot be one entity: a state does not deploy troops onto its own territory."""
        keys = {spec.key for spec in fact.kind.fields}
        for first, second in DISTINCT_ROLES:
            if not {first, second} <= keys:
                continue
            both = set(fact.values.get(fact.kind.field(first).prop, [])) & set(fact.values.get(fact.kind.field(second).prop, []))
            for term in sorted(both, key=str):
                entity = self.index.entities.get(term.value)
                self.problem("distinct-roles", f"'{first}' and '{second}' are both {entity.label if entity else term.value}; "
                             f"a {fact.kind.name} has a {first} other than its {second}", fact.ident, second, fact.entry)

    def field_value(self, fact: CompiledReport, spec: schema.Field) -> None:
        """Each value of one field, parsed by the field's kind."""
        unit = spec.unit
        try:
            items = unit.items(spec, fact.entry.get(spec.key), fact.kind)
        except FieldProblem as problem:
            self.problem(problem.rule, problem.message, fact.ident, None if problem.on_fact else spec.key, fact.entry)
            return
        for item in items:
            try:
                parsed = unit.parse(spec, item, fact.kind, self)
            except FieldProblem as problem:
                self.problem(problem.rule, problem.message, fact.ident, spec.key, fact.entry)
                continue
            strength = parsed.value if isinstance(parsed.value, Strength) else None
            if strength and max(strength.low, strength.high or 0) > MAX_TROOPS:
                self.problem("troops", f"a troop strength of {max(strength.low, strength.high or 0):,} is more than "
                             f"any state has ever fielded (at most {MAX_TROOPS:,}); check the number", fact.ident,
                             spec.key, fact.entry)
                continue
            if parsed.ref is not None:
                fact.refs.setdefault(spec.prop, []).append(parsed.ref)
            for prop, term in parsed.terms:
                fact.values.setdefault(prop, []).append(term)

    def times(self, fact: CompiledReport) -> None:
        """The fact's times, each parsed by its kind; then the order between them."""
        for spec in fact.kind.times:
            raw = fact.entry.get(spec.key)
            if raw is None:
                continue
            try:
                parsed = spec.unit.parse(spec, raw, fact.kind, self)
            except FieldProblem as problem:
                self.problem(problem.rule, problem.message, fact.ident, spec.key, fact.entry)
                continue
            fact.times[spec.key] = parsed.value
            fact.time_terms += parsed.terms
        for spec in fact.kind.times:
            value = fact.times.get(spec.key)
            wrong = TimeKind.out_of_order(spec, value, fact.times) if value else None
            if wrong:
                self.problem("end-before-start", wrong, fact.ident, spec.key, fact.entry)

    def relative_times(self, facts: dict[str, CompiledReport]) -> None:
        """Times taken from another fact of the file ('before the-revocation'), once all are read: the
        other fact's time is its date, or a situation's start."""
        def own_key(fact: CompiledReport) -> str:
            return "start" if fact.kind.situation else "date"

        def step(node: tuple[str, str]) -> tuple[str, str] | None:
            value = facts[node[0]].times.get(node[1])
            target = facts.get(value.relative_to) if value and value.relative_to else None
            return (target.ident, own_key(target)) if target else None

        # times taken from each other in a loop have no time to start from: each loop is said once
        order, looped = list(facts), []
        for fact in facts.values():
            for key in [k for k, v in fact.times.items() if v.relative_to]:
                chain, after = [(fact.ident, key)], step((fact.ident, key))
                while after is not None and after not in chain:
                    chain.append(after)
                    after = step(after)
                if after is None:
                    continue
                looped.append((fact.ident, key))  # on a loop, or leading into one
                loop = chain[chain.index(after):]
                if chain[0] == min(loop, key=lambda node: order.index(node[0])):
                    self.problem("time-ref", f"{key} '{fact.times[key].text}' is taken from its own time "
                                 f"({' -> '.join(ident for ident, _ in [*loop, loop[0]])})", fact.ident, key,
                                 fact.entry)
        for ident, key in looped:
            del facts[ident].times[key]

        def resolve(fact: CompiledReport, key: str) -> None:
            value = fact.times.get(key)
            if value is None or not value.relative_to:
                return
            spec = next(f for f in fact.kind.times if f.key == key)
            del fact.times[key]  # until resolved
            target = facts.get(value.relative_to)
            if target is None:
                self.problem("time-ref", f"{key} '{value.text}': no fact with id '{value.relative_to}' in this file",
                             fact.ident, key, fact.entry)
                return
            resolve(target, own_key(target))
            other = target.times.get(own_key(target))
            if other is None:
                self.problem("time-ref", f"{key} '{value.text}': '{target.ident}' has no {own_key(target)} to take "
                             "it from", fact.ident, key, fact.entry)
                return
            try:
                parsed = spec.unit.resolve(spec, value, other, target.ident, self.published)
            except FieldProblem as problem:
                self.problem(problem.rule, problem.message, fact.ident, key, fact.entry)
                return
            fact.times[key] = parsed.value
            fact.time_terms += parsed.terms

        for fact in facts.values():
            relative = {key for key, value in fact.times.items() if value.relative_to}
            for key in sorted(relative):
                resolve(fact, key)
            for spec in fact.kind.times:  # the order between times, where one was taken from another fact
                value = fact.times.get(spec.key)
                if value and relative & {spec.key, spec.after}:
                    wrong = TimeKind.out_of_order(spec, value, fact.times)
                    if wrong:
                        self.problem("end-before-start", wrong, fact.ident, spec.key, fact.entry)

    def quotes(self, fact: CompiledReport) -> None:
        """Each quote, with its own attribution when the article gives each its source ('state
        television reported', 'the force said'); a quote without one takes the fact's ``according_to``."""
        entry, name = fact.entry, fact.ident
        raw = entry.get("quote")
        quotes = raw if isinstance(raw, list) else [raw] if raw is not None else []
        if not quotes:
            self.problem("quote", "every fact needs the 'quote' it was taken from", name, None, entry)
            return
        seen: set[str] = set()
        for item in quotes:
            quote, attribution = item, fact.attribution
            if isinstance(item, dict):
                if "text" not in item or set(item) - set(schema.QUOTE_KEYS):
                    self.problem("quote", "a quote is the sentence, or a mapping with 'text' (the sentence) and "
                                 "'according_to' (who the article says it from)", name, "quote", entry)
                    continue
                quote = item["text"]
                if item.get("according_to") is not None:
                    attribution = self.source_of(item["according_to"], name, entry, "quote")
                    if attribution is None:
                        continue
            if not isinstance(quote, str) or not quote.strip():
                self.problem("quote", "a quote must be non-empty text", name, "quote", entry)
            elif quote not in self.article.body:
                self.problem("quote-in-article", f"the quote is not in article {self.article.slug}: "
                             f"'{_shown(quote)}' (quotes are verbatim, including curly quotes and apostrophes)",
                             name, "quote", entry)
            elif PARAGRAPH_BREAK.search(quote):
                self.problem("quote-in-article", f"the quote '{_shown(quote)}' runs over more than one paragraph; "
                             "quote each paragraph on its own", name, "quote", entry)
            elif not _in_whole_words(quote, self.article.body):
                self.problem("quote-in-article", f"the quote '{_shown(quote)}' is in article {self.article.slug} "
                             "only as part of a word; a quote starts and ends on whole words", name, "quote", entry)
            elif quote in seen:
                self.problem("quote", f"the same quote is given twice: '{_shown(quote)}'",
                             name, "quote", entry)
            else:
                seen.add(quote)
                fact.quotes.append(Quote(quote, *attribution))

    def attribution(self, fact: CompiledReport) -> None:
        """The fact's ``according_to``: the source of every quote that does not name its own."""
        raw = fact.entry.get("according_to")
        if raw is not None:
            fact.attribution = self.source_of(raw, fact.ident, fact.entry, "according_to") or (None, None)

    def source_of(self, raw, name: str, entry: LineDict, key: str) -> tuple[str | None, str | None] | None:
        """An attribution as (the source's words, the actor's IRI), or None after saying what is wrong."""
        if isinstance(raw, str):
            raw = {"source": raw}
        if not isinstance(raw, dict) or not raw or set(raw) - set(schema.ATTRIBUTION_KEYS):
            self.problem("according-to", "'according_to' is the source's words, or a mapping with "
                         "'source' (words) and/or 'actor' (an entity)", name, key, entry)
            return None
        actor_iri = None
        if raw.get("actor") is not None:
            actor_iri, error = self.index.resolve(str(raw["actor"]))
            if error:
                self.problem("unknown-entity", error, name, key, entry)
                return None
        words = raw.get("source")
        return (str(words).strip() if words else None, actor_iri)


def compile_file(source: FactFileSource, index: EntityIndex, ontology: Ontology,
                 declared: list[tuple[str, LineDict]],
                 fact_types: dict[str, schema.FactType] | None = None, regimes: Regimes | None = None) -> CompiledFile:
    """The file's quads, or its problems in ``source.problems``; ``fact_types``: the project's
    (loader/schema.py) unless given. ``regimes``: who rules where, for roles such as
    ``regime_of: Mali``; without it such a role waits (``deferred``) and the file is compiled again
    once the batch's rules are known."""
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
                if "\0" in ref:
                    raise ArticleError(f"article path {ref!r} holds a NUL character")
                article = read_article((source.path.parent / ref).resolve())
            except ArticleError as err:
                source.problem("missing-article", str(err), line=doc.key_lines["article"], field="article")
    facts_raw = doc.get("facts")
    if facts_raw is not None and "article" not in doc:
        source.problem("missing-article", "a file with facts must name its 'article'", line=1, field="article")
    graph_iri = article.iri if article else GRAPH + source.path.stem
    graph = ox.NamedNode(graph_iri)
    out = CompiledFile(source.path, graph_iri, article=article)
    for iri, entry in declared:
        out.quads.extend(entity_quads(iri, entry, graph))
        if ontology.is_a({SKG + entry["type"]}, SKG + "State"):  # its armed forces beside it (loader/roles.py)
            out.quads.extend(armed_forces_quads(iri, entry["label"], graph))
    out.entities = len(declared)
    out.declarations = dict(declared)
    if facts_raw is None or article is None:
        return out
    if not isinstance(facts_raw, list):
        source.problem("structure", "'facts' must be a list", line=doc.key_lines.get("facts"))
        return out
    compiler = ReportCompiler(source, index, ontology, article,
                              schema.FACT_TYPES if fact_types is None else fact_types, graph, regimes)
    facts: dict[str, CompiledReport] = {}
    for position, entry in enumerate(facts_raw, 1):
        fact = compiler.fact(position, entry)
        if fact is None:
            continue
        if fact.ident in facts:
            compiler.problem("duplicate-id", f"fact id '{fact.ident}' is used twice in this file "
                             f"(first on line {facts[fact.ident].entry.line})", fact.ident, None, fact.entry)
            continue
        facts[fact.ident] = fact
    for fact in facts.values():  # references between facts, once every fact of the file is read
        for prop, refs in fact.refs.items():
            spec = next(f for f in fact.kind.fields if f.prop == prop)
            for ref in refs:
                target = facts.get(ref)
                try:
                    FactReferenceKind.check(spec, ref, target.kind if target else None, ontology)
                except FieldProblem as problem:
                    compiler.problem(problem.rule, problem.message, fact.ident, spec.key, fact.entry)
    compiler.relative_times(facts)
    out.compiled = list(facts.values())
    out.deferred = compiler.deferred
    if source.problems:
        return out
    out.quads.extend(article_quads(article, graph))
    out.quads.append(ox.Quad(ox.NamedNode(article.iri), ox.NamedNode(SKG + "factFile"), ox.Literal(source.path.name), graph))
    for fact in facts.values():
        out.quads.extend(report_quads(fact, facts, article, graph))
        out.reports[fact.iri] = fact.ident
    out.facts = len(facts)
    return out
