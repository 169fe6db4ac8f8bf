"""The Python API's examples run as tests (as oxigraph's python/tests/test_doc.py does): the README's
Python session, in a fresh directory holding a copy of data/, and every docstring example of the
loader package, on a copy of the seed store."""

from __future__ import annotations

import doctest
import importlib
import re
import shutil

import pytest

from loader.namespaces import DATA_DIR, PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
WITH_EXAMPLES = sorted(p.stem for p in (PROJECT_ROOT / "loader").glob("*.py") if ">>> " in p.read_text(encoding="utf-8"))


def readme_session() -> str:
    """The python block of the README's "Python" section."""
    section = README.read_text(encoding="utf-8").split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1, "the Python section must hold one python session"
    return blocks[0]


def _run(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0, f"{test.name} has no example: the test would prove nothing"
    assert result.failed == 0, f"{result.failed} example(s) of {test.name} failed (see the output above)"


def test_the_readme_python_session_runs(tmp_path, monkeypatch):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAHELKG_STORE", raising=False)
    _run(doctest.DocTestParser().get_doctest(readme_session(), {}, "README.md (Python)", str(README), 0))


@pytest.mark.parametrize("module", WITH_EXAMPLES)
def test_docstring_examples_run(module, seed_store_path, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(seed_store_path, store)
    tests = doctest.DocTestFinder().find(importlib.import_module(f"loader.{module}"), extraglobs={"store": store})
    tests = [test for test in tests if test.examples]
    assert tests
    for test in tests:
        _run(test)
