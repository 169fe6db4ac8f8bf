"""`sahelkg serve`: the real Oxigraph server on a copy of the seed store, reached through the real CLI.

Each test starts `python -m loader serve --bind 127.0.0.1:0` in a subprocess, reads the address it
prints, talks to it over HTTP (SPARQLWrapper, urllib), and stops it with SIGTERM as a user's Ctrl-C
or service manager would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from bigdata import DATA, cli, start
from servers import listener
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from loader.queries import named_queries
from loader.serve import Limits
from loader.serve import start as start_serving
from loader.store import KnowledgeGraph, StoreError, writer_lock

NIGER = "https://w3id.org/sahel-kg/entity/niger"
CNSP = "https://w3id.org/sahel-kg/entity/cnsp"


def read_only_dump(store: Path) -> list[str]:
    """Every quad as sorted N-Quads lines, read the way a second reader would (never as a writer)."""
    opened = ox.Store.read_only(str(store))
    try:
        return sorted(opened.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    finally:
        del opened


@contextmanager
def serving(store: Path, *extra: str):
    """Run `sahelkg serve` on the store; yield (base URL, the process); stop it on the way out."""
    log = tempfile.TemporaryFile()  # its request log: a pipe nobody reads could fill and block it
    process = start("serve", "--bind", "127.0.0.1:0", "--store", store, *extra,
                    stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        banner = [process.stdout.readline() for _ in range(3)]
        match = re.search(r"web page:\s+(http://127\.0\.0\.1:\d+/)", "".join(banner))
        if not match:
            log.seek(0)
            raise AssertionError(f"serve printed no address: {banner} {log.read().decode(errors='replace')}")
        yield match.group(1), process, banner
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finally:
            log.close()


@pytest.fixture
def store(seed_store_path, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(seed_store_path, copy)
    return copy


def ask_who_rules(url: str) -> list[tuple[str, str]]:
    wrapper = SPARQLWrapper(url + "query")
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    wrapper.setQuery("PREFIX skg: <https://w3id.org/sahel-kg/ontology#> "
                     "SELECT ?state ?regime WHERE { ?rule a skg:Rule ; skg:state ?state ; skg:regime ?regime }")
    rows = wrapper.query().convert()["results"]["bindings"]
    return [(row["state"]["value"], row["regime"]["value"]) for row in rows]


def test_serve_answers_sparqlwrapper_and_shows_the_page(store):
    with serving(store) as (url, process, banner):
        assert banner[0].strip() == f"serving {store} (read-only) with the Oxigraph server"
        assert banner[2].strip() == f"SPARQL endpoint: {url}query"
        assert ask_who_rules(url) == [(NIGER, CNSP)]

        page = urllib.request.urlopen(url).read().decode()
        assert '<script src="/yasgui.min.js"></script>' in page and 'id="named-queries"' in page
        assert b"Yasgui" in urllib.request.urlopen(url + "yasgui.min.js").read()[:5000]

        listed = json.load(urllib.request.urlopen(url + "queries.json"))
        assert [q["name"] for q in listed] == list(named_queries())
        presences = next(q for q in listed if q["name"] == "foreign-presences")
        assert presences["parameters"] == {"host": "Niger", "asOf": "2024-03-26"}
        assert f"(<{NIGER}> AS ?host)" in presences["exampleSparql"]
        settings = json.load(urllib.request.urlopen(url + "settings.json"))
        assert settings["prefixes"]["skg"] == "https://w3id.org/sahel-kg/ontology#" and settings["writable"] is False
        assert presences["params"] == [
            {"name": "host", "kind": "entity", "class": "State",
             "description": "The host state, by name, alias or IRI (e.g. Niger)."},
            {"name": "asOf", "kind": "date", "class": None,
             "description": "The date to answer for (YYYY-MM-DD); `sahelkg query` defaults it to today."}]

        # the page's pickers, its forms' values written in by the server, and the pictures
        entities = json.load(urllib.request.urlopen(url + "entities.json"))
        niger = next(e for e in entities if e["iri"] == NIGER)
        assert (niger["label"], niger["types"]) == ("Niger", ["State"]) and "Nigerien" not in niger["names"]
        bound = json.load(urllib.request.urlopen(url + "bind.json?name=who-rules&state=Niger"))["sparql"]
        assert f"(<{NIGER}> AS ?state)" in bound
        with pytest.raises(urllib.error.HTTPError) as mistake:
            urllib.request.urlopen(url + "bind.json?name=who-rules&state=Nigr")
        assert (mistake.value.code, mistake.value.read().decode()) == (
            400, "unknown entity 'Nigr'; did you mean 'niger'? (declare it under 'entities:' if it is new)")
        network = urllib.request.urlopen(url + "network.html?asOf=2024-03-26&focus=Niger").read().decode()
        assert "military presence: active" in network and "vis-network" in network
        dossier = urllib.request.urlopen(url + "report/niger/?asOf=2024-03-26").read().decode()
        assert "<h1>Niger</h1>" in dossier and 'src="timeline.svg"' in dossier
        timeline = urllib.request.urlopen(url + "report/niger/timeline.svg")
        assert timeline.headers["Content-Type"] == "image/svg+xml" and b"Timeline of niger" in timeline.read()
    assert process.returncode == 0


def test_serve_refuses_updates_and_a_load_of_its_store(store, tmp_path):
    before = read_only_dump(store)
    with serving(store) as (url, process, _):
        update = urllib.request.Request(url + "update", data=b"update=INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(update)
        assert refused.value.code in (403, 405)

        loading = cli("load", DATA, "--store", store)
        assert loading.returncode == 1
        assert loading.stderr.decode().strip() == (
            f"error: the store at {store} is being served (sahelkg serve at {url}, pid {process.pid}); "
            "stop the server, then try again (or run 'sahelkg serve --writable' and load with --endpoint)")
        assert read_only_dump(store) == before
        # readers in other processes are not affected
        assert cli("query", "who-rules", "--param", "state=Niger", "--format", "csv", "--store", store).returncode == 0
        assert ask_who_rules(url) == [(NIGER, CNSP)]


def test_after_the_server_stops_a_load_works_and_a_new_server_sees_it(store, tmp_path):
    article = tmp_path / "extra.ttl"
    article.write_text(f"<{NIGER}> <http://www.w3.org/2000/01/rdf-schema#comment> \"served after a reload\" .\n",
                       encoding="utf-8")
    with serving(store) as (url, _, _):
        assert cli("load", article, "--store", store).returncode == 1
    loaded = cli("load", article, "--store", store)
    assert loaded.returncode == 0, loaded.stderr.decode()
    with serving(store) as (url, _, _):
        wrapper = SPARQLWrapper(url + "query", returnFormat=JSON)
        wrapper.setQuery(f"SELECT ?c WHERE {{ <{NIGER}> <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}")
        assert [row["c"]["value"] for row in wrapper.query().convert()["results"]["bindings"]] == ["served after a reload"]


def test_writable_serve_takes_loads_through_its_endpoint(tmp_path, seed):
    store = tmp_path / "store"
    with serving(store, "--writable") as (url, _, banner):
        assert banner[0].strip() == f"serving {store} (read-write) with the Oxigraph server"
        loaded = cli("load", DATA, "--endpoint", url)
        assert loaded.returncode == 0, loaded.stderr.decode()
        assert loaded.stdout.decode().splitlines()[-1] == f"endpoint {url}query: {len(seed)} quads added, 0 removed"
        assert ask_who_rules(url) == [(NIGER, CNSP)]
    with KnowledgeGraph(store, read_only=True) as kg:  # the server wrote the store itself
        assert len(kg) == len(seed)


def test_serve_does_not_start_while_a_load_holds_the_store(store):
    lock = writer_lock(store, "a load")
    try:
        result = cli("serve", "--bind", "127.0.0.1:0", "--store", store)
    finally:
        lock.close()
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (f"error: the store at {store} is in use by another process (a load); "
                                              "wait for it to finish, then try again")


def test_serve_without_a_store_says_what_to_do(tmp_path):
    result = cli("serve", "--bind", "127.0.0.1:0", "--store", tmp_path / "nothing")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == f"error: no store at {tmp_path / 'nothing'}: load data first (sahelkg load data/)"


def test_pages_elsewhere_cannot_write_or_rebind(tmp_path):
    """A web page on another site can make the browser POST to 127.0.0.1 (no CORS check for a form
    post) or reach it under another name (DNS rebinding): both are refused, and nothing is written."""
    store = tmp_path / "store"
    with serving(store, "--writable") as (url, _, _):
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for headers in ({"Origin": "http://evil.example"}, {"Host": "evil.example"}):
            update = urllib.request.Request(url + "update", data=b"update=INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                            headers={**form, **headers})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(update)
            assert refused.value.code == 403
        own = urllib.request.Request(url + "update", data=b"update=INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                     headers={**form, "Origin": url.rstrip("/")})
        assert urllib.request.urlopen(own).status == 204  # the page itself may write
        with pytest.raises(urllib.error.HTTPError) as rebound:
            urllib.request.urlopen(urllib.request.Request(url + "query?query=ASK%7B%7D", headers={"Host": "evil.example"}))
        assert rebound.value.code == 403
    with KnowledgeGraph(store, read_only=True) as kg:
        assert len(kg) == 1


def test_a_killed_server_takes_its_oxigraph_with_it_and_loads_wait_for_both(store):
    """SIGKILL gives `sahelkg serve` no chance to stop its Oxigraph server. The child holds the
    writer lock too, so no load can write under it, and it dies with its parent."""
    with serving(store) as (url, process, _):
        # started by a thread of its own (the one that may restart it): the children of every thread
        children = [pid for task in Path(f"/proc/{process.pid}/task").iterdir()
                    for pid in (task / "children").read_text().split()]
        assert len(children) == 1
        oxigraph = int(children[0])
        process.kill()
        process.wait()
        deadline = time.monotonic() + 10
        refused = 0
        while _running(oxigraph):
            assert time.monotonic() < deadline, "the Oxigraph server outlived sahelkg serve"
            try:
                writer_lock(store, "a test load").close()
            except StoreError:
                refused += 1
                continue
            assert not _running(oxigraph), "a writer got the lock while the Oxigraph server still read the store"
        loaded = cli("load", DATA, "--store", store)
        assert loaded.returncode == 0, loaded.stderr.decode()
        print(f"\nthe Oxigraph server stopped after its parent was killed ({refused} lock attempts refused meanwhile)")


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has closed its files, locks included)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --- what a web page elsewhere, a careless client or a runaway query can make the server do ---

RUNAWAY = ('SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . '
           'FILTER(STR(?c) = CONCAT(STR(?i), STR(?f), "never")) }')  # a join that filters out every row


def raw(url: str, request: bytes) -> str:
    """Send bytes as they are (no client library tidies them); the status line of the answer."""
    address = urllib.parse.urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.decode(errors="replace")


def status(request: urllib.request.Request) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_sends_no_request_elsewhere_and_refuses_other_sites(tmp_path):
    """SERVICE and LOAD are refused however they are sent; cross-origin reads too (a page elsewhere
    could otherwise make the server fetch internal addresses), and malformed Host or targets."""
    store = tmp_path / "store"
    with serving(store, "--writable") as (url, _, _), listener() as (elsewhere, got):
        service = f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{elsewhere}> {{ ?s ?p ?o }} }} }}"
        refused_service = ("federated queries (SERVICE), which send requests to other servers, are refused by this "
                           "server (start it with sahelkg serve --allow-service to allow them)")
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for request in (
            urllib.request.Request(url + "query?" + urllib.parse.urlencode({"query": service})),
            urllib.request.Request(url + "sparql?" + urllib.parse.urlencode({"query": service})),
            urllib.request.Request(url + "query", data=urllib.parse.urlencode({"query": service}).encode(), headers=form),
            urllib.request.Request(url + "query", data=service.encode(),
                                   headers={"Content-Type": "Application/SPARQL-Query; charset=utf-8"}),
        ):
            assert status(request) == (403, refused_service)
        load = urllib.request.Request(url + "update", data=f"LOAD <{elsewhere}>".encode(),
                                      headers={"Content-Type": "application/sparql-update"})
        assert status(load) == (403, "LOAD, which fetches a URL, are refused by this server (start it with "
                                     "sahelkg serve --writable --allow-load to allow them)")
        assert got == []

        ask = url + "query?query=ASK%7B%7D"
        cross = "cross-origin requests are refused: use the page this server shows, or a SPARQL client"
        assert status(urllib.request.Request(ask, headers={"Origin": "http://evil.example"})) == (403, cross)
        assert status(urllib.request.Request(ask, headers={"Sec-Fetch-Site": "cross-site"})) == (403, cross)
        assert status(urllib.request.Request(ask, headers={"Origin": url.rstrip("/")}))[0] == 200
        assert status(urllib.request.Request(url, headers={"Sec-Fetch-Site": "cross-site"}))[0] == 200  # a link to the page
        port = urllib.parse.urlsplit(url).port
        assert status(urllib.request.Request(ask, headers={"Host": f"LOCALHOST:{port}"}))[0] == 200

        host = f"Host: 127.0.0.1:{port}\r\n".encode()
        assert raw(url, b"GET /query?query=ASK%7B%7D HTTP/1.1\r\n" + host + b"Host: evil.example\r\n\r\n") \
            .startswith("HTTP/1.0 400 ") and "exactly one Host header" in raw(url, b"GET / HTTP/1.1\r\n" + host * 2 + b"\r\n")
        assert raw(url, f"GET {url}query?query=ASK%7B%7D HTTP/1.1\r\n".encode() + host + b"\r\n").endswith(
            "absolute-form request targets are refused: ask for a path, e.g. /query")
        huge = raw(url, b"POST /store HTTP/1.1\r\n" + host + b"Content-Type: text/turtle\r\nContent-Length: 100000000000\r\n\r\n")
        assert huge.startswith("HTTP/1.0 413 ") and huge.endswith(
            "the request body is 100000000000 bytes; this server takes at most 67108864")
    with KnowledgeGraph(store, read_only=True) as kg:
        assert len(kg) == 0


@contextmanager
def served_here(store: Path, **limits):
    """`serve.start` in this process, with limits the command line does not offer (read time, workers)."""
    served = start_serving(store, "127.0.0.1:0", limits=Limits(**limits))
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.stop()
        thread.join()


def test_idle_half_sent_requests_hold_no_thread_for_ever(store):
    with served_here(store, workers=4, read_seconds=1) as served:
        host = urllib.parse.urlsplit(served.url)
        idle = [socket.create_connection((host.hostname, host.port)) for _ in range(4)]
        for connection in idle:
            connection.sendall(b"GET /query?query=ASK%7B%7D HTTP/1.1\r\n")  # and never the rest
        time.sleep(0.3)
        busy = raw(served.url, b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert busy.startswith("HTTP/1.1 503 ") and busy.endswith("the server is busy: too many requests at once; try again")
        time.sleep(1.2)  # their read time is up: they are closed, their threads free
        assert all(connection.recv(10) == b"" for connection in idle)
        assert status(urllib.request.Request(served.query_url + "?query=ASK%7B%7D"))[0] == 200
        for connection in idle:
            connection.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _idle(pid: int, window: float = 0.5) -> bool:
    before = _cpu_seconds(pid)
    time.sleep(window)
    return _cpu_seconds(pid) - before < window / 5


def _wait_for_restart(served, seconds: float = 5) -> None:
    """Until the server has restarted Oxigraph (the one way to stop it), and the new one is idle."""
    deadline = time.monotonic() + seconds
    while served.child.restarts == 0 or not served.child.ready.is_set():
        assert time.monotonic() < deadline, "the Oxigraph server kept working on a query nobody waits for"
        time.sleep(0.05)
    assert served.child.restarts == 1 and _idle(served.oxigraph.pid)


def test_a_runaway_query_is_stopped_at_the_limit_and_when_its_client_goes(store):
    """Oxigraph's own --timeout-s does not stop a join that filters out every row: the server stops
    it anyway, at the limit (a clear 503) and when its client has gone (nobody waits for it)."""
    with served_here(store, timeout=1) as served:
        started = time.monotonic()
        request = urllib.request.Request(served.query_url, data=urllib.parse.urlencode({"query": RUNAWAY}).encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status(request) == (503, "query stopped after 1 s (the server's time limit)")
        stopped_after = time.monotonic() - started
        _wait_for_restart(served)
        assert status(urllib.request.Request(served.query_url + "?query=ASK%7B%7D")) == (200, '{"head":{},"boolean":true}')

    with served_here(store, timeout=60) as served:
        host = urllib.parse.urlsplit(served.url)
        body = urllib.parse.urlencode({"query": RUNAWAY}).encode()
        with socket.create_connection((host.hostname, host.port)) as client:
            client.sendall(b"POST /query HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded"
                           b"\r\nContent-Length: %d\r\n\r\n%s" % (host.netloc.encode(), len(body), body))
            time.sleep(0.5)
        gone = time.monotonic()
        _wait_for_restart(served)
        print(f"\nrunaway query: 503 after {stopped_after:.1f} s at a 1 s limit; "
              f"stopped {time.monotonic() - gone:.1f} s after its client went")
