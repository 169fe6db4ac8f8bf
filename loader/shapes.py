"""SHACL validation of one compiled file at a time, reported as Problems an analyst can act on.

The shapes of reports and facts are generated from their declaration (loader/shapegen.py from
loader/schema.py); those of sources, citations, articles and entities are in ontology/shapes.ttl.
Each file is validated on its own, never the whole store:
the data graph is the file's triples, plus the rdf:type of every entity they point to (from the
entity index, so that ``sh:class`` sees that Niger is a State) and the class tree of the ontology
(``rdfs:subClassOf``, so that a MilitaryJunta is a Regime and ``sh:targetClass skg:Fact`` reaches
every kind of fact). Those added triples are context: only nodes the file itself types are
reported on.

The shapes are checked by ``loader.shapecheck`` (the shapes compiled into Python checks, the
default) or by pySHACL (the reference: ``engine="pyshacl"`` or ``SAHELKG_VALIDATOR=pyshacl``); both
give result records with pySHACL's content, and the same Problems.

Each SHACL result becomes one Problem with rule ``shacl:<constraint>`` (``shacl:minCount``,
``shacl:class``, ...), the fact's id in its fact file (the ``skg:localId`` of its citations), or
``entity '<local name>'`` for an entity, and the fact-file key of the property (the shape's
``sks:field``, or the key of its path).
The message says what is wrong, then what was expected (the shape's ``sh:description``).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from . import schema
from .factfile import CompiledFile
from .namespaces import ONTOLOGY_DIR, PROV, SCHEMA, SK, SKF, SKG, SKOS
from .ontology import load_ontology
from .problems import Problem
from .rdfterms import indefinite as _a
from .rdfterms import local as _local
from .rdfterms import to_rdflib as _term
from .shapecheck import Checker, ClassTree, Result, to_rdflib
from .shapegen import SKS, fact_shapes
from .shapegen import shapes_as_graph as _generated

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"  # the shapes that are not a kind's fields

_FACT = URIRef(SKG + "Fact")
_CITATION = URIRef(SKG + "Citation")
_ARTICLE = URIRef(SKG + "Article")
_ENTITY_CLASSES = (URIRef(SKG + "Actor"), URIRef(SKG + "Place"))
_CITES = URIRef(SKG + "citation")
_REPORTED_TYPE = URIRef(SKG + "reportedType")
_LOCAL_ID = URIRef(SKG + "localId")
_SUBCLASS_OF, _LABEL = str(RDFS.subClassOf), str(RDFS.label)
_TYPES = {str(RDF.type), str(_REPORTED_TYPE)}
_ALWAYS_READ = {str(_CITES), str(_LOCAL_ID), _SUBCLASS_OF}  # what the reporter reads of every node

# Fact-file keys of the properties of the hand-written shapes (the generated ones say sks:field).
_KEYS = {
    RDF.type: "type",
    URIRef(SKG + "citation"): "quote",
    URIRef(PROV + "wasDerivedFrom"): "article",
    # citations
    URIRef(SKG + "quote"): "quote",
    URIRef(SKG + "cites"): "article",
    URIRef(SKG + "localId"): "id",
    URIRef(SKG + "attribution"): "according_to",
    URIRef(SKG + "attributedTo"): "according_to",
    # entities
    RDFS.label: "label",
    URIRef(SKOS + "altLabel"): "aliases",
    URIRef(SCHEMA + "sameAs"): "wikidata",
    RDFS.comment: "description",
    # articles (the keys of the article file's header)
    URIRef(SCHEMA + "headline"): "title",
    URIRef(SCHEMA + "publisher"): "publisher",
    URIRef(SCHEMA + "sourceOrganization"): "agency",
    URIRef(SCHEMA + "datePublished"): "published",
    URIRef(SCHEMA + "url"): "url",
    URIRef(SCHEMA + "inLanguage"): "language",
    URIRef(SCHEMA + "articleBody"): "body",
}

# How datatypes are named in messages.
_DATATYPE_NAMES = {
    XSD.date: "day",
    XSD.gYearMonth: "month",
    XSD.gYear: "year",
    XSD.dateTime: "date and time",
    XSD.positiveInteger: "positive integer",
    XSD.nonNegativeInteger: "non-negative integer",
    XSD.integer: "integer",
    XSD.decimal: "decimal number",
    XSD.double: "floating-point number",
    XSD.boolean: "boolean",
    XSD.string: "plain text",
    RDF.langString: "text with a language tag",
}


def build_shapes(fact_types: dict[str, schema.FactType], ontology) -> rdflib.Graph:
    """The shapes of these kinds of fact, generated from their declaration, plus the hand-written ones."""
    graph = _generated(fact_shapes(fact_types, ontology))
    graph.parse(SHAPES_FILE, format="turtle")
    return graph


@cache
def shapes_graph() -> rdflib.Graph:
    """The shapes of the project's kinds of fact, built once."""
    return build_shapes(schema.FACT_TYPES, load_ontology())


ENGINE_VARIABLE = "SAHELKG_VALIDATOR"  # "pyshacl": the reference engine instead of the compiled checks
ENGINES = ("compiled", "pyshacl")


def validator_engine() -> str:
    """The engine that validates: the compiled checks (loader/shapecheck.py) unless the
    environment asks for pySHACL, the reference they are proven against."""
    engine = os.environ.get(ENGINE_VARIABLE, "") or "compiled"
    if engine not in ENGINES:
        raise ValueError(f"{ENGINE_VARIABLE}={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def validate_compiled(compiled: CompiledFile, entity_types: dict[str, set[str]],
                      ontology_quads: Iterable[ox.Quad], shapes: rdflib.Graph | None = None,
                      engine: str | None = None) -> list[Problem]:
    """SHACL-validate one compiled file; one Problem per result, in a stable order.

    ``entity_types`` maps entity IRIs to their class IRIs (the entity index); only the entities
    the file points to are used. ``ontology_quads`` gives the class tree. ``shapes``: the
    project's (``shapes_graph()``) unless given. ``engine``: "compiled" or "pyshacl"
    (``validator_engine()`` unless given); both give the same Problems.
    """
    shapes = shapes_graph() if shapes is None else shapes
    engine = engine or validator_engine()
    if not isinstance(ontology_quads, (list, tuple)):
        ontology_quads = list(ontology_quads)  # read twice: the class tree, then the labels
    if engine == "pyshacl":
        data, own_types, labels = _data_graph(compiled, entity_types, ontology_quads)
        results = _pyshacl_results(data, shapes)
    elif engine == "compiled":
        checker, tree = _checker(shapes), _class_tree(ontology_quads)
        with _quiet():  # rdflib logs every ill-typed literal
            results = checker.check(compiled.quads, entity_types, tree)
        if not results:
            return []  # a valid file costs no rdflib graph
        # the reporter reads the triples of the results' nodes, the citations' ids and the class tree only
        about = {t for r in results for t in (r.focus, r.value) if isinstance(t, ox.NamedNode | ox.BlankNode)}
        results = [Result(*(to_rdflib(t) for t in result[:4]), URIRef(result.component)) for result in results]
        data, own_types, labels = _data_graph(compiled, entity_types, ontology_quads, about)
    else:
        raise ValueError(f"unknown validation engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if not results:
        return []
    return _Reporter(compiled, own_types, data, labels, shapes).problems(results)


_CHECKERS: dict[int, tuple[rdflib.Graph, Checker]] = {}  # id of a shapes graph -> (it, its compiled checks)
_TREES: dict[int, tuple[object, ClassTree]] = {}


_KEPT = 8  # shapes graphs (and ontologies) compiled and kept: the project's, and a few tests' own


def _checker(shapes: rdflib.Graph) -> Checker:
    """The shapes compiled, once per shapes graph (kept alive here, so its id is not reused)."""
    found = _CHECKERS.get(id(shapes))
    if found is None or found[0] is not shapes:
        if len(_CHECKERS) >= _KEPT:
            _CHECKERS.clear()
        found = _CHECKERS[id(shapes)] = (shapes, Checker(shapes))
    return found[1]


def _class_tree(ontology_quads: list[ox.Quad] | tuple) -> ClassTree:
    """The ontology's class tree, once per list of ontology quads."""
    found = _TREES.get(id(ontology_quads))
    if found is None or found[0] is not ontology_quads:
        if len(_TREES) >= _KEPT:
            _TREES.clear()
        found = _TREES[id(ontology_quads)] = (ontology_quads, ClassTree.of(ontology_quads))
    return found[1]


def _data_graph(compiled: CompiledFile, entity_types: dict[str, set[str]], ontology_quads: Iterable[ox.Quad],
                about: set | None = None) -> tuple[rdflib.Graph, dict, dict[URIRef, str]]:
    """What is validated, as an rdflib graph: the file, the types of the entities it points to, the
    class tree; the nodes the file itself types (and their classes); the ontology's English labels.
    With ``about`` (pyoxigraph nodes), the file's triples are only those of these nodes, of the
    citations' ids and of the class tree: what the reporter reads."""
    data = rdflib.Graph()
    own_types: dict = defaultdict(set)  # the nodes the file itself types, and their classes
    referenced: set[str] = set()
    with _quiet():  # rdflib logs every ill-typed literal
        for quad in compiled.quads:
            if about is not None and quad.subject not in about and quad.predicate.value not in _ALWAYS_READ:
                if quad.predicate.value in _TYPES:
                    own_types[_term(quad.subject)].add(_term(quad.object))
                continue
            s, p, o = _term(quad.subject), _term(quad.predicate), _term(quad.object)
            data.add((s, p, o))
            if p == _REPORTED_TYPE:
                # a report is checked as the kind of fact it reports: the kind's shapes are its shapes
                data.add((s, RDF.type, o))
                own_types[s].add(o)
            elif p == RDF.type:
                own_types[s].add(o)
            elif isinstance(quad.object, ox.NamedNode):
                referenced.add(quad.object.value)
    for iri in referenced:
        for cls in entity_types.get(iri, ()):
            data.add((URIRef(iri), RDF.type, URIRef(cls)))
    labels: dict[URIRef, str] = {}
    for quad in ontology_quads:
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        if quad.predicate.value == _SUBCLASS_OF and isinstance(quad.object, ox.NamedNode):
            data.add((URIRef(quad.subject.value), RDFS.subClassOf, URIRef(quad.object.value)))
        elif (quad.predicate.value == _LABEL and isinstance(quad.object, ox.Literal)
              and quad.object.language in ("en", None)):
            labels[URIRef(quad.subject.value)] = quad.object.value
    return data, own_types, labels


def _pyshacl_results(data: rdflib.Graph, shapes: rdflib.Graph) -> list[Result]:
    """The reference engine: pySHACL's report, as result records."""
    import pyshacl  # ~0.4 s to import: only for the reference engine

    with _quiet():
        conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                               inplace=True, advanced=False)
    if conforms:
        return []
    return [Result(*(report.value(result, term) for term in (
                SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent)))
            for result in report.objects(None, SH.result)]


class _Reporter:
    """Turns validation results (either engine's) into Problems for one file."""

    def __init__(self, compiled: CompiledFile, own_types: dict, data: rdflib.Graph, labels: dict[URIRef, str],
                 shapes: rdflib.Graph):
        self.file = str(compiled.path)
        self.own_types = own_types  # node -> classes, as the file itself types it
        self.data = data  # what was validated: the file plus its context (entity types, class tree)
        self.labels = labels  # ontology terms -> their English labels
        self.shapes = shapes
        fact_ids: dict = defaultdict(set)
        for fact, citation in data.subject_objects(_CITES):
            fact_ids[fact] |= {str(i) for i in data.objects(citation, _LOCAL_ID)}
        self.fact_ids = {fact: "/".join(sorted(ids)) for fact, ids in fact_ids.items() if ids}

    def problems(self, results: Iterable[Result]) -> list[Problem]:
        found: list[Problem] = []
        for result in results:
            if result.focus not in self.own_types:
                continue  # a context node (an entity described in another file): not this file's problem
            problem = self.problem(result)
            if problem not in found:
                found.append(problem)
        return sorted(found, key=lambda p: (p.fact or "", p.field or "", p.rule, p.message))

    def problem(self, result: Result) -> Problem:
        focus, path, value, shape, component = result
        rule = "shacl:" + _constraint_name(component)
        wrong = self.what_is_wrong(component, shape, focus, path, value) or "does not conform"
        expected = self.shapes.value(shape, SH.description)
        message = f"{wrong}; expected {expected}" if expected else wrong
        fact, key = self.where(focus, path, shape)
        return Problem(self.file, rule, message, None, fact, key)

    # --- where: the fact (or entity) and its field ------------------------------------------------

    def where(self, focus, path, shape) -> tuple[str | None, str | None]:
        types = self.own_types[focus]
        key = self.shapes.value(shape, SKS.field)
        if self.is_a(types, _FACT):
            fact = self.fact_ids.get(focus) or _local(focus)
        elif _CITATION in types:
            ids = sorted(str(i) for i in self.data.objects(focus, _LOCAL_ID))
            facts = sorted(self.data.subjects(_CITES, focus), key=str)
            fact = "/".join(ids) or (self.fact_ids.get(facts[0]) or _local(facts[0]) if facts else _local(focus))
        elif _ARTICLE in types:
            fact = None
        elif any(self.is_a(types, cls) for cls in _ENTITY_CLASSES):
            fact = f"entity '{_local(focus)}'"
        else:
            fact = _local(focus)
        if key is None and isinstance(path, URIRef):
            key = _KEYS.get(path, _local(path))
        return fact, (str(key) if key is not None else None)

    def is_a(self, types: Iterable, cls: URIRef) -> bool:
        return any(cls in set(self.data.transitive_objects(t, RDFS.subClassOf)) for t in types)

    # --- what is wrong --------------------------------------------------------------------------

    def what_is_wrong(self, component, shape, focus, path, value) -> str | None:
        name = str(self.shapes.value(shape, SH.name) or (self.term_name(path) if path else "value"))
        kind = _constraint_name(component)
        values = list(self.data.objects(focus, path)) if isinstance(path, URIRef) else []
        if kind == "minCount":
            if not values:
                return f"no {name} given"
            return f"only {len(values)} {name} value(s) given, at least {self.shapes.value(shape, SH.minCount)} needed"
        if kind == "maxCount":
            shown = ", ".join(self.show(v) for v in sorted(values, key=str))
            return f"{name} has {len(values)} values ({shown})"
        if kind == "class":
            expected = self.term_name(self.shapes.value(shape, SH["class"]))
            kinds = sorted(self.term_name(t) for t in self.data.objects(value, RDF.type))
            if not kinds:
                return f"{self.show(value)} is not known to be {_a(expected)}"
            return f"{self.show(value)} is {_a(' and '.join(kinds))}, not {_a(expected)}"
        if kind == "datatype":
            return self.wrong_datatype(value, [self.shapes.value(shape, SH.datatype)])
        if kind == "or":
            members = Collection(self.shapes, self.shapes.value(shape, SH["or"]))
            datatypes = [self.shapes.value(m, SH.datatype) for m in members]
            if all(datatypes):
                return self.wrong_datatype(value, datatypes)
            return f"{self.show(value)} has none of the allowed forms"
        if kind == "in":
            return f"{self.show(value)} is not an allowed {name}"
        if kind == "lessThanOrEquals":
            other = self.shapes.value(shape, SH.lessThanOrEquals)
            others = ", ".join(self.show(o) for o in sorted(self.data.objects(focus, other), key=str))
            return f"the {self.term_name(path)} {self.show(value)} is after the {self.term_name(other)} {others}"
        if kind == "minInclusive":
            return f"{name} {self.show(value)} is below {self.show(self.shapes.value(shape, SH.minInclusive))}"
        if kind == "minLength":
            return f"{name} {self.show(value)} is empty"
        if kind == "pattern":
            return f"{self.show(value)} is not in the expected form"
        if kind == "nodeKind":
            return f"{self.show(value)} is not an IRI"
        if kind == "uniqueLang":
            by_language: dict = defaultdict(list)
            for v in values:
                if isinstance(v, Literal) and v.language:
                    by_language[v.language.lower()].append(v)
            clashes = "; ".join(f"{len(vs)} in '{lang}' ({', '.join(self.show(v) for v in sorted(vs, key=str))})"
                                for lang, vs in sorted(by_language.items()) if len(vs) > 1)
            return f"{name} has more than one value in a language: {clashes}"
        return None

    def wrong_datatype(self, value, expected: list) -> str:
        names = _either([_a(_datatype_name(d)) for d in expected])
        if not isinstance(value, Literal):
            return f"{self.show(value)} is not a literal value but should be {names}"
        actual = value.datatype or (RDF.langString if value.language else XSD.string)
        if actual in expected:  # the right datatype, but not a valid value of it
            return f"{self.show(value)} is not a valid {_datatype_name(actual)}"
        return f"{self.show(value)} is {_a(_datatype_name(actual))}, not {names}"

    def term_name(self, term) -> str:
        return self.labels.get(term) or _local(term)

    def show(self, node) -> str:
        if isinstance(node, Literal):
            text = str(node)
            text = text if len(text) <= 40 else text[:39] + "…"
            return f"'{text}'" + (f"@{node.language}" if node.language else "")
        if isinstance(node, BNode):
            return "a blank node"
        iri = str(node)
        if iri.startswith(SKF) and node in self.fact_ids:
            return f"fact '{self.fact_ids[node]}'"
        if iri.startswith((SK, SKG)):
            return f"'{_local(node)}'"
        return f"<{iri}>"


# What reports a problem as a Problem anyway: rdflib on every ill-typed literal, pySHACL on each result.
_CHATTY_LOGGERS = ("rdflib.term", "pyshacl")


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the loggers of rdflib and pySHACL (not logging as a whole) while they run: with no
    handler configured, Python would print their warnings to stderr."""
    loggers = [logging.getLogger(name) for name in _CHATTY_LOGGERS]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, previous, strict=True):
            logger.setLevel(level)


def _constraint_name(component) -> str:
    local = _local(component).removesuffix("ConstraintComponent") if component else "constraint"
    return local[:1].lower() + local[1:]


def _datatype_name(datatype) -> str:
    return _DATATYPE_NAMES.get(datatype) or f"xsd:{_local(datatype)}"


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
