"""How a remote server gets what the embedded store does natively: parameters written into the query
(queries.inline), server URLs, request chunks and result quirks (loader/remote.py). No server needed:
each rewritten query runs on the seed store and must answer exactly as SEP-0007 substitution does."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from loader.namespaces import PREFIXES
from loader.queries import QueryError, inline
from loader.remote import RemoteError, _chunks, _portable, endpoint_urls

NIGER = ox.NamedNode("https://w3id.org/sahel-kg/entity/niger")
DAY = ox.Literal("2024-03-26", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))

REWRITES = [
    # projected parameter, used in a pattern
    "SELECT ?state ?label WHERE { ?state rdfs:label ?label }",
    # in a sub-SELECT that projects and groups by it, then used again after the sub-SELECT
    "SELECT ?state ?n ?label WHERE { { SELECT ?state (COUNT(?f) AS ?n) WHERE { ?f skg:hostState ?state } GROUP BY ?state } "
    "?state rdfs:label ?label }",
    # ORDER BY and an expression
    "SELECT ?state ?label WHERE { ?x rdfs:label ?label FILTER(?x = ?state) } ORDER BY ?state ?label",
    # a comparison written tightly, a string and a comment that mention the parameter
    "SELECT ?state ?day ?l WHERE { ?state rdfs:label ?l FILTER(STR(?l) < \"?state\" || ?day < \"2030-01-01\"^^xsd:date) }"
    " # ?state in a comment",
    "SELECT DISTINCT ?state ?day WHERE { ?s ?p ?o FILTER(COALESCE(?day, NOW()) >= \"2024-01-01\"^^xsd:date) }",
    # a sub-SELECT that projects the parameter alone (left with nothing, it projects a constant)
    "SELECT ?state ?label WHERE { { SELECT ?state WHERE { ?state a skg:State } } ?state rdfs:label ?label }",
    "SELECT ?state ?label WHERE { { SELECT DISTINCT ?state { ?state a skg:State } } ?state rdfs:label ?label }",
]


@pytest.mark.parametrize("query", REWRITES)
def test_inlined_query_answers_as_substitution_does(seed, query):
    substitutions = {ox.Variable("state"): NIGER, ox.Variable("day"): DAY}
    used = {v: t for v, t in substitutions.items() if f"?{v.value}" in query}
    # pyoxigraph's own substitution (the store's query() writes the values into the text too)
    expected = [tuple(map(str, row)) for row in seed.store.query(query, substitutions=used, prefixes=PREFIXES,
                                                                 use_default_graph_as_union=True)]
    rewritten = inline(query, used)
    assert "?state " not in rewritten.split("#")[0].replace("AS ?state", "")
    assert [tuple(map(str, row)) for row in seed.query(rewritten)] == expected
    assert expected, "the query answers nothing: the comparison would prove nothing"


def test_values_cannot_change_the_query():
    text = ox.Literal('x" } ; DROP ALL ; SELECT * { "')
    rewritten = inline("SELECT ?name WHERE { ?s rdfs:label ?name }", {ox.Variable("name"): text})
    assert rewritten == 'SELECT ("x\\" } ; DROP ALL ; SELECT * { \\"" AS ?name) WHERE { ?s rdfs:label "x\\" } ; DROP ALL ; ' \
                        'SELECT * { \\"" }'


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT ?a WHERE { BIND(1 AS ?a) }", "parameter ?a is assigned in the query (by AS or VALUES), so it cannot be bound"),
    ("SELECT ?a WHERE { VALUES ?a { 1 } }", "parameter ?a is assigned in the query (by AS or VALUES), so it cannot be bound"),
    ("SELECT * WHERE { ?a ?p ?o }", "a query with parameters must name its variables after SELECT, not use *"),
    ("SELECT ?a WHERE { ?s ?p ?o FILTER(!BOUND(?a)) }",
     "parameter ?a is used in BOUND(), which a bound value makes meaningless; write COALESCE(?a, ...) instead"),
    ("SELECT ?a WHERE { ?s ?p ?o FILTER(?o<?a&&?a>3) }",
     "'<?a&&?a>' reads as an IRI, hiding a parameter: put spaces around < and > in comparisons"),
])
def test_queries_that_cannot_be_rewritten_say_why(query, message):
    with pytest.raises(QueryError) as refused:
        inline(query, {ox.Variable("a"): NIGER})
    assert str(refused.value) == message


def test_endpoint_urls():
    assert endpoint_urls("http://127.0.0.1:7878") == [
        ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update"),
        ("http://127.0.0.1:7878/sparql", "http://127.0.0.1:7878/sparql")]
    assert endpoint_urls("http://h:3030/ds/query") == [("http://h:3030/ds/query", "http://h:3030/ds/update")]
    assert endpoint_urls("http://h:7200/repositories/kg", "http://h:7200/repositories/kg/statements") == [
        ("http://h:7200/repositories/kg", "http://h:7200/repositories/kg/statements")]
    with pytest.raises(RemoteError, match="not in the endpoint URL"):
        endpoint_urls("http://dba:secret@h:8890/sparql")
    with pytest.raises(RemoteError, match="is not an http"):
        endpoint_urls("h:8890/sparql")


def test_chunks_never_split_what_shares_a_blank_node():
    p = ox.NamedNode("urn:p")
    lists = [ox.BlankNode() for _ in range(30)]
    triples = {ox.Triple(lists[i], p, lists[i + 1]) for i in range(29)}  # one chain of 29 triples
    triples |= {ox.Triple(ox.NamedNode(f"urn:s{i}"), p, ox.Literal(str(i))) for i in range(50)}
    chunks = list(_chunks(triples, 10))
    assert sorted(len(c) for c in chunks)[-1] == 29  # the chain travels whole, over the size
    assert sum(len(c) for c in chunks) == len(triples)
    assert all(len(c) <= 10 for c in chunks if not any(isinstance(t.subject, ox.BlankNode) for t in c))


def test_virtuoso_results_are_read_as_the_store_gives_them():
    answer = {"head": {"vars": ["x", "b"]}, "results": {"bindings": [
        {"x": {"type": "bnode", "value": "nodeID://b10004"},
         "b": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1"}}]}}
    rows = list(ox.parse_query_results(_portable(json.dumps(answer).encode()), format=ox.QueryResultsFormat.JSON))
    assert isinstance(rows[0]["x"], ox.BlankNode)
    assert rows[0]["b"] == ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
