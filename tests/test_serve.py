"""`sahelkg serve`: the real Oxigraph server on a copy of the seed store, reached through the real CLI.

Each test starts `python -m loader serve --bind 127.0.0.1:0` in a subprocess, reads the address it
prints, talks to it over HTTP (SPARQLWrapper, urllib), and stops it with SIGTERM as a user's Ctrl-C
or service manager would.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from bigdata import DATA, cli, start
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from loader.queries import named_queries
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
        assert loaded.stdout.decode().splitlines()[-1] == f"endpoint {url}query: 0 -> {len(seed)} quads"
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
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
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
