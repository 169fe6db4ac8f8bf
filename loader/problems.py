"""Problems found in user input: each names the file, the line, the fact, the rule broken."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str  # short, stable name of the rule broken, e.g. "real-date"
    message: str  # what is wrong and what was expected
    line: int | None = None
    fact: str | None = None  # the fact's id (or position) in its file
    field: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = ""
        if self.fact:
            # entity declarations name themselves ("entity 'g5-sahel'"); facts go by their id
            what += self.fact if self.fact.startswith("entity ") else f"fact '{self.fact}'"
        if self.field:
            what += (", " if what else "") + f"field '{self.field}'"
        return f"{where}: {what + ': ' if what else ''}{self.message} [{self.rule}]"

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


class InvalidInput(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
