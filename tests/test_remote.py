"""The same commands against real SPARQL 1.1 servers: Oxigraph server and Virtuoso Open Source.

Each server is started by the tests on loopback (tests/servers.py), loaded with the seed data and
the development set of test texts (tests/devset/, so that merged facts and conflicts are there)
through `sahelkg load --endpoint`, and then must give, for every named query, exactly the answer
the embedded store gives on the same data; exports and stats must match byte for byte. A load cut
off at any of its requests (tests/faultproxy.py) must leave the server's graphs as they were.

`TestFrontDoor` runs the Python API (`loader.open`) through the same cases on the embedded store
and on an Oxigraph server: one class, every backend.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from bigdata import DATA, cli
from faultproxy import fault_proxy
from servers import oxigraph_server, virtuoso_server
from typer.testing import CliRunner

import loader
from loader.backend import Backend
from loader.cli import app
from loader.export import export
from loader.loading import load
from loader.problems import InvalidInput
from loader.queries import (
    IsAnUpdate,
    NoAsOf,
    NotADate,
    UnknownEntity,
    UnknownParameter,
    UnknownQuery,
    example_values,
    named_queries,
)
from loader.remote import RemoteError, RemoteGraph
from loader.store import KnowledgeGraph

SERVERS = ("oxigraph", "virtuoso")
QUERIES = sorted(named_queries())


@pytest.fixture(scope="module", params=SERVERS)
def server(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(request.param)
    start = oxigraph_server if request.param == "oxigraph" else virtuoso_server
    with start(directory) as running:
        yield request.param, running


DEVSET = Path(__file__).resolve().parent / "devset"
SOURCES = (DATA, DEVSET / "devset-entities.yaml", DEVSET / "facts")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Path:
    """The embedded store holding the same data as the servers, loaded by the real CLI."""
    store = tmp_path_factory.mktemp("embedded") / "store"
    result = cli("load", *SOURCES, "--store", store)
    assert result.returncode == 0, result.stderr.decode()
    return store


@pytest.fixture(scope="module")
def loaded(server, embedded):
    """The server, holding the seed data and the devset, loaded by the real CLI."""
    name, running = server
    result = cli("load", *SOURCES, "--endpoint", running.query_url)
    assert result.returncode == 0, result.stderr.decode()
    # as many quads as the embedded store holds after the same load
    with KnowledgeGraph(embedded, read_only=True) as kg:
        quads = len(kg)
    assert result.stdout.decode().splitlines()[-1] == f"endpoint {running.query_url}: {quads} quads added, 0 removed"
    return name, running


def _answer(*where: str, name: str, as_written: bool) -> str:
    named = named_queries()[name]
    args = ["query", name, "--format", "csv"]
    if not as_written:
        values, as_of = example_values(named)
        args += [f"--param={k}={v}" for k, v in values.items()] + ([f"--as-of={as_of}"] if as_of else [])
    elif named.takes_as_of:
        args += ["--as-of", "2024-03-26"]  # not today: the embedded store and the server must agree on the day
    # in-process (the CLI's own code, as a user runs it, without a Python start-up per answer)
    result = CliRunner().invoke(app, [*args, *map(str, where)])
    assert result.exit_code == 0, result.output
    return result.stdout


# Columns built by GROUP_CONCAT: SPARQL leaves the order of the joined values to the engine.
JOINED = {
    "contacts": [("about", "; "), ("place", ", "), ("ledBy", ", "), ("outcome", "; ")],
    "partners": [("domain", ", ")],
    "timeline": [("role", ", ")],
    "who-rules": [("office", "; "), ("cameToPowerBy", "; "), ("coupDate", "; "), ("ousted", "; "), ("disputes", ", ")],
    "foreign-presences": [("place", ", "), ("disputes", ", ")],
    "conflicts": [("quoteA", " / "), ("quoteB", " / ")],
}


def _rows(name: str, answer: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(answer)))
    for column, separator in JOINED.get(name, []) if rows else []:
        index = rows[0].index(column)
        for row in rows[1:]:
            row[index] = separator.join(sorted(row[index].split(separator)))
    return rows


@pytest.mark.parametrize("as_written", [False, True], ids=["example", "as-written"])
@pytest.mark.parametrize("name", QUERIES)
def test_every_named_query_answers_the_same_on_the_server(loaded, embedded, name, as_written):
    _, running = loaded
    here = _answer("--store", embedded, name=name, as_written=as_written)
    remote = _answer("--endpoint", running.query_url, name=name, as_written=as_written)
    assert len(here.splitlines()) > 1, f"{name} answers nothing on the data: the comparison would prove nothing"
    assert _rows(name, remote) == _rows(name, here)


@pytest.mark.parametrize("fmt", ["nquads", "turtle", "trig"])
def test_export_from_the_server_is_byte_identical(loaded, embedded, fmt):
    _, running = loaded
    here = cli("export", "--format", fmt, "--inferred", "--store", embedded)
    remote = cli("export", "--format", fmt, "--inferred", "--endpoint", running.query_url)
    assert remote.returncode == 0, remote.stderr.decode()
    assert remote.stdout == here.stdout


def test_stats_and_ad_hoc_queries_match(loaded, embedded):
    _, running = loaded
    assert cli("stats", "--endpoint", running.query_url).stdout == cli("stats", "--store", embedded).stdout
    ask = "ASK { sk:niger skg:memberOf|^skg:member ?x }"
    for query in ("SELECT ?label WHERE { sk:cnsp rdfs:label ?label }", ask,
                  "CONSTRUCT { sk:niger rdfs:label ?l } WHERE { sk:niger rdfs:label ?l }"):
        here = cli("query", query, "--format", "json", "--store", embedded)
        remote = cli("query", query, "--format", "json", "--endpoint", running.query_url)
        assert remote.returncode == 0, remote.stderr.decode()
        assert remote.stdout == here.stdout


def test_reloading_the_same_files_writes_nothing(loaded):
    _, running = loaded
    graph = RemoteGraph(running.query_url)
    before = export(graph.quads(), "nquads")
    result = cli("load", DATA, "--endpoint", running.query_url)
    assert result.returncode == 0, result.stderr.decode()
    assert export(graph.quads(), "nquads") == before


def _without_one_fact(tmp_path):
    """data/ with one fact removed: a load of it replaces the article's graphs (not only adds)."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    facts = next((copy / "facts").glob("*.yaml"))
    text = facts.read_text(encoding="utf-8")
    trimmed = re.sub(r"\n  - id: us-curbs-assistance\n.*?(?=\n  - id: )", "", text, flags=re.DOTALL)
    assert trimmed != text
    facts.write_text(trimmed, encoding="utf-8")
    return copy


@pytest.mark.parametrize("mode", ["drop", "lose-reply"])
def test_a_load_cut_off_at_any_request_leaves_the_graphs_as_they_were(server, tmp_path, mode):
    """Load the seed data, then a changed version through a proxy that breaks the k-th request, for
    every k (a spread of them but on Oxigraph with the reply lost). Each time the server must hold exactly the seed data (or,
    once the final move has reached the server, exactly the new data), and no staging graph may be left
    visible. The two versions are two files for the same graphs, so each replaces the other on purpose."""
    name, running = server
    changed = _without_one_fact(tmp_path)
    host, port = running.base_url.removeprefix("http://").split(":")
    path = running.query_url.removeprefix(running.base_url)
    with fault_proxy((host, int(port))) as proxy:
        direct = RemoteGraph(running.query_url)
        load([DATA], direct, replace=True)
        before = export(direct.quads(), "nquads")
        proxy.arm(None)
        load([changed], RemoteGraph(proxy.url(path)), replace=True)  # a clean run: how many requests, and the after state
        requests = proxy.connections
        after = export(direct.quads(), "nquads")
        assert after != before
        load([DATA], direct, replace=True)

        outcomes = []
        # every request once, on Oxigraph with the reply lost (the request reached the server: the
        # harder case); otherwise the first, the middle and the last three, where the final move lies
        everything = name == "oxigraph" and mode == "lose-reply"
        cuts = range(1, requests + 1) if everything else sorted({1, requests // 2, *range(max(requests - 2, 1), requests + 1)})
        for cut in cuts:
            proxy.arm(cut, mode)
            try:
                load([changed], RemoteGraph(proxy.url(path)), replace=True)
                failed = None
            except RemoteError as error:
                failed = str(error)
            now = export(direct.quads(), "nquads")
            assert now in (before, after), f"request {cut} of {requests} ({mode}) left a mixed state: {failed}"
            state = "before" if now == before else "after"
            assert failed or state == "after", f"request {cut} was broken but the load reported success"
            outcomes.append(state)
            if state == "after":
                load([DATA], direct, replace=True)
            assert not direct.staging_graphs(), f"request {cut} ({mode}) left staging graphs behind"
        # before the final move every break leaves the old data; from it on, the new data is in place
        assert "before" in outcomes
        assert outcomes == sorted(outcomes, key=["before", "after"].index), outcomes
        print(f"\n{name} {mode}: {requests} requests per load; outcomes {outcomes}")


def test_unreachable_endpoint_gives_a_clear_error(tmp_path):
    result = cli("query", "who-rules", "--endpoint", "http://127.0.0.1:9/query")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == ("error: cannot reach http://127.0.0.1:9/query: [Errno 111] Connection refused")


def test_not_an_endpoint_url(tmp_path):
    result = cli("stats", "--endpoint", "127.0.0.1:7878")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        "error: --endpoint '127.0.0.1:7878' is not an http(s) URL (e.g. http://127.0.0.1:7878)")


# --- the Python front door, one class for every backend ---

SECOND_ARTICLE = "2024-04-12-nigerrivertimes-russian-instructors-arrive-in-niger"
FRONT_DOOR_SOURCES = (DATA, DEVSET / "devset-entities.yaml", DEVSET / "facts" / f"{SECOND_ARTICLE}.yaml")


@pytest.fixture(scope="class", params=["embedded", "oxigraph"])
def kg(request, tmp_path_factory):
    """`loader.open` on the seed data and one devset article (for a conflict): a store in a fresh
    directory, or an Oxigraph server in memory, loaded through the API itself."""
    with ExitStack() as stack:
        if request.param == "embedded":
            graph = loader.open(tmp_path_factory.mktemp("front-door") / "store")
        else:
            graph = loader.open(endpoint=stack.enter_context(oxigraph_server(None)).base_url)
        with graph:
            report = graph.load(FRONT_DOOR_SOURCES)
            assert report.quads_removed == 0 and report.quads_added == len(graph) > 0
            yield graph


@pytest.fixture(scope="module")
def front_door_reference(tmp_path_factory) -> Path:
    """A store with the same load, made apart from the graph under test."""
    path = tmp_path_factory.mktemp("front-door-reference") / "store"
    with loader.open(path) as graph:
        graph.load(FRONT_DOOR_SOURCES)
    return path


class TestFrontDoor:
    def test_both_backends_answer_one_interface(self, kg):
        assert isinstance(kg.backend, Backend)

    def test_a_named_query_with_parameters(self, kg):
        rows = kg.query("foreign-presences", host="Niger", as_of="2024-03-26")
        assert [(r["deployingState"], r["status"], r["sources"]) for r in rows] == [
            ("United States", "active", "2"), ("France", "ended", "1")]
        assert rows[0]["troops"] == "about 1000 (2024-03-26); a few hundred (2024-04-12)"
        answer = kg.answer("foreign-presences", {"host": "Niger"}, as_of="2024-03-26")
        assert answer.bound == {"host": "Niger", "asOf": "2024-03-26"}
        assert answer.query.title == "Foreign military presences in a state"

    def test_sparql_text_gives_rows_a_boolean_or_triples(self, kg):
        assert kg.query("SELECT ?label WHERE { sk:cnsp rdfs:label ?label }") == [
            {"label": "National Council for the Safeguarding of the Fatherland"}]
        assert kg.query("ASK { sk:niger a skg:State }") is True
        assert [str(t) for t in kg.query("CONSTRUCT { sk:niger rdfs:label ?l } WHERE { sk:niger rdfs:label ?l }")] == [
            '<https://w3id.org/sahel-kg/entity/niger> <http://www.w3.org/2000/01/rdf-schema#label> "Niger"@en']

    def test_conflicts(self, kg):
        def sides(rows):
            return [(r["name"], r["aspect"], r["valueA"], r["valueB"]) for r in rows]

        assert sides(kg.conflicts()) == sides(kg.conflicts(entity="Niger")) == [
            ("MilitaryPresence: United States, Niger", "troops", "about 1000 (2024-03-26)", "a few hundred (2024-04-12)")]
        assert kg.conflicts(entity="Mali") == []

    def test_errors_carry_what_went_wrong(self, kg):
        with pytest.raises(UnknownEntity) as unknown:
            kg.query("who-rules", state="Nigr")
        assert (unknown.value.query, unknown.value.param, unknown.value.name, unknown.value.suggestions) == (
            "who-rules", "state", "Nigr", ["niger"])
        with pytest.raises(UnknownQuery) as no_query:
            kg.query("who-reigns")
        assert no_query.value.name == "who-reigns" and "who-rules" in no_query.value.known
        with pytest.raises(UnknownParameter) as no_param:
            kg.query("who-rules", country="Niger")
        assert (no_param.value.param, no_param.value.known) == ("country", ["state"])
        with pytest.raises(NotADate) as not_a_date:
            kg.query("foreign-presences", host="Niger", as_of="2024-02-30")
        assert (not_a_date.value.param, not_a_date.value.value) == ("asOf", "2024-02-30")
        with pytest.raises(NoAsOf):
            kg.query("who-rules", state="Niger", as_of="2024-03-26")
        with pytest.raises(IsAnUpdate):
            kg.query("DELETE WHERE { ?s ?p ?o }")
        with pytest.raises(loader.api.UnknownGraph) as no_graph:
            kg.export("trig", graph="no-such-article")
        assert no_graph.value.graph == "https://w3id.org/sahel-kg/article/no-such-article"

    def test_export_and_stats_are_those_of_the_same_load_elsewhere(self, kg, front_door_reference):
        with loader.open(front_door_reference, read_only=True) as other:
            assert kg.export("turtle") == other.export("turtle")
            stats = kg.stats()
            assert stats == other.stats()
        assert (stats["articles"], stats["conflicts between reports"]) == (2, 1)
        article = kg.export("trig", graph=SECOND_ARTICLE).decode()
        assert f"\nska:{SECOND_ARTICLE} {{\n" in article and "graph/reference" not in article  # named with its prefix

    def test_validate_writes_nothing_and_names_the_problem(self, kg, tmp_path):
        before = kg.export("nquads", inferred=True)
        prepared = kg.validate(DATA)
        assert sorted(item.path.name for item in prepared.files) == [
            "2024-03-26-channelstv-niger-putin-security-cooperation.yaml", "reference.yaml"]
        bad = tmp_path / "bad.ttl"
        bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
        for write in (kg.validate, kg.load):
            with pytest.raises(InvalidInput) as refused:
                write([bad])
            assert [(p.file, p.rule) for p in refused.value.problems] == [(str(bad), "rdf-syntax")]
        assert kg.export("nquads", inferred=True) == before

    def test_remove_and_load_again(self, kg):
        before = kg.export("nquads", inferred=True)
        kg.remove(f"{SECOND_ARTICLE}.yaml")
        assert kg.conflicts() == [] and kg.stats()["articles"] == 1
        article = FRONT_DOOR_SOURCES[-1]
        size = len(kg)
        report = kg.load(article)  # its entities are still there, in their own graph
        assert report.quads_added - report.quads_removed == len(kg) - size > 0
        assert kg.export("nquads", inferred=True) == before
        kg.load(article)  # a reload writes nothing
        assert kg.export("nquads", inferred=True) == before


def test_a_query_with_its_own_limit_is_not_paged_again_on_a_server_either():
    with oxigraph_server(None) as running:
        result = CliRunner().invoke(app, ["query", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", "--limit", "1",
                                          "--endpoint", running.query_url])
    assert (result.exit_code, result.stderr) == (2, "error: --limit/--offset cannot be used with this query: it ends "
                                                    "with its own LIMIT clause; write the page into the query instead\n")
