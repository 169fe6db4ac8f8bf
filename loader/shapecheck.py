"""The SHACL shapes compiled into plain Python checks: the same results as pySHACL, without it.

pySHACL on rdflib took two thirds of a 100-article load. Here the shapes graph is read once and
each node and property shape becomes a few Python checks over an index of one file's quads
(subject -> predicate -> objects), with the data graph ``loader.shapes`` gives pySHACL: the
file's triples, ``skg:reportedType`` as ``rdf:type``, the types of the entities the file points
to, and the ontology's class tree. Only the focus nodes the file itself types are checked (the
reporter drops the others anyway).

The checks follow pySHACL 0.40's own code for each constraint component, so that an odd value
is judged as pySHACL judges it: typed literals other than text (dates, numbers, booleans) are
read as rdflib Literals, whose normalised form, ``ill_typed`` flag and comparisons are what
pySHACL sees. A shape that uses a target or a constraint component not compiled here is refused
when the shapes are compiled (``UnsupportedShape``), so that no future shape is silently skipped.
tests/test_validator_parity.py checks that both engines give the same problems.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection

from .namespaces import RDF, RDFS, SKG, XSD

SH = "http://www.w3.org/ns/shacl#"
_TYPE, _SUBCLASS_OF, _REPORTED_TYPE = RDF + "type", RDFS + "subClassOf", SKG + "reportedType"
_STRING, _LANG_STRING = XSD + "string", RDF + "langString"

# The SHACL terms a shape may use here; any other sh: predicate on a shape is refused.
_TARGETS = {"targetClass", "targetSubjectsOf"}
_VALUE_CHECKS = {"class", "datatype", "in", "nodeKind", "pattern", "minLength", "minInclusive", "or"}
_PATH_CHECKS = {"minCount", "maxCount", "uniqueLang", "lessThanOrEquals"}
_WORDS = {"name", "description"}  # non-validating
_KNOWN = _TARGETS | _VALUE_CHECKS | _PATH_CHECKS | _WORDS | {"path", "property"}
_SHAPE_TYPES = {SH + "NodeShape", SH + "PropertyShape"}


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this checker does not compile."""


class Result(NamedTuple):
    """One validation result, as pySHACL's report gives it (``value`` None where it gives none)."""
    focus: object
    path: object
    value: object
    shape: rdflib.term.Node  # the source shape, a node of the shapes graph
    component: str  # the IRI of the source constraint component


def key(term):
    """How a data term is held: IRIs, blank nodes and texts as pyoxigraph terms; other typed
    literals as the rdflib Literal pySHACL would see (normalised lexical form, value, ill_typed)."""
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        if datatype != _STRING:
            return _typed(term.value, datatype)
    return term


@lru_cache(maxsize=65536)
def _typed(value: str, datatype: str) -> Literal:
    """rdflib Literals are immutable, and dates and numbers repeat: each is parsed once."""
    return Literal(value, datatype=URIRef(datatype))


def _from_shapes(node):
    """A term of the shapes graph (rdflib) as a data key."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is None or str(node.datatype) == _STRING:
            return ox.Literal(str(node))
        return node
    raise UnsupportedShape(f"a blank node {node} as a value in a shape is not compiled")


def to_rdflib(term):
    """A data key as the rdflib term pySHACL's data graph holds."""
    if isinstance(term, rdflib.term.Node) or term is None:
        return term
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return Literal(term.value, lang=term.language) if term.language else Literal(term.value)


def _literal(term):
    return isinstance(term, (ox.Literal, Literal))


# --- the checks of one value node, as pySHACL's constraint components judge them -------------------


def _datatype_check(rule: str) -> Callable:
    rule_ref = URIRef(rule)

    def check(v) -> bool:
        if isinstance(v, ox.Literal):  # a text: rdflib's datatype is None, with or without a language
            if v.language:
                return rule in (_LANG_STRING, RDFS + "Literal")
            return rule in (_STRING, RDFS + "Literal")
        if not isinstance(v, Literal):
            return False
        if v.datatype == rule_ref:
            return v.ill_typed is not True and _actual_datatype(v.value, rule)
        return rule == RDFS + "Literal" or (rule == RDFS + "Datatype" and v.datatype is not None)
    return check


def _actual_datatype(value, rule: str) -> bool:
    """pySHACL's check that a literal's value is of its datatype's Python type."""
    kinds = {_STRING: (str, bytes), _LANG_STRING: (str, bytes), XSD + "integer": int, XSD + "float": float,
             XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": datetime.date,
             XSD + "time": datetime.time, XSD + "dateTime": datetime.datetime}
    return isinstance(value, kinds[rule]) if rule in kinds else True


def _value_only(check: Callable) -> Callable:
    return lambda v, _: check(v)


def _string(v) -> str:
    """The string a value is matched as (pySHACL's value_node_to_string)."""
    if isinstance(v, ox.Literal | ox.NamedNode):
        return v.value
    if v.value is not None and v.datatype is None:
        return str(v.value)
    return str(v)


def _compare_literal(l1: Literal, l2: Literal) -> int:
    """pySHACL's compare_literal."""
    if l1.eq(l2):
        return 0
    if l1.value.__class__ in (datetime.datetime, datetime.time):
        if l1.value == l2.value:
            return 0
        if l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


def _min_inclusive_check(minimum: Literal) -> Callable:
    min_is_string = isinstance(minimum.value, str)

    def check(v) -> bool:
        if not _literal(v):
            return False
        v = to_rdflib(v)
        if isinstance(v.value, str) != min_is_string:
            return False
        try:
            return _compare_literal(v, minimum) >= 0
        except (TypeError, NotImplementedError):
            return False
    return check


class _Shape:
    """One compiled shape: its value checks and, for a property shape, its path and count checks."""

    def __init__(self, graph: rdflib.Graph, node, compiled: dict):
        self.node = node
        compiled[node] = self
        self.params: dict[str, list] = {}
        for p, o in graph.predicate_objects(node):
            p = str(p)
            if p.startswith(SH):
                name = p[len(SH):]
                if name not in _KNOWN:
                    raise UnsupportedShape(f"shape {node} uses sh:{name}, which loader/shapecheck.py does not compile")
                self.params.setdefault(name, []).append(o)
            elif p == _TYPE and str(o).startswith(SH) and str(o) not in _SHAPE_TYPES:
                raise UnsupportedShape(f"shape {node} is a {o}, which loader/shapecheck.py does not compile")
            elif p == _TYPE and str(o) in (RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"):
                raise UnsupportedShape(f"shape {node} is also a class (an implicit target), which is not compiled")
        get = self.params.get
        paths = get("path", [])
        if len(paths) > 1 or (paths and not isinstance(paths[0], URIRef)):
            raise UnsupportedShape(f"shape {node}: only one sh:path, an IRI, is compiled")
        self.path = ox.NamedNode(str(paths[0])) if paths else None
        if self.path is None and any(name in self.params for name in _PATH_CHECKS):
            raise UnsupportedShape(f"node shape {node} uses {sorted(set(self.params) & _PATH_CHECKS)} without a path")
        if self.path is not None and "property" in self.params:
            raise UnsupportedShape(f"property shape {node}: sh:property inside a property shape is not compiled")
        self.target_classes = [ox.NamedNode(str(c)) for c in get("targetClass", [])]
        self.target_subjects_of = [ox.NamedNode(str(p)) for p in get("targetSubjectsOf", [])]
        self.properties = [compiled.get(p) or _Shape(graph, p, compiled) for p in get("property", [])]
        self.min_counts = [int(n) for n in get("minCount", [])]
        self.max_counts = [int(n) for n in get("maxCount", [])]
        self.unique_lang = any(bool(u.value) for u in get("uniqueLang", []))
        self.less_than_or_equals = [ox.NamedNode(str(p)) for p in get("lessThanOrEquals", [])]
        self.value_checks: list[tuple[str, Callable]] = []  # (component, value -> conforms)
        add = self.value_checks.append
        for cls in get("class", []):
            add(("Class", _class_check(_from_shapes(cls))))
        for datatype in get("datatype", []):
            add(("Datatype", _value_only(_datatype_check(str(datatype)))))
        for members in get("in", []):
            allowed = {_from_shapes(m) for m in Collection(graph, members)}
            add(("In", lambda v, _, allowed=allowed: v in allowed))
        for kind in get("nodeKind", []):
            if str(kind) != SH + "IRI":
                raise UnsupportedShape(f"shape {node}: sh:nodeKind {kind} is not compiled")
            add(("NodeKind", lambda v, _: isinstance(v, ox.NamedNode)))
        for pattern in get("pattern", []):
            regex = re.compile(str(pattern))
            add(("Pattern", lambda v, _, regex=regex: not isinstance(v, ox.BlankNode) and bool(regex.search(_string(v)))))
        for length in get("minLength", []):
            n = int(length)
            add(("MinLength", lambda v, _, n=n: n == 0 or (not isinstance(v, ox.BlankNode) and len(_string(v)) >= n)))
        for minimum in get("minInclusive", []):
            add(("MinInclusive", _value_only(_min_inclusive_check(minimum))))
        for members in get("or", []):
            options = [compiled.get(m) or _Shape(graph, m, compiled) for m in Collection(graph, members)]
            for option in options:
                if option.path is not None or option.properties or option.target_classes or option.target_subjects_of:
                    raise UnsupportedShape(f"shape {node}: an sh:or member with a path, properties or targets is not compiled")
            add(("Or", lambda v, data, options=options: any(o.conforms(v, data) for o in options)))

    def conforms(self, value, data: _Data) -> bool:
        """Whether a value node, as focus, meets every check of this (sh:or member) shape."""
        return all(check(value, data) for _, check in self.value_checks)

    def check(self, focus, data: _Data, results: list[Result]) -> None:
        for prop in self.properties:
            prop.check(focus, data, results)
        if self.path is None:
            values = [focus]
        else:
            values = data.objects(focus, self.path)
            n = len(values)
            for minimum in self.min_counts:
                if n < minimum:
                    results.append(Result(focus, self.path, None, self.node, SH + "MinCountConstraintComponent"))
            for maximum in self.max_counts:
                if n > maximum:
                    results.append(Result(focus, self.path, None, self.node, SH + "MaxCountConstraintComponent"))
            if self.unique_lang:  # one result per language given twice, with no value (as pySHACL)
                langs = [v.language.lower() for v in values if _literal(v) and v.language]
                for _ in {lang for lang in langs if langs.count(lang) > 1}:
                    results.append(Result(focus, self.path, None, self.node, SH + "UniqueLangConstraintComponent"))
            for other in self.less_than_or_equals:
                for v in _not_less_or_equal(values, data.objects(focus, other)):
                    results.append(Result(focus, self.path, v, self.node, SH + "LessThanOrEqualsConstraintComponent"))
        for component, check in self.value_checks:
            for v in values:
                if not check(v, data):
                    results.append(Result(focus, self.path, v if self.path is not None else focus, self.node,
                                          SH + component + "ConstraintComponent"))


def _class_check(cls) -> Callable:
    """sh:class: the value is typed (in the data graph) with the class or one of its subclasses."""
    def check(v, data: _Data) -> bool:
        return not _literal(v) and any(cls in data.superclasses(t) for t in data.types.get(v, ()))
    return check


def _not_less_or_equal(values: list, others: list) -> list:
    """pySHACL's sh:lessThanOrEquals: each value, once per other value it is not <= to. A blank
    node is <= nothing (the SHACL spec: a result), where pySHACL raises ReportableRuntimeError and
    the load would end in a traceback."""
    found = []
    for value in values:
        value = to_rdflib(value)
        v, v_string = _comparable(value)
        for other in others:
            other = to_rdflib(other)
            o, o_string = _comparable(other)
            if isinstance(value, BNode) or isinstance(other, BNode) or v_string != o_string or not v <= o:
                found.append(value)
    return found


def _comparable(node):
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


class _Data:
    """The data graph of one file, indexed: objects by subject and predicate, rdf:type, class tree."""

    def __init__(self, quads: Iterable[ox.Quad], entity_types: dict[str, set[str]], tree: ClassTree):
        index: dict = {}
        types: dict = {}
        own: list = []  # the nodes the file itself types, in order
        referenced: set[str] = set()
        extra_tree: list = []
        for quad in quads:
            s, p, o = quad.subject, quad.predicate.value, quad.object
            o = key(o)
            index.setdefault(s, {}).setdefault(p, {})[o] = None
            if p == _REPORTED_TYPE or p == _TYPE:
                types.setdefault(s, {})[o] = None
                own.append(s)
                if p == _REPORTED_TYPE:  # the data graph says it as rdf:type too
                    index[s].setdefault(_TYPE, {})[o] = None
            elif isinstance(o, ox.NamedNode):
                referenced.add(o.value)
                if p == _SUBCLASS_OF:
                    extra_tree.append((s, o))
            elif p == _SUBCLASS_OF:
                extra_tree.append((s, o))
        for iri in referenced:
            classes = entity_types.get(iri)
            if classes:
                node = ox.NamedNode(iri)
                into = types.setdefault(node, {})
                for cls in classes:
                    into[ox.NamedNode(cls)] = None
        self.index = index
        self.types = types
        self.own = list(dict.fromkeys(own))
        if extra_tree:  # the file adds to the class tree: a tree of its own
            edges = {k: set(v) for k, v in tree.edges.items()}
            for s, o in extra_tree:
                edges.setdefault(s, set()).add(o)
            tree = ClassTree(edges)
        self.superclasses = tree.superclasses

    def objects(self, subject, predicate: ox.NamedNode) -> list:
        return list(self.index.get(subject, {}).get(predicate.value, ()))



class Checker:
    """The shapes graph compiled: ``check`` gives the validation results of one file."""

    def __init__(self, shapes: rdflib.Graph):
        compiled: dict = {}
        roots = set()
        for p in (SH + "targetClass", SH + "targetSubjectsOf"):
            roots |= set(shapes.subjects(URIRef(p), None))
        unknown_targets = {str(p) for p in shapes.predicates() if str(p).startswith(SH + "target")} - {
            SH + t for t in _TARGETS}
        if unknown_targets:
            raise UnsupportedShape(f"targets {sorted(unknown_targets)} are not compiled")
        for p in shapes.predicates():
            if str(p).startswith(SH) and str(p)[len(SH):] not in _KNOWN:
                raise UnsupportedShape(f"the shapes use sh:{str(p)[len(SH):]}, which loader/shapecheck.py does not compile")
        self.by_class: dict = {}
        self.by_subject_of: dict = {}
        for node in sorted(roots, key=str):
            shape = compiled.get(node) or _Shape(shapes, node, compiled)
            for cls in shape.target_classes:
                self.by_class.setdefault(cls, []).append(shape)
            for p in shape.target_subjects_of:
                self.by_subject_of.setdefault(p.value, []).append(shape)
        # the shapes reached from no target (e.g. typed sh:NodeShape with none) check nothing, as in pySHACL
        for node in shapes.subjects(URIRef(_TYPE), None):
            if node not in compiled and any(str(t) in _SHAPE_TYPES for t in shapes.objects(node, URIRef(_TYPE))):
                _Shape(shapes, node, compiled)  # compiled only to refuse what it cannot check

    def check(self, quads: Iterable[ox.Quad], entity_types: dict[str, set[str]], tree: ClassTree) -> list[Result]:
        data = _Data(quads, entity_types, tree)
        results: list[Result] = []
        for focus in data.own:
            shapes: dict = {}
            for t in data.types.get(focus, ()):
                for cls in data.superclasses(t):
                    for shape in self.by_class.get(cls, ()):
                        shapes[id(shape)] = shape
            predicates = data.index.get(focus, {})
            for p, targeted in self.by_subject_of.items():
                if p in predicates:
                    for shape in targeted:
                        shapes[id(shape)] = shape
            for shape in shapes.values():
                shape.check(focus, data, results)
        return results


class ClassTree:
    """rdfs:subClassOf: class -> its direct superclasses, and each class's closure once asked."""

    def __init__(self, edges: dict):
        self.edges = edges
        self._closure: dict = {}

    @classmethod
    def of(cls, ontology_quads: Iterable[ox.Quad]) -> ClassTree:
        """The ontology's class tree, between IRIs (as the data graph of loader/shapes.py has it)."""
        edges: dict = {}
        for quad in ontology_quads:
            if (quad.predicate.value == _SUBCLASS_OF and isinstance(quad.subject, ox.NamedNode)
                    and isinstance(quad.object, ox.NamedNode)):
                edges.setdefault(quad.subject, set()).add(quad.object)
        return cls(edges)

    def superclasses(self, term) -> set:
        """The class and every class above it (rdflib's transitive_objects over rdfs:subClassOf)."""
        found = self._closure.get(term)
        if found is None:
            found, todo = {term}, [term]
            while todo:
                for parent in self.edges.get(todo.pop(), ()):
                    if parent not in found:
                        found.add(parent)
                        todo.append(parent)
            self._closure[term] = found
        return found
