"""Every file in tests/bad_inputs/ is refused with exactly its expected message, and changes nothing."""

from __future__ import annotations

import resource
import shutil
from pathlib import Path

import pytest
from bigdata import dump
from typer.testing import CliRunner

from loader.cli import app

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix not in (".expect", ".md"))
SUMMARY = "{n} problem(s); nothing was written."
runner = CliRunner()


@pytest.fixture(scope="module")
def seed_dump(seed_store_path) -> list[str]:
    scratch = seed_store_path.parent / "corpus-reference"
    shutil.copytree(seed_store_path, scratch)
    return dump(scratch)


@pytest.fixture
def store(seed_store_path, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(seed_store_path, copy)
    return copy


def test_the_corpus_covers_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert all(Path(f"{case}.expect").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_bad_input_is_refused_with_its_message_and_the_store_is_unchanged(case, store, seed_dump, monkeypatch):
    monkeypatch.chdir(CORPUS)
    expected = Path(f"{case}.expect").read_text(encoding="utf-8").splitlines()
    expected = [line.format(file=case.name, dir=CORPUS) for line in expected]
    result = runner.invoke(app, ["load", case.name, "--store", str(store)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [*expected, SUMMARY.format(n=len(expected))]
    assert dump(store) == seed_dump


def test_a_100_mb_fact_file_is_refused_unread(store, seed_dump, tmp_path):
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as out:
        out.write(b"article: articles/bad-inputs-article.md\nfacts:\n")
        out.truncate(100 * 1000 * 1000)  # a sparse 100 MB file: nothing is read to make it
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = runner.invoke(app, ["load", str(huge), "--store", str(store)])
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{huge}: the file is 100.0 MB; a fact file holds one article's facts and may be at most 16 MiB [file-size]",
        SUMMARY.format(n=1),
    ]
    assert grown_kib < 50 * 1024  # far less than the file: it was never read into memory
    assert dump(store) == seed_dump
