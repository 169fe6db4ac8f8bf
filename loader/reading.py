"""Reading one fact file: its size limit, its encoding and its YAML, before anything is compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import InvalidInput, Problem
from .yamlsource import LineDict, YamlProblem, parse_yaml


@dataclass
class FactFileSource:
    """A parsed fact file, and the problems found in it so far."""

    path: Path
    display: str
    doc: dict
    problems: list[Problem] = field(default_factory=list)

    def problem(self, rule: str, message: str, *, line=None, fact=None, field=None) -> None:
        self.problems.append(Problem(self.display, rule, message, line, fact, field))


MAX_FACT_FILE_BYTES = 16 * 1024 * 1024  # one article's facts are a few hundred kB at most
# a file's name may name its graph: only characters an IRI path keeps as they are
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_file_name(path: Path, display: str) -> None:
    """InvalidInput when the file's name cannot name a graph (a space, '>', '#'...)."""
    if not FILE_NAME.fullmatch(path.stem):
        raise InvalidInput([Problem(display, "file-name", f"the file name '{path.name}' may hold only letters, digits, "
                                    "'-', '_' and '.', since it names the file's graph; rename the file")])


def read_fact_file(path: Path, display: str | None = None) -> FactFileSource:
    """Read and parse one YAML file; syntax problems raise InvalidInput at once."""
    display = display or str(path)
    check_file_name(path, display)
    size = path.stat().st_size
    if size > MAX_FACT_FILE_BYTES:  # refused before reading: a huge file is a mistake, not an article
        raise InvalidInput([Problem(display, "file-size", f"the file is {size / 1e6:.1f} MB; a fact file holds one "
                                    f"article's facts and may be at most {MAX_FACT_FILE_BYTES // (1024 * 1024)} MiB")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InvalidInput([Problem(display, "utf-8", f"not UTF-8 text (invalid byte at offset {err.start})", line)]) from None
    try:
        doc = parse_yaml(text)
    except YamlProblem as err:
        raise InvalidInput([Problem(display, err.rule, str(err), err.line)]) from None
    if doc is None:
        raise InvalidInput([Problem(display, "empty-file", "the file is empty (expected 'entities:' and/or 'facts:')")])
    if not isinstance(doc, LineDict):
        message = "the file must be a mapping with 'article', 'entities' and 'facts'"
        raise InvalidInput([Problem(display, "structure", message, 1)])
    return FactFileSource(path, display, doc)


