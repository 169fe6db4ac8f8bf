"""A graph is named by what it holds, and replaced only by the file it was loaded from (or on purpose).

The refusals themselves (a file that only shares a project file's name) are cases of tests/bad_inputs/;
here: what the store records, --replace, and the project's exports loading back to the same graphs.
"""

from __future__ import annotations

import shutil

import pytest

from loader.export import export
from loader.inference import is_inferred
from loader.loading import load, remove, stored_sources
from loader.namespaces import DATA_DIR, GRAPH, SKA, SOURCES_GRAPH
from loader.problems import InvalidInput
from loader.store import KnowledgeGraph

ARTICLE = "2024-03-26-channelstv-niger-putin-security-cooperation"
ARTICLE_GRAPH = SKA + ARTICLE
REFERENCE_GRAPH = GRAPH + "reference"
SUFFIX = {"trig": "trig", "nquads": "nq", "jsonld": "jsonld"}


@pytest.fixture
def kg(seed_store_path, tmp_path):
    """A private copy of the seed store."""
    shutil.copytree(seed_store_path, tmp_path / "store")
    with KnowledgeGraph(tmp_path / "store") as graph:
        yield graph


def asserted(kg) -> list:
    return [q for q in kg.quads() if not is_inferred(q.graph_name.value)]


def test_the_store_records_each_file_by_its_path_in_the_project(seed):
    assert stored_sources(seed) == {
        ARTICLE_GRAPH: f"data/facts/{ARTICLE}.yaml",
        REFERENCE_GRAPH: "data/reference.yaml",
    }
    # the record is the store's, not data: exports leave it out (and so stay the same on every machine)
    assert f" <{SOURCES_GRAPH}> .\n".encode() not in export(seed.quads(), "nquads")
    assert f" <{SOURCES_GRAPH}> .\n".encode() in b"".join(str(q).encode() + b" .\n" for q in seed.quads())


def test_the_reference_graph_is_replaced_only_on_purpose(kg, tmp_path):
    """Test text: a one-entity reference file in another folder."""
    other = tmp_path / "elsewhere" / "reference.yaml"
    other.parent.mkdir()
    other.write_text("entities:\n  - id: testland\n    type: State\n    label: Testland\n", encoding="utf-8")
    before = export(kg.quads(), "nquads")
    with pytest.raises(InvalidInput) as refused:
        load([other], kg)
    assert [str(p) for p in refused.value.problems] == [
        f"{other}: graph <{REFERENCE_GRAPH}> was loaded from 'data/reference.yaml'; loading '{other}' would replace "
        "it. Rename the file (its graph is named after it), or replace the graph on purpose. "
        "[one-file-per-graph]"]
    assert export(kg.quads(), "nquads") == before
    load([other], kg, replace=True)
    labels = {q.object.value for q in kg.quads(REFERENCE_GRAPH) if q.predicate.value.endswith("#label")}
    assert labels == {"Testland", "armed forces of Testland"}
    assert stored_sources(kg)[REFERENCE_GRAPH] == str(other)
    # and now the project's own file is the other one
    with pytest.raises(InvalidInput, match=f"was loaded from '{other}'; loading 'data/reference.yaml' would replace"):
        load([DATA_DIR / "reference.yaml"], kg)


def test_a_removed_article_forgets_its_file(kg):
    remove([ARTICLE], kg)
    assert stored_sources(kg) == {REFERENCE_GRAPH: "data/reference.yaml"}


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_the_projects_export_loads_back_to_the_same_graphs(seed, fmt, tmp_path):
    first = export(asserted(seed), fmt)
    path = tmp_path / f"sahel-kg.{SUFFIX[fmt]}"
    path.write_bytes(first)
    with KnowledgeGraph(tmp_path / "fresh") as fresh:
        load([path], fresh)
        assert export(asserted(fresh), fmt) == first
        assert fresh.named_graphs() == seed.named_graphs()
        assert stored_sources(fresh) == {ARTICLE_GRAPH: str(path), REFERENCE_GRAPH: str(path)}


def test_an_export_does_not_replace_the_graphs_it_was_taken_from_unless_on_purpose(kg, tmp_path):
    path = tmp_path / "sahel-kg.trig"
    path.write_bytes(export(asserted(kg), "trig"))
    before = export(kg.quads(), "nquads")
    with pytest.raises(InvalidInput) as refused:
        load([path], kg)
    assert [p.rule for p in refused.value.problems] == ["one-file-per-article", "one-file-per-graph"]
    assert export(kg.quads(), "nquads") == before
    load([path], kg, replace=True)  # the same graphs: only the record of their file changes
    assert export(kg.quads(), "nquads") == before
    assert set(stored_sources(kg).values()) == {str(path)}


def test_a_graph_written_otherwise_is_replaced_only_on_purpose(seed, tmp_path):
    """A store bulk-loaded from an export holds the graphs, but no record of their files."""
    with KnowledgeGraph(tmp_path / "bulk") as bulk:
        for quad in asserted(seed):
            if quad.graph_name.value != SOURCES_GRAPH:
                bulk.store.add(quad)
        before = export(bulk.quads(), "nquads")
        with pytest.raises(InvalidInput) as refused:
            load([DATA_DIR / "reference.yaml"], bulk)
        assert [str(p) for p in refused.value.problems] == [
            f"{DATA_DIR / 'reference.yaml'}: graph <{REFERENCE_GRAPH}> is in the store, but no file is recorded as its "
            "source (it was written otherwise: a bulk load, a SPARQL update, an older sahelkg); loading "
            "'data/reference.yaml' would replace it. Replace it only on purpose. [unrecorded-graph]"]
        assert export(bulk.quads(), "nquads") == before
        load([DATA_DIR / "reference.yaml"], bulk, replace=True)
        assert stored_sources(bulk) == {REFERENCE_GRAPH: "data/reference.yaml"}


def test_blank_nodes_of_two_rdf_files_stay_two_nodes(tmp_path):
    """The parser keeps blank node labels as written: _:b0 of one file is not _:b0 of another."""
    kg = KnowledgeGraph(tmp_path / "store")
    for name in ("alpha", "beta", "gamma"):
        (tmp_path / f"{name}.ttl").write_text(f'_:b0 a <urn:ex:Thing> ; <urn:ex:name> "{name}" .\n', encoding="utf-8")
    load([tmp_path / "alpha.ttl"], kg)
    load([tmp_path / "beta.ttl"], kg)
    (tmp_path / "alpha.ttl").write_text('_:b0 a <urn:ex:Thing> ; <urn:ex:name> "alpha, again" .\n', encoding="utf-8")
    load([tmp_path / "alpha.ttl", tmp_path / "gamma.ttl"], kg)  # a rewrite and an addition in one update
    rows = kg.query("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x <urn:ex:name> ?name }")
    assert next(iter(rows))["n"].value == "3"
    kg.close()
