"""What a fact file may say: the kinds of fact, their fields, and what each field must point to.

This is the one declaration of a kind of fact. The ontology (ontology/*.ttl) defines its class
and properties, with their labels and comments, and the vocabularies; everything else is derived
from here: parsing and messages (each field's kind, loader/fieldkinds.py), the SHACL shapes of
reports and facts (loader/shapegen.py) and the README's data-model table
(``python -m loader.schema --readme``). ``tests/test_schema.py`` checks that every class and
property named here exists in the ontology.
"""

from __future__ import annotations

from dataclasses import dataclass

from .fieldkinds import KINDS, FieldKind
from .namespaces import SKG


@dataclass(frozen=True)
class Field:
    key: str  # the key in the fact file
    prop: str  # the property IRI it becomes
    kind: str  # a kind of loader/fieldkinds.py: "entity", "vocab", "fact", "text", "troops", "bool", "time", "end"
    range: str | None = None  # class IRI the value must be an instance of (entity, vocab, fact)
    many: bool = False
    required: bool = False
    name: str | None = None  # in an analyst's words, when not the property's rdfs:label
    note: str | None = None  # what the value is, after what it must be: "where the troops are"
    after: str | None = None  # a time: the key of the time it cannot be before ("end": "start")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field '{self.key}': no kind of field '{self.kind}' (known: {', '.join(KINDS)})")

    @property
    def unit(self) -> FieldKind:
        """The field's kind: its parsing, messages and shape."""
        return KINDS[self.kind]


def _role(key: str, prop: str, cls: str, *, many: bool = False, required: bool = False, name: str | None = None,
          note: str | None = None) -> Field:
    return Field(key, SKG + prop, "entity", SKG + cls, many, required, name, note)


def _vocab(key: str, prop: str, cls: str, *, many: bool = False, required: bool = False,
           name: str | None = None) -> Field:
    return Field(key, SKG + prop, "vocab", SKG + cls, many, required, name)


def _text(key: str, prop: str, *, many: bool = False, required: bool = False, name: str | None = None,
          note: str | None = None) -> Field:
    return Field(key, SKG + prop, "text", None, many, required, name, note)


def _occasion(note: str) -> Field:  # the event during which it happened
    return Field("occasion", SKG + "occasion", "fact", SKG + "Event", note=note)


# The times of a situation and of an event: the same for every kind.
SITUATION_TIMES = (Field("start", SKG + "start", "time"), Field("end", SKG + "end", "end", after="start"))
EVENT_TIMES = (Field("date", SKG + "date", "time"),)


@dataclass(frozen=True)
class FactType:
    name: str  # as written in the fact file, and the class's local name
    situation: bool  # True: start/end; False: an event with a date
    fields: tuple[Field, ...]
    # the keys of the roles that make a fact this fact: reports that agree on them (and, for an
    # event, on a compatible date) are reports of one fact; every other field is a reported detail
    identity: tuple[str, ...] = ()
    # a kind whose reports are steps of facts of another kind (a withdrawal step of a presence):
    # they share that kind's identity key, so the times they give count for its facts
    step_of: str | None = None
    # keys of which a report must give at least one (a presence: its deploying state or force)
    one_of: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        return SKG + self.name

    @property
    def times(self) -> tuple[Field, ...]:
        return SITUATION_TIMES if self.situation else EVENT_TIMES

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


_DESCRIPTION = _text("description", "description")
_STATEMENT = (  # a statement and an announcement say the same things
    _vocab("kind", "statementKind", "StatementKind", required=True, name="kind of statement"),
    _role("actor", "actor", "Actor", many=True, required=True, note="who speak"),
    _role("addressee", "addressee", "Actor", many=True),
    _role("about", "about", "Actor", many=True, name="subject", note="the statement is about"),
    _text("content", "content", required=True, note="saying what was said or announced"),
    _occasion("during which it was said"),
    _DESCRIPTION,
)

FACT_TYPES: dict[str, FactType] = {
    t.name: t
    for t in (
        FactType("Rule", True, (
            _role("regime", "regime", "Regime", required=True, note=", the body that governs the state"),
            _role("state", "state", "State", required=True, note=", the state the regime governs"),
            _role("leader", "leader", "Person", note=", the head of the regime"),
            Field("came_to_power_by", SKG + "cameToPowerBy", "fact", SKG + "Coup", many=True,
                  name="coup that brought it to power", note="; one junta may take it twice"),
            _DESCRIPTION,
        ), ("regime", "state")),
        FactType("OfficeHolding", True, (
            _role("holder", "holder", "Person", required=True, note=", the person who holds the office"),
            _vocab("office", "office", "Office", required=True),
            _role("of", "officeOf", "Actor", required=True, name="state or organization", note="whose office it is"),
            _DESCRIPTION,
        ), ("holder", "office", "of")),
        FactType("Membership", True, (
            _role("member", "member", "Actor", required=True, note=", usually a State"),
            _role("organization", "organization", "Organization", required=True, note="the member belongs to"),
            _vocab("status", "status", "MembershipStatus", required=True),
            _DESCRIPTION,
        ), ("member", "organization", "status")),
        FactType("MilitaryPresence", True, (
            _role("deploying_state", "deployingState", "State",
                  note=", the state whose troops are there; none when a force deploys on its own"),
            _role("deploying_force", "deployingForce", "Organization",
                  note=", e.g. an operation, a joint force or a private military company"),
            _role("host_state", "hostState", "State", required=True,
                  note=", the state on whose territory the troops are"),
            Field("troops", SKG + "troopStrength", "troops", name="troop strength"),
            _role("place", "place", "Place", many=True, note="where the troops are"),
            _text("purpose", "purpose"),
            _DESCRIPTION,
        ), ("deploying_state", "deploying_force", "host_state"), one_of=("deploying_state", "deploying_force")),
        FactType("SecurityCooperation", True, (
            _role("partners", "partner", "Actor", many=True, required=True, name="partner"),
            _vocab("domain", "domain", "CooperationDomain", many=True, name="domain"),
            _DESCRIPTION,
        ), ("partners",)),
        FactType("ArmedConflict", True, (
            _role("location", "location", "Place", many=True, required=True),
            _role("parties", "actor", "Actor", many=True, name="party", note="fighting in the conflict"),
            _DESCRIPTION,
        ), ("location", "parties")),
        FactType("InstallationUse", True, (
            _role("installation", "installation", "Installation", required=True, note=", the base used"),
            _role("user", "user", "Actor", required=True, note=", the state or force using it"),
            _role("located_in", "locatedIn", "Place", many=True, name="location", note="where the base is"),
            _DESCRIPTION,
        ), ("installation", "user")),
        FactType("Affiliation", True, (
            _role("agent", "agent", "Actor", required=True, note=", usually a force"),
            _role("principal", "principal", "Actor", required=True, note="the agent acts for, usually a state"),
            _DESCRIPTION,
        ), ("agent", "principal")),
        FactType("Coup", False, (
            _role("state", "state", "State", required=True, note=", where the coup happened"),
            _role("ousted", "ousted", "Person", many=True, name="ousted leader"),
            _role("new_regime", "newRegime", "Regime", note=", the regime that took power"),
            _role("leader", "leader", "Person", note="of the coup"),
            _DESCRIPTION,
        ), ("state",)),
        FactType("Founding", False, (
            _role("organization", "founded", "Organization", required=True, note=", the organization founded"),
            _role("founders", "founder", "Actor", many=True, required=True, name="founding member"),
            _role("charter", "charter", "Treaty", name="charter or treaty", note="it was founded through"),
            _role("place", "place", "Place", many=True, note="where it was founded"),
            _text("clauses", "clause", many=True, name="clause", note="of the charter, e.g. a mutual-defence clause"),
            _DESCRIPTION,
        ), ("organization",)),
        FactType("Succession", False, (
            _vocab("kind", "successionKind", "SuccessionKind", required=True, name="kind of succession"),
            _role("predecessor", "predecessor", "Organization", required=True),
            _role("successor", "successor", "Organization", required=True),
            _DESCRIPTION,
        ), ("predecessor", "successor")),
        FactType("MultilateralMeeting", False, (
            _vocab("kind", "contactKind", "ContactKind", required=True, name="kind of meeting"),
            _role("participants", "participant", "Actor", many=True, required=True, name="participant"),
            _role("host", "host", "Actor"),
            _role("place", "place", "Place", many=True, note="where they met"),
            _text("topics", "topic", many=True, name="topic"),
            _vocab("outcome", "outcome", "ContactOutcome"),
            _DESCRIPTION,
        ), ("kind", "participants")),
        FactType("Handover", False, (
            _role("installation", "installation", "Installation", required=True, note=", the base handed over"),
            _role("by", "handedOverBy", "Actor", required=True, name="handed over by"),
            _role("to", "handedOverTo", "Actor", required=True, name="handed over to"),
            _role("located_in", "locatedIn", "Place", many=True, name="location", note="where the base is"),
            _DESCRIPTION,
        ), ("installation", "by", "to")),
        FactType("WithdrawalStep", False, (
            _vocab("step", "withdrawalStepKind", "WithdrawalStepKind", required=True, name="step"),
            _role("deploying_state", "deployingState", "State", note=", of the presence that ends"),
            _role("deploying_force", "deployingForce", "Organization", note=", of the presence that ends"),
            _role("host_state", "hostState", "State", required=True, note=", of the presence that ends"),
            _role("place", "place", "Place", many=True, note="left in this step, e.g. a base"),
            Field("end", SKG + "end", "end", name="end of the presence",
                  note="as this step gives it: a day, 'ongoing', or 'planned by' a deadline"),
            _DESCRIPTION,
        ), ("deploying_state", "deploying_force", "host_state"), step_of="MilitaryPresence",
           one_of=("deploying_state", "deploying_force")),
        FactType("DiplomaticContact", False, (
            _vocab("kind", "contactKind", "ContactKind", required=True, name="kind of contact"),
            _role("actor", "actor", "Actor", many=True, required=True, note="who call, visit or meet"),
            _role("counterpart", "counterpart", "Actor", many=True, required=True,
                  note="who are called, visited or met"),
            _role("leader", "leader", "Person", note="of the delegation"),
            _role("place", "place", "Place", many=True, note="where the contact happened"),
            _text("purpose", "purpose"),
            _text("topics", "topic", many=True, name="topic"),
            _vocab("outcome", "outcome", "ContactOutcome"),
            _role("outcome_with", "outcomeWith", "Actor", many=True, name="party to the outcome"),
            _DESCRIPTION,
        ), ("kind", "actor", "counterpart")),
        FactType("Statement", False, _STATEMENT, ("kind", "actor", "about")),
        FactType("Announcement", False, _STATEMENT, ("kind", "actor", "about")),
        FactType("CooperationChange", False, (
            _vocab("kind", "changeKind", "CooperationChangeKind", required=True, name="kind of change"),
            _role("actor", "actor", "Actor", many=True, note="who make the change"),
            _role("counterpart", "counterpart", "Actor", many=True, note="the change is directed at"),
            _vocab("domain", "domain", "CooperationDomain", many=True, name="domain"),
            _role("place", "place", "Place", many=True, note="where the change happened, e.g. a base handed over"),
            _occasion("during which the change happened"),
            _DESCRIPTION,
        ), ("kind", "actor", "counterpart")),
    )
}

# Keys every fact may have besides its type's fields.
COMMON_KEYS = ("id", "type", "quote", "according_to", "same_as", "distinct_from")
TIME_KEYS_SITUATION = tuple(f.key for f in SITUATION_TIMES)
TIME_KEYS_EVENT = tuple(f.key for f in EVENT_TIMES)
ATTRIBUTION_KEYS = ("source", "actor")
QUOTE_KEYS = ("text", "according_to")  # a quote with its own attribution

ENTITY_TYPES = ("State", "City", "Region", "Installation", "Person", "Organization", "Alliance", "Regime",
                "MilitaryJunta", "ArmedGroup", "Force", "StateGroup", "Treaty")
ENTITY_KEYS = ("id", "type", "label", "aliases", "wikidata", "description")


if __name__ == "__main__":  # python -m loader.schema --readme | --shapes
    import sys

    from loader.schemadoc import main

    sys.exit(main(sys.argv[1:]))
