"""Named queries (queries/*.rq) and how their parameters are bound.

Each file starts with a header of ``#+`` comments that leaves it runnable as plain SPARQL:

    #+ title: Who rules a state
    #+ summary: A state's regime, its kind, its leader, since when and how it took power.
    #+ param: state | entity | A state, by name, alias or IRI
    #+ example: sahelkg query who-rules --param state=Niger

Values are bound by substitution of the query's variables (SPARQL SEP-0007) on the embedded
store. A standard server has no substitution, so `inline` writes each value into the query as an
RDF term serialized by pyoxigraph; either way a value cannot change what the query does.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .factfile import EntityIndex
from .namespaces import QUERIES_DIR, XSD

PARAM_KINDS = ("entity", "date", "text")
AS_OF = "asOf"


class QueryError(ValueError):
    """A query that cannot be found, parsed or bound; the message says what to change."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str


@dataclass
class NamedQuery:
    name: str
    text: str
    title: str = ""
    summary: str = ""
    example: str = ""
    params: dict[str, Param] = field(default_factory=dict)
    path: Path | None = None

    @property
    def takes_as_of(self) -> bool:
        return AS_OF in self.params


_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")


def parse_query(text: str, name: str, path: Path | None = None) -> NamedQuery:
    query = NamedQuery(name=name, text=text, path=path)
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) != 3 or parts[1] not in PARAM_KINDS:
                raise QueryError(f"{path or name}: bad header line '{line}' "
                                 f"(expected '#+ param: NAME | {'/'.join(PARAM_KINDS)} | DESCRIPTION')")
            query.params[parts[0]] = Param(*parts)
        elif key in ("title", "summary", "example"):
            setattr(query, key, value.strip())
    return query


def named_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    return {p.stem: parse_query(p.read_text(encoding="utf-8"), p.stem, p) for p in sorted(directory.glob("*.rq"))}


def find_query(name_or_text: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """A named query, a .rq file, or SPARQL text given inline."""
    named = directory / f"{name_or_text}.rq"
    if re.fullmatch(r"[\w-]+", name_or_text):
        if named.is_file():
            return parse_query(named.read_text(encoding="utf-8"), name_or_text, named)
        known = ", ".join(named_queries(directory)) or "none"
        raise QueryError(f"no named query '{name_or_text}' (named queries: {known})")
    path = Path(name_or_text)
    if name_or_text.endswith((".rq", ".sparql")):
        if not path.is_file():
            raise QueryError(f"no query file {path}")
        return parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    return parse_query(name_or_text, "inline")


_PROLOGUE = re.compile(r"\s*(?:#[^\n]*\n|(?:PREFIX\s+[\w.-]*:\s*|BASE\s*)<[^>]*>)", re.IGNORECASE)
_UPDATE_VERB = re.compile(r"\s*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def _after_prologue(text: str) -> int:
    position = 0
    while match := _PROLOGUE.match(text, position):
        position = match.end()
    return position


def is_update(text: str) -> bool:
    """True for SPARQL 1.1 UPDATE text: its first word after the prologue is an update verb."""
    return bool(_UPDATE_VERB.match(text, _after_prologue(text)))


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (upper case): the query's first word after the prologue."""
    match = re.match(r"\s*([A-Za-z]+)", text[_after_prologue(text):])
    return match.group(1).upper() if match else ""


def example_values(query: NamedQuery) -> tuple[dict[str, str], str | None]:
    """The --param values and the --as-of date of the query's `#+ example:` command line."""
    words = shlex.split(query.example)
    values, as_of = {}, None
    for option, value in zip(words, words[1:], strict=False):
        if option in ("--param", "-p"):
            key, _, raw = value.partition("=")
            values[key] = raw
        elif option == "--as-of":
            as_of = value
    return values, as_of


def bind(query: NamedQuery, values: dict[str, str], index: EntityIndex, as_of: str | None = None,
         today: dt.date | None = None) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Turn user-given parameter values into typed RDF terms for substitution."""
    values = dict(values)
    if as_of is not None:
        if not query.takes_as_of:
            raise QueryError(f"query '{query.name}' does not take --as-of")
        values[AS_OF] = as_of
    elif query.takes_as_of:
        values.setdefault(AS_OF, (today or dt.date.today()).isoformat())
    substitutions = {}
    for name, raw in values.items():
        param = query.params.get(name)
        if param is None:
            known = ", ".join(query.params) or "none"
            raise QueryError(f"query '{query.name}' has no parameter '{name}' (parameters: {known})")
        substitutions[ox.Variable(name)] = _term(param, raw, index)
    return substitutions


def ask(kg, name: str, values: dict[str, str] | None = None, as_of: str | None = None) -> list[dict[str, str]]:
    """Run a named query on a graph (the store or a server); rows as {column: value} ('' when unbound)."""
    from .loading import known_entities

    query = find_query(name)
    result = kg.query(query.text, bind(query, values or {}, known_entities(kg), as_of))
    names = [v.value for v in result.variables]
    return [{n: row[n].value if row[n] is not None else "" for n in names} for row in result]


def _term(param: Param, raw: str, index: EntityIndex) -> ox.NamedNode | ox.Literal:
    if param.kind == "entity":
        iri, error = index.resolve(raw)
        if error:
            raise QueryError(f"--param {param.name}: {error}")
        return ox.NamedNode(iri)
    if param.kind == "date":
        try:
            return ox.Literal(dt.date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(XSD + "date"))
        except ValueError:
            raise QueryError(f"--param {param.name}: '{raw}' is not a date (expected YYYY-MM-DD)") from None
    return ox.Literal(raw)


# --- parameters for servers that lack SEP-0007 substitution (every standard SPARQL 1.1 server) ---

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
      | (?P<word>[A-Za-z_][\w-]*(?::[\w.-]*)?)
      | (?P<open>[({])
      | (?P<close>[)}])
      | (?P<space>\s+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_CLAUSE_ENDS = {"WHERE", "FROM", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP"}


def inline(text: str, substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The query with each bound variable replaced by its value, as SEP-0007 defines substitution,
    written out as standard SPARQL 1.1 for any server.

    Values are RDF terms serialized by pyoxigraph (IRIs checked, strings escaped), so a value cannot
    change the query's structure. A projected variable becomes ``(value AS ?var)`` so it stays in
    the results (a sub-SELECT just stops projecting it: its value is the same everywhere); in GROUP BY
    and ORDER BY it becomes ``(value)``.
    """
    values = {v.value: str(term) for v, term in substitutions.items()}
    if not values:
        return text
    parts: list[str] = []
    clause = None  # "select" (projection), "modifier" (GROUP BY / ORDER BY), "values" or None
    depth = 0  # parentheses and braces opened within the current clause
    braces = 0  # group nesting: a SELECT inside braces is a sub-SELECT
    top_level = False  # whether the current projection is the query's own
    previous_word = ""
    called = ""
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "word":
            word = token.upper()
            if word == "SELECT":
                clause, depth, top_level = "select", 0, braces == 0
            elif word == "VALUES":
                clause, depth = "values", 0
            elif word == "BY" and previous_word in ("GROUP", "ORDER"):
                clause, depth = "modifier", 0
            elif depth == 0 and word in _CLAUSE_ENDS and clause in ("select", "modifier"):
                clause = None
            previous_word = word
        elif kind == "open":
            braces += token == "{"
            if clause in ("select", "modifier") and depth == 0 and token == "{":
                clause = None
            elif clause == "values" and token == "{":
                clause = None
            else:
                depth += 1
        elif kind == "close":
            braces -= token == "}"
            if token == "}" and depth == 0 and clause in ("select", "modifier"):
                clause = None  # the end of a sub-SELECT ends its GROUP BY or ORDER BY
            depth = max(depth - 1, 0)
        elif kind == "iri" and any(re.search(rf"[?$]{re.escape(name)}\b", token) for name in values):
            raise QueryError(f"'{token}' reads as an IRI, hiding a parameter: put spaces around < and > in comparisons")
        elif kind == "var" and token[1:] in values:
            name, value = token[1:], values[token[1:]]
            if called == "BOUND":
                raise QueryError(f"parameter ?{name} is used in BOUND(), which a bound value makes meaningless; "
                                 f"write COALESCE(?{name}, ...) instead")
            if previous_word == "AS" or clause == "values":
                raise QueryError(f"parameter ?{name} is assigned in the query (by AS or VALUES), so it cannot be bound")
            if clause == "select" and depth == 0:
                token = f"({value} AS {token})" if top_level else ""
            elif clause == "modifier" and depth == 0:
                token = f"({value})"
            else:
                token = value
        elif kind == "other" and token == "*" and clause == "select" and depth == 0 and top_level:
            # (a sub-SELECT * is fine: a bound parameter is the same value everywhere within it)
            raise QueryError("a query with parameters must name its variables after SELECT, not use *")
        if kind not in ("space", "comment"):
            called = previous_word if token == "(" else ""  # the function a parenthesis opens the call of
        if kind not in ("space", "comment", "word"):
            previous_word = "" if kind != "var" else previous_word
        parts.append(token)
    return "".join(parts)
