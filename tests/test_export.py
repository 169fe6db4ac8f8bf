"""Exports are deterministic, standard and lossless."""

from __future__ import annotations

import os
import pty
import random
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from loader import export as exporting
from loader.export import FORMATS, canonical, export
from loader.inference import is_inferred
from loader.namespaces import SOURCES_GRAPH
from loader.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
PARSE_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def shared(kg) -> list[ox.Quad]:
    """What an export holds: every graph but the store's record of where its graphs came from."""
    return [q for q in kg.quads() if q.graph_name.value != SOURCES_GRAPH]


@pytest.fixture(scope="module")
def shuffled_store(seed, tmp_path_factory):
    """The same quads as the seed store, inserted one by one in another order."""
    quads = list(seed.quads())
    random.Random(7).shuffle(quads)
    kg = KnowledgeGraph(tmp_path_factory.mktemp("shuffled") / "store")
    for quad in quads:
        kg.store.add(quad)
    yield kg
    kg.close()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_same_graph_loaded_in_another_order_exports_the_same_bytes(seed, shuffled_store, fmt):
    expected = export(seed.quads(), fmt)
    assert export(shuffled_store.quads(), fmt) == expected
    # and whatever order the quads reach the exporter in
    quads = list(seed.quads())
    for seed_value in (1, 2):
        random.Random(seed_value).shuffle(quads)
        assert export(quads, fmt) == expected


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_an_export_sorted_in_runs_on_disk_is_the_one_sorted_in_memory(seed, fmt, monkeypatch):
    expected = export(seed.quads(), fmt)
    runs = []
    spill = exporting._SortedLines._spill
    monkeypatch.setattr(exporting._SortedLines, "_spill", lambda lines: (runs.append(1), spill(lines)))
    monkeypatch.setattr(exporting, "SORT_BUDGET", 10_000)  # bytes: the seed graph is 20 to 60 such runs
    assert export(seed.quads(), fmt) == expected
    assert len(runs) >= 10


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_parses_back_to_the_same_graph(seed, fmt):
    data = export(seed.quads(), fmt)
    parsed = list(ox.parse(data, format=PARSE_FORMAT[fmt]))
    original = shared(seed)
    if fmt in ("turtle", "ntriples"):  # triple formats merge the graphs
        original = {ox.Quad(q.subject, q.predicate, q.object) for q in original}
    assert canonical(parsed) == canonical(original)


def test_turtle_is_isomorphic_by_rdflib_and_uses_project_prefixes(seed):
    asserted = [q for q in shared(seed) if not is_inferred(q.graph_name.value)]
    data = export(asserted, "turtle").decode()
    union = rdflib.Graph()
    union.parse(data=ox.serialize({q.triple for q in asserted}, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    assert isomorphic(rdflib.Graph().parse(data=data, format="turtle"), union)
    assert "@prefix skg: <https://w3id.org/sahel-kg/ontology#> ." in data
    assert "sk:niger a skg:State ;" in data  # statements grouped by subject, with prefixed names


def test_trig_keeps_one_graph_per_article(seed):
    data = export(seed.quads(), "trig").decode()
    assert "\nska:2024-03-26-channelstv-niger-putin-security-cooperation {\n" in data
    assert "<https://w3id.org/sahel-kg/graph/reference> {" in data


def test_turtle_parses_with_an_independent_parser(seed, tmp_path):
    rapper = shutil.which("rapper")
    if rapper is None:
        if os.environ.get("CI"):
            pytest.fail("rapper (Debian raptor2-utils) is missing: .ci/run installs it")
        pytest.skip("rapper (Debian raptor2-utils) is not installed")
    path = tmp_path / "graph.ttl"
    path.write_bytes(export(seed.quads(), "turtle"))
    done = subprocess.run([rapper, "-i", "turtle", "-o", "ntriples", "-c", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    triples = len({q.triple for q in shared(seed)})
    assert f"returned {triples} triples" in done.stderr


# --- literal text cannot change the export ------------------------------------------------------

SK = "https://w3id.org/sahel-kg/entity/"
EVIL = "@prefix sk: <http://evil.example/> ."


def test_an_article_line_that_looks_like_a_prefix_stays_text(seed):
    """Test text, not an article: a body with a line that declares a prefix in Turtle."""
    article = next(q for q in seed.quads() if q.predicate.value == "https://schema.org/articleBody")
    body = f"First paragraph.\n{EVIL}\nPREFIX sk: <http://evil.example/>\nLast paragraph."
    quads = [q for q in seed.quads(article.graph_name.value) if q != article]
    quads.append(ox.Quad(article.subject, article.predicate, ox.Literal(body), article.graph_name))
    for fmt in ("turtle", "trig"):
        data = export(quads, fmt)
        assert b"http://evil.example/" in data  # the text is there, as text
        parsed = list(ox.parse(data, format=PARSE_FORMAT[fmt]))
        expected = quads if fmt == "trig" else {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
        assert canonical(parsed) == canonical(expected)
        assert not [q for q in parsed if q.subject.value.startswith("http://evil.example/")]


# pieces that have broken line-based or quote-based writers: prefix lines, quotes of every kind,
# backslashes, line ends, braces that close a TriG graph
PIECES = ["\n", "\r", "\r\n", '"', '"""', "'", "'''", "\\", '\\"', "\\n", "\\u0041", EVIL, "PREFIX sk: <http://evil.example/>",
          "@base <http://evil.example/> .", "}", "{", "<", ">", "#", "\t", "\u2028", "ü", "—", "“quoted”", "😀", "\x00", "\x7f"]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=("Cs",)), max_size=20)),
                max_size=12).map("".join)
LONG = st.builds(lambda piece, n: piece * n, st.sampled_from(PIECES + ["x"]), st.integers(5_000, 30_000))
LITERAL = st.one_of(
    st.builds(ox.Literal, st.one_of(TEXT, LONG)),
    st.builds(lambda text, lang: ox.Literal(text, language=lang), TEXT, st.sampled_from(["en", "fr", "ha"])),
    st.builds(lambda text: ox.Literal(text, datatype=ox.NamedNode("https://w3id.org/sahel-kg/ontology#text")), TEXT),
)
GRAPHS = ["https://w3id.org/sahel-kg/article/test", "https://w3id.org/sahel-kg/graph/reference"]


@st.composite
def datasets(draw) -> list[ox.Quad]:
    """A few quads whose literals hold random text (test data, not the project's)."""
    literals = draw(st.lists(LITERAL, min_size=1, max_size=5))
    # a blank node too: its label is the exporter's (canonical), so the datasets compare up to isomorphism
    subjects = [ox.NamedNode(f"{SK}e0"), ox.NamedNode(f"{SK}e1"), ox.BlankNode()]
    return [ox.Quad(subjects[i % 3], ox.NamedNode("https://schema.org/articleBody"), literal,
                    ox.NamedNode(GRAPHS[i % 2])) for i, literal in enumerate(literals)]


@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(max_examples=40, deadline=None)
@given(quads=datasets())
def test_any_literal_text_exports_and_parses_back_to_the_same_dataset(fmt, quads):
    data = export(quads, fmt)
    assert export(list(reversed(quads)), fmt) == data
    parsed = list(ox.parse(data, format=PARSE_FORMAT[fmt]))
    if fmt in ("turtle", "ntriples"):
        quads = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
    assert canonical(parsed) == canonical(quads)


# --- progress: a bar on a terminal, nothing otherwise --------------------------------------------

def test_a_long_export_shows_progress_on_a_terminal_and_nothing_elsewhere(seed_store_path, tmp_path):
    out = tmp_path / "graph.nq"
    command = [sys.executable, "-m", "loader", "export", "--format", "nquads", "-o", str(out),
               "--store", str(seed_store_path)]
    terminal, child_side = pty.openpty()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=child_side, check=False)
    os.close(child_side)
    shown = b""
    while select.select([terminal], [], [], 0.5)[0]:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the child's end is closed: all it wrote has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert done.returncode == 0
    assert b"reading graphs" in shown and b"writing nquads" in shown
    piped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert piped.stderr == f"wrote {out} ({out.stat().st_size} bytes)\n"
