"""Adding a kind of fact touches one declaration.

A test kind, ``TestFounding``, is declared here only (never in loader/schema.py's table), with its
class and property in a test ontology file beside copies of ontology/*.ttl. From that one
declaration it gets its SHACL shape, its README row and its validation: a valid report compiles
and passes the shapes, a report missing its required role fails with the exact message.

The article and the fact file below are test texts written for this file, with made-up states;
they are not real articles and never go in data/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest

from loader import schema
from loader.entities import EntityIndex
from loader.factfile import compile_file, declare_entities, read_fact_file
from loader.fieldkinds import KINDS, FieldKind
from loader.namespaces import ONTOLOGY_DIR, PROJECT_ROOT, SKG, XSD
from loader.ontology import load_ontology, ontology_files
from loader.schemadoc import data_model_table, generated_blocks, readme_blocks
from loader.shapegen import fact_shapes, shapes_turtle
from loader.shapes import build_shapes, validate_compiled

FOUNDING_TTL = """\
# Test ontology terms for tests/test_declared_once.py: not part of the project's ontology.
@prefix skg:  <https://w3id.org/sahel-kg/ontology#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

skg:TestFounding
    a owl:Class ;
    rdfs:subClassOf skg:Event ;
    rdfs:label "test founding"@en ;
    rdfs:comment "Test kind: states found an organization."@en .

skg:testFounder
    a owl:ObjectProperty ;
    rdfs:subPropertyOf skg:involves ;
    rdfs:range skg:Actor ;
    rdfs:label "founder"@en ;
    rdfs:comment "Test property: an actor that founds the organization."@en .

skg:testFounded
    a owl:ObjectProperty ;
    rdfs:subPropertyOf skg:involves ;
    rdfs:range skg:Organization ;
    rdfs:label "organization"@en ;
    rdfs:comment "Test property: the organization founded."@en .

skg:unanimous
    a owl:DatatypeProperty ;
    rdfs:label "unanimous"@en ;
    rdfs:comment "Test property: whether every founder signed on the day."@en .
"""

# The one declaration of the test kind, as loader/schema.py would write it.
FOUNDING = schema.FactType("TestFounding", False, (
    schema.Field("founders", SKG + "testFounder", "entity", SKG + "Actor", many=True, required=True, name="founder",
                 note="who found it"),
    schema.Field("organization", SKG + "testFounded", "entity", SKG + "Organization", required=True,
                 note=", the organization founded"),
    schema.Field("charter", SKG + "description", "text", name="charter"),
    schema.Field("unanimous", SKG + "unanimous", "bool"),
), ("organization",))
KINDS_UNDER_TEST = {"TestFounding": FOUNDING}

ARTICLE = """\
---
title: Test text - two states found an alliance
publisher: Test Publisher
published: 2031-05-04
url: https://example.org/test-founding
language: en
note: test text written for tests/test_declared_once.py; not a real article, never in data/
---
Testland and Otherland founded the Test Alliance on Monday.
"""

FACTS = """\
# test text for tests/test_declared_once.py
article: ../articles/2031-05-04-test-founding.md
entities:
  - {id: testland, type: State, label: Testland}
  - {id: otherland, type: State, label: Otherland}
  - {id: test-alliance, type: Alliance, label: Test Alliance}
facts:
  - id: founding
    type: TestFounding
%s    organization: Test Alliance
    unanimous: %s
    date: 2031-05-03
    quote: "Testland and Otherland founded the Test Alliance on Monday."
"""
FOUNDERS = "    founders: [Testland, Otherland]\n"


@pytest.fixture(scope="module")
def ontology(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ontology")
    for path in ontology_files(ONTOLOGY_DIR):
        shutil.copy(path, directory / path.name)
    (directory / "test-founding.ttl").write_text(FOUNDING_TTL, encoding="utf-8")
    return load_ontology(directory)


def _compile(tmp_path, ontology, facts: str):
    (tmp_path / "articles").mkdir()
    (tmp_path / "facts").mkdir()
    (tmp_path / "articles" / "2031-05-04-test-founding.md").write_text(ARTICLE, encoding="utf-8")
    path = tmp_path / "facts" / "2031-05-04-test-founding.yaml"
    path.write_text(facts, encoding="utf-8")
    source = read_fact_file(path)
    index = EntityIndex()
    declared = declare_entities(source, index, ontology)
    compiled = compile_file(source, index, ontology, declared, KINDS_UNDER_TEST)
    return source, compiled, {iri: e.types for iri, e in index.entities.items()}


def test_the_test_kind_gets_its_shape_from_its_declaration(ontology):
    shapes = {s.name: s for s in fact_shapes(KINDS_UNDER_TEST, ontology)}
    assert list(shapes) == ["SituationShape", "EventShape", "TestFoundingShape"]
    node = shapes["TestFoundingShape"]
    assert (node.target_class, node.label, node.description) == (
        SKG + "TestFounding", "test founding", "Test kind: states found an organization.")
    assert [(p.name, p.path, p.field, p.min_count, p.max_count, p.cls, p.datatype, p.label, p.description)
            for p in node.properties] == [
        ("TestFounding-testFounder", SKG + "testFounder", "founders", 1, None, SKG + "Actor", None, "founder",
         "one or more founders (each an Actor) who found it"),
        ("TestFounding-testFounded", SKG + "testFounded", "organization", 1, 1, SKG + "Organization", None,
         "organization", "exactly one organization (an Organization), the "
         "organization founded"),
        ("TestFounding-description", SKG + "description", "charter", None, 1, None, XSD + "string",
         "charter", "at most one charter, non-empty plain text"),
        ("TestFounding-unanimous", SKG + "unanimous", "unanimous", None, 1, None, XSD + "boolean",
         "unanimous", "at most one unanimous, true or false (xsd:boolean)"),
    ]


def test_the_test_kind_gets_its_readme_row(ontology):
    assert data_model_table(KINDS_UNDER_TEST, ontology).splitlines() == [
        "| class (`skg:`) | kind | fields in a fact file (**required**) | time |",
        "| --- | --- | --- | --- |",
        "| `TestFounding` | event | **`founders`** (list of Actor), **`organization`** (Organization), `charter`, "
        "`unanimous` (true or false) | `date` |",
    ]


def test_a_valid_report_of_the_test_kind_compiles_and_passes_its_shapes(tmp_path, ontology):
    source, compiled, entity_types = _compile(tmp_path, ontology, FACTS % (FOUNDERS, "true"))
    assert source.problems == []
    assert compiled.facts == 1
    founders = sorted(q.object.value for q in compiled.quads if q.predicate.value == SKG + "testFounder")
    assert founders == ["https://w3id.org/sahel-kg/entity/otherland", "https://w3id.org/sahel-kg/entity/testland"]
    assert [q.object for q in compiled.quads if q.predicate.value == SKG + "unanimous"] == [
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))]
    shapes = build_shapes(KINDS_UNDER_TEST, ontology)
    assert validate_compiled(compiled, entity_types, ontology.quads, shapes) == []


def test_a_report_missing_its_required_role_fails_with_the_exact_message(tmp_path, ontology):
    source, _, _ = _compile(tmp_path, ontology, FACTS % ("", "true"))
    assert [str(p) for p in source.problems] == [
        f"{source.path}:8: fact 'founding': a TestFounding needs 'founders' [required-field]"]


def test_a_field_of_the_test_kind_written_wrong_fails_with_its_kinds_message(tmp_path, ontology):
    source, _, _ = _compile(tmp_path, ontology, FACTS % (FOUNDERS, "maybe"))
    assert [str(p) for p in source.problems] == [
        f"{source.path}:12: fact 'founding', field 'unanimous': 'unanimous' is true or false, not 'maybe' [bool]"]


def test_the_shapes_catch_the_missing_role_in_rdf_too(tmp_path, ontology):
    _, compiled, entity_types = _compile(tmp_path, ontology, FACTS % (FOUNDERS, "true"))
    compiled.quads = [q for q in compiled.quads if q.predicate.value != SKG + "testFounder"]
    problems = validate_compiled(compiled, entity_types, ontology.quads, build_shapes(KINDS_UNDER_TEST, ontology))
    assert [str(p) for p in problems] == [
        f"{compiled.path}: fact 'founding', field 'founders': no founder given; expected one or more founders "
        "(each an Actor) who found it [shacl:minCount]"]


def test_every_kind_of_field_is_one_unit_with_parse_and_shape():
    kinds = {spec.kind for kind in schema.FACT_TYPES.values() for spec in (*kind.fields, *kind.times)}
    assert kinds <= set(KINDS)
    for name, unit in KINDS.items():
        assert unit.name == name
        assert type(unit).parse is not FieldKind.parse, name  # each kind parses its own values


def test_the_readme_tables_are_generated_from_the_declaration():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_blocks(readme) == generated_blocks(), "run: python -m loader.schema --readme"


def test_the_generated_shapes_are_the_same_bytes_in_every_process():
    here = shapes_turtle(schema.FACT_TYPES, load_ontology())
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(PROJECT_ROOT)}
    run = subprocess.run([sys.executable, "-m", "loader.schema", "--shapes"], capture_output=True, text=True,
                         env=env, cwd=PROJECT_ROOT, check=True)
    assert run.stdout == here
    assert "sks:MilitaryPresence-hostState" in here and "sks:TroopsShape" in here
    # Turtle that parses back to the shapes validation uses
    parsed = ox.Dataset(ox.parse(here, format=ox.RdfFormat.TURTLE))
    assert len(parsed) > 500


def test_readme_command_leaves_an_up_to_date_readme_unchanged(tmp_path):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    copy = tmp_path / "README.md"
    copy.write_text(readme, encoding="utf-8")
    from loader.schemadoc import update_readme

    assert update_readme(copy) is False
    stale = readme.replace("| `Coup` | event |", "| `Coup` | situation |", 1)
    copy.write_text(stale, encoding="utf-8")
    assert update_readme(copy) is True
    assert copy.read_text(encoding="utf-8") == readme



def test_a_field_of_no_known_kind_is_refused_where_it_is_declared():
    with pytest.raises(ValueError) as raised:
        schema.Field("strength", SKG + "troopStrength", "number")
    assert str(raised.value) == ("field 'strength': no kind of field 'number' (known: entity, vocab, fact, text, "
                                 "bool, troops, time, end)")
