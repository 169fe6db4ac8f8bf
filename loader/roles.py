"""Actors an article names by their role, not their name: "Mali's junta" (``regime_of: Mali``),
"the Nigerien army" (``armed_forces_of: Niger``). A role like this never needs an invented entity:

- ``regime_of: <state>`` is the regime of that state as of the article's publication day, found
  through the graph: the Rule facts whose state it is and which may be active that day, from the
  store's facts and the Rule reports of the same batch. A regime surely active that day wins over
  ones only possibly active; none, or several, is an error that says which;
- ``armed_forces_of: <state>`` is the state's armed forces (skg:ArmedForces), one entity per state
  named by the state (``sk:armed-forces-of-<state id>``), with its label and skg:armedForcesOf. It is
  declared beside the state, in the graph of the file that declares the state, once for all the
  articles that name it (declared in each of their graphs, it was in thousands of graphs of a large
  store, and the store's union default graph gives a row per graph to every pattern that reads it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import RDF, RDFS, SK, SKG
from .rdfterms import local

if TYPE_CHECKING:
    from .entities import EntityIndex
    from .factfile import CompiledReport

FORMS = ("regime_of", "armed_forces_of")
ARMED_FORCES = SKG + "ArmedForces"


@dataclass(frozen=True)
class Ruling:
    """One regime of a state over a time: the days it may have ruled, and those it surely did."""

    regime: str
    start_earliest: dt.date | None
    end_latest: dt.date | None
    sure_from: dt.date | None = None
    sure_until: dt.date | None = None

    def possible(self, day: dt.date) -> bool:
        return (self.start_earliest is None or self.start_earliest <= day) and (
            self.end_latest is None or day <= self.end_latest)

    def sure(self, day: dt.date) -> bool:
        return self.sure_from is not None and self.sure_until is not None and self.sure_from <= day <= self.sure_until


def _date(term) -> dt.date | None:
    return dt.date.fromisoformat(term.value) if term is not None else None


@dataclass
class Regimes:
    """Who rules which state when, from the store's Rule facts and a batch's Rule reports."""

    rulings: dict[str, list[Ruling]] = field(default_factory=dict)  # state IRI -> its rulings
    kg: object = None  # the store whose Rule facts of a state are read when the state is first asked for
    read: set[str] = field(default_factory=set)  # states whose stored Rules are read

    @classmethod
    def gather(cls, kg, reports: list[CompiledReport]) -> Regimes:
        found = cls(kg=kg)
        for report in reports:  # the batch's own reports, each as it says
            start, end = report.times.get("start"), report.times.get("end")
            for state in report.values.get(SKG + "state", ()):
                for regime in report.values.get(SKG + "regime", ()):
                    seen = end.earliest if end and not end.planned else None
                    found.rulings.setdefault(state.value, []).append(Ruling(
                        regime.value, start.earliest if start else None,
                        end.latest if end and not end.planned else None,
                        start.latest if start else seen, seen))
        return found

    def of(self, state: str) -> list[Ruling]:
        """The state's rulings: the store's facts, as derived from all their reports, and the batch's."""
        if self.kg is not None and state not in self.read:
            self.read.add(state)
            # anchored on the state's Rule facts (one pattern per OPTIONAL): every Rule of the store
            # was read before, a cost that grew with the store for every batch of a load
            rows = self.kg.query("SELECT ?regime ?startEarliest ?endLatest ?from ?until WHERE { "
                                 f"?rule skg:state <{state}> ; skg:factType skg:Rule ; skg:regime ?regime . "
                                 "OPTIONAL { ?rule skg:startEarliest ?startEarliest } "
                                 "OPTIONAL { ?rule skg:endLatest ?endLatest } "
                                 "OPTIONAL { ?rule skg:activeFrom ?from } OPTIONAL { ?rule skg:activeUntil ?until } }")
            self.rulings.setdefault(state, [])[:0] = [
                Ruling(row["regime"].value, _date(row["startEarliest"]), _date(row["endLatest"]),
                       _date(row["from"]), _date(row["until"])) for row in rows]
        return self.rulings.get(state, [])

    def regime_of(self, state: str, day: dt.date, index: EntityIndex) -> tuple[str | None, str | None]:
        """(the regime's IRI, None), or (None, what is wrong)."""
        name = index.entities[state].label or local(state)
        rulings = self.of(state)
        possible = sorted({r.regime for r in rulings if r.possible(day)})
        if len(possible) > 1:
            sure = sorted({r.regime for r in rulings if r.sure(day)})
            possible = sure if len(sure) == 1 else possible
        if len(possible) == 1:
            return possible[0], None
        if not possible:
            return None, (f"no regime of {name} is known on {day}: no Rule fact with state {name} may be active "
                          "then, in the store or in this batch (name the regime, or add its Rule)")
        names = ", ".join(index.entities[r].label or local(r) if r in index.entities else local(r) for r in possible)
        return None, f"the regime of {name} on {day} is ambiguous: it may be {names} (name the regime)"


FORCES_PREFIX = SK + "armed-forces-of-"  # the IRIs of states' armed forces: sk:armed-forces-of-<state id>


def armed_forces_iri(state: str) -> str:
    return FORCES_PREFIX + local(state)


def armed_forces_entity(state: str, state_label: str) -> tuple[str, str]:
    """The IRI and label of a state's armed forces."""
    return armed_forces_iri(state), f"armed forces of {state_label}"


def armed_forces_quads(state: str, state_label: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """The declaration of a state's armed forces, in the graph of the file that declares the state."""
    iri, label = armed_forces_entity(state, state_label)
    s = ox.NamedNode(iri)
    return [ox.Quad(s, ox.NamedNode(RDF + "type"), ox.NamedNode(ARMED_FORCES), graph),
            ox.Quad(s, ox.NamedNode(RDFS + "label"), ox.Literal(label, language="en"), graph),
            ox.Quad(s, ox.NamedNode(SKG + "armedForcesOf"), ox.NamedNode(state), graph)]


def armed_forces(state: str, index: EntityIndex) -> tuple[str | None, str | None]:
    """(the IRI of the state's armed forces, None), or (None, what is wrong)."""
    iri = armed_forces_iri(state)
    # beside the state: declared elsewhere (an article's graph, in a store an older sahelkg wrote),
    # they would go with that graph
    if iri in index.entities and index.entities[iri].declared_in & index.entities[state].declared_in:
        return iri, None
    name = index.entities[state].label or local(state)
    return None, (f"the armed forces of {name} are not declared: a fact file that declares a state declares its "
                  f"armed forces beside it, and {name} was declared otherwise (an RDF file, or by an older "
                  f"sahelkg); load the fact file that declares {name} again")
