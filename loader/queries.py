"""Named queries (queries/*.rq) and how their parameters are bound.

Each file starts with a header of ``#+`` comments that leaves it runnable as plain SPARQL:

    #+ title: Who rules a state
    #+ summary: A state's regime, its kind, its leader, since when and how it took power.
    #+ param: state | entity State | A state, by name, alias or IRI
    #+ example: sahelkg query who-rules --param state=Niger

Values are bound by substitution of the query's variables (SPARQL SEP-0007) on the embedded
store. An entity parameter may name the class its entity must be of (``entity State``: a
skg:State or one of its subclasses). A standard server has no substitution, so `inline` writes each value into the query as an
RDF term serialized by pyoxigraph; either way a value cannot change what the query does.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .entities import EntityIndex
from .namespaces import PREFIXES, QUERIES_DIR, SKG, XSD

PARAM_KINDS = ("entity", "date", "text")
AS_OF = "asOf"
SERVICE, LOAD = "SERVICE", "LOAD"


class QueryError(ValueError):
    """A query that cannot be found, parsed or bound; the message says what to change."""


class UnknownQuery(QueryError):
    """No named query of this name (`known`: the names there are), or no such query file."""

    def __init__(self, name: str, known: list[str] | None = None):
        self.name, self.known = name, known
        super().__init__(f"no query file {name}" if known is None else
                         f"no named query '{name}' (named queries: {', '.join(known) or 'none'})")


class UnknownParameter(QueryError):
    def __init__(self, query: str, param: str, known: list[str]):
        self.query, self.param, self.known = query, param, known
        super().__init__(f"query '{query}' has no parameter '{param}' (parameters: {', '.join(known) or 'none'})")


class NoAsOf(QueryError):
    """A date to answer as of, given to a query that does not answer as of a date."""

    def __init__(self, query: str):
        self.query = query
        super().__init__(f"query '{query}' does not take a date to answer as of")


class BadValue(QueryError):
    """A parameter value that cannot be bound: `reason` says why, without naming the parameter."""

    def __init__(self, query: str, param: str, value: str, reason: str):
        self.query, self.param, self.value, self.reason = query, param, value, reason
        super().__init__(f"parameter '{param}': {reason}")


class UnknownEntity(BadValue):
    """A parameter naming no entity, or several (`suggestions`: near names, best first)."""

    def __init__(self, query: str, param: str, name: str, reason: str, suggestions: list[str]):
        super().__init__(query, param, name, reason)
        self.name, self.suggestions = name, suggestions


class NotADate(BadValue):
    def __init__(self, query: str, param: str, value: str):
        super().__init__(query, param, value, f"'{value}' is not a date (expected YYYY-MM-DD)")


class WrongKindOfEntity(BadValue):
    """An entity parameter naming an entity of another class than the query asks for."""

    def __init__(self, query: str, param: str, name: str, reason: str, expected: str):
        super().__init__(query, param, name, reason)
        self.name, self.expected = name, expected


class AsOfTwice(QueryError):
    """The date to answer as of given both as `as_of` and as the asOf parameter."""

    def __init__(self, query: str):
        self.query = query
        super().__init__(f"query '{query}': the date to answer as of is given twice (as_of and the {AS_OF} "
                         "parameter); give it once")


class IsAnUpdate(QueryError):
    """SPARQL UPDATE text where a query was asked for: updates bypass validation, so they are run
    only on purpose (`update`)."""

    def __init__(self, text: str):
        self.text = text
        super().__init__("this is a SPARQL UPDATE, not a query; facts go in through load, which validates them")


class RemoteRequest(QueryError):
    """A query or update that would make the engine send requests elsewhere: a federated query
    (SERVICE) or a LOAD of a URL. Refused unless allowed, so that a query cannot reach other
    servers (or the user's own network) by surprise. `feature` is "SERVICE" or "LOAD"."""

    def __init__(self, feature: str):
        self.feature = feature
        what = ("a federated query (SERVICE), which sends requests to other servers" if feature == SERVICE
                else "a LOAD, which fetches a URL")
        super().__init__(f"this is {what}; it is refused unless allowed "
                         f"({'allow_service' if feature == SERVICE else 'allow_load'}=True)")


class QueryTimeout(QueryError):
    """A query stopped because it ran past its time limit (`seconds`)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"the query was stopped after {seconds:g} s, its time limit (timeout)")


class NotPageable(QueryError):
    """A page (``limit``, ``offset``) asked of a query that has no rows to page, or pages itself."""

    def __init__(self, why: str):
        self.why = why
        super().__init__(f"a page (limit, offset) cannot be asked of this query: {why}")


def paged(text: str, limit: int | None = None, offset: int = 0) -> str:
    """The query with a page of its answer asked for: LIMIT and OFFSET after its solution modifiers
    (every named query orders its answer completely, so pages do not overlap). Only a SELECT has
    rows to page (LIMIT 0 would make an ASK false, and a CONSTRUCT's LIMIT counts solutions, not
    triples); one that ends with its own LIMIT, OFFSET or VALUES cannot take another."""
    if limit is None and not offset:
        return text
    if limit is not None and limit < 1 or offset < 0:
        raise QueryError(f"a page holds one row or more and starts at row 0 or later, not {limit} rows from {offset}")
    form, own = _form_and_page(text)
    if form != "SELECT":
        what = {"ASK": "an ASK", "CONSTRUCT": "a CONSTRUCT", "DESCRIBE": "a DESCRIBE"}.get(form, "not a query")
        raise NotPageable(f"only a SELECT has rows to page, and this is {what}")
    if own:
        raise NotPageable(f"it ends with its own {own} clause; write the page into the query instead")
    page = ([f"LIMIT {limit}"] if limit is not None else []) + ([f"OFFSET {offset}"] if offset else [])
    return text.rstrip() + "\n" + "\n".join(page) + "\n"


def _form_and_page(text: str) -> tuple[str | None, str | None]:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE), and the clause (LIMIT, OFFSET, VALUES)
    it ends with that a page would have to follow, if any."""
    form, braces, tokens = None, 0, []
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            continue
        word = token.upper() if kind == "word" else None
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word
        braces += (token == "{") - (token == "}")
        if word == "VALUES" and braces == 0:
            return form, "VALUES"  # a VALUES clause after the query's pattern
        tokens.append((kind, token))
    while tokens and tokens[-1][0] == "other" and tokens[-1][1].isdigit():
        tokens.pop()  # the number after LIMIT or OFFSET, one digit a token
    last = tokens[-1][1].upper() if tokens and tokens[-1][0] == "word" else None
    return form, last if last in ("LIMIT", "OFFSET") else None


class InvalidSparql(QueryError):
    """Text that the engine cannot parse or run as SPARQL 1.1 (`detail`: the engine's words)."""

    def __init__(self, detail: str, *, update: bool = False):
        self.detail, self.update = detail, update
        super().__init__(f"the {'update' if update else 'query'} is not valid SPARQL 1.1: {detail}")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str
    entity_class: str | None = None  # for an entity: the class (local name in skg:) it must be of


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
            kind = parts[1].split() if len(parts) == 3 else []
            if not kind or kind[0] not in PARAM_KINDS or len(kind) > (2 if kind[0] == "entity" else 1) \
                    or not all(re.fullmatch(r"[A-Z]\w*", c) for c in kind[1:]):
                raise QueryError(f"{path or name}: bad header line '{line}' "
                                 f"(expected '#+ param: NAME | {'/'.join(PARAM_KINDS)} | DESCRIPTION', "
                                 "an entity's class after its kind: 'entity State')")
            query.params[parts[0]] = Param(parts[0], kind[0], parts[2], kind[1] if len(kind) > 1 else None)
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
        raise UnknownQuery(name_or_text, list(named_queries(directory)))
    path = Path(name_or_text)
    if name_or_text.endswith((".rq", ".sparql")):
        if not path.is_file():
            raise UnknownQuery(str(path))
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


class BadParameterSyntax(QueryError):
    """A parameter given as text that is not NAME=VALUE, or a name given twice."""

    def __init__(self, item: str, *, twice: bool = False):
        self.item, self.twice = item, twice
        super().__init__(f"parameter '{item}' is given twice" if twice else f"parameter '{item}' is not NAME=VALUE")


def parse_params(items: list[str]) -> dict[str, str]:
    """Parameters written NAME=VALUE (the value may hold '='); a name given twice is an error, since
    one would silently win.

    >>> parse_params(["host=Niger", "asOf=2024-03-26"])
    {'host': 'Niger', 'asOf': '2024-03-26'}
    >>> parse_params(["host=Niger", "host=Mali"])
    Traceback (most recent call last):
    loader.queries.BadParameterSyntax: parameter 'host' is given twice
    """
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise BadParameterSyntax(item)
        if name in values:
            raise BadParameterSyntax(name, twice=True)
        values[name] = value
    return values


def example_values(query: NamedQuery) -> tuple[dict[str, str], str | None]:
    """The parameters and the as-of date of the query's `#+ example:` command line."""
    words = shlex.split(query.example)
    params, as_of = [], None
    for option, value in zip(words, words[1:], strict=False):
        if option in ("--param", "-p"):
            params.append(value)
        elif option == "--as-of":
            as_of = value
    return parse_params(params), as_of


def bind(query: NamedQuery, values: dict[str, str], index: EntityIndex, as_of: str | None = None,
         today: dt.date | None = None) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Turn user-given parameter values into typed RDF terms for substitution."""
    values = dict(values)
    if as_of is not None:
        if not query.takes_as_of:
            raise NoAsOf(query.name)
        if AS_OF in values:
            raise AsOfTwice(query.name)
        values[AS_OF] = as_of
    elif query.takes_as_of:
        values.setdefault(AS_OF, (today or dt.date.today()).isoformat())
    substitutions = {}
    for name, raw in values.items():
        param = query.params.get(name)
        if param is None:
            raise UnknownParameter(query.name, name, list(query.params))
        substitutions[ox.Variable(name)] = _term(query, param, raw, index)
    return substitutions


def ask(kg, name: str, values: dict[str, str] | None = None, as_of: str | None = None) -> list[dict[str, str]]:
    """Run a named query on a store or a server; rows as {column: value} ('' when unbound).
    `loader.open(...).query(name, as_of=..., **values)` is the same."""
    from .api import Graph, rows

    return rows(Graph(kg).answer(name, values, as_of).result)


def _term(query: NamedQuery, param: Param, raw: str, index: EntityIndex) -> ox.NamedNode | ox.Literal:
    if param.kind == "entity":
        iri, error = index.resolve(raw)
        if error:
            raise UnknownEntity(query.name, param.name, raw, error, index.near(raw))
        if param.entity_class and not index.stored_as(iri, SKG + param.entity_class):
            _check_class(query, param, raw, index.entities[iri])
        return ox.NamedNode(iri)
    if param.kind == "date":
        # only what the message promises: fromisoformat also reads 20240326 and 2024-W13-2
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise NotADate(query.name, param.name, raw)
        try:
            return ox.Literal(dt.date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(XSD + "date"))
        except ValueError:
            raise NotADate(query.name, param.name, raw) from None
    return ox.Literal(raw)


def _check_class(query: NamedQuery, param: Param, raw: str, entity) -> None:
    """WrongKindOfEntity unless the entity is of the parameter's class (its asserted types or their
    superclasses in the ontology), instead of an answer that is empty for a reason nobody is told."""
    from .ontology import load_ontology
    from .rdfterms import indefinite, local

    expected = SKG + param.entity_class
    ontology = load_ontology()
    if expected not in ontology.superclasses:
        raise QueryError(f"{query.path or query.name}: parameter '{param.name}' must be a skg:{param.entity_class}, "
                         "a class the ontology does not declare")
    if ontology.is_a(entity.types, expected):
        return
    kinds = " and ".join(sorted(indefinite(local(t)) for t in entity.types)) or "of no known class"
    named = f"'{raw}'" + (f" ({entity.label})" if entity.label and entity.label != raw else "")
    raise WrongKindOfEntity(query.name, param.name, raw, f"{named} is {kinds}, not {indefinite(param.entity_class)}",
                            param.entity_class)


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
    the results (a sub-SELECT just stops projecting it: its value is the same everywhere, and one
    left projecting nothing projects a constant instead); in GROUP BY and ORDER BY it becomes
    ``(value)``.
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
    projects = False  # whether the current projection names anything (yet)
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        ends_projection = clause == "select" and depth == 0 and (
            (kind == "word" and token.upper() in _CLAUSE_ENDS) or token == "{")
        if ends_projection and not projects:
            parts.append("(1 AS ?_bound) ")  # SELECT needs a variable: a sub-SELECT of parameters only
        if kind == "word":
            word = token.upper()
            if word == "SELECT":
                clause, depth, top_level, projects = "select", 0, braces == 0, False
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
        if clause == "select" and depth <= 1 and token and (kind == "var" or token in ("(", "*")):
            projects = True
        if kind not in ("space", "comment"):
            called = previous_word if token == "(" else ""  # the function a parenthesis opens the call of
        if kind not in ("space", "comment", "word"):
            previous_word = "" if kind != "var" else previous_word
        parts.append(token)
    return "".join(parts)


# --- requests a query would send elsewhere (SERVICE, LOAD) ---

_ALGEBRA_NAMES = {SERVICE: "ServiceGraphPattern", LOAD: "Load"}


def remote_requests(text: str, *, update: bool = False) -> set[str]:
    """What of SERVICE and LOAD the query (or update) uses, read from its algebra.

    pyoxigraph does not expose its algebra, so rdflib parses the text and its operators are walked:
    a SERVICE in a sub-query, a FILTER EXISTS or an update's WHERE is found, the word in a string, an
    IRI, a comment or a name (``:service``) is not. Parsing costs a second at the first import, so the
    lexer first looks for the keyword (which SPARQL lets no one escape) and most queries stop there.
    Text that rdflib cannot parse counts as using what the lexer saw.

    >>> sorted(remote_requests('SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://x.example/> { ?s ?p ?o } } }'))
    ['SERVICE']
    >>> remote_requests('SELECT * { ?s rdfs:label "SERVICE <http://x.example/>" }')
    set()
    """
    words = {m.group().upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"} & set(_ALGEBRA_NAMES)
    if not words:
        return set()
    from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate, traverse
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()
    try:
        tree = (translateUpdate(parseUpdate(text), initNs=PREFIXES) if update
                else translateQuery(parseQuery(text), initNs=PREFIXES)).algebra
        traverse(tree, visitPost=lambda node: found.add(node.name) if isinstance(node, CompValue) else None)
    except Exception:  # noqa: BLE001 - rdflib's parser raises many kinds; what it cannot read is not trusted
        return words
    return {feature for feature, name in _ALGEBRA_NAMES.items() if name in found}


def refuse_remote_requests(text: str, *, update: bool = False, allow_service: bool = False,
                           allow_load: bool = False) -> None:
    """Raise RemoteRequest if the text uses SERVICE (or, in an update, LOAD) that is not allowed."""
    if allow_service and (allow_load or not update):
        return
    used = remote_requests(text, update=update)
    if SERVICE in used and not allow_service:
        raise RemoteRequest(SERVICE)
    if LOAD in used and update and not allow_load:
        raise RemoteRequest(LOAD)
