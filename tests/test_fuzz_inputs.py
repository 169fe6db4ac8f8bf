"""Mutated fact and RDF files either load, or are refused with Problems (InvalidInput) and leave the
store unchanged: no other exception, whatever the mutation.

The files mutated here are test texts, citing the bad-input corpus's copy of the seed article. The
examples are derandomized, so a run is repeatable and CI sees the same inputs each time.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from loader.loading import load
from loader.problems import InvalidInput
from loader.store import KnowledgeGraph

ARTICLE = Path(__file__).parent / "bad_inputs" / "articles" / "bad-inputs-article.md"

FACT_FILE = """\
# Test text: a fact file the fuzz test mutates.
article: articles/bad-inputs-article.md
entities:
  - id: test-base
    type: City
    label: Test Base
    aliases: [Base of Tests]
facts:
  - id: us-troops
    type: MilitaryPresence
    deploying_state: United States
    host_state: Niger
    place: test-base
    troops:
      about: 1000
    start: before 2024-03-26
    end: ongoing
    quote: "The United States still stations some 1,000 troops in Niger although movements have been limited since the coup"
  - id: russian-visit
    type: DiplomaticContact
    kind: Visit
    actor: Russia
    counterpart: Niger
    date: 2023-12
    quote: "A Russian delegation also visited Niger last December."
"""

RDF_FILE = """\
# Test text: an RDF file the fuzz test mutates.
@prefix sk: <https://w3id.org/sahel-kg/entity/> .
@prefix skg: <https://w3id.org/sahel-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
sk:test-town a skg:City ;
    rdfs:label "Test Town"@en ;
    skos:altLabel "Town of Tests"@en ;
    rdfs:comment "A town of the fuzz test; founded in 1990."@en ;
    schema:sameAs <http://www.wikidata.org/entity/Q4115189> .
"""

# characters that mean something to YAML or Turtle, and a few that mean something to IRIs and dates
SYMBOLS = list(":-&*!|>'\"#%@{}[],.\t\n \\<^_0123456789eE") + ["0x", "0o", "16:40", "yes", "~", "null", "<<", "---"]


@st.composite
def mutated(draw, text: str) -> str:
    """The text after one to three edits: a character or a symbol put in, a span cut out, a line
    repeated or moved, a value replaced."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        # mostly values: a file whose every mutation is a syntax error would test the parser only
        edit = draw(st.sampled_from(["insert", "replace", "cut", "repeat", "move", "value", "value", "value", "value"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if edit == "insert":
            text = text[:at] + draw(st.sampled_from(SYMBOLS) | st.text(max_size=4)) + text[at:]
        elif edit == "replace":
            text = text[:at] + draw(st.sampled_from(SYMBOLS)) + text[at + 1:]
        elif edit == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        elif edit in ("repeat", "move"):
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            line = lines[i] if edit == "repeat" else lines.pop(i)
            lines.insert(min(j, len(lines)), line)
            text = "\n".join(lines)
        else:  # a YAML value or a Turtle object, replaced by something of another kind
            i = draw(st.integers(0, len(lines) - 1))
            head, sep, _ = lines[i].partition(": " if ": " in lines[i] else " ")
            value = draw(st.sampled_from(["", "0100", "1e400", "-1", "[]", "{}", "[a, [b]]", "2024-02-30",
                                          "9" * 40, '"x"^^xsd:integer', "sk:niger", "<http://w3id.org/sahel-kg/x>",
                                          "Mali", "Q1032", ".nan", "true", "Niger", "United States", "2024-03",
                                          "planned 2090", "after 2023-07", "Visit", "ongoing", "1000",
                                          '"Test"@en', "skg:State", "sk:mali"]) | st.text(max_size=8))
            lines[i] = head + (sep or " ") + value
            text = "\n".join(lines)
    return text


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("fuzz")
    (directory / "articles").mkdir()
    shutil.copyfile(ARTICLE, directory / "articles" / ARTICLE.name)
    return directory


def content(kg: KnowledgeGraph) -> bytes:
    """The store's every quad, sorted: equal contents, an unchanged store."""
    return b"\n".join(sorted(ox.serialize(kg.quads(), format=ox.RdfFormat.N_QUADS).split(b"\n")))


@pytest.fixture(scope="module")
def fuzz_store(seed_store_path, fuzz_dir):
    """One copy of the seed store for every example: a mutation that loads replaces its own graph
    only, so the next one is checked against the store as it then is."""
    shutil.copytree(seed_store_path, fuzz_dir / "store")
    with KnowledgeGraph(fuzz_dir / "store") as kg:
        yield kg


def load_or_refuse(text: str, name: str, fuzz_dir: Path, kg: KnowledgeGraph) -> None:
    source = fuzz_dir / name
    source.write_text(text, encoding="utf-8")
    before = content(kg)
    try:
        load([source], kg)
        event("loaded")
    except InvalidInput as refusal:
        event("refused: " + refusal.problems[0].rule)
        assert refusal.problems and all(str(p).strip() and "\n" not in str(p) for p in refusal.problems)
        assert content(kg) == before, "a refused file changed the store"


FUZZ = settings(max_examples=40, deadline=timedelta(seconds=10), derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_the_unmutated_files_load(fuzz_dir, fuzz_store):
    for text, name in ((FACT_FILE, "fuzz-facts.yaml"), (RDF_FILE, "fuzz-entities.ttl")):
        (fuzz_dir / name).write_text(text, encoding="utf-8")
        report = load([fuzz_dir / name], fuzz_store)
        assert [item.path.name for item in report.files] == [name]
        assert report.quads_added > 0


@FUZZ
@given(text=mutated(FACT_FILE))
def test_a_mutated_fact_file_loads_or_is_refused_cleanly(text, fuzz_dir, fuzz_store):
    load_or_refuse(text, "fuzz-facts.yaml", fuzz_dir, fuzz_store)


@FUZZ
@given(text=mutated(RDF_FILE))
def test_a_mutated_rdf_file_loads_or_is_refused_cleanly(text, fuzz_dir, fuzz_store):
    load_or_refuse(text, "fuzz-entities.ttl", fuzz_dir, fuzz_store)
