"""The SHACL shapes (generated from loader/schema.py, plus ontology/shapes.ttl), run by loader/shapes.py on each compiled file.

The seed data passes. Each broken case takes the seed article's compiled quads, removes or adds a
few triples, and must give exactly one problem line, compared as a whole string. The shapes must
also say the same as loader/schema.py about every field of every kind of fact.
"""

from __future__ import annotations

import dataclasses
import json
import time

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from typer.testing import CliRunner

from loader import schema
from loader.cli import app
from loader.factfile import CompiledFile
from loader.loading import prepare
from loader.namespaces import DATA_DIR, RDF, RDFS, SCHEMA, SK, SKG, XSD
from loader.ontology import load_ontology
from loader.problems import InvalidInput
from loader.shapes import SKS, shapes_graph, validate_compiled

ONTOLOGY = load_ontology()
SLUG = "2024-03-26-channelstv-niger-putin-security-cooperation"
Q_DECEMBER = "A Russian delegation also visited Niger last December."


@pytest.fixture(scope="module")
def seed() -> list[CompiledFile]:
    return prepare([DATA_DIR], None).files


@pytest.fixture(scope="module")
def entity_types(seed) -> dict[str, set[str]]:
    """Entity IRI -> classes, as the entity index of a load of data/ has them."""
    types: dict[str, set[str]] = {}
    for item in seed:
        for q in item.quads:
            if q.predicate.value == RDF + "type" and q.subject.value.startswith(SK):
                types.setdefault(q.subject.value, set()).add(q.object.value)
    return types


@pytest.fixture(scope="module")
def article(seed) -> CompiledFile:
    return next(item for item in seed if item.path.stem == SLUG)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=_n(datatype)) if datatype else ox.Literal(value)


def _citation(compiled: CompiledFile, fact_id: str) -> ox.NamedNode:
    return next(q.subject for q in compiled.quads if q.predicate.value == SKG + "localId" and q.object.value == fact_id)


def _fact(compiled: CompiledFile, fact_id: str) -> ox.NamedNode:
    citation = _citation(compiled, fact_id)
    return next(q.subject for q in compiled.quads if q.predicate.value == SKG + "citation" and q.object == citation)


def _broken(compiled: CompiledFile, drop=(), add=()) -> CompiledFile:
    """The compiled file without the (subject, property) pairs in ``drop``, plus the triples in ``add``."""
    graph = _n(compiled.graph)
    dropped = {(s, _n(p)) for s, p in drop}
    quads = [q for q in compiled.quads if (q.subject, q.predicate) not in dropped]
    quads += [ox.Quad(s, _n(p), o, graph) for s, p, o in add]
    return dataclasses.replace(compiled, quads=quads)


# --- the seed data -----------------------------------------------------------------------------------


def test_seed_data_passes_shacl(seed, entity_types):
    assert [item.path.name for item in seed] == [f"{SLUG}.yaml", "reference.yaml"]
    for item in seed:
        # the entities the article points to are typed (context), not described, here: not reported
        assert validate_compiled(item, entity_types, ONTOLOGY.quads) == [], item.path


def test_shapes_are_not_part_of_the_ontology():
    assert not any(str(SH) in q.predicate.value or str(SKS) in q.subject.value for q in ONTOLOGY.quads)


# --- broken compiled quads: one problem each, the whole line -----------------------------------------

DATE, INTEGER, POSITIVE = XSD + "date", XSD + "integer", XSD + "positiveInteger"
JOINT_FORCE = _n(SK + "niger-mali-burkina-faso-joint-force")


def _cases(a: CompiledFile):
    us = _fact(a, "us-troops-in-niger")
    us_citation = _citation(a, "us-troops-in-niger")
    cnsp = _fact(a, "cnsp-rules-niger")
    office = _fact(a, "tiani-head-of-state")
    return {
        "missing-host-state": (
            _broken(a, drop=[(us, SKG + "hostState")]),
            "fact 'us-troops-in-niger', field 'host_state': no host state given; expected exactly one host "
            "state (a State), the state on whose territory the troops are [shacl:minCount]"),
        "negative-troop-strength": (
            _broken(a, drop=[(us, SKG + "troopStrength")], add=[(us, SKG + "troopStrength", _lit("-5", INTEGER))]),
            "fact 'us-troops-in-niger', field 'troops': troop strength '-5' is below '1'; expected at "
            "most one troop strength, a positive whole number (xsd:integer, at least 1; 'about: N' when approximate) "
            "[shacl:minInclusive]"),
        "ill-typed-troop-strength": (
            _broken(a, drop=[(us, SKG + "troopStrength")], add=[(us, SKG + "troopStrength", _lit("-5", POSITIVE))]),
            "fact 'us-troops-in-niger', field 'troops': '-5' is a positive integer, not an integer; expected at most one "
            "troop strength, a positive whole number (xsd:integer, at least 1; 'about: N' when approximate) "
            "[shacl:datatype]"),
        "approximate-without-troop-strength": (
            _broken(a, drop=[(us, SKG + "troopsText"), (us, SKG + "troopsMin"), (us, SKG + "troopsMax")]),
            "fact 'us-troops-in-niger', field 'troops': no troop strength given; expected a troop strength as "
            "reported, since the fact says its troop strength is approximate [shacl:minCount]"),
        "end-before-start": (
            _broken(a, drop=[(cnsp, SKG + "endEarliest")], add=[(cnsp, SKG + "endLatest", _lit("2023-06-30", DATE))]),
            "fact 'cnsp-rules-niger', field 'end': the earliest start '2023-07-01' is after the latest end "
            "'2023-06-30'; expected an end not before the start (the earliest start on or before the latest end) "
            "[shacl:lessThanOrEquals]"),
        "host-state-is-an-alliance": (
            _broken(a, drop=[(us, SKG + "hostState")], add=[(us, SKG + "hostState", _n(SK + "ecowas"))]),
            "fact 'us-troops-in-niger', field 'host_state': 'ecowas' is an alliance, not a state; expected exactly "
            "one host state (a State), the state on whose territory the troops are [shacl:class]"),
        "unknown-entity": (
            _broken(a, add=[(us, SKG + "place", _n(SK + "atlantis"))]),
            "fact 'us-troops-in-niger', field 'place': 'atlantis' is not known to be a place; expected places "
            "(each a Place) where the troops are [shacl:class]"),
        "two-quotes-in-one-citation": (
            _broken(a, add=[(us_citation, SKG + "quote", _lit(Q_DECEMBER))]),
            "fact 'us-troops-in-niger', field 'quote': quote has 2 values ('A Russian delegation also visited "
            "Niger…', 'The United States still stations some 1…'); expected exactly one quote per citation, the "
            "sentence of the article copied verbatim [shacl:maxCount]"),
        "fact-without-citation": (
            _broken(a, drop=[(us, SKG + "citation")]),
            f"fact '{us.value.rsplit('/', 1)[1]}', field 'quote': no quote given; expected at least one quote, the "
            "sentence of the article that states the fact (a skg:Citation) [shacl:minCount]"),
        "office-not-in-vocabulary": (
            _broken(a, drop=[(office, SKG + "office")], add=[(office, SKG + "office", _n(SKG + "King"))]),
            "fact 'tiani-head-of-state', field 'office': 'King' is not an allowed office; expected exactly one "
            "office: President, PrimeMinister, HeadOfState, HeadOfGovernment, Minister or MilitaryCommander "
            "[shacl:in]"),
        "start-is-a-datetime": (
            _broken(a, drop=[(cnsp, SKG + "start")],
                    add=[(cnsp, SKG + "start", _lit("2023-07-01T00:00:00", XSD + "dateTime"))]),
            "fact 'cnsp-rules-niger', field 'start': '2023-07-01T00:00:00' is a date and time, not a day, a month "
            "or a year; expected at most one start, a day (2023-07-26), a month (2023-07) or a year (2023) "
            "[shacl:or]"),
        "impossible-start-day": (
            _broken(a, drop=[(cnsp, SKG + "start")], add=[(cnsp, SKG + "start", _lit("2023-02-30", DATE))]),
            "fact 'cnsp-rules-niger', field 'start': '2023-02-30' is not a valid day; expected at most one start, "
            "a day (2023-07-26), a month (2023-07) or a year (2023) [shacl:or]"),
        "entity-with-two-english-labels": (
            _broken(a, add=[(JOINT_FORCE, RDFS + "label", _lit("Joint force", language="en"))]),
            "entity 'niger-mali-burkina-faso-joint-force', field 'label': label has more than one value in a "
            "language: 2 in 'en' ('Joint force'@en, 'Joint force of Niger, Mali and Burkina …'@en); expected "
            "exactly one label per language, text with a language tag (\"Niger\"@en) [shacl:uniqueLang]"),
        "entity-with-two-wikidata-items": (
            _broken(a, add=[(JOINT_FORCE, SCHEMA + "sameAs", _n("http://www.wikidata.org/entity/Q1")),
                            (JOINT_FORCE, SCHEMA + "sameAs", _n("http://www.wikidata.org/entity/Q2"))]),
            "entity 'niger-mali-burkina-faso-joint-force', field 'wikidata': Wikidata item has 2 values "
            "(<http://www.wikidata.org/entity/Q1>, <http://www.wikidata.org/entity/Q2>); expected at most one "
            "Wikidata item, an IRI such as http://www.wikidata.org/entity/Q1032 [shacl:maxCount]"),
        "citation-without-fact-id": (
            _broken(a, drop=[(us_citation, SKG + "localId")]),
            f"fact '{us.value.rsplit('/', 1)[1]}', field 'id': no fact id given; expected exactly one fact id per "
            "citation, the id of the fact in its fact file (lower-case words joined by '-') [shacl:minCount]"),
    }


CASES = [
    "missing-host-state", "negative-troop-strength", "ill-typed-troop-strength", "approximate-without-troop-strength",
    "end-before-start", "host-state-is-an-alliance", "unknown-entity", "two-quotes-in-one-citation",
    "fact-without-citation", "office-not-in-vocabulary", "start-is-a-datetime", "impossible-start-day",
    "entity-with-two-english-labels", "entity-with-two-wikidata-items", "citation-without-fact-id",
]


@pytest.mark.parametrize("case", CASES)
def test_broken_compiled_quads_give_one_exact_problem(case, article, entity_types, capfd):
    broken, expected = _cases(article)[case]
    problems = validate_compiled(broken, entity_types, ONTOLOGY.quads)
    assert [str(p) for p in problems] == [f"{article.path}: {expected}"]
    assert problems[0].line is None and problems[0].file == str(article.path)
    assert capfd.readouterr() == ("", "")  # never prints, not even rdflib's ill-typed literal warnings


def test_problems_carry_fact_field_and_rule_as_data(article, entity_types):
    broken, _ = _cases(article)["host-state-is-an-alliance"]
    (problem,) = validate_compiled(broken, entity_types, ONTOLOGY.quads)
    assert problem.as_dict() == {
        "file": str(article.path),
        "rule": "shacl:class",
        "message": "'ecowas' is an alliance, not a state; expected exactly one host state (a State), the state on "
                   "whose territory the troops are",
        "fact": "us-troops-in-niger",
        "field": "host_state",
    }


def test_seed_article_validates_well_under_a_second(article, entity_types):
    validate_compiled(article, entity_types, ONTOLOGY.quads)  # shapes parsed, pySHACL warmed up
    times = []
    for _ in range(5):
        start = time.perf_counter()
        assert validate_compiled(article, entity_types, ONTOLOGY.quads) == []
        times.append(time.perf_counter() - start)
    assert len(article.quads) > 400
    assert min(times) < 0.5, times


# --- the hook: `prepare` (validate and load) runs the shapes on every file, RDF files too ------------

BAD_TTL = """\
@prefix skg: <https://w3id.org/sahel-kg/ontology#> .
@prefix sk:  <https://w3id.org/sahel-kg/entity/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/sahel-kg/fact/f1> a skg:MilitaryPresence ;
    skg:deployingState sk:france ;
    skg:hostState sk:ecowas ;
    skg:troopStrength "0"^^xsd:integer .
"""


def test_prepare_runs_the_shapes_on_rdf_files(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_TTL, encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        prepare([DATA_DIR / "reference.yaml", bad], None)
    assert [str(p) for p in raised.value.problems] == [
        f"{bad}: fact 'f1', field 'article': no source article given; expected the article the fact was taken "
        "from (prov:wasDerivedFrom a skg:Article described in the same file) [shacl:minCount]",
        f"{bad}: fact 'f1', field 'host_state': 'ecowas' is an alliance, not a state; expected exactly one host "
        "state (a State), the state on whose territory the troops are [shacl:class]",
        f"{bad}: fact 'f1', field 'quote': no quote given; expected at least one quote, the sentence of the "
        "article that states the fact (a skg:Citation) [shacl:minCount]",
        f"{bad}: fact 'f1', field 'troops': troop strength '0' is below '1'; expected at most one troop "
        "strength, a positive whole number (xsd:integer, at least 1; 'about: N' when approximate) [shacl:minInclusive]",
    ]


def test_validate_command_reports_shacl_problems_as_json(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_TTL, encoding="utf-8")
    runner = CliRunner(env={"SAHELKG_STORE": None})
    result = runner.invoke(app, ["validate", "--store", str(tmp_path / "no-store"), "--format", "json",
                                 str(DATA_DIR / "reference.yaml"), str(bad)])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert {p["rule"] for p in problems} == {"shacl:minCount", "shacl:class", "shacl:minInclusive"}
    assert {"file": str(bad), "rule": "shacl:class", "fact": "f1", "field": "host_state",
            "message": "'ecowas' is an alliance, not a state; expected exactly one host state (a State), the state "
                       "on whose territory the troops are"} in problems


# --- the shapes and loader/schema.py agree ------------------------------------------------------------


def _shape_for(cls: str) -> URIRef:
    shapes = shapes_graph()
    found = list(shapes.subjects(SH.targetClass, URIRef(cls)))
    if not found and ONTOLOGY.is_a({cls}, SKG + "Statement"):  # announcements share the statement shape
        found = list(shapes.subjects(SH.targetClass, URIRef(SKG + "Statement")))
    assert len(found) == 1, cls
    return found[0]


def _property_shapes(node_shape: URIRef) -> dict[str, URIRef]:
    shapes = shapes_graph()
    return {str(shapes.value(p, SH.path)): p for p in shapes.objects(node_shape, SH.property)}


@pytest.mark.parametrize("name", list(schema.FACT_TYPES))
def test_fact_shape_matches_the_schema(name):
    kind = schema.FACT_TYPES[name]
    shapes = shapes_graph()
    properties = _property_shapes(_shape_for(kind.iri))
    expected_paths = ({f.prop for f in kind.fields} | ({SKG + "approximate"} if kind.field("troops") else set())
                      | {f.prop + bound for f in kind.fields if f.kind in ("time", "end") for bound in ("Earliest", "Latest")})
    assert set(properties) == expected_paths
    for field in kind.fields:
        shape = properties[field.prop]
        assert shapes.value(shape, SH.name) and shapes.value(shape, SH.description), (name, field.key)
        min_count = shapes.value(shape, SH.minCount)
        max_count = shapes.value(shape, SH.maxCount)
        assert (min_count is not None and min_count.toPython() == 1) == field.required, (name, field.key)
        assert (max_count is not None and max_count.toPython() == 1) == (not field.many), (name, field.key)
        if field.kind in ("entity", "fact"):
            assert str(shapes.value(shape, SH["class"])) == field.range, (name, field.key)
        elif field.kind == "vocab":
            members = {str(m) for m in Collection(shapes, shapes.value(shape, SH["in"]))}
            assert members == ONTOLOGY.vocabulary(field.range), (name, field.key)
        elif field.kind == "text":
            assert str(shapes.value(shape, SH.datatype)) == XSD + "string", (name, field.key)
        elif field.kind == "troops":
            assert str(shapes.value(shape, SH.datatype)) == XSD + "integer", (name, field.key)
            assert shapes.value(shape, SH.minInclusive).toPython() == 1, (name, field.key)


def test_every_property_shape_is_described_for_analysts():
    shapes = shapes_graph()
    for node_shape in set(shapes.subjects(URIRef(RDF + "type"), SH.NodeShape)):
        assert shapes.value(node_shape, SH.name) and shapes.value(node_shape, SH.description), node_shape
        for prop in shapes.objects(node_shape, SH.property):
            assert shapes.value(prop, SH.name) and shapes.value(prop, SH.description), prop
