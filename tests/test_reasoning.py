"""The ontology is well formed and documented, and HermiT finds (in)consistencies as expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef

from loader.ontology import ontology_files
from loader.reasoning import JavaMissing, check_consistency

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILES = ontology_files()  # every file of the ontology, shapes aside
SKG = Namespace("https://w3id.org/sahel-kg/ontology#")

PREFIXES = """
@prefix skg: <https://w3id.org/sahel-kg/ontology#> .
@prefix sk:  <https://w3id.org/sahel-kg/entity/> .
@prefix skf: <https://w3id.org/sahel-kg/fact/> .
@prefix skc: <https://w3id.org/sahel-kg/citation/> .
@prefix ska: <https://w3id.org/sahel-kg/article/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""

# A few individuals using most of the model, with every kind of date literal.
DATA = (
    PREFIXES
    + '''
sk:niger a skg:State ; rdfs:label "Niger"@en ; schema:sameAs <http://www.wikidata.org/entity/Q1032> .
sk:russia a skg:State ; rdfs:label "Russia"@en .
sk:abdourahamane-tiani a skg:Person ; rdfs:label "Abdourahamane Tiani"@en ;
    skos:altLabel "Abdourahamane Tchiani"@en .
sk:mohamed-bazoum a skg:Person ; rdfs:label "Mohamed Bazoum"@en .
sk:vladimir-putin a skg:Person ; rdfs:label "Vladimir Putin"@en .
sk:cnsp a skg:MilitaryJunta ; rdfs:label "CNSP"@en .
sk:niamey a skg:City ; rdfs:label "Niamey"@en .

ska:a1 a skg:Article ;
    schema:headline "Niger's junta leader and Putin discuss security \\"cooperation\\"" ;
    schema:datePublished "2024-03-26"^^xsd:date ;
    schema:url <https://example.org/article> ;
    schema:articleBody """Line one – Niamey.
Line two: « quotes » and an emoji 🇳🇪.""" .

skf:coup a skg:Coup ; skg:state sk:niger ; skg:ousted sk:mohamed-bazoum ;
    skg:leader sk:abdourahamane-tiani ; skg:newRegime sk:cnsp ;
    skg:date "2023-07-26"^^xsd:date ;
    skg:dateEarliest "2023-07-26"^^xsd:date ; skg:dateLatest "2023-07-26"^^xsd:date .

skf:rule a skg:Rule ; skg:regime sk:cnsp ; skg:state sk:niger ; skg:leader sk:abdourahamane-tiani ;
    skg:start "2023-07"^^xsd:gYearMonth ; skg:cameToPowerBy skf:coup ;
    skg:citation skc:c1 ; prov:wasDerivedFrom ska:a1 .

skf:office a skg:OfficeHolding ; skg:holder sk:vladimir-putin ; skg:officeOf sk:russia ;
    skg:office skg:President ; skg:start "2000"^^xsd:gYear .

skf:call a skg:DiplomaticContact ; skg:actor sk:vladimir-putin ; skg:counterpart sk:abdourahamane-tiani ;
    skg:contactKind skg:PhoneCall ; skg:outcome skg:Held ; skg:date "2024-03"^^xsd:gYearMonth ;
    skg:topic "security cooperation" , "the fight against terrorism" ; skg:place sk:niamey .

skf:presence a skg:MilitaryPresence ; skg:deployingState sk:russia ; skg:hostState sk:niger ;
    skg:troopStrength "100"^^xsd:positiveInteger ; skg:approximate true .

skc:c1 a skg:Citation ; skg:cites ska:a1 ; skg:attributedTo sk:niger ;
    skg:quote "The two leaders discussed security cooperation." ; skg:localId "f1" .
'''
)

needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="java is not on PATH: HermiT cannot run (install a Java runtime)"
)


def ontology_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in ONTOLOGY_FILES:
        g.parse(path, format="turtle")
    return g


def with_data(*turtle: str) -> rdflib.Graph:
    g = ontology_graph()
    for text in turtle:
        g.parse(data=text, format="turtle")
    return g


def check(graph: rdflib.Graph):
    try:
        return check_consistency(graph)
    except JavaMissing as error:  # java vanished between collection and run
        pytest.skip(str(error))


# ------------------------------------------------------------------ ontology, no reasoner


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_each_file_parses(path):
    g = rdflib.Graph().parse(path, format="turtle")
    assert len(g) > 0


def test_ontology_header():
    g = ontology_graph()
    onto = URIRef("https://w3id.org/sahel-kg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(onto, RDFS.label) is not None
    assert g.value(onto, RDFS.comment) is not None
    assert list(g.subjects(RDF.type, OWL.Ontology)) == [onto]


def _skg_terms(g: rdflib.Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(str(SKG))}


def test_every_skg_term_has_an_english_label_and_comment():
    g = ontology_graph()
    terms = _skg_terms(g)
    assert len(terms) > 100
    missing = []
    for term in sorted(terms):
        for prop in (RDFS.label, RDFS.comment):
            if not any(isinstance(v, Literal) and v.language == "en" for v in g.objects(term, prop)):
                missing.append(f"{term.n3(g.namespace_manager)} has no {prop.n3(g.namespace_manager)}@en")
    assert not missing, "\n".join(missing)


def test_every_skg_term_used_is_declared():
    g = ontology_graph()
    declared = _skg_terms(g)
    used = {n for t in g for n in t if isinstance(n, URIRef) and str(n).startswith(str(SKG))}
    assert sorted(used - declared) == []


def test_every_vocabulary_individual_is_a_concept_in_a_scheme():
    g = ontology_graph()
    skos = Namespace("http://www.w3.org/2004/02/skos/core#")
    bad = [
        str(i)
        for i in g.subjects(skos.inScheme, None)
        if (i, RDF.type, OWL.NamedIndividual) not in g or (i, RDF.type, skos.Concept) not in g
    ]
    vocab_members = {i for c in g.subjects(RDFS.subClassOf, skos.Concept) for i in g.subjects(RDF.type, c)}
    assert len(vocab_members) == 49
    bad += [str(i) for i in vocab_members if g.value(i, skos.inScheme) is None]
    assert bad == []


# ---------------------------------------------------------------------------- with HermiT


@needs_java
def test_ontology_alone_is_consistent():
    report = check(ontology_graph())
    assert report.consistent, report.explanation
    assert report.explanation == []
    assert report.unsatisfiable_classes == []


@needs_java
def test_ontology_with_data_is_consistent():
    report = check(with_data(DATA))
    assert report.consistent, report.explanation
    assert report.explanation == []


@needs_java
def test_state_and_person_is_inconsistent_and_explained():
    report = check(with_data(DATA, PREFIXES + "sk:niger a skg:Person ."))
    assert not report.consistent
    text = "\n".join(report.explanation)
    assert "sk:niger" in text
    assert "skg:State" in text and "skg:Person" in text
    assert any(
        "sk:niger" in line and "skg:State" in line and "skg:Person" in line and "disjoint" in line for line in report.explanation
    ), text


@needs_java
def test_situation_and_event_is_inconsistent_and_explained():
    report = check(with_data(DATA, PREFIXES + "skf:odd a skg:Situation , skg:Event ."))
    assert not report.consistent
    assert any(
        "skf:odd" in line and "skg:Situation" in line and "skg:Event" in line and "disjoint" in line
        for line in report.explanation
    ), report.explanation


@needs_java
def test_clash_through_subclasses_domain_and_range_is_explained():
    # skg:start makes skf:coup a situation (domain), but it is a coup, hence an event;
    # skg:leader makes sk:russia a person (range), but it is a state.
    report = check(
        with_data(
            DATA,
            PREFIXES + 'skf:coup skg:start "2023"^^xsd:gYear . skf:call skg:leader sk:russia .',
        )
    )
    assert not report.consistent
    text = "\n".join(report.explanation)
    lines = report.explanation
    assert any("skf:coup" in line and "skg:start" in line and "skg:Event" in line for line in lines), text
    assert any("sk:russia" in line and "skg:leader" in line and "skg:Person" in line for line in lines), text


@needs_java
def test_bad_literals_are_reported():
    # (that a troop strength is positive is a SHACL rule: OWL's range is xsd:integer, see core.ttl)
    bad = 'skf:presence skg:troopStrength "many"^^xsd:integer . skf:rule skg:end "2024-13"^^xsd:gYearMonth .'
    report = check(with_data(DATA, PREFIXES + bad))
    assert not report.consistent
    text = "\n".join(report.explanation)
    assert '"many"^^xsd:integer' in text and "skg:troopStrength" in text
    assert '"2024-13"^^xsd:gYearMonth' in text


def test_java_missing_is_a_plain_error(monkeypatch):
    monkeypatch.setenv("PATH", "")
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "java")
    with pytest.raises(JavaMissing, match="Java"):
        check_consistency(ontology_graph())


def test_ontology_with_the_seed_data_is_consistent(seed):
    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    import pyoxigraph as ox

    graph = rdflib.Graph()
    nt = ox.serialize({q.triple for q in seed.quads()}, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=nt.decode(), format="nt")
    report = check_consistency(graph)
    assert report.consistent, report.explanation
