"""What a fact file may say: the kinds of fact, their fields, and what each field must point to.

The ontology (ontology/*.ttl) defines the classes and properties; this table says how a fact file
writes them. ``tests/test_schema.py`` checks that every class and property named here exists in
the ontology, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from .namespaces import SKG


@dataclass(frozen=True)
class Field:
    key: str  # the key in the fact file
    prop: str  # the property IRI it becomes
    kind: str  # "entity", "vocab", "fact", "text", "troops", "bool"
    range: str | None = None  # class IRI the value must be an instance of (entity, vocab, fact)
    many: bool = False
    required: bool = False


def _role(key: str, prop: str, cls: str, *, many: bool = False, required: bool = False) -> Field:
    return Field(key, SKG + prop, "entity", SKG + cls, many, required)


def _vocab(key: str, prop: str, cls: str, *, many: bool = False, required: bool = False) -> Field:
    return Field(key, SKG + prop, "vocab", SKG + cls, many, required)


def _text(key: str, prop: str, *, many: bool = False, required: bool = False) -> Field:
    return Field(key, SKG + prop, "text", None, many, required)


@dataclass(frozen=True)
class FactType:
    name: str  # as written in the fact file, and the class's local name
    situation: bool  # True: start/end; False: an event with a date
    fields: tuple[Field, ...]
    # the keys of the roles that make a fact this fact: reports that agree on them (and, for an
    # event, on a compatible date) are reports of one fact; every other field is a reported detail
    identity: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        return SKG + self.name

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


_DESCRIPTION = _text("description", "description")
_OCCASION = Field("occasion", SKG + "occasion", "fact", SKG + "Event")  # the event during which it happened

FACT_TYPES: dict[str, FactType] = {
    t.name: t
    for t in (
        FactType("Rule", True, (
            _role("regime", "regime", "Regime", required=True),
            _role("state", "state", "State", required=True),
            _role("leader", "leader", "Person"),
            Field("came_to_power_by", SKG + "cameToPowerBy", "fact", SKG + "Coup", many=True),
            _DESCRIPTION,
        ), ("regime", "state")),
        FactType("OfficeHolding", True, (
            _role("holder", "holder", "Person", required=True),
            _vocab("office", "office", "Office", required=True),
            _role("of", "officeOf", "Actor", required=True),
            _DESCRIPTION,
        ), ("holder", "office", "of")),
        FactType("Membership", True, (
            _role("member", "member", "Actor", required=True),
            _role("organization", "organization", "Organization", required=True),
            _vocab("status", "status", "MembershipStatus", required=True),
            _DESCRIPTION,
        ), ("member", "organization", "status")),
        FactType("MilitaryPresence", True, (
            _role("deploying_state", "deployingState", "State", required=True),
            _role("deploying_force", "deployingForce", "Organization"),
            _role("host_state", "hostState", "State", required=True),
            Field("troops", SKG + "troopStrength", "troops"),
            _role("place", "place", "Place", many=True),
            _text("purpose", "purpose"),
            _DESCRIPTION,
        ), ("deploying_state", "deploying_force", "host_state")),
        FactType("SecurityCooperation", True, (
            _role("partners", "partner", "Actor", many=True, required=True),
            _vocab("domain", "domain", "CooperationDomain", many=True),
            _DESCRIPTION,
        ), ("partners",)),
        FactType("ArmedConflict", True, (
            _role("location", "location", "Place", many=True, required=True),
            _role("parties", "actor", "Actor", many=True),
            _DESCRIPTION,
        ), ("location", "parties")),
        FactType("Coup", False, (
            _role("state", "state", "State", required=True),
            _role("ousted", "ousted", "Person", many=True),
            _role("new_regime", "newRegime", "Regime"),
            _role("leader", "leader", "Person"),
            _DESCRIPTION,
        ), ("state",)),
        FactType("DiplomaticContact", False, (
            _vocab("kind", "contactKind", "ContactKind", required=True),
            _role("actor", "actor", "Actor", many=True, required=True),
            _role("counterpart", "counterpart", "Actor", many=True, required=True),
            _role("leader", "leader", "Person"),
            _role("place", "place", "Place", many=True),
            _text("purpose", "purpose"),
            _text("topics", "topic", many=True),
            _vocab("outcome", "outcome", "ContactOutcome"),
            _role("outcome_with", "outcomeWith", "Actor", many=True),
            _DESCRIPTION,
        ), ("kind", "actor", "counterpart")),
        FactType("Statement", False, (
            _vocab("kind", "statementKind", "StatementKind", required=True),
            _role("actor", "actor", "Actor", many=True, required=True),
            _role("addressee", "addressee", "Actor", many=True),
            _role("about", "about", "Actor", many=True),
            _text("content", "content", required=True),
            _OCCASION,
            _DESCRIPTION,
        ), ("kind", "actor", "about")),
        FactType("Announcement", False, (
            _vocab("kind", "statementKind", "StatementKind", required=True),
            _role("actor", "actor", "Actor", many=True, required=True),
            _role("addressee", "addressee", "Actor", many=True),
            _role("about", "about", "Actor", many=True),
            _text("content", "content", required=True),
            _OCCASION,
            _DESCRIPTION,
        ), ("kind", "actor", "about")),
        FactType("CooperationChange", False, (
            _vocab("kind", "changeKind", "CooperationChangeKind", required=True),
            _role("actor", "actor", "Actor", many=True),
            _role("counterpart", "counterpart", "Actor", many=True),
            _vocab("domain", "domain", "CooperationDomain", many=True),
            _role("place", "place", "Place", many=True),
            _OCCASION,
            _DESCRIPTION,
        ), ("kind", "actor", "counterpart")),
    )
}

# Keys every fact may have besides its type's fields.
COMMON_KEYS = ("id", "type", "quote", "according_to", "same_as", "distinct_from")
TIME_KEYS_SITUATION = ("start", "end")
TIME_KEYS_EVENT = ("date",)
ATTRIBUTION_KEYS = ("source", "actor")

ENTITY_TYPES = ("State", "City", "Region", "Person", "Organization", "Alliance", "Regime",
                "MilitaryJunta", "ArmedGroup", "StateGroup")
ENTITY_KEYS = ("id", "type", "label", "aliases", "wikidata", "description")
