"""Reading one fact file: its size limit, its encoding and its YAML, before anything is compiled."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .namespaces import BASE, OWL, RDFS, SKG, XSD
from .problems import InvalidInput, Problem
from .rdfterms import local as _local
from .yamlsource import LineDict, YamlProblem, parse_yaml


@dataclass
class FactFileSource:
    """A parsed fact file, and the problems found in it so far."""

    path: Path
    display: str
    doc: dict
    problems: list[Problem] = field(default_factory=list)

    def problem(self, rule: str, message: str, *, line=None, fact=None, field=None) -> None:
        self.problems.append(Problem(self.display, rule, message, line, fact, field))


MAX_FACT_FILE_BYTES = 16 * 1024 * 1024  # one article's facts are a few hundred kB at most
# a file's name may name its graph: only characters an IRI path keeps as they are
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_file_name(path: Path, display: str) -> None:
    """InvalidInput when the file's name cannot name a graph (a space, '>', '#'...)."""
    if not FILE_NAME.fullmatch(path.stem):
        raise InvalidInput([Problem(display, "file-name", f"the file name '{path.name}' may hold only letters, digits, "
                                    "'-', '_' and '.', since it names the file's graph; rename the file")])


def read_fact_file(path: Path, display: str | None = None) -> FactFileSource:
    """Read and parse one YAML file; syntax problems raise InvalidInput at once."""
    display = display or str(path)
    check_file_name(path, display)
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
        raise InvalidInput([Problem(display, err.rule, str(err), err.line)]) from None
    if doc is None:
        raise InvalidInput([Problem(display, "empty-file", "the file is empty (expected 'entities:' and/or 'facts:')")])
    if not isinstance(doc, LineDict):
        message = "the file must be a mapping with 'article', 'entities' and 'facts'"
        raise InvalidInput([Problem(display, "structure", message, 1)])
    return FactFileSource(path, display, doc)




# What an RDF file may hold: facts about entities, in the project's IRIs, with literals of their type.
_TZ = r"(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?"
_YEAR = r"-?([1-9][0-9]{4,}|[0-9]{4})"
XSD_LEXICAL = {  # the lexical forms of the XSD datatypes a fact can hold (XML Schema 1.1 part 2)
    "integer": r"[+-]?[0-9]+",
    "nonNegativeInteger": r"\+?[0-9]+|-0+",
    "positiveInteger": r"\+?0*[1-9][0-9]*",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "double": r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF)|NaN",
    "float": r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF)|NaN",
    "boolean": r"true|false|1|0",
    "date": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ,
    "gYearMonth": _YEAR + r"-(0[1-9]|1[0-2])" + _TZ,
    "gYear": _YEAR + _TZ,
    "dateTime": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
                r"|24:00:00(\.0+)?)" + _TZ,
}
_XSD_PATTERNS = {XSD + name: re.compile(pattern) for name, pattern in XSD_LEXICAL.items()}
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
LOOK_ALIKE = ("http://w3id.org/sahel-kg", "https://w3id.org/sahel-kg")
# axioms that would change what the project's classes and properties mean
SCHEMA_PREDICATES = {OWL + p for p in ("equivalentClass", "equivalentProperty", "sameAs", "inverseOf", "disjointWith",
                                       "propertyDisjointWith", "complementOf")} | {
    RDFS + p for p in ("subClassOf", "subPropertyOf", "domain", "range")}


def ill_typed(literal: ox.Literal) -> bool:
    """Whether the literal's text is not a value of its XSD datatype ("abc"^^xsd:integer, a 30 February)."""
    pattern = _XSD_PATTERNS.get(literal.datatype.value)
    if pattern is None:
        return False
    if not pattern.fullmatch(literal.value):
        return True
    day = _DAY.match(literal.value) if literal.datatype.value in (XSD + "date", XSD + "dateTime") else None
    if day:
        try:
            dt.date(*map(int, day.groups()))
        except ValueError:
            return True
    return False


def rdf_file_problems(quads, display: str) -> list[Problem]:
    """What a plain RDF file may not say: IRIs that only look like the project's, schema axioms about the
    project's classes and properties (those are the ontology's, in ontology/*.ttl), ill-typed literals."""
    problems, seen = [], set()

    def once(rule: str, key, message: str) -> None:
        if (rule, key) not in seen:
            seen.add((rule, key))
            problems.append(Problem(display, rule, message))

    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.lower().startswith(LOOK_ALIKE) \
                    and not term.value.startswith(BASE):
                once("project-iri", term.value, f"<{term.value}> looks like an IRI of this project, whose IRIs start "
                     f"with {BASE} (write it that way, or use an IRI of your own)")
        s, p, o = quad.subject, quad.predicate, quad.object
        if isinstance(s, ox.NamedNode) and s.value.startswith(SKG):
            once("schema-axiom", s.value, f"<{s.value}> is a class or property of the project's ontology; what it "
                 "means is said in ontology/*.ttl, not in a data file")
        elif p.value in SCHEMA_PREDICATES and isinstance(o, ox.NamedNode) and o.value.startswith(SKG):
            once("schema-axiom", (s.value, o.value), f"<{s.value}> {_local(p.value)} <{o.value}> changes what the "
                 "project's ontology means; that is said in ontology/*.ttl, not in a data file")
        if isinstance(o, ox.Literal) and ill_typed(o):
            once("ill-typed", (o.value, o.datatype.value), f"'{o.value}' is not a value of {_local(o.datatype.value)} "
                 f"(in <{s.value}> <{p.value}>)")
    return problems
