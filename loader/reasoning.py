"""OWL 2 DL consistency check of the knowledge graph with HermiT (through owlready2).

Usage::

    report = check_consistency(graph)   # graph: ontology + data, one rdflib Graph
    if not report.consistent:
        for line in report.explanation: ...

HermiT answers only "consistent" or "inconsistent"; it names neither the individuals
nor the axioms involved, and after an inconsistency owlready2 gets no classification
back (so there are no "instances of owl:Nothing" to list). When HermiT says
"inconsistent", this module therefore looks for the cause itself: for every
individual it collects the classes it belongs to (asserted types, their
superclasses, and the domains and ranges of the properties it is used with) and
reports every disjointness axiom that this set violates, naming the individual,
the classes and the axiom. It also reports ill-typed literals and literals that
do not fit the datatype range of their property.

The module never prints and never exits; it raises JavaMissing when there is no
java to run HermiT, and ReasonerError when HermiT fails for another reason.
"""

from __future__ import annotations

import calendar
import re
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import owlready2
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .namespaces import PREFIXES

__all__ = ["ConsistencyReport", "JavaMissing", "ReasonerError", "check_consistency"]


class JavaMissing(Exception):
    """No Java runtime on PATH: HermiT cannot run."""


class ReasonerError(RuntimeError):
    """HermiT (or owlready2) failed for another reason than an inconsistency."""


@dataclass
class ConsistencyReport:
    consistent: bool
    explanation: list[str] = field(default_factory=list)
    # Named classes HermiT found unsatisfiable (equivalent to owl:Nothing); such
    # classes do not make the graph inconsistent as long as they have no members.
    unsatisfiable_classes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall-clock time of the whole check


# --------------------------------------------------------------------------------------
# Datatypes
#
# HermiT only accepts the datatypes of the OWL 2 datatype map
# (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps). xsd:date, xsd:gYearMonth and
# xsd:gYear -- which the model uses for skg:date/start/end and the *Earliest/*Latest
# bounds -- are not in it: HermiT stops with UnsupportedDatatypeException ("Literals
# can only use the datatypes from the OWL 2 datatype map") as soon as one such literal
# is asserted, so the check would never run on real data. The copy given to the
# reasoner therefore turns every literal with a datatype outside the map into an
# xsd:string literal with the same lexical form. The assertion is kept (not dropped)
# so that the domain of the property still applies: skg:start on an event still
# clashes with "situation and event are disjoint". Any such datatype used in an axiom
# (e.g. an rdfs:range xsd:date) is replaced by rdfs:Literal in the copy, and HermiT is
# also told to ignore unsupported datatypes as a safety net. The core ontology itself
# uses rdfs:Literal as the range of these properties, so nothing is lost there.
# Malformed date values are reported by check_consistency itself (see _ill_typed).
# --------------------------------------------------------------------------------------

_OWL2_DATATYPES = frozenset(
    [RDFS.Literal, RDF.PlainLiteral, RDF.XMLLiteral, OWL.real, OWL.rational]
    + [
        XSD[name]
        for name in (
            "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger "
            "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float "
            "string normalizedString token language Name NCName NMTOKEN boolean hexBinary "
            "base64Binary anyURI dateTime dateTimeStamp"
        ).split()
    ]
)

_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_DATE_RE = re.compile(r"^(-?\d{4,})-(\d\d)-(\d\d)" + _TZ + "$")
_YEAR_MONTH_RE = re.compile(r"^-?\d{4,}-(?:0[1-9]|1[0-2])" + _TZ + "$")
_YEAR_RE = re.compile(r"^-?\d{4,}" + _TZ + "$")


def _valid_date(lexical: str) -> bool:
    m = _DATE_RE.match(lexical)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12:
        return False
    leap = calendar.isleap(year) if year > 0 else calendar.isleap(year + 1)  # XSD 1.1: year 0 is 1 BCE
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return 1 <= day <= days


_CALENDAR_CHECKS = {
    XSD.date: _valid_date,
    XSD.gYearMonth: lambda s: bool(_YEAR_MONTH_RE.match(s)),
    XSD.gYear: lambda s: bool(_YEAR_RE.match(s)),
}


def _ill_typed(lit: Literal) -> bool:
    """The lexical form is not valid for the literal's datatype."""
    check = _CALENDAR_CHECKS.get(lit.datatype)
    if check is not None:
        return not check(str(lit))
    return lit.datatype in _OWL2_DATATYPES and bool(getattr(lit, "ill_typed", False))


# ------------------------------------------------------------------ the reasoner's copy

_DATATYPE_POSITIONS = frozenset(
    [
        RDFS.range,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.onDataRange,
        OWL.onDatatype,
        OWL.datatypeComplementOf,
        OWL.equivalentClass,
        RDF.first,
    ]
)


def _unsupported_datatype(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(str(XSD)) and node not in _OWL2_DATATYPES


def _all_triples(graph: rdflib.Graph):
    if isinstance(graph, rdflib.ConjunctiveGraph):  # Dataset too: take every named graph
        for s, p, o, _ in graph.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from graph.triples((None, None, None))


def _reasoner_copy(graph: rdflib.Graph) -> tuple[rdflib.Graph, list[tuple]]:
    """Copy of the graph HermiT can read, and the ill-typed (s, p, literal) triples."""
    copy = rdflib.Graph()
    ill_typed: list[tuple] = []
    for s, p, o in _all_triples(graph):
        if _unsupported_datatype(s):
            continue  # e.g. "xsd:date a rdfs:Datatype"
        if isinstance(o, Literal):
            if _ill_typed(o):
                ill_typed.append((s, p, o))
                # owlready2 cannot even parse e.g. "abc"^^xsd:positiveInteger; the
                # problem is reported separately, HermiT checks the rest.
                o = Literal(str(o), datatype=XSD.string)
            elif o.datatype is not None and o.datatype not in _OWL2_DATATYPES:
                o = Literal(str(o), datatype=XSD.string)
        elif p in _DATATYPE_POSITIONS and _unsupported_datatype(o):
            o = RDFS.Literal
        copy.add((s, p, o))
    return copy, ill_typed


# ------------------------------------------------------------------------ running HermiT

# owlready2 writes its own temporary file for HermiT and deletes it only when HermiT
# succeeds. To leave nothing behind after an inconsistency, tempfile's directory is
# pointed at a private directory for the duration of the call (under a lock, because
# tempfile.tempdir is process-wide).
_REASONER_LOCK = threading.Lock()


def _run_hermit(copy: rdflib.Graph) -> tuple[bool, list[str]]:
    """(consistent, unsatisfiable named classes) according to HermiT."""
    with tempfile.TemporaryDirectory(prefix="sahel-kg-hermit-") as tmp, _REASONER_LOCK:
        path = Path(tmp) / "graph.nt"
        copy.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()  # a fresh world: nothing leaks from one call to the next
        saved_tempdir = tempfile.tempdir
        tempfile.tempdir = tmp
        try:
            world.get_ontology(path.as_uri()).load(format="ntriples")
            owlready2.sync_reasoner(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
            unsatisfiable = sorted(
                c.iri for c in world.inconsistent_classes() if getattr(c, "iri", None) and c is not owlready2.Nothing
            )
            return True, unsatisfiable
        except owlready2.OwlReadyInconsistentOntologyError:
            return False, []
        except owlready2.OwlReadyJavaError as error:
            raise ReasonerError(f"HermiT failed: {error}") from error
        except owlready2.OwlReadyOntologyParsingError as error:
            raise ReasonerError(f"owlready2 could not read the graph: {error}") from error
        finally:
            tempfile.tempdir = saved_tempdir
            world.close()


# ------------------------------------------------------------------- explaining a clash

def _name(node) -> str:
    if isinstance(node, tuple):  # a union of classes
        return " or ".join(_name(n) for n in node)
    if isinstance(node, Literal):
        dt = f"^^{_name(node.datatype)}" if node.datatype else (f"@{node.language}" if node.language else "")
        return f'"{node}"{dt}'
    if isinstance(node, BNode):
        return f"_:{node} (blank node)"
    text = str(node)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and re.fullmatch(r"[\w.-]*", text[len(ns) :]):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def _rdf_list(graph: rdflib.Graph, head) -> list:
    try:
        return list(Collection(graph, head))
    except Exception:  # malformed list: nothing to say about it
        return []


class _Schema:
    """The parts of the TBox the explanation needs, read from the graph itself."""

    def __init__(self, g: rdflib.Graph):
        self.parents: dict = defaultdict(set)  # named class -> direct named superclasses
        for s, o in g.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                self.parents[s].add(o)
        for s, o in g.subject_objects(OWL.equivalentClass):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                self.parents[s].add(o)
                self.parents[o].add(s)

        self.super_props: dict = defaultdict(set)
        for s, o in g.subject_objects(RDFS.subPropertyOf):
            self.super_props[s].add(o)
        for s, o in g.subject_objects(OWL.equivalentProperty):
            self.super_props[s].add(o)
            self.super_props[o].add(s)
        self.inverse: dict = defaultdict(set)
        for s, o in g.subject_objects(OWL.inverseOf):
            self.inverse[s].add(o)
            self.inverse[o].add(s)
        # a domain or range that is a union of named classes (skg:Situation or skg:Report) is kept
        # as a tuple of its members: which one applies depends on what else the individual is
        self.domains: dict = defaultdict(set)
        for s, o in g.subject_objects(RDFS.domain):
            self.domains[s].add(self._union(g, o))
        self.ranges: dict = defaultdict(set)
        for s, o in g.subject_objects(RDFS.range):
            self.ranges[s].add(self._union(g, o))

        self.object_props = set(g.subjects(RDF.type, OWL.ObjectProperty))
        self.data_props = set(g.subjects(RDF.type, OWL.DatatypeProperty))
        self.annotation_props = set(g.subjects(RDF.type, OWL.AnnotationProperty)) | {
            RDFS.label,
            RDFS.comment,
            RDFS.seeAlso,
            RDFS.isDefinedBy,
            OWL.versionInfo,
        }
        self.classes = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, RDFS.Class))

        # (set of pairwise disjoint named classes, how the axiom reads)
        self.disjoint: list[tuple[list, str]] = []
        for a, b in g.subject_objects(OWL.disjointWith):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                self.disjoint.append(([a, b], f"{_name(a)} owl:disjointWith {_name(b)}"))
        for axiom in g.subjects(RDF.type, OWL.AllDisjointClasses):
            members = [m for m in _rdf_list(g, g.value(axiom, OWL.members)) if isinstance(m, URIRef)]
            listed = " ".join(_name(m) for m in members)
            self.disjoint.append((members, f"owl:AllDisjointClasses({listed})"))
        for union, head in g.subject_objects(OWL.disjointUnionOf):
            members = [m for m in _rdf_list(g, head) if isinstance(m, URIRef)]
            listed = " ".join(_name(m) for m in members)
            self.disjoint.append((members, f"{_name(union)} owl:disjointUnionOf({listed})"))

        self.different: list[tuple[set, str]] = []
        for axiom in g.subjects(RDF.type, OWL.AllDifferent):
            members = _rdf_list(g, g.value(axiom, OWL.distinctMembers) or g.value(axiom, OWL.members))
            self.different.append((set(members), "owl:AllDifferent(" + " ".join(_name(m) for m in members) + ")"))
        for a, b in g.subject_objects(OWL.differentFrom):
            self.different.append(({a, b}, f"{_name(a)} owl:differentFrom {_name(b)}"))

    @staticmethod
    def _union(g: rdflib.Graph, node):
        members = _rdf_list(g, g.value(node, OWL.unionOf)) if isinstance(node, BNode) else []
        return tuple(members) if members and all(isinstance(m, URIRef) for m in members) else node

    def disjoint_with(self, classes: set, cls) -> bool:
        """Whether a member of all of ``classes`` cannot be a ``cls``."""
        theirs = {a for c in classes for a, _ in self.superclasses(c)}
        mine = {a for a, _ in self.superclasses(cls)}
        return any(a != b for members, _ in self.disjoint
                   for a in theirs & set(members) for b in mine & set(members))

    def superclasses(self, cls) -> list:
        """cls and its named ancestors, each with the chain that leads to it."""
        found = {cls: [cls]}
        todo = [cls]
        while todo:
            current = todo.pop()
            for parent in self.parents.get(current, ()):
                if parent not in found:
                    found[parent] = found[current] + [parent]
                    todo.append(parent)
        return list(found.items())

    def superproperties(self, prop) -> list:
        found, todo = {prop}, [prop]
        while todo:
            for parent in self.super_props.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return sorted(found)


_STRINGS = frozenset(XSD[n] for n in "string normalizedString token language Name NCName NMTOKEN".split())
_NUMBERS = frozenset(
    XSD[n]
    for n in (
        "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int "
        "short byte unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
) | {OWL.real, OWL.rational}
_INTEGER_BOUNDS = {
    XSD.integer: (None, None),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-128, 127),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 255),
}


def _fits(lit: Literal, datatype) -> bool | None:
    """Whether the literal is in the datatype's value space (None: cannot tell)."""
    if datatype == RDFS.Literal:
        return True
    dt = lit.datatype
    if datatype == XSD.string:
        if lit.language:
            return False
        if dt is None or dt in _STRINGS:
            return True
        return False if dt in _OWL2_DATATYPES else None
    if datatype == XSD.boolean:
        return dt == XSD.boolean if dt in _OWL2_DATATYPES or dt is None else None
    if datatype in _INTEGER_BOUNDS:
        if dt not in _NUMBERS:
            return False if (dt in _OWL2_DATATYPES or dt is None) else None
        try:
            value = Decimal(str(lit).strip())
        except InvalidOperation:
            return False
        if value != value.to_integral_value():
            return False
        low, high = _INTEGER_BOUNDS[datatype]
        return (low is None or value >= low) and (high is None or value <= high)
    return None


def _explain(g: rdflib.Graph, already_reported: set) -> list[str]:
    """Disjointness clashes and bad literals; already_reported: (s, p, o) of the copy to skip."""
    schema = _Schema(g)
    skip_props = schema.annotation_props | {RDF.type}

    # owl:sameAs merges individuals: work on equivalence classes (union-find)
    rep: dict = {}

    def find(x):
        while rep.get(x, x) != x:
            x = rep[x]
        return x

    same_as_nodes = set()
    for a, b in g.subject_objects(OWL.sameAs):
        same_as_nodes |= {a, b}
        ra, rb = find(a), find(b)
        if ra != rb:
            rep[ra] = rb
    same_as_members: dict = defaultdict(set)
    for x in same_as_nodes:
        same_as_members[find(x)].add(x)

    # individual -> class -> why the individual belongs to it
    member_of: dict = defaultdict(dict)

    unions: list = []  # (individual, union members, why): resolved once the named classes are known

    def add(ind, cls, why):
        if isinstance(cls, tuple):
            unions.append((ind, cls, why))
        elif isinstance(cls, URIRef):
            member_of[find(ind)].setdefault(cls, why)

    declared = schema.classes | schema.object_props | schema.data_props | schema.annotation_props
    for s, o in g.subject_objects(RDF.type):
        if str(o).startswith((str(OWL), str(RDF), str(RDFS))) and o != OWL.Nothing:
            continue
        if s in declared or o in (RDFS.Datatype,):
            continue
        add(s, o, "asserted")

    problems: list[str] = []
    for s, p, o in g:
        if p in skip_props or str(p).startswith((str(OWL), str(RDFS))):
            continue
        for sup in schema.superproperties(p):
            via = "" if sup == p else f", a sub-property of {_name(sup)}"
            for domain in schema.domains.get(sup, ()):
                add(s, domain, f"subject of {_name(p)}{via} whose domain is {_name(domain)}")
            for rng in schema.ranges.get(sup, ()):
                if isinstance(o, Literal):
                    if (s, p, o) not in already_reported and _fits(o, rng) is False:
                        problems.append(
                            f"{_name(s)} {_name(p)} {_name(o)}: the value is not a {_name(rng)}, the range of {_name(sup)}"
                        )
                else:
                    add(o, rng, f"value of {_name(p)}{via} whose range is {_name(rng)}")
            for inv in schema.inverse.get(sup, ()):
                if not isinstance(o, Literal):
                    for domain in schema.domains.get(inv, ()):
                        why = f"value of {_name(p)}, the inverse of {_name(inv)} whose domain is {_name(domain)}"
                        add(o, domain, why)
                    for rng in schema.ranges.get(inv, ()):
                        why = f"subject of {_name(p)}, the inverse of {_name(inv)} whose range is {_name(rng)}"
                        add(s, rng, why)

    for ind, members, why in unions:
        # of "X or Y", the one member the individual can still be is what it must be
        known = set(member_of[find(ind)])
        possible = [m for m in members if not schema.disjoint_with(known, m)]
        if len(possible) == 1:
            ruled_out = " or ".join(_name(m) for m in members if m != possible[0])
            add(ind, possible[0], f"{why}, and it cannot be {ruled_out}")
        elif not possible:  # it can be none of them: each one clashes, and says why
            for member in members:
                add(ind, member, why)

    for ind, direct in sorted(member_of.items(), key=lambda kv: str(kv[0])):
        label = _name(ind)
        if ind in same_as_members:
            label += " (owl:sameAs " + ", ".join(_name(x) for x in sorted(same_as_members[ind]) if x != ind) + ")"
        # every class the individual belongs to, with the reason and the subclass chain
        # (prefer the simplest reason: an asserted type, then the shortest subclass chain)
        classes: dict = {}
        for cls, why in direct.items():
            for ancestor, chain in schema.superclasses(cls):
                rank = (why != "asserted", len(chain))
                if ancestor not in classes or rank < classes[ancestor][2]:
                    classes[ancestor] = (why, chain, rank)
        if OWL.Nothing in classes:
            problems.append(f"{label} is a member of owl:Nothing (the empty class): {classes[OWL.Nothing][0]}")
        for members, axiom in schema.disjoint:
            hit = [m for m in members if m in classes]
            if len(hit) < 2:
                continue
            parts = []
            for m in hit:
                why, chain, _ = classes[m]
                path = " ⊑ ".join(_name(c) for c in chain)
                parts.append(f"a {_name(m)} ({why}" + (f"; {path})" if len(chain) > 1 else ")"))
            problems.append(f"{label} is " + " and ".join(parts) + f", but these classes are disjoint: {axiom}")

    for members in same_as_members.values():
        for distinct, axiom in schema.different:
            clash = sorted(members & distinct, key=str)
            if len(clash) >= 2:
                problems.append(
                    f"{' and '.join(_name(x) for x in clash)} are declared the same (owl:sameAs) but also different: {axiom}"
                )
    return problems


# ------------------------------------------------------------------------------ entry


def check_consistency(graph: rdflib.Graph) -> ConsistencyReport:
    """Check ontology + data (merged into one rdflib graph) for OWL 2 DL consistency with HermiT.

    Raises JavaMissing when java is not on PATH, ReasonerError when HermiT fails.
    """
    started = time.perf_counter()
    java = owlready2.JAVA_EXE
    if shutil.which(java) is None:
        raise JavaMissing(
            f"Java was not found (looked for {java!r} on PATH). The consistency check runs the "
            "HermiT reasoner, which needs a Java runtime: install one (e.g. 'apt-get install "
            "default-jre-headless') or put java on PATH."
        )
    copy, ill_typed = _reasoner_copy(graph)
    consistent, unsatisfiable = _run_hermit(copy)

    explanation = [
        f"ill-typed literal: {_name(s)} {_name(p)} {_name(o)} is not a valid {_name(o.datatype)}"
        for s, p, o in sorted(ill_typed, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    ]
    if not consistent:
        converted = {(s, p, Literal(str(o), datatype=XSD.string)) for s, p, o in ill_typed}
        found = _explain(copy, converted)
        explanation += found
        if not found and not ill_typed:  # an ill-typed literal is a contradiction in itself
            explanation.append(
                "HermiT found the graph inconsistent, but no individual belongs to two disjoint classes "
                "through its asserted types, their superclasses or the domains and ranges of its "
                "properties; the contradiction comes from a longer chain of axioms"
            )
    return ConsistencyReport(
        consistent=consistent and not ill_typed,
        explanation=explanation,
        unsatisfiable_classes=unsatisfiable,
        seconds=time.perf_counter() - started,
    )
