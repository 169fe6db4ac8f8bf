"""No request leaves the machine unless allowed, no query runs for ever, and a server whose default
graph is not the union of its graphs is named as the cause of empty answers.

SERVICE and LOAD are found in the query's algebra (rdflib's parse), so a SERVICE hidden in a
sub-query or a FILTER EXISTS is caught and the word in a string, an IRI or a comment is not. A
listening socket stands for "another server": the tests assert it was never contacted.
"""

from __future__ import annotations

import threading
import time

import pytest
from bigdata import cli
from servers import listener, oxigraph_server
from typer.testing import CliRunner

import loader
from loader.cli import app
from loader.queries import QueryTimeout, RemoteRequest, remote_requests
from loader.remote import DefaultGraphNotUnion

# a cartesian product of the seed store with itself, three times: billions of rows
RUNAWAY_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_ROWS = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def run(*args):
    """The CLI in this process (fast); a stopped query ends its process, so that one runs apart."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(("text", "update", "found"), [
    ("SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }", False, {"SERVICE"}),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE\t<http://x.example/>{?s ?p ?o} } } }", False, {"SERVICE"}),
    ("SELECT*{?s ?p ?o FILTER EXISTS{service<http://x.example/>{?s ?p ?o}}}", False, {"SERVICE"}),
    ("ASK { BIND(NOT EXISTS { SERVICE SILENT ?where { ?s ?p ?o } } AS ?b) }", False, {"SERVICE"}),
    ("SELECT * WHERE { ?s rdfs:label \"SERVICE <http://x.example/>\" }", False, set()),
    ("SELECT * WHERE { ?s <http://x.example/SERVICE> ?o } # SERVICE <http://x.example/>", False, set()),
    ("PREFIX : <http://x.example/> SELECT ?service WHERE { ?service :service :load }", False, set()),
    ("LOAD <http://x.example/data.ttl> INTO GRAPH <urn:g>", True, {"LOAD"}),
    ("INSERT DATA { <urn:a> <urn:b> \"LOAD <http://x.example/>\" }", True, set()),
    ("DELETE WHERE { ?s ?p ?o } ;\nload silent <file:///etc/passwd>", True, {"LOAD"}),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }", True, {"SERVICE"}),
])
def test_service_and_load_are_read_from_the_algebra(text, update, found):
    assert remote_requests(text, update=update) == found


def test_the_cli_refuses_service_and_sends_nothing(seed_store_path):
    with listener() as (url, got):
        result = run("query", f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
                     "--store", seed_store_path)
        assert result.exit_code == 2
        assert result.stderr.strip() == (
            "error: this is a federated query (SERVICE), which sends requests to other servers; "
            "pass --allow-service to run it anyway")
        assert got == []


def test_a_failed_service_is_one_line(seed_store_path):
    # allowed, the request goes out; the other server fails
    with listener(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\nboom") \
            as (url, got):
        result = run("query", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "--allow-service",
                     "--timeout", "20", "--store", seed_store_path)
        assert len(got) == 1
    assert result.exit_code == 2
    assert result.stderr == (f"error: cannot run the query: Error 500 Internal Server Error returned by "
                                      f"{url} with payload: boom\n")


def test_the_api_refuses_service_and_load_and_changes_nothing(seed_store_path, tmp_path):
    import shutil

    store = tmp_path / "store"
    shutil.copytree(seed_store_path, store)
    with listener() as (url, got), loader.open(store) as kg:
        before = len(kg)
        with pytest.raises(RemoteRequest) as refused:
            kg.query(f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}")
        assert str(refused.value) == ("this is a federated query (SERVICE), which sends requests to other "
                                      "servers; it is refused unless allowed (allow_service=True)")
        with pytest.raises(RemoteRequest) as refused:
            kg.update(f"LOAD <{url}> INTO GRAPH <urn:loaded>")
        assert refused.value.feature == "LOAD"
        assert len(kg) == before and got == []


def test_an_endpoint_refuses_service_and_says_when_its_default_graph_is_not_the_union():
    """A plain `oxigraph serve` (no --union-default-graph) answers every query with nothing: said so."""
    with oxigraph_server(None, union=False) as plain, listener() as (url, got):
        kg = loader.open(endpoint=plain.query_url)
        with pytest.raises(RemoteRequest):
            kg.query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        assert got == []
        kg.update("INSERT DATA { GRAPH <https://w3id.org/sahel-kg/graph/reference> { sk:niger a skg:State } }")
        empty = run("query", "who-rules", "-p", "state=Niger", "--endpoint", plain.query_url)
        assert empty.exit_code == 1
        assert empty.stderr.strip() == (
            f"error: {plain.query_url}: the server's default graph is not the union of its named graphs, so "
            "queries would find nothing in the project's graphs; start it with the union of its graphs as its "
            "default graph (oxigraph serve --union-default-graph; Virtuoso does so by default)")
        with pytest.raises(DefaultGraphNotUnion):
            kg.stats()


def test_the_cli_stops_a_runaway_query_at_its_timeout(seed_store_path):
    started = time.monotonic()
    result = cli("query", RUNAWAY_COUNT, "--timeout", "0.5", "--store", seed_store_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        "error: query stopped after 0.5 s (--timeout); narrow it, or give a larger --timeout")
    assert elapsed < 10  # the process ends, and the evaluation with it (alone it runs for minutes)
    print(f"\n`sahelkg query --timeout 0.5` on a runaway query ended after {elapsed:.1f} s")


def test_the_api_stops_a_query_at_its_timeout(seed):
    kg = loader.api.Graph(seed)
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        kg.query(RUNAWAY_ROWS, timeout=0.3)
    assert str(stopped.value) == "the query was stopped after 0.3 s, its time limit (timeout)"
    assert time.monotonic() - started < 1
    # a query that writes its rows as it goes is ended at its next write
    deadline = time.monotonic() + 5
    while any(t.name == "sahelkg-query" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the abandoned evaluation kept running"
        time.sleep(0.05)
    # a short query under a limit gives the same answer as without
    assert kg.query("who-rules", state="Niger", timeout=5) == kg.query("who-rules", state="Niger", timeout=None)


def test_an_endpoint_that_does_not_answer_stops_at_the_timeout():
    """A server that takes the request and never answers: the client stops waiting at the limit."""
    with listener() as (url, got):
        kg = loader.open(endpoint=url)
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            kg.query("ASK { ?s ?p ?o }", timeout=1)
        assert time.monotonic() - started < 5 and len(got) == 1
