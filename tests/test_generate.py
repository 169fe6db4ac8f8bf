"""The benchmark's corpus generator (bench/generate.py): a small corpus loads with no problem, holds every kind of
fact, its re-reports merge into the fact they re-report, its planted disagreements are listed as conflicts, and the
same seed gives the same bytes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import loader
from loader.namespaces import SKG, SKR
from loader.schema import FACT_TYPES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

ARTICLES = 8  # every article has one fact of each kind it can: a few articles hold them all
NOTE = re.compile(r"^  # re-report of ([^#\s]+)#([a-z0-9-]+)(.*)$")


def _files(corpus: Path) -> dict[str, bytes]:
    return {str(p.relative_to(corpus)): p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file()}


def _notes(corpus: Path) -> list[tuple[str, str, str]]:
    """(re-report IRI, IRI of the report it re-reports, the rest of the note) from the fact files' comments."""
    found = []
    for path in sorted((corpus / "facts").glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            match = NOTE.match(line)
            if match:
                ident = lines[i + 1].removeprefix("  - id: ")
                found.append((f"{SKR}{path.stem}.{ident}", f"{SKR}{match[1]}.{match[2]}", match[3]))
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated") / "corpus"
    summary = generate(ARTICLES, out, seed=7)
    store = out.parent / "store"
    with loader.open(store) as graph:
        graph.load([ROOT / "data" / "reference.yaml", out])  # raises InvalidInput on any problem
    graph = loader.open(store, read_only=True)
    yield out, summary, graph
    graph.close()


def _select(graph, query: str) -> list[dict[str, str]]:
    return graph.query(f"PREFIX skg: <{SKG}>\n{query}")


def test_every_kind_of_fact_is_written_and_loaded(corpus):
    out, summary, graph = corpus
    assert set(summary.kinds) == set(FACT_TYPES)
    rows = _select(graph, "SELECT ?kind (COUNT(?r) AS ?n) WHERE { GRAPH ?g { ?r skg:reportedType ?kind } } "
                          "GROUP BY ?kind")
    loaded = {row["kind"].removeprefix(SKG): int(row["n"]) for row in rows}
    assert loaded == summary.kinds  # every report of every kind, as the generator counted them
    assert sum(loaded.values()) == summary.facts
    assert len(list((out / "facts").glob("*.yaml"))) == len(list((out / "articles").glob("*.md"))) == ARTICLES


def test_re_reports_merge_and_planted_disagreements_are_conflicts(corpus):
    out, summary, graph = corpus
    notes = _notes(out)
    assert len(notes) == summary.re_reports
    fact_of = {row["r"]: row["f"] for row in _select(graph, "SELECT ?r ?f WHERE { GRAPH ?g { ?f skg:report ?r } }")}
    for re_report, first, _ in notes:
        assert fact_of[re_report] == fact_of[first], (re_report, first)  # one fact, whatever the article
    conflicts = {(row["aspect"], row["a"]) for row in _select(
        graph, "SELECT ?aspect ?a WHERE { GRAPH ?g { ?c skg:conflictOf ?f ; skg:aspect ?aspect ; skg:reportA|skg:reportB ?a } }")}
    planted = [(note.split("planted disagreement: ")[1].split(" ")[0], re_report)
               for re_report, _, note in notes if "planted disagreement" in note]
    assert len(planted) == summary.disagreements >= 1
    for aspect, report in planted:
        assert (aspect, report) in conflicts
    listed = graph.conflicts()
    assert len(listed) == len({(row["aspect"], row["a"]) for row in _select(
        graph, "SELECT ?aspect ?a WHERE { GRAPH ?g { ?c skg:conflictOf ?f ; skg:aspect ?aspect ; skg:reportA ?a } }")})
    assert {row["aspect"] for row in listed} >= {aspect for aspect, _ in planted}


def test_newer_forms_are_written(corpus):
    out, summary, _ = corpus
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((out / "facts").glob("*.yaml")))
    assert "armed_forces_of: " in text and "regime_of: " in text
    assert summary.forms["armed_forces_of"] == text.count("armed_forces_of: ")
    assert summary.forms["regime_of"] == text.count("regime_of: ")
    assert summary.forms["quote attributed"] == text.count("- text: ")
    for form in ("time by", "time between", "time relative", "time ago"):
        assert summary.forms.get(form, 0) >= 1, form


def test_same_seed_same_bytes(tmp_path, corpus):
    out, _, _ = corpus
    generate(ARTICLES, tmp_path / "again", seed=7)
    assert _files(tmp_path / "again") == _files(out)
    generate(ARTICLES, tmp_path / "other", seed=8)
    assert _files(tmp_path / "other") != _files(out)
