"""The `sahelkg` command: a thin layer over the loader package; the only module that prints."""

from __future__ import annotations

import errno
import functools
import inspect
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer

from . import api
from .namespaces import PREFIXES
from .problems import InvalidInput
from .queries import (
    AS_OF,
    LOAD,
    SERVICE,
    AsOfTwice,
    BadParameterSyntax,
    BadValue,
    NoAsOf,
    NotPageable,
    QueryError,
    QueryTimeout,
    RemoteRequest,
    find_query,
    is_update,
    named_queries,
    parse_params,
)
from .store import DEFAULT_STORE, STORE_ENV, NoStore, StoreError, StoreServed, store_path

app = typer.Typer(
    help="sahel-kg: a knowledge graph of security relations in the Sahel. Load article facts, "
    "ask SPARQL questions, export RDF.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Without markup or emoji codes: a file name, a message or an answer is printed as it is
# (rich would read "file.yaml:100:" as the emoji :100: and "[b]" as bold).
class _Console:
    """A rich Console, made when it is first used: importing rich is 50 ms of a command's start-up,
    and an answer that does not go to a terminal is written without it (`_print_rows`)."""

    def __init__(self, **options) -> None:
        self._options, self._console = options, None

    def __getattr__(self, name: str):
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


out = _Console(soft_wrap=True, markup=False, emoji=False)
err = _Console(stderr=True, soft_wrap=True, markup=False, emoji=False)

# Where the graph is: the on-disk store, or a SPARQL 1.1 server. Declared once, added to every
# command that reads or writes the graph by @graph_options.
GRAPH_OPTIONS = {
    "store": Annotated[Path | None, typer.Option(
        "--store", envvar=STORE_ENV, show_envvar=True, show_default=False,
        help=f"Directory of the on-disk store (default: {DEFAULT_STORE}).")],
    "endpoint": Annotated[str | None, typer.Option(
        "--endpoint", envvar="SAHELKG_ENDPOINT", show_envvar=True, show_default=False,
        help="Use this SPARQL 1.1 server instead of the store: its base address (http://127.0.0.1:7878) "
             "or its query URL (http://host:8890/sparql).")],
    "update_endpoint": Annotated[str | None, typer.Option(
        "--update-endpoint", envvar="SAHELKG_UPDATE_ENDPOINT", show_envvar=True, show_default=False,
        help="The server's SPARQL UPDATE URL, when it is not the query URL (or /update beside /query).")],
    "user": Annotated[str | None, typer.Option(
        "--user", envvar="SAHELKG_USER", show_envvar=True, show_default=False, help="User name for the server.")],
    "password": Annotated[str | None, typer.Option(
        "--password", envvar="SAHELKG_PASSWORD", show_envvar=True, show_default=False,
        help="Password for the server (prefer the environment variable).")],
    "auth": Annotated[str, typer.Option(
        "--auth", envvar="SAHELKG_AUTH", show_envvar=True, help="HTTP authentication: basic or digest.")],
}
GRAPH_DEFAULTS = {"auth": "basic"}
StoreOption = GRAPH_OPTIONS["store"]


@dataclass(frozen=True)
class Target:
    """The graph a command works on, as the user gave it."""

    store: Path | None = None
    endpoint: str | None = None
    update_endpoint: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"


def graph_options(command):
    """Give a command the options of GRAPH_OPTIONS as one `target: Target` argument, and turn
    store and server errors raised anywhere in it into a clear message."""
    signature = inspect.signature(command, eval_str=True)
    keyword = inspect.Parameter.KEYWORD_ONLY
    extra = [inspect.Parameter(name, keyword, annotation=annotation, default=GRAPH_DEFAULTS.get(name))
             for name, annotation in GRAPH_OPTIONS.items()]
    parameters = [p for p in signature.parameters.values() if p.name != "target"]

    @functools.wraps(command)
    def run(*args, **kwargs):
        target = Target(**{name: kwargs.pop(name) for name in GRAPH_OPTIONS})
        try:
            return command(*args, target=target, **kwargs)
        except StoreError as error:
            _fail(worded(error))
        except OSError as error:  # the disk, the file system or the store itself
            _fail(worded_os_error(error))

    run.__signature__ = signature.replace(parameters=parameters + extra)
    run.__annotations__ = {p.name: p.annotation for p in parameters + extra}
    return run


ProblemFormat = Annotated[str, typer.Option("--format", help="How to report problems: text or json.")]


def worded(error: Exception) -> str:
    """A library error in the words of the command line: its options where the library names a concept."""
    from .remote import AccessDenied, DefaultGraphNotUnion, LoadOutcomeUnknown, LoadStopped, NotAnEndpoint, UnknownAuth
    from .serve import BadAddress

    if isinstance(error, NoStore):
        return f"{error} (sahelkg load data/)"
    if isinstance(error, StoreServed):
        return (f"the store at {error.path} is being served ({error.holder}); stop the server, then try again "
                "(or run 'sahelkg serve --writable' and load with --endpoint)")
    if isinstance(error, NotAnEndpoint):
        if error.credentials:
            return ("put the user name and password in --user and --password (or SAHELKG_USER and "
                    "SAHELKG_PASSWORD), not in the --endpoint URL")
        return f"--endpoint '{error.url}' is not an http(s) URL (e.g. http://127.0.0.1:7878)"
    if isinstance(error, UnknownAuth):
        return f"--auth '{error.auth}' is not one of basic, digest"
    if isinstance(error, AccessDenied):
        return error.worded("check --user, --password and --auth")
    if isinstance(error, LoadStopped):
        return f"{worded(error.cause)}\n{error.outcome}"
    if isinstance(error, LoadOutcomeUnknown):
        return (f"{worded(error.cause)}\nthe final step, which replaces all graphs in one request, may or may not "
                "have reached the server: `sahelkg stats --endpoint ...` tells; loading again is safe")
    if isinstance(error, DefaultGraphNotUnion):
        return f"{error} (oxigraph serve --union-default-graph; Virtuoso does so by default)"
    if isinstance(error, BadAddress):
        return f"--bind '{error.bind}' is not HOST:PORT (e.g. 127.0.0.1:7878)"
    if isinstance(error, NotPageable):
        return f"--limit/--offset cannot be used with this query: {error.why}"
    if isinstance(error, NoAsOf):
        return f"query '{error.query}' does not take --as-of"
    if isinstance(error, AsOfTwice):
        return f"--as-of and --param {AS_OF} both give the date to answer as of; give one of them"
    if isinstance(error, RemoteRequest):
        if error.feature == SERVICE:
            return ("this is a federated query (SERVICE), which sends requests to other servers; "
                    "pass --allow-service to run it anyway")
        return "this update has a LOAD, which fetches a URL; pass --allow-load to run it anyway"
    if isinstance(error, QueryTimeout):
        return f"query stopped after {error.seconds:g} s (--timeout); narrow it, or give a larger --timeout"
    if isinstance(error, BadValue) and error.query == "plot":  # a picture's argument or option, named as such
        return f"{error.param}: {error.reason}"
    if isinstance(error, BadValue):
        return f"{'--as-of' if error.param == AS_OF else '--param ' + error.param}: {error.reason}"
    if isinstance(error, BadParameterSyntax):
        if error.twice:
            return f"--param {error.item} is given twice; give each parameter once"
        return f"--param '{error.item}' is not KEY=VALUE"
    return str(error)


OS_HINTS = {
    errno.ENOSPC: "the disk is full; free some space, then try again",
    errno.EROFS: "the file system is read-only; use a store or a file on a writable disk",
    errno.EACCES: "permission denied; use a store or a file you may write",
    errno.EPERM: "permission denied; use a store or a file you may write",
    errno.ENOENT: "no such file or folder; check the path (a folder to write in must exist)",
    errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
    errno.EISDIR: "it is a folder; give a file name",
}


def worded_os_error(error: OSError) -> str:
    """An error of the disk or of the store, in one line that says what to do."""
    hint = OS_HINTS.get(error.errno) if error.errno else None
    if hint is None and "No space left" in str(error):
        hint = OS_HINTS[errno.ENOSPC]
    if error.filename:
        return f"{error.filename}: {hint or error.strerror}"
    if hint:
        return hint
    return f"the store failed: {' '.join(str(error).split())}"


def _fail(message: str, code: int = 1) -> None:
    from rich.text import Text

    err.print(Text.assemble(("error:", "bold red"), f" {message}"), highlight=False)
    raise typer.Exit(code)


def _report_problems(problems, fmt: str) -> None:
    from dataclasses import replace as reworded

    from .loading import REPLACEABLE

    # the library says a graph may be replaced on purpose; here that is an option
    problems = [reworded(p, message=p.message.removesuffix(".") + " with --replace.")
                if p.rule in REPLACEABLE else p for p in problems]
    if fmt == "json":
        print(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            err.print(str(problem), highlight=False, markup=False)
        stopped = [p for p in problems if p.rule == "load-stopped"]
        written = "the batches before it were written (see the line above)" if stopped else "nothing was written"
        err.print(f"{len(problems) - len(stopped)} problem(s); {written}.", highlight=False)


_opened: list[api.Graph] = []


@app.callback()
def _release_stores(ctx: typer.Context) -> None:
    # every store a command opened is closed when it ends, error or not, so its lock goes with it
    ctx.call_on_close(lambda: [_opened.pop().close() for _ in list(_opened)])


def _open(target: Target, *, read_only: bool = False) -> api.Graph:
    """The on-disk store, or the server given by --endpoint, which wins over --store and $SAHELKG_STORE
    (StoreError says why it cannot be opened)."""
    kg = api.open(None if target.endpoint else target.store, endpoint=target.endpoint or None,
                  update_endpoint=target.update_endpoint, user=target.user, password=target.password,
                  auth=target.auth, read_only=read_only)
    _opened.append(kg)
    return kg


@app.command()
@graph_options
def load(
    files: Annotated[list[Path], typer.Argument(help="Fact files (.yaml), RDF files, or directories of them.")],
    fmt: ProblemFormat = "text",
    replace: Annotated[bool, typer.Option(
        "--replace", help="Replace graphs loaded from other files (refused without it).")] = False,
    batch_files: Annotated[int, typer.Option(
        "--batch-files", min=1, help="Files one batch writes at most; a larger load goes in batches.")] = 200,
    *,
    target: Target,
) -> None:
    """Validate files, then add them to the store in one transaction (all or nothing).

    Reloading a file replaces what it loaded before, so loading the same files twice changes nothing.
    A graph loaded from another file (an article's facts, the reference entities) is replaced only
    with --replace. More than --batch-files files load in batches, each validated against the store
    and written in its own transaction; a problem stops the load before its batch, and the same
    command again finishes it.
    With --endpoint, the files are validated here, written to staging graphs on the server, and
    moved in place only when all of them are there: a failure leaves the server's graphs as they were.

    Example: sahelkg load data/
    """
    from .loading import expand
    from .progress import progress

    kg = _open(target)
    try:
        with progress(len(expand(files)), "loading") as advance:
            done = [0]

            def batch_written(files_done: int, _total: int) -> None:
                advance(files_done - done[0])
                done[0] = files_done

            report = kg.load(files, replace=replace, batch_files=batch_files, progress=batch_written)
    except InvalidInput as error:
        _report_problems(error.problems, fmt)
        raise typer.Exit(1) from None
    for item in report.files:
        out.print(f"loaded {item.path}: {item.facts} facts, {item.entities} entities, {item.triples} triples "
                  f"-> <{item.graph}>", highlight=False)
        _print_merges(item)
    out.print(f"facts touched: {report.facts_touched}, with {report.conflicts} conflict(s) between reports"
              + (" (sahelkg conflicts lists them)" if report.conflicts else ""), highlight=False)
    _print_change(kg, report)


def _print_change(kg, report) -> None:
    where = "endpoint" if kg.is_remote else "store"
    batches = f" in {report.batches} transactions" if report.batches > 1 else ""
    out.print(f"{where} {kg.location}: {report.quads_added} quads added, {report.quads_removed} removed{batches}",
              highlight=False)


@app.command()
@graph_options
def remove(
    articles: Annotated[list[str], typer.Argument(help="Articles to take out: their file name, slug or IRI.")],
    *,
    target: Target,
) -> None:
    """Take articles out of the graph, in one transaction; the facts they reported are recomputed
    from the reports of the other articles (a fact no other article reports goes).

    Example: sahelkg remove 2024-03-26-channelstv-niger-putin-security-cooperation
    """
    kg = _open(target)
    try:
        report = kg.remove(articles)
    except InvalidInput as error:
        _report_problems(error.problems, "text")
        raise typer.Exit(1) from None
    out.print(f"removed {len(articles)} article(s); {report.facts_touched} fact(s) they reported remain, from other "
              "articles", highlight=False)
    _print_change(kg, report)


@app.command()
@graph_options
def validate(
    files: Annotated[list[Path], typer.Argument(help="Fact files (.yaml), RDF files, or directories of them.")],
    fmt: ProblemFormat = "text",
    replace: Annotated[bool, typer.Option(
        "--replace", help="Check as 'load --replace' would: graphs loaded from other files may be replaced.")] = False,
    *,
    target: Target,
) -> None:
    """Check files as `load` would (including the SHACL shapes of ontology/shapes.ttl), without writing anything.

    Names resolve against the store (or the --endpoint server) if there is one, and against the files given.

    Example: sahelkg validate data/reference.yaml data/facts/
    """
    try:
        kg = _open(target, read_only=True)
    except StoreError:
        if target.endpoint:
            raise  # a server the user named must answer
        kg = None  # no store yet: validate against the given files alone
    try:
        prepared = kg.validate(files, replace=replace) if kg else api.validate(files, replace=replace)
    except InvalidInput as error:
        _report_problems(error.problems, fmt)
        raise typer.Exit(1) from None
    if fmt == "json":
        print("[]")
        return
    for item in prepared.files:
        out.print(f"ok {item.path}: {item.facts} facts, {item.entities} entities, {item.triples} triples",
                  highlight=False)
        _print_merges(item)


def _print_merges(item) -> None:
    for line in item.merges:
        out.print(f"  {line}", highlight=False, markup=False)


def _compact(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and "/" not in term.value[len(iri):]:
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


@app.command()
@graph_options
def query(
    query_ref: Annotated[str, typer.Argument(metavar="NAME|FILE|SPARQL",
                                             help="A named query (see `sahelkg queries`), a .rq file, or SPARQL text.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE; repeatable.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Answer as of this date (YYYY-MM-DD).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json (SPARQL 1.1 results JSON), csv or tsv.")] = "table",
    allow_update: Annotated[bool, typer.Option("--allow-update",
                                               help="Run a SPARQL UPDATE (unvalidated!) against the store.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS",
                                           help="Stop the query after this long (0: no limit).")] = 60,
    allow_service: Annotated[bool, typer.Option(
        "--allow-service", help="Run federated queries (SERVICE), which send requests to other servers.")] = False,
    allow_load: Annotated[bool, typer.Option(
        "--allow-load", help="With --allow-update: run LOAD, which fetches a URL into the store.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, metavar="ROWS",
                                              help="At most this many rows: one page of a long answer.")] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, metavar="ROWS",
                                        help="Skip this many rows first (the pages before).")] = 0,
    *,
    target: Target,
) -> None:
    """Ask a named question or your own SPARQL.

    Parameters take a name, an alias or an IRI; they are bound as RDF terms, so a value cannot change the query.

    Example: sahelkg query foreign-presences --param host=Niger --as-of 2024-03-26
    """
    formats = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
    if fmt not in (*formats, "table"):
        _fail(f"unknown format '{fmt}' (formats: table, json, csv, tsv)", 2)
    try:
        values = parse_params(param or [])
        named = find_query(query_ref)
    except QueryError as error:
        _fail(worded(error), 2)
    if is_update(named.text):
        _run_update(named.text, allow_update, bool(values or as_of), target, allow_service, allow_load)
        return
    kg = _open(target, read_only=True)
    try:
        # a table asks for one row more than it shows, to say whether a next page has any
        ask = limit + 1 if limit is not None and fmt == "table" else limit
        answer = kg.answer(named, values, as_of, timeout=timeout or None, allow_service=allow_service,
                           limit=ask, offset=offset)
    except QueryTimeout as error:
        _stop_now(worded(error))
    except QueryError as error:
        _fail(worded(error), 2)
    result = answer.result
    if isinstance(result, ox.QueryBoolean):
        print(json.dumps({"head": {}, "boolean": bool(result)}) if fmt == "json" else str(bool(result)).lower())
        return
    if isinstance(result, (ox.QueryTriples, list)):  # a server's CONSTRUCT answer arrives as a list of triples
        from .export import export  # rdflib: only for triples

        sys.stdout.buffer.write(export((ox.Quad(t.subject, t.predicate, t.object) for t in result), "turtle"))
        return
    if fmt in formats:
        sys.stdout.buffer.write(result.serialize(format=formats[fmt]))
        if fmt == "json":
            sys.stdout.buffer.write(b"\n")
        return
    # the table leaves out the columns the user bound: they are in the title instead
    names = [v.value for v in result.variables if v.value not in answer.bound]
    rows = [[_compact(row[n]) for n in names] for row in result]
    asked = ", ".join(f"{k}={v}" for k, v in sorted(answer.bound.items()))
    page = None
    if limit is not None or offset:
        more = limit is not None and len(rows) > limit
        rows = rows[:limit] if limit is not None else rows
        if not rows:
            page = f"none after row {offset}"
        else:
            page = f"from row {offset + 1}" + (f"; --offset {offset + limit} for the next {limit}" if more else ", the last")
    _print_rows(named.title or "", asked, names, rows, page)


def _stop_now(message: str) -> None:
    """Print the error and end the process at once: an evaluation past its time limit may still run
    in a thread of this process (pyoxigraph cannot be interrupted), and only the process's end stops it."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)


def _run_update(text: str, allowed: bool, has_parameters: bool, target: Target, allow_service: bool = False,
                allow_load: bool = False) -> None:
    if not allowed:
        _fail("this is a SPARQL UPDATE and `sahelkg query` only reads; facts go in through `sahelkg load`, "
              "which validates them. Pass --allow-update to change the store anyway.", 2)
    if has_parameters:
        _fail("--param and --as-of bind values in queries, not in updates", 2)
    kg = _open(target)
    before = len(kg)
    try:
        kg.update(text, allow_service=allow_service, allow_load=allow_load)
    except QueryError as error:
        _fail(worded(error), 2)
    out.print(f"update done: {before} -> {len(kg)} quads", highlight=False)


def _print_rows(title: str, asked: str, names: list[str], rows: list[list[str]], page: str | None = None) -> None:
    """A table when it fits the terminal, else one block per row (like psql's expanded display);
    `page` says which rows of a longer answer these are."""
    heading = " - ".join(part for part in (title, asked) if part)
    footer = f"{len(rows)} row(s)" + (f", {page}" if page else "")
    laid_out = None
    # rich draws in ASCII where the output cannot encode the rules: left to rich
    if (getattr(sys.stdout, "encoding", None) or "utf-8").lower().startswith("utf"):
        width = _width_off_terminal()
        if width is not None:  # not a terminal: rich would style nothing
            laid_out = plain_layout(heading, names, rows, width)
        elif len(rows) > PLAIN_ROWS:  # a terminal: a long answer, unstyled
            laid_out = plain_layout(heading, names, rows, out.width)
    if laid_out is None:
        _rich_layout(heading, names, rows)
        out.print(footer, highlight=False)
    else:
        sys.stdout.write(laid_out + footer + "\n")


def _width_off_terminal() -> int | None:
    """The width rich gives standard output when it is not a terminal (rich.console.Console.size),
    without importing rich; None where rich would see a terminal, or might by rules not followed
    here (Windows, the variables that make any output a terminal)."""
    if os.name == "nt" or "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return None
    try:
        if sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):  # rich: no terminal
        pass
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    for descriptor in (0, 1, 2):  # rich asks standard input, output and error, in this order
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):
            pass
    return 80


def _rich_layout(heading: str, names: list[str], rows: list[list[str]]) -> None:
    from rich.measure import Measurement
    from rich.table import Table

    table = Table(*names, title=heading or None, title_justify="left")
    for row in rows:
        table.add_row(*row)
    natural = Measurement.get(out, out.options.update(max_width=100_000), table).maximum
    if natural <= out.width:
        out.print(table)
        return
    if heading:
        out.print(heading, style="bold", highlight=False)
    width = max((len(n) for n in names), default=0)
    for number, row in enumerate(rows, 1):
        out.print(f"-[ row {number} ]-", style="dim", highlight=False)
        for name, value in zip(names, row, strict=True):
            out.print(f"{name.ljust(width)} | {value}", highlight=False, markup=False)


# Rich measures and styles every cell: about 3 ms a row of 8 columns, 30 s for the 7,000 rows of a
# query at 1,000 articles, and 30 ms of a short command's start-up. Longer answers, and every answer
# that does not go to a terminal, are laid out here instead, as rich lays them out without a terminal
# (the same text: tests/test_cli.py compares them), unstyled.
PLAIN_ROWS = 200
# tabs, new lines, line separators, a zero-width joiner that ends a cell ...: rich's own rules, left to rich
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]|\u200d$")


def plain_layout(heading: str, names: list[str], rows: list[list[str]], width: int) -> str | None:
    """The rows as `_rich_layout` prints them on a console that is not a terminal; None for a cell
    with a control character."""
    from rich.cells import cell_len

    if not names or any(_CONTROL.search(value) for row in (names, *rows) for value in row):
        return None
    widths = [max(cell_len(row[i]) for row in (names, *rows)) for i in range(len(names))]
    lines = [heading] if heading else []
    if sum(widths) + 3 * len(widths) + 1 <= width:  # each cell padded by one space each side, and the rules
        def rule(left: str, fill: str, between: str, right: str) -> str:
            return left + between.join(fill * (w + 2) for w in widths) + right

        def line(row: list[str], edge: str) -> str:
            return edge + edge.join(f" {v}{' ' * (w - cell_len(v))} " for v, w in zip(row, widths, strict=True)) + edge

        lines += [rule("┏", "━", "┳", "┓"), line(names, "┃"), rule("┡", "━", "╇", "┩"),
                  *(line(row, "│") for row in rows), rule("└", "─", "┴", "┘")]
    else:
        name_width = max(len(n) for n in names)
        for number, row in enumerate(rows, 1):
            lines.append(f"-[ row {number} ]-")
            lines += [f"{name.ljust(name_width)} | {value}" for name, value in zip(names, row, strict=True)]
    return "".join(line + "\n" for line in lines)


@app.command("queries")
def list_queries() -> None:
    """List the named queries with their parameters.

    Example: sahelkg queries
    """
    rows = [[name, named.title, ", ".join(named.params), named.example] for name, named in named_queries().items()]
    _print_rows("Named queries (queries/*.rq)", "", ["name", "question", "parameters", "example"], rows)


@app.command("export")
@graph_options
def export_graph(
    fmt: Annotated[str, typer.Option("--format", help="turtle, trig, ntriples, nquads or jsonld.")] = "turtle",
    graph: Annotated[str | None, typer.Option("--graph", help="Only this article's graph (its file name or IRI).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")] = None,
    inferred: Annotated[bool, typer.Option("--inferred", help="Include the materialised inferences.")] = False,
    *,
    target: Target,
) -> None:
    """Export the graph; the same graph always gives the same bytes.

    Turtle and N-Triples merge all graphs; TriG, N-Quads and JSON-LD keep one graph per article.
    The materialised inferences are left out unless --inferred is given.

    Example: sahelkg export --format turtle -o sahel-kg.ttl
    """
    from .progress import progress

    kg = _open(target, read_only=True)
    # a bar on a terminal, unless the export itself is written there
    shown = progress if output or not sys.stdout.isatty() else None
    try:
        written = kg.export(fmt, graph=graph, inferred=inferred, out=output or sys.stdout.buffer, progress=shown)
    except api.UnknownFormat as error:
        _fail(str(error), 2)
    except OSError as error:
        if output is None or not error.errno:  # the store's own failure: graph_options words it
            raise
        _fail(f"cannot write the export to {output}: {OS_HINTS.get(error.errno) or error.strerror}")
    if output:
        err.print(f"wrote {output} ({written} bytes)", highlight=False)


@app.command()
@graph_options
def conflicts(
    entity: Annotated[str | None, typer.Option("--entity", help="Only facts that involve this entity.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    *,
    target: Target,
) -> None:
    """List the disagreements between reports of the same fact, each with both quotes and both articles.

    Nothing is resolved: both reports stay in the graph, and as-of answers mark the fact as disputed.

    Example: sahelkg conflicts --entity Niger
    """
    kg = _open(target, read_only=True)
    try:
        rows = kg.conflicts(entity)
    except BadValue as error:
        _fail(f"--entity: {error.reason}", 2)
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        out.print(f"{row['name']}: the reports disagree on {row['aspect']}", style="bold", highlight=False)
        for side in ("A", "B"):
            out.print(f"  {row['value' + side]}, says “{row['article' + side]}”:", highlight=False, markup=False)
            out.print(f"    {row['quote' + side]}", highlight=False, markup=False)
    out.print(f"{len(rows)} conflict(s)", highlight=False)


plot_app = typer.Typer(help="Draw the graph: the relations network on a date, or an entity's timeline.",
                       no_args_is_help=True)
app.add_typer(plot_app, name="plot")


def _picture_format(output: Path, allowed: tuple[str, ...]) -> str:
    fmt = output.suffix.lstrip(".").lower()
    if fmt not in allowed:
        _fail(f"-o {output}: a picture is {' or '.join('.' + f for f in allowed)} (the format follows the suffix)", 2)
    return fmt


def _write(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")
    out.print(f"wrote {output} ({len(data)} bytes)", highlight=False, markup=False)


@plot_app.command("network")
@graph_options
def plot_network(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.svg, FILE.png or FILE.html (interactive).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="The date to draw (YYYY-MM-DD; default today).")] = None,
    focus: Annotated[str | None, typer.Option("--focus", help="Only the relations of this entity.")] = None,
    *,
    target: Target,
) -> None:
    """Draw who is aligned with whom on a date: states, alliances, regimes and forces, linked by
    presences, memberships and partnerships; active, possibly active and disputed relations look
    different, ended ones are left out.

    Example: sahelkg plot network --as-of 2024-03-26 -o network.html
    """
    fmt = _picture_format(output, ("svg", "png", "html"))
    kg = _open(target, read_only=True)
    try:
        data = kg.plot_network(fmt, as_of=as_of, focus=focus)
    except QueryError as error:
        _fail(worded(error), 2)
    _write(output, data)


@plot_app.command("timeline")
@graph_options
def plot_timeline(
    entity: Annotated[str, typer.Argument(help="The entity, by name, alias or IRI (e.g. Niger).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.svg or FILE.png.")],
    *,
    target: Target,
) -> None:
    """Draw an entity's relations as bars over time and its events as markers; a vague date is a
    faded span, never a false day; a planned end is dashed; a disputed fact is outlined in red.

    Example: sahelkg plot timeline Niger -o niger.svg
    """
    fmt = _picture_format(output, ("svg", "png"))
    kg = _open(target, read_only=True)
    try:
        data = kg.plot_timeline(entity, fmt)
    except QueryError as error:
        _fail(worded(error), 2)
    _write(output, data)


@app.command()
@graph_options
def report(
    state: Annotated[str, typer.Argument(help="The state, by name, alias or IRI (e.g. Niger).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The folder to write the dossier into.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="The date of the dossier (YYYY-MM-DD; default today).")] = None,
    *,
    target: Target,
) -> None:
    """Write a static HTML dossier on a state: who rules, foreign presences, memberships, partners,
    contacts, its timeline, conflicts between sources and the source sentence of every fact.

    Example: sahelkg report Niger -o dossier/niger
    """
    kg = _open(target, read_only=True)
    try:
        files = kg.report(state, output, as_of=as_of)
    except QueryError as error:
        _fail(worded(error), 2)
    except OSError as error:
        _fail(f"cannot write the dossier into {output}: {error.strerror or error}")
    out.print(f"wrote {len(files)} files into {output}; open {files[0]}", highlight=False, markup=False)


@app.command()
@graph_options
def stats(*, target: Target) -> None:
    """Count what the store holds: triples, graphs, articles, facts by kind, entities by kind.

    Example: sahelkg stats
    """
    kg = _open(target, read_only=True)
    summary = kg.stats()
    from rich.table import Table

    table = Table("what", "count")
    for key, value in summary.items():
        table.add_row(key, str(value))
    out.print(table)


@app.command()
@graph_options
def check(*, target: Target) -> None:
    """Run the HermiT reasoner (through owlready2; needs Java) on the ontology plus all data.

    Reports whether they are consistent; when not, names the individuals and axioms involved.

    Example: sahelkg check
    """
    from .reasoning import JavaMissing, ReasonerError  # loads owlready2: only when asked
    from .shapes import _quiet  # rdflib would log a traceback for each ill-typed literal; the report names each

    kg = _open(target, read_only=True)
    try:
        with _quiet():
            report = kg.check()
    except (JavaMissing, ReasonerError) as error:
        _fail(str(error))
    if report.consistent:
        out.print(f"consistent: ontology and data ({len(kg)} quads) checked by HermiT in {report.seconds:.1f} s",
                  highlight=False)
        return
    err.print("inconsistent:", style="bold red")
    for line in report.explanation:
        err.print(f"- {line}", highlight=False, markup=False)
    raise typer.Exit(1)


@app.command()
def serve(
    bind: Annotated[str, typer.Option("--bind", help="HOST:PORT to listen on (port 0 picks a free one).")]
    = "127.0.0.1:7878",
    writable: Annotated[bool, typer.Option("--writable", help="Accept SPARQL updates (sahelkg load --endpoint).")]
    = False,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS",
                                           help="Stop a query after this long (0: no limit).")] = 60,
    allow_service: Annotated[bool, typer.Option(
        "--allow-service", help="Run federated queries (SERVICE), which send requests to other servers.")] = False,
    allow_load: Annotated[bool, typer.Option(
        "--allow-load", help="With --writable: run LOAD, which fetches a URL into the store.")] = False,
    store: StoreOption = None,
) -> None:
    """Serve the store with the Oxigraph server: a SPARQL endpoint and a web page with the named queries.

    Read-only unless --writable. While it runs, the store is the server's: `sahelkg load` on the same
    store is refused; stop the server (Ctrl-C), load, and serve again, or serve --writable and load
    with --endpoint. Queries and exports from other processes keep working. Requests from other web
    sites, federated queries and LOAD are refused unless allowed; a query stops after --timeout.

    Example: sahelkg serve --bind 127.0.0.1:7878
    """
    import signal

    from .serve import Limits, start

    path = store_path(store)
    limits = Limits(timeout=timeout or None, allow_service=allow_service, allow_load=allow_load,
                    to_allow={SERVICE: "start it with sahelkg serve --allow-service to allow them",
                              LOAD: "start it with sahelkg serve --writable --allow-load to allow them"},
                    to_extend="sahelkg serve --timeout")
    try:
        served = start(path, bind, writable=writable, limits=limits)
    except StoreError as error:
        _fail(worded(error))
    # the server logs each request (loader.serve's logger): to stderr, as a server's log
    requests_log = logging.StreamHandler(sys.stderr)
    requests_log.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("loader.serve").addHandler(requests_log)
    logging.getLogger("loader.serve").setLevel(logging.INFO)
    # SIGTERM (from a service manager or a test) stops the server as cleanly as Ctrl-C
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    mode = "read-write" if writable else "read-only"
    out.print(f"serving {path} ({mode}) with the Oxigraph server\n"
              f"  web page:        {served.url}\n"
              f"  SPARQL endpoint: {served.query_url}" + (f"\n  SPARQL update:   {served.update_url}" if writable else "")
              + "\nstop with Ctrl-C", highlight=False)
    sys.stdout.flush()
    try:
        served.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        served.stop()
        err.print("stopped", highlight=False)


def main() -> None:
    app()
