"""Entity resolution: every known entity by IRI and by each of its names, so that a fact file, a
query parameter or the browser can say "Niger" or "Tchiani" and mean one entity."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from .namespaces import SK


def normalize_name(name: str) -> str:
    """Names match whatever their case, accents, punctuation or spacing."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


@dataclass
class Entity:
    iri: str
    types: set[str]
    names: set[str]  # id, label and aliases
    label: str | None = None


class EntityIndex:
    """Every known entity by IRI and by each of its names."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.by_name: dict[str, set[str]] = defaultdict(set)

    def add(self, iri: str, types: set[str], names: set[str], label: str | None = None) -> None:
        entity = self.entities.setdefault(iri, Entity(iri, set(), set(), label))
        entity.types |= types
        entity.names |= names
        entity.label = entity.label or label
        for name in names | {iri.removeprefix(SK)}:
            self.by_name[normalize_name(name)].add(iri)

    def resolve(self, name: str) -> tuple[str | None, str | None]:
        """Return (iri, None) or (None, what is wrong, with near matches)."""
        if name.startswith(("http://", "https://")):
            if not name.startswith(SK):
                return None, f"'{name}' is not an entity of this project (its IRIs start with {SK})"
            if name not in self.entities:
                return None, f"no entity has the IRI <{name}>"
            return name, None
        found = self.by_name.get(normalize_name(name), set())
        if len(found) == 1:
            return next(iter(found)), None
        if found:
            options = ", ".join(sorted(self.entities[i].label or i for i in found))
            return None, f"'{name}' is ambiguous: it names {options}; use the entity's id"
        near = difflib.get_close_matches(normalize_name(name), list(self.by_name), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        return None, f"unknown entity '{name}'{hint} (declare it under 'entities:' if it is new)"


