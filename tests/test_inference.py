"""Materialised inferences: queries over superclasses and super-properties need no ontology paths."""

from __future__ import annotations

import pyoxigraph as ox

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
