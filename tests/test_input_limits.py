"""Inputs that cannot be stored as a case file in tests/bad_inputs/ (a pipe, a huge file, a full disk, a
damaged store), and the entity rules' other side: what a file may still say about entities.

Every refusal is one line naming the file and what to do, with no traceback, and the store unchanged.
The fact files written here are test texts; they cite the bad-input corpus's copy of the seed article.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from bigdata import dump
from typer.testing import CliRunner

from loader.cli import app
from loader.namespaces import DATA_DIR, PROJECT_ROOT

runner = CliRunner()
SUMMARY = "{n} problem(s); nothing was written."
CORPUS_ARTICLE = Path(__file__).parent / "bad_inputs" / "articles" / "bad-inputs-article.md"
QUOTE = ("The United States still stations some 1,000 troops in Niger although movements have been limited since "
         "the coup and Washington has curbed assistance to the government.")


def fact_file(directory: Path, article: str, entities: str = "", name: str = "facts.yaml") -> Path:
    path = directory / name
    path.write_text(f"# Test text.\narticle: {article}\n{entities}facts:\n  - id: us-troops\n"
                    "    type: MilitaryPresence\n    deploying_state: United States\n    host_state: Niger\n"
                    f"    quote: \"{QUOTE}\"\n", encoding="utf-8")
    return path


@pytest.fixture
def store(seed_store_path, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(seed_store_path, copy)
    return copy


@pytest.fixture(scope="module")
def seed_dump(seed_store_path, tmp_path_factory) -> list[str]:
    scratch = tmp_path_factory.mktemp("limits") / "reference-store"
    shutil.copytree(seed_store_path, scratch)
    return dump(scratch)


def refused(args: list[str], lines: list[str], code: int = 1):
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == lines
    assert result.exit_code == code
    return result


def test_an_article_that_is_a_pipe_is_refused_unread(store, seed_dump, tmp_path):
    pipe = tmp_path / "pipe-article.md"
    os.mkfifo(pipe)  # reading it would wait for ever for a writer
    facts = fact_file(tmp_path, str(pipe))
    refused(["load", str(facts), "--store", str(store)], [
        f"{facts}:2: field 'article': article file {pipe} is not a regular file; 'article' names one article "
        "file (.md) [missing-article]", SUMMARY.format(n=1)])
    assert dump(store) == seed_dump


def test_an_article_over_the_size_limit_is_refused_unread(store, seed_dump, tmp_path):
    huge = tmp_path / "huge-article.md"
    with huge.open("wb") as out:
        out.write(b"---\n")
        out.truncate(50 * 1000 * 1000)  # sparse: nothing is written to make it
    facts = fact_file(tmp_path, str(huge))
    refused(["load", str(facts), "--store", str(store)], [
        f"{facts}:2: field 'article': article file {huge} is 50.0 MB; an article may be at most 4 MiB "
        "[missing-article]", SUMMARY.format(n=1)])
    assert dump(store) == seed_dump


def test_export_to_a_missing_folder_or_a_full_disk_is_one_line(store):
    refused(["export", "-o", "/nonexistent/x.ttl", "--store", str(store)], [
        "error: cannot write the export to /nonexistent/x.ttl: no such file or folder; check the path "
        "(a folder to write in must exist)"])
    refused(["export", "-o", "/dev/full", "--store", str(store)], [
        "error: cannot write the export to /dev/full: the disk is full; free some space, then try again"])


def test_an_update_whose_load_fails_is_one_line_and_changes_nothing(store, seed_dump, tmp_path):
    not_rdf = tmp_path / "notes.ttl"
    not_rdf.write_text("this is not Turtle\n", encoding="utf-8")
    refused(["query", f"LOAD <file://{not_rdf}>", "--allow-update", "--allow-load", "--store", str(store)], [
        "error: cannot run the update: invalid format"], code=2)
    assert dump(store) == seed_dump


def test_a_failed_service_call_is_one_line(store):
    # allowed on purpose: refused by default (tests/test_serve.py and test_cli.py test that)
    # port 9 (discard) is refused by Oxigraph's HTTP client itself: no request leaves the machine
    refused(["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "--allow-service",
             "--store", str(store)], [
        "error: cannot run the query: The port 9 is not allowed for HTTP(S) because it is dedicated to an other use"],
        code=2)


def test_a_damaged_store_is_named_for_reading_and_for_writing(store):
    (store / "CURRENT").write_text("not a manifest\n", encoding="utf-8")
    refused(["stats", "--store", str(store)], [
        f"error: the store at {store} cannot be read: another process (a load) is rewriting it, or it is damaged; "
        "try again when the load has finished, and if this persists, load the data into a new store"])
    refused(["load", str(DATA_DIR / "reference.yaml"), "--store", str(store)], [
        f"error: the store at {store} is damaged (Corruption: CURRENT file corrupted); load the data into a new store"])


def test_a_store_on_a_read_only_file_system_is_one_line(tmp_path):
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    if os.geteuid() == 0:  # root writes through file modes: mount a read-only file system instead
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(read_only)], capture_output=True).returncode:
            pytest.skip("cannot mount a read-only file system here")
        reason = "the file system is read-only; use a store or a file on a writable disk"
    else:
        read_only.chmod(0o555)
        reason = "permission denied; use a store or a file you may write"
    try:
        refused(["load", str(DATA_DIR), "--store", str(read_only / "store")], [
            f"error: {read_only / 'store.lock'}: {reason}"])
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(read_only)], check=True)
        else:
            read_only.chmod(0o755)


def test_a_full_disk_is_one_line(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(small)],
                                           capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    try:
        refused(["load", str(DATA_DIR), "--store", str(small / "store")], [
            "error: the disk is full; free some space, then try again"])
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_check_names_an_ill_typed_literal_without_a_traceback(tmp_path):
    store = tmp_path / "store"
    update = ('INSERT DATA { GRAPH <https://w3id.org/sahel-kg/graph/x> { <https://w3id.org/sahel-kg/entity/niger> '
              '<https://w3id.org/sahel-kg/ontology#population> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> } }')
    assert runner.invoke(app, ["query", update, "--allow-update", "--store", str(store)]).exit_code == 0
    refused(["check", "--store", str(store)], [
        "inconsistent:", '- ill-typed literal: sk:niger skg:population "abc"^^xsd:integer is not a valid xsd:integer'])


# What a file may still say about entities.

def test_a_fact_file_may_repeat_a_reference_entity_as_declared(store, tmp_path):
    entities = "entities:\n  - id: niger\n    type: State\n    label: Niger\n    aliases: [Republic of Niger]\n"
    facts = fact_file(tmp_path, str(CORPUS_ARTICLE), entities)
    result = runner.invoke(app, ["load", str(facts), "--store", str(store)])
    assert result.exit_code == 0, result.stderr


def test_the_reference_file_may_change_its_entities(store, tmp_path):
    # a copy elsewhere replaces the reference graph only on purpose (--replace)
    reference = tmp_path / "reference.yaml"
    reference.write_text((DATA_DIR / "reference.yaml").read_text(encoding="utf-8").replace(
        "aliases: [Republic of Niger]", "aliases: [Republic of Niger, Niger Republic]"), encoding="utf-8")
    result = runner.invoke(app, ["load", str(reference), "--replace", "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    answer = runner.invoke(app, ["query", "SELECT ?e WHERE { ?e skos:altLabel 'Niger Republic'@en }", "--format", "csv",
                                 "--store", str(store)])
    assert answer.stdout.splitlines() == ["e", "https://w3id.org/sahel-kg/entity/niger"]


def test_a_fact_file_may_rename_the_entities_it_introduced(store, tmp_path):
    def declared(label: str) -> str:
        return f"entities:\n  - id: test-base\n    type: City\n    label: {label}\n"

    assert runner.invoke(app, ["load", str(fact_file(tmp_path, str(CORPUS_ARTICLE), declared("Test Base"))),
                               "--store", str(store)]).exit_code == 0
    result = runner.invoke(app, ["load", str(fact_file(tmp_path, str(CORPUS_ARTICLE), declared("Test Base Two"))),
                                 "--store", str(store)])
    assert result.exit_code == 0, result.stderr


def test_two_entities_of_one_file_may_not_share_a_wikidata_item(store, seed_dump, tmp_path):
    entities = ("entities:\n  - id: test-one\n    type: City\n    label: Test One\n    wikidata: Q42\n"
                "  - id: test-two\n    type: City\n    label: Test Two\n    wikidata: Q42\n")
    facts = fact_file(tmp_path, str(CORPUS_ARTICLE), entities)
    refused(["load", str(facts), "--store", str(store)], [
        f"{facts}:7: entity 'test-one', field 'wikidata': Q42 is already the Wikidata item of test-two; one item is one "
        "entity [wikidata-id]",
        f"{facts}:11: entity 'test-two', field 'wikidata': Q42 is already the Wikidata item of test-one; one item is one "
        "entity [wikidata-id]", SUMMARY.format(n=2)])
    assert dump(store) == seed_dump


def test_every_package_folder_is_declared_so_an_install_does_not_warn():
    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {".".join(p.relative_to(PROJECT_ROOT).parts) for p in (PROJECT_ROOT / "loader").rglob("*")
               if p.is_dir() and p.name != "__pycache__"} | {"loader"}
    assert folders == set(declared["packages"])
