"""RDF mapping: an entity, an article and a compiled report as the quads of their graph."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .articles import Article
from .identity import citation_iri, identity_key
from .namespaces import PROV, RDF, RDFS, SCHEMA, SKG, SKOS, WD, XSD
from .yamlsource import LineDict

if TYPE_CHECKING:
    from .factfile import CompiledReport


@lru_cache(maxsize=1 << 16)  # properties, classes and entities recur in every report: their IRIs are checked once
def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _date(value: dt.date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=_n(XSD + "date"))


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


def report_quads(fact: CompiledReport, facts: dict[str, CompiledReport], article: Article,
                 graph: ox.NamedNode) -> list[ox.Quad]:
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
    quads.extend(ox.Quad(s, _n(prop), o, graph) for prop, o in fact.time_terms)
    for prop, targets in ((SKG + "sameReportAs", fact.same_as), (SKG + "distinctFrom", fact.distinct_from)):
        quads.extend(ox.Quad(s, _n(prop), _n(t), graph) for t in targets)
    quads.append(ox.Quad(s, _n(PROV + "wasDerivedFrom"), _n(article.iri), graph))
    for quote in fact.quotes:  # each quote with its own attribution
        c = _n(citation_iri(fact.iri, article.iri, quote.text))
        quads += [
            ox.Quad(s, _n(SKG + "citation"), c, graph),
            ox.Quad(c, _n(RDF + "type"), _n(SKG + "Citation"), graph),
            ox.Quad(c, _n(SKG + "cites"), _n(article.iri), graph),
            ox.Quad(c, _n(SKG + "quote"), ox.Literal(quote.text), graph),
            ox.Quad(c, _n(SKG + "localId"), ox.Literal(fact.ident), graph),
        ]
        if quote.words:
            quads.append(ox.Quad(c, _n(SKG + "attribution"), ox.Literal(quote.words), graph))
        if quote.actor:
            quads.append(ox.Quad(c, _n(SKG + "attributedTo"), _n(quote.actor), graph))
    return quads
