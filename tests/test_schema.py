"""The fact-file schema and the ontology name the same classes and properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader import schema
from loader.namespaces import SKG
from loader.ontology import load_ontology
from loader.schemadoc import readme_blocks

ONTOLOGY = load_ontology()
DECLARED = {q.subject.value for q in ONTOLOGY.quads if q.predicate.value.endswith("#type")}


@pytest.mark.parametrize("name", list(schema.FACT_TYPES))
def test_fact_type_is_an_ontology_class_under_fact(name):
    kind = schema.FACT_TYPES[name]
    assert ONTOLOGY.is_a({kind.iri}, SKG + ("Situation" if kind.situation else "Event"))
    for field in kind.fields:
        assert field.prop in DECLARED, (name, field.key, field.prop)
        if field.kind == "vocab":
            assert ONTOLOGY.vocabulary(field.range), (name, field.key, "has no members")
        elif field.range:
            assert field.range in DECLARED, (name, field.key, field.range)


@pytest.mark.parametrize("name", schema.ENTITY_TYPES)
def test_entity_type_is_an_ontology_class(name):
    assert SKG + name in DECLARED


def test_time_and_provenance_properties_exist():
    for local in ("date", "start", "end", "dateEarliest", "dateLatest", "startEarliest", "startLatest",
                  "endEarliest", "endLatest", "troopStrength", "approximate", "citation", "cites", "quote",
                  "attribution", "attributedTo", "localId"):
        assert SKG + local in DECLARED, local


def test_every_kind_says_which_roles_make_it_one_fact():
    for kind in schema.FACT_TYPES.values():
        assert kind.identity, kind.name
        for key in kind.identity:
            spec = kind.field(key)
            assert spec is not None and spec.kind in ("entity", "vocab"), (kind.name, key)


def test_the_readme_identity_table_is_the_schema():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme_blocks(readme)["identity table"].splitlines()[2:]
    expected = [f"| `{k.name}` | {'situation' if k.situation else 'event'} | "
                + ", ".join(f"`{key}`" for key in k.identity) + " |" for k in schema.FACT_TYPES.values()]
    assert table == expected
