"""The kinds of field a fact can have, each one unit: how a fact file writes it, what is wrong when
it is written wrong, and the SHACL shape its triples must keep.

A field (loader/schema.py) names its kind; ``KINDS`` maps the name to the unit (as pySHACL keeps
each constraint kind in one class of ``constraints/core``). A unit has:

- ``parse(field, item, owner, context)``: one value as written, to RDF (property, object) pairs,
  or ``FieldProblem`` with a rule and a message for the analyst;
- ``property_shapes(field, owner, ontology)``: the SHACL property shapes of the field, as
  ``PropertyShape`` records (loader/shapegen.py writes them as triples);
- ``node_shapes(ontology)``: shapes of their own that the kind needs once (a troop strength's
  numbers), if any;
- ``summary(field, ontology)``: the field in the README's data-model table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from .namespaces import SKG, XSD
from .quantities import parse_troops
from .rdfterms import indefinite, local
from .roles import FORMS, armed_forces
from .timespec import TimeError, TimeValue, parse_time, relative_time

if TYPE_CHECKING:
    from .entities import EntityIndex
    from .ontology import Ontology
    from .roles import Regimes
    from .schema import FactType, Field


class FieldProblem(Exception):
    """One field written wrong: the rule broken and what is wrong, in the analyst's words."""

    def __init__(self, rule: str, message: str, *, on_fact: bool = False):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.on_fact = on_fact  # reported on the fact's line (a field that is missing), not the field's


class Context(Protocol):
    """What parsing a value needs to know besides the value."""

    index: EntityIndex
    ontology: Ontology
    published: dt.date  # the article's publication date
    graph: ox.NamedNode  # the article's graph
    regimes: Regimes | None  # who rules where (loader/roles.py); None until the batch's rules are read
    deferred: bool  # set when a value waits for ``regimes``


@dataclass
class Parsed:
    """One value as RDF: (property, object) pairs of the report, in a stable order."""

    terms: list[tuple[str, ox.NamedNode | ox.Literal]] = field(default_factory=list)
    ref: str | None = None  # the id of another fact of the same file ("fact" fields)
    value: object = None  # the value as Python (a TimeValue, a Strength), for rules across fields


@dataclass(frozen=True)
class PropertyShape:
    """A SHACL property shape, as data: loader/shapegen.py turns it into triples."""

    name: str  # the local part of its IRI in sks:, e.g. "MilitaryPresence-hostState"
    path: str
    label: str  # sh:name, the value in an analyst's words
    description: str  # sh:description, what is expected; every message ends with it
    field: str  # sks:field, the fact-file key a problem is reported under
    min_count: int | None = None
    max_count: int | None = None
    cls: str | None = None  # sh:class
    members: tuple[str, ...] = ()  # sh:in
    datatype: str | None = None
    datatypes: tuple[str, ...] = ()  # sh:or of datatypes
    min_inclusive: int | None = None
    min_length: int | None = None
    less_than_or_equals: str | None = None


@dataclass(frozen=True)
class NodeShape:
    name: str  # local part of its IRI in sks:
    label: str
    description: str
    properties: tuple[PropertyShape, ...]
    target_class: str | None = None
    target_subjects_of: str | None = None


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _date(value: dt.date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=_n(XSD + "date"))


def _integer(value: int) -> ox.Literal:
    # xsd:integer, not xsd:positiveInteger: pyoxigraph stores the latter as the former, and an
    # export must load back unchanged; SHACL (sh:minInclusive 1) keeps it positive
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


_LINKS = (" of ", " in ", " to ", " that ", " by ", " with ")


def plural(noun: str) -> str:
    """'party' -> 'parties', 'coup that brought it to power' -> 'coups that brought it to power'."""
    cut = min((noun.find(link) for link in _LINKS if link in noun), default=len(noun))
    head, rest = noun[:cut], noun[cut:]
    head = head[:-1] + "ies" if head.endswith("y") and head[-2:-1] not in "aeiou" else head + "s"
    return head + rest


def either(options: list[str] | tuple[str, ...]) -> str:
    options = list(options)
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]


def field_label(spec: Field, ontology: Ontology) -> str:
    """The field in an analyst's words: its declared name, else its property's label."""
    return spec.name or ontology.labels.get(spec.prop) or spec.key.replace("_", " ")


def class_phrase(cls: str, ontology: Ontology) -> str:
    """The class and the most general kinds of entity under it, for descriptions: 'a State',
    'a Regime or MilitaryJunta', 'a Place: a State, City or Region' (a place is always one of
    those); no list when it would be longer than three ('an Actor')."""
    from .schema import ENTITY_TYPES

    name = local(cls)
    kinds = [t for t in ENTITY_TYPES if t != name and ontology.is_a({SKG + t}, cls)]
    kinds = [t for t in kinds if not any(o != t and ontology.is_a({SKG + t}, SKG + o) for o in kinds)]
    if not kinds or len(kinds) > 3:
        return indefinite(name)
    if name in ENTITY_TYPES:
        return indefinite(either([name, *kinds]))
    return f"{indefinite(name)}: {indefinite(either(kinds))}"


class FieldKind:
    """A kind of field: entity roles, vocabulary values, text ... (subclasses below)."""

    name = ""

    def items(self, spec: Field, raw, owner: FactType) -> list:
        """The values written for the field, as a list; the rules on how many there may be."""
        if raw is None:
            if spec.required:
                raise FieldProblem("required-field", f"a {owner.name} needs '{spec.key}'", on_fact=True)
            return []
        if isinstance(raw, list) and not spec.many:
            raise FieldProblem("single-value", f"'{spec.key}' takes one value, not a list")
        items = raw if isinstance(raw, list) else [raw]
        if not items and spec.required:
            raise FieldProblem("required-field", f"'{spec.key}' must not be empty")
        return items

    def parse(self, spec: Field, item, owner: FactType, context: Context) -> Parsed:
        raise NotImplementedError

    # --- the shape ---------------------------------------------------------------------------

    def counted(self, spec: Field, label: str) -> str:
        """'exactly one host state', 'one or more partners', 'at most one leader', 'places'."""
        if spec.many:
            return f"one or more {plural(label)}" if spec.required else plural(label)
        return f"exactly one {label}" if spec.required else f"at most one {label}"

    def expected(self, spec: Field, ontology: Ontology) -> str:
        """What a value must be, after the count: ' (a State)', ', non-empty plain text'."""
        return ""

    def description(self, spec: Field, ontology: Ontology) -> str:
        text = self.counted(spec, field_label(spec, ontology)) + self.expected(spec, ontology)
        if spec.note:
            text += spec.note if spec.note.startswith((",", ";")) else " " + spec.note
        return text

    def constraints(self, spec: Field, ontology: Ontology) -> dict:
        """The constraints a value must keep, as PropertyShape keywords."""
        return {}

    def property_shapes(self, spec: Field, owner: str, ontology: Ontology) -> list[PropertyShape]:
        return [PropertyShape(
            f"{owner}-{local(spec.prop)}", spec.prop, field_label(spec, ontology),
            self.description(spec, ontology), spec.key,
            min_count=1 if spec.required else None, max_count=None if spec.many else 1,
            **self.constraints(spec, ontology))]

    def node_shapes(self, ontology: Ontology) -> list[NodeShape]:
        return []

    def summary(self, spec: Field, ontology: Ontology) -> str:
        """The field for the README: its key, and what it takes when that is not plain text."""
        return f"`{spec.key}`"


class EntityKind(FieldKind):
    """A role: the name (or IRI) of an entity of a given class."""

    name = "entity"

    def parse(self, spec, item, owner, context):
        if isinstance(item, dict):
            iri = self.by_role(spec, item, owner, context)
            if iri is None:  # the regime of a state, once the batch's rules are known
                return Parsed()
        elif not isinstance(item, str):
            raise FieldProblem("entity-name", f"{item!r} is not a name")
        else:
            iri, error = context.index.resolve(item)
            if error:
                raise FieldProblem("unknown-entity", error)
        types = context.index.entities[iri].types
        if not context.ontology.is_a(types, spec.range):
            kinds = " or ".join(sorted(local(t) for t in types)) or "untyped entity"
            raise FieldProblem("wrong-kind", f"'{item}' is {indefinite(kinds)}, but '{spec.key}' of "
                               f"{indefinite(owner.name)} must be {indefinite(local(spec.range))}")
        return Parsed([(spec.prop, _n(iri))])

    def expected(self, spec, ontology):
        return f" ({'each ' if spec.many else ''}{class_phrase(spec.range, ontology)})"

    @staticmethod
    def by_role(spec, item: dict, owner, context) -> str | None:
        """An actor named by its role (loader/roles.py): ``{regime_of: Mali}``, ``{armed_forces_of: Niger}``.
        None while the regimes are not gathered yet (``context.regimes``)."""
        if len(item) != 1 or next(iter(item)) not in FORMS:
            raise FieldProblem("entity-name", f"{dict(item)!r} is not a name nor a role "
                               f"({' or '.join(f'{{{f}: <state>}}' for f in FORMS)})")
        (form, name), = item.items()
        if owner.name == "Rule":
            raise FieldProblem("entity-name", f"a Rule says who rules: name the {spec.key}, not '{form}'")
        state, error = context.index.resolve(name) if isinstance(name, str) else (None, f"{name!r} is not a name")
        if error:
            raise FieldProblem("unknown-entity", error)
        if not context.ontology.is_a(context.index.entities[state].types, SKG + "State"):
            raise FieldProblem("wrong-kind", f"'{form}' takes a State, not '{name}'")
        if form == "armed_forces_of":
            iri, error = armed_forces(state, context.index)
            if error:
                raise FieldProblem("unresolved-role", error)
            return iri
        if context.regimes is None:
            context.deferred = True
            return None
        iri, error = context.regimes.regime_of(state, context.published, context.index)
        if error:
            raise FieldProblem("unresolved-role", error)
        return iri

    def constraints(self, spec, ontology):
        return {"cls": spec.range}

    def summary(self, spec, ontology):
        return f"`{spec.key}` ({local(spec.range)})"


class VocabularyKind(FieldKind):
    """A value of a controlled vocabulary (ontology/vocabularies.ttl), by its local name."""

    name = "vocab"

    def parse(self, spec, item, owner, context):
        allowed = context.ontology.vocabulary(spec.range)
        iri = SKG + str(item)
        if iri not in allowed:
            options = ", ".join(sorted(local(a) for a in allowed))
            raise FieldProblem("unknown-value", f"'{item}' is not a {local(spec.range)} (expected one of: {options})")
        return Parsed([(spec.prop, _n(iri))])

    def expected(self, spec, ontology):
        values = either([local(m) for m in ontology.vocabularies.get(spec.range, ())])
        return f", each one of {values}" if spec.many else f": {values}"

    def constraints(self, spec, ontology):
        return {"members": tuple(ontology.vocabularies.get(spec.range, ()))}

    def summary(self, spec, ontology):
        return f"`{spec.key}` ({', '.join(local(m) for m in ontology.vocabularies.get(spec.range, ()))})"


class FactReferenceKind(FieldKind):
    """The id of another fact of the same file, of a given class (checked once all are read)."""

    name = "fact"

    def parse(self, spec, item, owner, context):
        if not isinstance(item, str):
            raise FieldProblem("fact-ref", f"{item!r} is not the id of a fact in this file")
        return Parsed(ref=item)

    @staticmethod
    def check(spec: Field, ref: str, target: FactType | None, ontology: Ontology) -> None:
        """A reference, once every fact of the file is read: to a fact there, of the field's class."""
        if target is None:
            raise FieldProblem("fact-ref", f"no fact with id '{ref}' in this file")
        if not ontology.is_a({target.iri}, spec.range):
            raise FieldProblem("wrong-kind", f"'{ref}' is {indefinite(target.name)}, but '{spec.key}' must be "
                               f"{indefinite(local(spec.range))}")

    def expected(self, spec, ontology):
        if spec.many:
            return f" (ids of {local(spec.range)} facts of the same file)"
        return f" (the id of {indefinite(local(spec.range))} fact of the same file)"

    def constraints(self, spec, ontology):
        return {"cls": spec.range}

    def summary(self, spec, ontology):
        return f"`{spec.key}` ({local(spec.range)} fact)"


class TextKind(FieldKind):
    """Words of the analyst or the article: non-empty text."""

    name = "text"

    def parse(self, spec, item, owner, context):
        if not isinstance(item, str) or not item.strip():
            raise FieldProblem("text", f"'{spec.key}' must be non-empty text")
        return Parsed([(spec.prop, ox.Literal(item.strip()))])

    def expected(self, spec, ontology):
        return ", each non-empty plain text" if spec.many else ", non-empty plain text"

    def constraints(self, spec, ontology):
        return {"datatype": XSD + "string", "min_length": 1}


class BooleanKind(FieldKind):
    """Yes or no: true or false in the fact file."""

    name = "bool"

    def parse(self, spec, item, owner, context):
        if not isinstance(item, bool):
            raise FieldProblem("bool", f"'{spec.key}' is true or false, not {item!r}")
        return Parsed([(spec.prop, ox.Literal("true" if item else "false", datatype=_n(XSD + "boolean")))])

    def expected(self, spec, ontology):
        return ", true or false (xsd:boolean)"

    def constraints(self, spec, ontology):
        return {"datatype": XSD + "boolean"}

    def summary(self, spec, ontology):
        return f"`{spec.key}` (true or false)"


class TroopsKind(FieldKind):
    """A troop strength as vague as the article gives it (loader/quantities.py): its words, the
    lowest and highest numbers they can mean, the one number when there is one."""

    name = "troops"
    TEXT, MIN, MAX, APPROXIMATE = SKG + "troopsText", SKG + "troopsMin", SKG + "troopsMax", SKG + "approximate"
    ATTRIBUTION = SKG + "troopsAttribution"

    def parse(self, spec, item, owner, context):
        try:
            strength = parse_troops(item)
        except ValueError as err:
            raise FieldProblem("troops", str(err)) from None
        terms = [(self.TEXT, ox.Literal(strength.text)), (self.MIN, _integer(strength.low))]
        if strength.high is not None:
            terms.append((self.MAX, _integer(strength.high)))
        if strength.approximate:
            terms.append((self.APPROXIMATE, ox.Literal("true", datatype=_n(XSD + "boolean"))))
        if strength.number is not None:
            terms.append((spec.prop, _integer(strength.number)))
        if strength.attribution:
            terms.append((self.ATTRIBUTION, ox.Literal(strength.attribution)))
        return Parsed(terms, value=strength)

    def expected(self, spec, ontology):
        return ", a positive whole number (xsd:integer, at least 1; 'about: N' when approximate)"

    def constraints(self, spec, ontology):
        return {"datatype": XSD + "integer", "min_inclusive": 1}

    def property_shapes(self, spec, owner, ontology):
        flag = PropertyShape(f"{owner}-approximate", self.APPROXIMATE, "approximate",
                             "at most one approximate flag, true or false (xsd:boolean)", spec.key,
                             max_count=1, datatype=XSD + "boolean")
        return [*super().property_shapes(spec, owner, ontology), flag]

    def node_shapes(self, ontology):
        key = "troops"
        whole = {"datatype": XSD + "integer", "min_inclusive": 1, "max_count": 1}
        return [
            NodeShape("ApproximateShape", "approximate troop strength",
                      "A fact marked approximate has the troop strength that is approximate.",
                      (PropertyShape("Approximate-troopStrength", self.TEXT, "troop strength",
                                     "a troop strength as reported, since the fact says its troop strength is "
                                     "approximate", key, min_count=1),),
                      target_subjects_of=self.APPROXIMATE),
            NodeShape("TroopsShape", "reported troop strength",
                      "A troop strength as reported has its words and the lowest (and, unless open-ended, "
                      "highest) number they can mean.",
                      (PropertyShape("Troops-text", self.TEXT, "troop strength as reported",
                                     "exactly one troop strength in words ('about 1000', 'several hundred')", key,
                                     max_count=1, datatype=XSD + "string", min_length=1),
                       PropertyShape("Troops-min", self.MIN, "lowest troop strength",
                                     "exactly one lowest number, a positive whole number", key, min_count=1, **whole),
                       PropertyShape("Troops-max", self.MAX, "highest troop strength",
                                     "at most one highest number, a positive whole number", key, **whole),
                       PropertyShape("Troops-range", self.MIN, "lowest troop strength",
                                     "a lowest number not above the highest", key, less_than_or_equals=self.MAX),
                       PropertyShape("Troops-attribution", self.ATTRIBUTION, "source of the troop strength",
                                     "at most one source of the troop strength, in the article's words "
                                     "('officials')", key, max_count=1, datatype=XSD + "string", min_length=1)),
                      target_subjects_of=self.TEXT),
        ]

    def summary(self, spec, ontology):
        return f"`{spec.key}` (troop strength, see below)"


class TimeKind(FieldKind):
    """A time as precise as the article gives it (loader/timespec.py): the stated value, its
    inclusive earliest and latest days, and the words as written. ``is_end``: an end, which may be
    'ongoing' or planned."""

    name = "time"
    is_end = False
    DATATYPES = (XSD + "date", XSD + "gYearMonth", XSD + "gYear")

    def parse(self, spec, item, owner, context):
        try:
            value = parse_time(item, published=context.published, is_end=self.is_end)
        except TimeError as err:
            raise FieldProblem("real-date", str(err)) from None
        if value.relative_to:  # taken from another fact's time, once the whole file is read (``resolve``)
            return Parsed(value=value)
        return self.settled(spec, value, context.published)

    def resolve(self, spec: Field, value: TimeValue, other: TimeValue, other_id: str,
                published: dt.date) -> Parsed:
        """A time taken from another fact's time ('before the-revocation'), now that it is known."""
        try:
            value = relative_time(value, other, other_id)
        except TimeError as err:
            raise FieldProblem("time-ref", str(err)) from None
        return self.settled(spec, value, published)

    def settled(self, spec: Field, value: TimeValue, published: dt.date) -> Parsed:
        """A time checked against the publication day, as RDF terms."""
        if not self.is_end and not value.planned:
            # a reported event or beginning happened by the time the article was published
            if value.earliest and value.earliest > published:
                raise FieldProblem("after-publication", f"'{value.text}' is after the article was published "
                                   f"({published.isoformat()}); an article reports what has already happened")
            if value.latest is None or value.latest > published:
                value = TimeValue(value.lexical, value.datatype, value.earliest, published, value.text)
        if self.is_end and not value.planned and value.earliest and value.earliest > published:
            raise FieldProblem("after-publication", f"end '{value.text}' is after the article was published "
                               f"({published.isoformat()}); write a plan or deadline as 'planned ...'")
        base = local(spec.prop)
        name = SKG + ("planned" + base[:1].upper() + base[1:] if value.planned else base)
        terms = []
        if value.lexical:
            terms.append((name, ox.Literal(value.lexical, datatype=_n(value.datatype))))
        if value.earliest:
            terms.append((name + "Earliest", _date(value.earliest)))
        if value.latest:
            terms.append((name + "Latest", _date(value.latest)))
        terms.append((spec.prop + "AsWritten", ox.Literal(value.text)))
        return Parsed(terms, value=value)

    @staticmethod
    def out_of_order(spec: Field, value: TimeValue, times: dict[str, TimeValue]) -> str | None:
        """The problem when this time is before the time it must not precede (``spec.after``)."""
        before = times.get(spec.after) if spec.after else None
        if value.relative_to or (before and before.relative_to):
            return None  # not known yet
        if before and before.earliest and value.latest and value.latest < before.earliest:
            return f"{spec.key} '{value.text}' is before {spec.after} '{before.text}'"
        return None

    def property_shapes(self, spec, owner, ontology):
        label = field_label(spec, ontology)
        prop, key = spec.prop, spec.key
        shapes = [PropertyShape(f"{owner}-{local(prop)}", prop, label,
                                f"at most one {label}, a day (2023-07-26), a month (2023-07) or a year (2023)",
                                key, max_count=1, datatypes=self.DATATYPES)]
        for bound in ("Earliest", "Latest"):
            words = f"{bound.lower()} {label}"
            shapes.append(PropertyShape(f"{owner}-{local(prop)}{bound}", prop + bound, words,
                                        f"at most one {words}, a day (xsd:date)", key,
                                        max_count=1, datatype=XSD + "date"))
        shapes.append(PropertyShape(f"{owner}-{local(prop)}Bounds", prop + "Earliest", f"earliest {label}",
                                    f"an earliest {label} on or before the latest {label}", key,
                                    less_than_or_equals=prop + "Latest"))
        if spec.after:
            after = prop.rsplit(local(prop), 1)[0] + spec.after
            shapes.append(PropertyShape(
                f"{owner}-{local(prop)}NotBefore{spec.after[:1].upper()}{spec.after[1:]}", after + "Earliest",
                f"earliest {spec.after}",
                f"an {label} not before the {spec.after} (the earliest {spec.after} on or before the latest {label})",
                key, less_than_or_equals=prop + "Latest"))
        return shapes


class EndKind(TimeKind):
    """The end of a situation: a time, or 'ongoing', or a plan or deadline ('planned ...')."""

    name = "end"
    is_end = True


KINDS: dict[str, FieldKind] = {k.name: k for k in (
    EntityKind(), VocabularyKind(), FactReferenceKind(), TextKind(), BooleanKind(), TroopsKind(), TimeKind(),
    EndKind())}
