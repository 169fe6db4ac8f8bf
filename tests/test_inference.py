"""Materialised inferences: queries over superclasses and super-properties need no ontology paths."""

from __future__ import annotations

import pyoxigraph as ox

from loader.entities import REFERENCE_GRAPH
from loader.inference import infer, inferred_graph, is_inferred
from loader.ontology import load_ontology

REGIMES = "SELECT DISTINCT ?regime WHERE { ?regime a skg:Regime } ORDER BY ?regime"


def asserted_graphs(kg):
    return [ox.NamedNode(g) for g in kg.named_graphs() if not is_inferred(g)]


def test_a_query_for_regimes_finds_the_junta_only_through_the_inferences(seed):
    with_inferences = [r["regime"].value for r in seed.query(REGIMES)]
    assert with_inferences == ["https://w3id.org/sahel-kg/entity/cnsp"]
    # the same query on the asserted graphs alone finds nothing: sk:cnsp is asserted a MilitaryJunta
    without = seed.store.query(REGIMES, prefixes={"skg": "https://w3id.org/sahel-kg/ontology#"},
                               default_graph=asserted_graphs(seed))
    assert list(without) == []


def test_super_properties_make_every_role_an_involvement(seed):
    rows = seed.query("SELECT (COUNT(DISTINCT ?fact) AS ?n) WHERE { ?fact skg:involves sk:niger }")
    assert int(next(iter(rows))["n"].value) == 16  # exactly the facts of its timeline
    assert seed.query("ASK { ?m org:member sk:mali ; org:organization sk:ecowas }")


def test_types_follow_the_class_tree():
    ontology = load_ontology()
    junta = ox.NamedNode("https://w3id.org/sahel-kg/entity/cnsp")
    graph = "https://w3id.org/sahel-kg/graph/test"
    quads = [ox.Quad(junta, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/sahel-kg/ontology#MilitaryJunta"), ox.NamedNode(graph))]
    types = sorted(q.object.value.rsplit("#", 1)[-1] for q in infer(quads, ontology, graph))
    assert types == ["Actor", "Agent", "Organization", "Organization", "Regime"]  # skg:, prov:, org:
    assert {q.graph_name.value for q in infer(quads, ontology, graph)} == {inferred_graph(graph)}


def test_a_range_types_only_what_the_graph_describes():
    """What a fact points to is typed where it is described, not again by every graph that names it."""
    ontology = load_ontology()
    skg, graph = "https://w3id.org/sahel-kg/ontology#", ox.NamedNode("https://w3id.org/sahel-kg/graph/test")
    army, niger = (ox.NamedNode("https://w3id.org/sahel-kg/entity/test-army"),
                   ox.NamedNode("https://w3id.org/sahel-kg/entity/niger"))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = [ox.Quad(army, rdf_type, ox.NamedNode(skg + "Organization"), graph),
             ox.Quad(army, ox.NamedNode(skg + "armedForcesOf"), niger, graph)]
    typed = {(q.subject, q.object.value.rsplit("#", 1)[-1]) for q in infer(quads, ontology, graph.value)
             if q.predicate.value.endswith("#type")}
    assert (army, "ArmedForces") in typed and not [t for t in typed if t[0] == niger]  # the domain, not the range
    # a node the graph does not type is not typed by a domain either
    assert not [q for q in infer(quads[1:], ontology, graph.value) if q.predicate == rdf_type]
    # described (typed) in the same graph, it is typed by the range too
    quads.append(ox.Quad(niger, rdf_type, ox.NamedNode(skg + "Actor"), graph))
    assert (niger, "State") in {(q.subject, q.object.value.rsplit("#", 1)[-1]) for q in infer(quads, ontology, graph.value)}


def test_an_entity_is_typed_in_the_graphs_that_declare_it_and_every_range_still_holds(seed):
    where = sorted(r["g"].value for r in seed.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { sk:niger a ?type } }"))
    assert where == [REFERENCE_GRAPH, inferred_graph(REFERENCE_GRAPH)]
    # what the ranges say still holds of the whole graph: each object has its property's range type
    ontology = load_ontology()
    checked = 0
    for prop, classes in sorted(ontology.ranges.items()):
        for cls in sorted(classes):
            untyped = seed.query(f"SELECT ?o WHERE {{ ?s <{prop}> ?o FILTER(isIRI(?o)) "
                                 f"FILTER NOT EXISTS {{ ?o a <{cls}> }} }} LIMIT 1")
            assert list(untyped) == [], (prop, cls)
            checked += bool(seed.query(f"ASK {{ ?s <{prop}> ?o FILTER(isIRI(?o)) }}"))
    assert checked > 20


def test_an_entity_a_fact_stands_for_is_not_typed_again_in_the_facts_graph(seed):
    """A regime or an office holder stands for its state (skg:standsFor, derived in the facts graph of
    its rule or office): that graph names it, it does not type it, so it types nothing of it."""
    typed_in_facts = seed.query(
        "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a ?t } FILTER(STRSTARTS(STR(?e), STR(sk:))) "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/sahel-kg/graph/facts/')) }")
    assert list(typed_in_facts) == []
    assert seed.query("ASK { sk:cnsp skg:standsFor sk:niger }")
