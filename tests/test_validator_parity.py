"""The compiled SHACL checks (loader/shapecheck.py, the default engine) give exactly the Problems of
pySHACL (the reference engine) for every compiled file: the seed data and the devset, every case of
the bad-input corpus that reaches the shapes, the test kind of tests/test_declared_once.py, mutated
fact files, and compiled quads mutated at random. Each constraint component the shapes use has a
hand-written case whose exact message both engines give; a shape using a feature that is not
compiled is refused when the shapes are compiled.

The files mutated here are the project's own test texts (tests/bad_inputs, tests/devset) and the
seed data's compiled quads; nothing here is written to data/.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_inputs import CASES as BAD_INPUTS
from test_bad_inputs import CORPUS
from test_declared_once import FACTS, FOUNDERS, KINDS_UNDER_TEST, _compile
from test_declared_once import ontology as declared_once_ontology  # noqa: F401 (a fixture)
from test_fuzz_inputs import FACT_FILE, RDF_FILE, mutated
from test_shapes import _lit, _n

from loader import loading
from loader import shapes as shapes_module
from loader.factfile import CompiledFile
from loader.loading import prepare
from loader.namespaces import DATA_DIR, RDF, RDFS, SCHEMA, SK, SKG, SKOS, XSD
from loader.ontology import load_ontology
from loader.problems import InvalidInput
from loader.shapecheck import Checker, UnsupportedShape
from loader.shapes import ENGINE_VARIABLE, build_shapes, shapes_graph, validate_compiled, validator_engine

ONTOLOGY = load_ontology()
DEVSET = Path(__file__).parent / "devset"
ARTICLE = Path(__file__).parent / "bad_inputs" / "articles" / "bad-inputs-article.md"


def outcome(compiled: CompiledFile, entity_types, ontology_quads, shapes, engine: str) -> list[str] | str:
    """The problem lines an engine gives, or the kind of error it raises."""
    try:
        return [str(p) for p in validate_compiled(compiled, entity_types, ontology_quads, shapes, engine=engine)]
    except Exception as error:  # noqa: BLE001 (both engines must fail alike)
        return f"error: {type(error).__name__}"


def assert_same(compiled: CompiledFile, entity_types, ontology_quads=ONTOLOGY.quads, shapes=None) -> list[str]:
    reference = outcome(compiled, entity_types, ontology_quads, shapes, "pyshacl")
    found = outcome(compiled, entity_types, ontology_quads, shapes, "compiled")
    if reference == "error: ReportableRuntimeError" and _compares_a_blank_node(compiled):
        # the one known difference: pySHACL cannot compare a blank node (sh:lessThanOrEquals) and
        # raises; the compiled checks report it, as the SHACL spec says (see the case below)
        assert any("a blank node" in line and "[shacl:lessThanOrEquals]" in line for line in found), found
        return found
    assert found == reference, compiled.path
    return reference


def _compares_a_blank_node(compiled: CompiledFile) -> bool:
    compared = {str(o) for o in shapes_graph().subjects(rdflib.SH.lessThanOrEquals, None)}
    compared = {str(p) for s in compared for p in shapes_graph().objects(rdflib.URIRef(s), rdflib.SH.path)} | {
        str(o) for o in shapes_graph().objects(None, rdflib.SH.lessThanOrEquals)}
    return any(isinstance(q.object, ox.BlankNode) and q.predicate.value in compared for q in compiled.quads)


@contextmanager
def validated_files():
    """Every file ``prepare`` compiles (a fact file or an RDF file, even one refused before the shapes
    run) and every file it hands to the shapes (each compiled file, then the merged facts), each with
    its context: (compiled file, entity types, ontology quads, shapes)."""
    calls: list[tuple] = []
    compiled_files: list[tuple] = []  # (file, the entity index it is compiled with)
    originals = (shapes_module.validate_compiled, loading.compile_file, loading._add_rdf_entities)

    def validate(compiled, entity_types, ontology_quads, shapes=None, engine=None):
        calls.append((compiled, dict(entity_types), ontology_quads, shapes))
        return originals[0](compiled, entity_types, ontology_quads, shapes, engine)

    def compile_file(source, index, ontology, *args, **kwargs):
        compiled = originals[1](source, index, ontology, *args, **kwargs)
        compiled_files.append((compiled, index, ontology))
        return compiled

    def add_rdf_entities(compiled, index):
        originals[2](compiled, index)
        compiled_files.extend((item, index, None) for item in compiled)

    shapes_module.validate_compiled, loading.compile_file, loading._add_rdf_entities = (
        validate, compile_file, add_rdf_entities)
    try:
        yield calls
    finally:
        shapes_module.validate_compiled, loading.compile_file, loading._add_rdf_entities = originals
        validated = {id(call[0]) for call in calls}
        for compiled, index, ontology in compiled_files:
            if id(compiled) not in validated:  # refused before the shapes: validated here, as prepare would
                validated.add(id(compiled))
                entity_types = {iri: entity.types for iri, entity in index.entities.items()}
                calls.append((compiled, entity_types, (ontology or ONTOLOGY).quads, None))


def prepared_parity(paths: list[Path], kg) -> tuple[int, int]:
    """Prepare the files (loaded or refused); both engines on every file compiled or validated on the
    way. Returns how many files were compared and how many problems the shapes found."""
    with validated_files() as calls:
        try:
            prepare(paths, kg)
        except InvalidInput:
            pass
    found = 0
    for compiled, entity_types, ontology_quads, shapes in calls:
        found += len(assert_same(compiled, entity_types, ontology_quads, shapes))
    return len(calls), found


# --- the engine switch ------------------------------------------------------------------------------


def test_the_compiled_engine_is_the_default_and_pyshacl_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    assert validator_engine() == "compiled"
    monkeypatch.setenv(ENGINE_VARIABLE, "pyshacl")
    assert validator_engine() == "pyshacl"
    monkeypatch.setenv(ENGINE_VARIABLE, "fast")
    with pytest.raises(ValueError, match="^SAHELKG_VALIDATOR='fast': expected one of compiled, pyshacl$"):
        validator_engine()


# --- real files: the seed data, the devset, the bad-input corpus, the test kind ------------------------


def test_the_seed_data_and_the_devset_give_the_same_problems(seed):
    validated, found = prepared_parity([DATA_DIR, DEVSET], None)
    assert validated == 2 + 10 + 1 + 1  # data/ (2 files), the devset (10 fact files, its entities), merged facts
    assert found == 1  # the merged facts: the planted disagreement on a fact's description (a text key)


def test_every_bad_input_that_reaches_the_shapes_gives_the_same_problems(seed, monkeypatch):
    monkeypatch.chdir(CORPUS)
    compared = found = 0
    for case in BAD_INPUTS:
        validated, problems = prepared_parity([Path(case.name)], seed)
        compared, found = compared + validated, found + problems
    assert compared >= 60 and found >= 2, (compared, found)  # most cases are refused before the shapes run


def test_the_test_kind_of_declared_once_gives_the_same_problems(tmp_path, declared_once_ontology):  # noqa: F811
    shapes = build_shapes(KINDS_UNDER_TEST, declared_once_ontology)
    _, compiled, entity_types = _compile(tmp_path, declared_once_ontology, FACTS % (FOUNDERS, "true"))
    assert assert_same(compiled, entity_types, declared_once_ontology.quads, shapes) == []
    founders = dataclasses.replace(compiled, quads=[q for q in compiled.quads if q.predicate.value != SKG + "testFounder"])
    assert assert_same(founders, entity_types, declared_once_ontology.quads, shapes) == [
        f"{compiled.path}: fact 'founding', field 'founders': no founder given; expected one or more founders "
        "(each an Actor) who found it [shacl:minCount]"]


# --- mutated files and mutated quads ----------------------------------------------------------------

PARITY = settings(max_examples=20, deadline=timedelta(seconds=10), derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("parity")
    (directory / "articles").mkdir()
    (directory / "articles" / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    return directory


@PARITY
@given(text=mutated(FACT_FILE))
def test_a_mutated_fact_file_gives_the_same_problems(text, fuzz_dir, seed):
    (fuzz_dir / "parity-facts.yaml").write_text(text, encoding="utf-8")
    prepared_parity([fuzz_dir / "parity-facts.yaml"], seed)


@PARITY
@given(text=mutated(RDF_FILE))
def test_a_mutated_rdf_file_gives_the_same_problems(text, fuzz_dir, seed):
    (fuzz_dir / "parity-entities.ttl").write_text(text, encoding="utf-8")
    prepared_parity([fuzz_dir / "parity-entities.ttl"], seed)


# values of every kind a shape judges: odd numbers, impossible days, texts with and without a language,
# IRIs of the wrong class, a blank node
ODD_VALUES = [
    _lit("01", XSD + "integer"), _lit("1", XSD + "integer"), _lit("+5", XSD + "integer"), _lit("0", XSD + "integer"),
    _lit("-1", XSD + "integer"), _lit("x", XSD + "integer"), _lit("1.5", XSD + "decimal"), _lit("1e400", XSD + "double"),
    _lit("3", XSD + "positiveInteger"), _lit("2024-02-30", XSD + "date"), _lit("2024-02-03", XSD + "date"),
    _lit("2023-01-01", XSD + "date"), _lit("2031-12-31", XSD + "date"), _lit("2024", XSD + "gYear"),
    _lit("2024-13", XSD + "gYearMonth"), _lit("2023-06", XSD + "gYearMonth"), _lit("2024-05-06T10:00:00", XSD + "dateTime"),
    _lit("true", XSD + "boolean"), _lit("1", XSD + "boolean"), _lit("maybe", XSD + "boolean"), _lit(""), _lit("x"),
    _lit("Not An Id"), _lit("a-b"), _lit("Niger", language="en"), _lit("Niger", language="fr"),
    _lit("Other", language="en"), _lit("x", "http://example.org/datatype"), _n(SK + "niger"), _n(SK + "mali"),
    _n(SK + "ecowas"), _n(SK + "atlantis"), _n(SKG + "State"), _n(SKG + "King"), _n(SKG + "President"),
    _n("http://www.wikidata.org/entity/Q1032"), _n("http://www.wikidata.org/entity/Q0"), _n("https://example.org/a"),
    ox.BlankNode("parity"),
]
CLASSES = [_n(SKG + c) for c in ("State", "Citation", "Article", "MilitaryPresence", "Coup", "Event", "Fact", "City",
                                 "Person", "OfficeHolding", "Rule", "Regime")]


SLUG = "2024-03-26-channelstv-niger-putin-security-cooperation"
# the facts (and entity) of the seed article kept for the cases: pySHACL takes ~0.6 s on the whole file
KEPT = ("us-troops-in-niger", "cnsp-rules-niger", "tiani-head-of-state")
JOINT_FORCE = SK + "niger-mali-burkina-faso-joint-force"


def _slice(compiled: CompiledFile, fact_ids: tuple[str, ...], entities: tuple[str, ...]) -> CompiledFile:
    """The part of a compiled file about some facts and entities: their triples and those of every node
    of the file they lead to (citations, the article)."""
    by_subject: dict = {}
    for q in compiled.quads:
        by_subject.setdefault(q.subject, []).append(q)
    todo = [_fact(compiled, i) for i in fact_ids] + [_n(e) for e in entities]
    kept: set = set()
    while todo:
        node = todo.pop()
        if node not in kept:
            kept.add(node)
            todo += [q.object for q in by_subject.get(node, ()) if q.object in by_subject]
    return dataclasses.replace(compiled, quads=[q for q in compiled.quads if q.subject in kept])


@pytest.fixture(scope="module")
def base_files() -> tuple[list[CompiledFile], dict]:
    """A part of the compiled seed article and one devset file, and the entity index's types."""
    with validated_files() as calls:
        prepare([DATA_DIR, DEVSET], None)
    seed_article = next(c[0] for c in calls if c[0].path.stem == SLUG)
    devset_file = next(c[0] for c in calls if c[0].path.stem == "2025-06-10-savannareview-africa-corps-takes-over-wagner-units")
    return [_slice(seed_article, KEPT, (JOINT_FORCE,)), devset_file], calls[0][1]


def test_the_files_mutated_are_valid(base_files):
    files, entity_types = base_files
    assert [len(f.quads) for f in files] == [105, 53]
    for compiled in files:
        assert assert_same(compiled, entity_types) == []


@st.composite
def mutated_quads(draw, files: list[CompiledFile]) -> CompiledFile:
    """A compiled file after one to four edits: a triple dropped, an object replaced by an odd value or by
    another triple's object, a triple added on a subject of the file, a node retyped, a subclass added."""
    compiled = draw(st.sampled_from(files))
    quads = list(compiled.quads)
    graph = _n(compiled.graph)
    subjects = sorted({q.subject for q in quads}, key=str)
    predicates = sorted({q.predicate for q in quads}, key=str)
    values = st.sampled_from(ODD_VALUES) | st.sampled_from(sorted({q.object for q in quads}, key=str))
    literals = [i for i, q in enumerate(quads) if isinstance(q.object, ox.Literal)]
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["drop", "replace", "literal", "literal", "add", "add", "retype", "subclass"]))
        at = draw(st.integers(0, len(quads) - 1))
        if edit == "drop":
            del quads[at]
            literals = [i - (i > at) for i in literals if i != at]
        elif edit == "replace":
            quads[at] = ox.Quad(quads[at].subject, quads[at].predicate, draw(values), graph)
        elif edit == "literal" and literals:  # a date, a number, a text of the file: another value
            at = draw(st.sampled_from(literals))
            quads[at] = ox.Quad(quads[at].subject, quads[at].predicate, draw(st.sampled_from(ODD_VALUES)), graph)
        elif edit == "add":
            quads.append(ox.Quad(draw(st.sampled_from(subjects)), draw(st.sampled_from(predicates)), draw(values), graph))
        elif edit == "retype":
            predicate = draw(st.sampled_from([RDF + "type", SKG + "reportedType"]))
            quads.append(ox.Quad(draw(st.sampled_from(subjects)), _n(predicate), draw(st.sampled_from(CLASSES)), graph))
        else:
            quads.append(ox.Quad(draw(st.sampled_from(CLASSES)), _n(RDFS + "subClassOf"), draw(st.sampled_from(CLASSES)),
                                 graph))
    return dataclasses.replace(compiled, quads=quads)


@settings(max_examples=30, deadline=timedelta(seconds=10), derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_randomly_mutated_quads_give_the_same_problems(data, base_files):
    files, entity_types = base_files
    assert_same(data.draw(mutated_quads(files)), entity_types)


# --- each constraint component: a violation both engines find, with its exact message -----------------

@pytest.fixture(scope="module")
def article(base_files) -> CompiledFile:
    return base_files[0][0]


def _subject(compiled: CompiledFile, predicate: str, value: str | None = None) -> ox.NamedNode:
    return next(q.subject for q in compiled.quads
                if q.predicate.value == predicate and (value is None or q.object.value == value))


def _fact(compiled: CompiledFile, fact_id: str):
    citation = _subject(compiled, SKG + "localId", fact_id)
    return next(q.subject for q in compiled.quads if q.predicate.value == SKG + "citation" and q.object == citation)


def _edited(compiled: CompiledFile, drop=(), add=()) -> CompiledFile:
    graph = _n(compiled.graph)
    dropped = {(s, _n(p)) for s, p in drop}
    quads = [q for q in compiled.quads if (q.subject, q.predicate) not in dropped]
    return dataclasses.replace(compiled, quads=quads + [ox.Quad(s, _n(p), o, graph) for s, p, o in add])


def _component_cases(a: CompiledFile) -> dict[str, tuple[CompiledFile, str]]:
    us = _fact(a, "us-troops-in-niger")
    cnsp = _fact(a, "cnsp-rules-niger")
    office = _fact(a, "tiani-head-of-state")
    citation = _subject(a, SKG + "localId", "us-troops-in-niger")
    article = _subject(a, SCHEMA + "headline")
    force = _n(JOINT_FORCE)
    return {
        "minCount": (_edited(a, drop=[(us, SKG + "hostState")]),
                     "fact 'us-troops-in-niger', field 'host_state': no host state given; expected exactly one host "
                     "state (a State), the state on whose territory the troops are [shacl:minCount]"),
        "maxCount": (_edited(a, add=[(us, SKG + "hostState", _n(SK + "mali"))]),
                     "fact 'us-troops-in-niger', field 'host_state': host state has 2 values ('mali', 'niger'); "
                     "expected exactly one host state (a State), the state on whose territory the troops are "
                     "[shacl:maxCount]"),
        "class": (_edited(a, drop=[(us, SKG + "hostState")], add=[(us, SKG + "hostState", _n(SK + "ecowas"))]),
                  "fact 'us-troops-in-niger', field 'host_state': 'ecowas' is an alliance, not a state; expected "
                  "exactly one host state (a State), the state on whose territory the troops are [shacl:class]"),
        "datatype": (_edited(a, drop=[(article, SCHEMA + "datePublished")],
                             add=[(article, SCHEMA + "datePublished", _lit("2024-02-30", XSD + "date"))]),
                     "field 'published': '2024-02-30' is not a valid day; expected exactly one publication date, "
                     "a day (xsd:date) [shacl:datatype]"),
        "datatype-of-a-text": (_edited(a, add=[(force, SKOS + "altLabel", _lit("Joint force"))]),
                               "entity 'niger-mali-burkina-faso-joint-force', field 'aliases': 'Joint force' is "
                               "a plain text, not a text with a language tag; expected aliases, each text with a "
                               "language tag (\"Tchiani\"@en) [shacl:datatype]"),
        "or": (_edited(a, drop=[(cnsp, SKG + "start")], add=[(cnsp, SKG + "start", _lit("2023", XSD + "integer"))]),
               "fact 'cnsp-rules-niger', field 'start': '2023' is an integer, not a day, a month or a year; expected "
               "at most one start, a day (2023-07-26), a month (2023-07) or a year (2023) [shacl:or]"),
        "in": (_edited(a, drop=[(office, SKG + "office")], add=[(office, SKG + "office", _n(SKG + "King"))]),
               "fact 'tiani-head-of-state', field 'office': 'King' is not an allowed office; expected exactly one "
               "office: President, PrimeMinister, HeadOfState, HeadOfGovernment, Minister or MilitaryCommander "
               "[shacl:in]"),
        "lessThanOrEquals": (_edited(a, drop=[(cnsp, SKG + "endEarliest")],
                                     add=[(cnsp, SKG + "endLatest", _lit("2023-06-30", XSD + "date"))]),
                             "fact 'cnsp-rules-niger', field 'end': the earliest start '2023-07-01' is after the "
                             "latest end '2023-06-30'; expected an end not before the start (the earliest start on "
                             "or before the latest end) [shacl:lessThanOrEquals]"),
        "minInclusive": (_edited(a, drop=[(us, SKG + "troopStrength")],
                                 add=[(us, SKG + "troopStrength", _lit("0", XSD + "integer"))]),
                         "fact 'us-troops-in-niger', field 'troops': troop strength '0' is below '1'; expected at "
                         "most one troop strength, a positive whole number (xsd:integer, at least 1; 'about: N' when "
                         "approximate) [shacl:minInclusive]"),
        "minLength": (_edited(a, drop=[(citation, SKG + "quote")], add=[(citation, SKG + "quote", _lit(""))]),
                      "fact 'us-troops-in-niger', field 'quote': quote '' is empty; expected exactly one quote per "
                      "citation, the sentence of the article copied verbatim [shacl:minLength]"),
        "pattern": (_edited(a, drop=[(citation, SKG + "localId")], add=[(citation, SKG + "localId", _lit("US troops"))]),
                    "fact 'US troops', field 'id': 'US troops' is not in the expected form; expected exactly one fact "
                    "id per citation, the id of the fact in its fact file (lower-case words joined by '-') "
                    "[shacl:pattern]"),
        "nodeKind": (_edited(a, drop=[(article, SCHEMA + "url")], add=[(article, SCHEMA + "url", _lit("https://x"))]),
                     "field 'url': 'https://x' is not an IRI; expected exactly one URL, an IRI [shacl:nodeKind]"),
        "uniqueLang": (_edited(a, add=[(force, RDFS + "label", _lit("Joint force", language="en"))]),
                       "entity 'niger-mali-burkina-faso-joint-force', field 'label': label has more than one value "
                       "in a language: 2 in 'en' ('Joint force'@en, 'Joint force of Niger, Mali and Burkina …'@en); "
                       "expected exactly one label per language, text with a language tag (\"Niger\"@en) "
                       "[shacl:uniqueLang]"),
        "targetSubjectsOf": (_edited(a, drop=[(us, SKG + "troopsText"), (us, SKG + "troopsMin"), (us, SKG + "troopsMax")]),
                             "fact 'us-troops-in-niger', field 'troops': no troop strength given; expected a troop "
                             "strength as reported, since the fact says its troop strength is approximate "
                             "[shacl:minCount]"),
    }


@pytest.mark.parametrize("component", [
    "minCount", "maxCount", "class", "datatype", "datatype-of-a-text", "or", "in", "lessThanOrEquals", "minInclusive",
    "minLength", "pattern", "nodeKind", "uniqueLang", "targetSubjectsOf"])
def test_each_constraint_component_is_found_by_both_engines_with_its_message(component, article, base_files):
    broken, expected = _component_cases(article)[component]
    assert assert_same(broken, base_files[1]) == [f"{article.path}: {expected}"]


def test_a_blank_node_compared_in_time_is_a_problem_where_pyshacl_raises(article, base_files):
    cnsp = _fact(article, "cnsp-rules-niger")
    broken = _edited(article, drop=[(cnsp, SKG + "startEarliest")],
                     add=[(cnsp, SKG + "startEarliest", ox.BlankNode("start"))])
    assert outcome(broken, base_files[1], ONTOLOGY.quads, None, "pyshacl") == "error: ReportableRuntimeError"
    assert outcome(broken, base_files[1], ONTOLOGY.quads, None, "compiled") == [
        f"{article.path}: fact 'cnsp-rules-niger', field 'start': a blank node is not a literal value but should be "
        "a day; expected at most one earliest start, a day (xsd:date) [shacl:datatype]",
        f"{article.path}: fact 'cnsp-rules-niger', field 'start': the earliest start a blank node is after the latest "
        "start '2023-07-31'; expected an earliest start on or before the latest start [shacl:lessThanOrEquals]"]


def test_every_constraint_component_the_shapes_use_has_its_case():
    used = {str(p).removeprefix(str(rdflib.SH)) for p in shapes_graph().predicates() if str(p).startswith(str(rdflib.SH))}
    assert used - {"name", "description", "path", "property", "targetClass"} == {
        "minCount", "maxCount", "class", "datatype", "or", "in", "lessThanOrEquals", "minInclusive", "minLength",
        "pattern", "nodeKind", "uniqueLang", "targetSubjectsOf"}


# --- a feature the checker does not compile is refused, by name --------------------------------------

SHAPE = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:Property .
ex:Property sh:path ex:p ; %s .
"""


@pytest.mark.parametrize(("constraint", "feature"), [
    ("sh:node ex:Other", "sh:node"), ("sh:not ex:Other", "sh:not"), ("sh:maxLength 3", "sh:maxLength"),
    ("sh:qualifiedValueShape ex:Other ; sh:qualifiedMinCount 1", "sh:qualified"),
    ("sh:sparql [ sh:select \"SELECT $this WHERE {}\" ]", "sh:s"), ("sh:nodeKind sh:BlankNode", "sh:nodeKind"),
    ("sh:pattern \"^a\" ; sh:flags \"i\"", "sh:flags")])
def test_a_shape_using_a_feature_that_is_not_compiled_is_refused_by_name(constraint, feature):
    graph = rdflib.Graph().parse(data=SHAPE % constraint, format="turtle")
    with pytest.raises(UnsupportedShape, match=feature):
        Checker(graph)


def test_a_target_that_is_not_compiled_is_refused_by_name():
    graph = rdflib.Graph().parse(data=(SHAPE % "sh:minCount 1").replace("sh:targetClass", "sh:targetObjectsOf"),
                                 format="turtle")
    with pytest.raises(UnsupportedShape, match="targetObjectsOf"):
        Checker(graph)
