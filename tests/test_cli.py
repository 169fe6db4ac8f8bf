"""The command line through its real entry point, and the README that documents it."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from loader.cli import app
from loader.namespaces import PROJECT_ROOT

runner = CliRunner()
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def store(seed_store_path, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(seed_store_path, copy)
    return copy


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: sahelkg " in result.output
    assert f"`sahelkg {command}" in README


def test_query_json_is_w3c_sparql_results(store):
    result = run("query", "who-rules", "--param", "state=Niger", "--format", "json", "--store", store)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["head"]["vars"][0] == "state"
    binding = data["results"]["bindings"][0]
    assert binding["state"] == {"type": "uri", "value": "https://w3id.org/sahel-kg/entity/niger"}
    assert binding["kind"] == {"type": "literal", "value": "military junta"}


def test_query_csv(store):
    result = run("query", "memberships", "-p", "state=Mali", "--as-of", "2024-03-26", "--format", "csv",
                 "--store", store)
    assert result.stdout.splitlines()[1].startswith(
        "https://w3id.org/sahel-kg/entity/mali,https://w3id.org/sahel-kg/entity/ecowas,2024-03-26,Mali,"
        "Economic Community of West African States,withdrawal announced,2024-01,ongoing on 2024-03-26,yes,1,")


def test_unknown_name_suggests_near_matches(store):
    result = run("query", "who-rules", "--param", "state=Nigr", "--store", store)
    assert result.exit_code == 2
    assert "--param state: unknown entity 'Nigr'; did you mean 'niger'" in result.stderr


def test_update_is_refused_without_the_flag_and_the_store_is_unchanged(store):
    before = run("export", "--format", "nquads", "--store", store).stdout_bytes
    result = run("query", "DELETE WHERE { ?s ?p ?o }", "--store", store)
    assert result.exit_code == 2
    assert "this is a SPARQL UPDATE and `sahelkg query` only reads" in result.stderr
    assert run("export", "--format", "nquads", "--store", store).stdout_bytes == before


def test_update_runs_with_the_flag(store):
    result = run("query", "DELETE WHERE { GRAPH ?g { sk:mali ?p ?o } }", "--allow-update", "--store", store)
    assert result.exit_code == 0
    assert result.stdout.startswith("update done: ")
    rows = run("query", "ASK { sk:mali ?p ?o }", "--store", store)
    assert rows.stdout.strip() == "false"


def test_export_leaves_inferences_out_unless_asked(store):
    plain = run("export", "--format", "nquads", "--store", store).stdout
    full = run("export", "--format", "nquads", "--inferred", "--store", store).stdout
    assert "/inferred>" not in plain
    assert "<https://w3id.org/sahel-kg/entity/cnsp> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " \
           "<https://w3id.org/sahel-kg/ontology#Regime> <https://w3id.org/sahel-kg/graph/reference/inferred> ." in full


def test_export_one_article_graph(store, tmp_path):
    out = tmp_path / "article.trig"
    result = run("export", "--format", "trig", "--graph", "2024-03-26-channelstv-niger-putin-security-cooperation",
                 "-o", out, "--store", store)
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    # the article's graph, named with its prefix
    assert "\nska:2024-03-26-channelstv-niger-putin-security-cooperation {\n" in text
    assert "graph/reference" not in text


def test_missing_store_is_a_clear_error(tmp_path):
    result = run("query", "claims", "--store", tmp_path / "nothing")
    assert result.exit_code == 1
    assert f"no store at {tmp_path / 'nothing'}: load data first (sahelkg load data/)" in result.stderr


def test_a_second_fact_file_for_an_article_is_refused(store, tmp_path):
    article = PROJECT_ROOT / "data/articles/2024-03-26-channelstv-niger-putin-security-cooperation.md"
    other = tmp_path / "other.yaml"
    other.write_text(f"""article: {article}
facts:
  - id: russian-visit
    type: DiplomaticContact
    kind: Visit
    actor: Russia
    counterpart: Niger
    date: 2023-12
    quote: "A Russian delegation also visited Niger last December."
""", encoding="utf-8")
    before = run("export", "--format", "nquads", "--store", store).stdout_bytes
    result = run("load", other, "--store", store)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{other}: the facts of article 2024-03-26-channelstv-niger-putin-security-cooperation were loaded from "
        "'data/facts/2024-03-26-channelstv-niger-putin-security-cooperation.yaml'; loading "
        f"'{other}' would replace them. Put all of an article's facts in one fact file, or replace them on purpose "
        "with --replace. [one-file-per-article]")
    assert run("export", "--format", "nquads", "--store", store).stdout_bytes == before
    # on purpose, the article's facts are now the other file's, and that file is the one recorded
    result = run("load", other, "--store", store, "--replace")
    assert result.exit_code == 0, result.output
    answer = run("export", "--format", "nquads", "--store", store).stdout_bytes.decode()
    reports = {line.split()[0] for line in answer.splitlines() if "/report/" in line.split()[0]}
    assert reports == {"<https://w3id.org/sahel-kg/report/2024-03-26-channelstv-niger-putin-security-cooperation.russian-visit>"}
    result = run("load", PROJECT_ROOT / "data", "--store", store)
    assert result.exit_code == 1
    assert f"were loaded from '{other}'; loading 'data/facts/" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["query", "who-rules", "-p", "state=Niger", "-p", "state=Mali"],
     "error: --param state is given twice; give each parameter once"),
    (["query", "who-rules", "-p", "Niger"], "error: --param 'Niger' is not KEY=VALUE"),
    (["query", "foreign-presences", "-p", "host=Niger", "--as-of", "2024-02-30"],
     "error: --as-of: '2024-02-30' is not a date (expected YYYY-MM-DD)"),
    (["query", "who-rules", "-p", "state=Niger", "--as-of", "2024-03-26"], "error: query 'who-rules' does not take --as-of"),
    # --as-of takes only what its message says (Python's fromisoformat would read these too)
    (["query", "foreign-presences", "-p", "host=Niger", "--as-of", "20240326"],
     "error: --as-of: '20240326' is not a date (expected YYYY-MM-DD)"),
    (["query", "foreign-presences", "-p", "host=Niger", "--as-of", "2024-W13-2"],
     "error: --as-of: '2024-W13-2' is not a date (expected YYYY-MM-DD)"),
    (["query", "foreign-presences", "-p", "host=Niger", "--as-of", "2024-03-26", "-p", "asOf=2023-01-01"],
     "error: --as-of and --param asOf both give the date to answer as of; give one of them"),
    # an entity of the wrong kind says so, instead of an empty answer
    (["query", "who-rules", "-p", "state=Tiani"],
     "error: --param state: 'Tiani' (Abdourahamane Tiani) is a Person, not a State"),
    (["query", "memberships", "-p", "organization=Niger"],
     "error: --param organization: 'Niger' is a State, not an Organization"),
    (["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"],
     "error: this is a federated query (SERVICE), which sends requests to other servers; "
     "pass --allow-service to run it anyway"),
    (["query", "LOAD <file:///etc/hostname>", "--allow-update"],
     "error: this update has a LOAD, which fetches a URL; pass --allow-load to run it anyway"),
    (["conflicts", "--entity", "Nigr"],
     "error: --entity: unknown entity 'Nigr'; did you mean 'niger'? (declare it under 'entities:' if it is new)"),
])
def test_parameter_mistakes_are_worded_with_the_options(store, args, message):
    result = run(*args, "--store", store)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_library_messages_name_no_option():
    """The library speaks the domain; only loader/cli.py words an error with the options that fix it."""
    import ast
    import re

    offenders = []
    for module in sorted((PROJECT_ROOT / "loader").glob("*.py")):
        if module.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) or (isinstance(node, ast.FunctionDef) and node.name == "__init__"):
                offenders += [f"{module.name}:{node.lineno}: {text.value}" for text in ast.walk(node)
                              if isinstance(text, ast.Constant) and re.search(r"--[a-z]", str(text.value))]
    assert offenders == []


def test_validation_prints_nothing_and_leaves_logging_alone(tmp_path, capfd, caplog):
    """rdflib logs every ill-typed literal; the library refuses them (saying so in a Problem) and
    silences rdflib's and pySHACL's loggers while they run, not logging as a whole, and prints nothing itself."""
    import logging

    from loader import api
    from loader.problems import InvalidInput

    ill_typed = tmp_path / "ill-typed.ttl"
    ill_typed.write_text('<https://w3id.org/sahel-kg/entity/niger> <http://www.w3.org/2000/01/rdf-schema#comment> '
                         '"many"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', encoding="utf-8")
    capfd.readouterr()
    with caplog.at_level(logging.INFO):
        with pytest.raises(InvalidInput) as refused:
            api.validate(ill_typed)
        assert [str(p) for p in refused.value.problems] == [
            f"{ill_typed}: 'many' is not a value of integer (in <https://w3id.org/sahel-kg/entity/niger> "
            "<http://www.w3.org/2000/01/rdf-schema#comment>) [ill-typed]"]
        well_typed = tmp_path / "well-typed.ttl"
        well_typed.write_text(ill_typed.read_text(encoding="utf-8").replace('"many"', '"12"'), encoding="utf-8")
        assert [item.path for item in api.validate(well_typed).files] == [well_typed]
        logging.getLogger("a-notebook").warning("still heard")
    assert [(r.name, r.getMessage()) for r in caplog.records] == [("a-notebook", "still heard")]
    assert capfd.readouterr() == ("", "")
    assert logging.root.manager.disable == logging.NOTSET
    assert logging.getLogger("pyshacl").level == logging.getLogger("rdflib.term").level == logging.NOTSET


def test_server_errors_are_worded_with_the_options():
    from loader.cli import worded
    from loader.remote import AccessDenied, LoadOutcomeUnknown, LoadStopped, RemoteError

    denied = AccessDenied("http://db:8890/sparql-auth", "answered HTTP 401", "Unauthorized")
    assert str(denied) == ("http://db:8890/sparql-auth answered HTTP 401 "
                           "(check the user name, password and authentication scheme): Unauthorized")
    assert worded(LoadStopped(denied)) == (
        "http://db:8890/sparql-auth answered HTTP 401 (check --user, --password and --auth): Unauthorized\n"
        "the load was stopped before any graph was replaced; the remote graphs are as they were")
    assert worded(LoadOutcomeUnknown(RemoteError("cannot reach http://db:8890/sparql: timed out"))) == (
        "cannot reach http://db:8890/sparql: timed out\nthe final step, which replaces all graphs in one request, "
        "may or may not have reached the server: `sahelkg stats --endpoint ...` tells; loading again is safe")


def test_a_long_answer_is_read_page_by_page(store):
    import loader
    from loader.queries import QueryError

    whole = run("query", "timeline", "-p", "entity=Niger", "--format", "csv", "--store", store).stdout.splitlines()
    assert len(whole) > 6
    page = run("query", "timeline", "-p", "entity=Niger", "--format", "csv", "--limit", "2", "--offset", "3",
               "--store", store).stdout.splitlines()
    assert page == [whole[0], *whole[4:6]]  # the header, then rows 4 and 5
    table = run("query", "timeline", "-p", "entity=Niger", "--limit", "2", "--offset", "3", "--store", store)
    assert table.stdout.splitlines()[-1] == "2 row(s), from row 4; --offset 5 for the next 2"
    rows = len(whole) - 1
    full = run("query", "timeline", "-p", "entity=Niger", "--limit", "2", "--offset", str(rows - 2), "--store", store)
    assert full.stdout.splitlines()[-1] == f"2 row(s), from row {rows - 1}, the last"  # exactly full: no next page
    last = run("query", "timeline", "-p", "entity=Niger", "--limit", "50", "--offset", str(rows - 1), "--store", store)
    assert last.stdout.splitlines()[-1] == f"1 row(s), from row {rows}, the last"
    after = run("query", "timeline", "-p", "entity=Niger", "--offset", "1000", "--store", store)
    assert after.stdout.splitlines()[-1] == "0 row(s), none after row 1000"
    with loader.open(store, read_only=True) as kg:
        answer = kg.query("timeline", entity="Niger")
        assert kg.query("timeline", entity="Niger", limit=2, offset=3) == answer[3:5]
        with pytest.raises(QueryError, match="^a page holds one row or more and starts at row 0 or later"):
            kg.query("timeline", entity="Niger", offset=-1)
        with pytest.raises(QueryError, match="^a page holds one row or more"):
            kg.query("timeline", entity="Niger", limit=0)


@pytest.mark.parametrize(("query", "why"), [
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", "it ends with its own LIMIT clause; write the page into the query instead"),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 10 # the rest",
     "it ends with its own OFFSET clause; write the page into the query instead"),
    ("SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { sk:niger }",
     "it ends with its own VALUES clause; write the page into the query instead"),
    ("ASK { sk:niger a skg:State }", "only a SELECT has rows to page, and this is an ASK"),  # LIMIT 0 would make it false
    ("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }", "only a SELECT has rows to page, and this is a CONSTRUCT"),
])
def test_a_page_is_asked_only_of_a_select_that_does_not_page_itself(store, query, why):
    result = run("query", query, "--limit", "1", "--store", store)
    assert (result.exit_code, result.stderr) == (2, f"error: --limit/--offset cannot be used with this query: {why}\n")


def test_a_query_that_is_not_sparql_is_said_so_with_a_page_asked_for(store):
    broken = "SELECT ?s WHERE { ?s a }"
    plain = run("query", broken, "--store", store)
    paged = run("query", broken, "--limit", "1", "--store", store)
    for result in (plain, paged):  # not "cannot be used with this query"
        assert (result.exit_code, result.stderr[:42]) == (2, "error: the query is not valid SPARQL 1.1: ")
    assert run("query", "sources", "--limit", "0", "--store", store).exit_code == 2


# --- long answers: laid out without rich, as rich lays them out --------------------------------------

LONG_ROWS = [[f"sk:entity-{n}", ["Niger", "Burkina Faso", " lead", "trail ", "", "Côte d’Ivoire", "中国"][n % 7],
              "x" * (n % 13)] for n in range(250)]


@pytest.mark.parametrize(("heading", "names", "rows", "width"), [
    ("Who is where - asOf=2024-03-26", ["entity", "name", "note"], LONG_ROWS, 80),  # a table
    ("A title much longer than the table it is the title of, and longer", ["a", "b"], [["1", "2"]] * 201, 80),
    ("", ["entity", "name", "note"], LONG_ROWS, 80),
    ("Wide", [f"column {i}" for i in range(8)], [[f"value {r}.{c} " * 3 for c in range(8)] for r in range(201)], 80),
    ("Edge", ["entity", "name", "note"], LONG_ROWS, 47),  # exactly the table's width: a table
    ("Edge", ["entity", "name", "note"], LONG_ROWS, 46),  # one less: a block per row
    ("No rows", ["name", "q"], [], 80), ("One row", ["name", "q"], [["a", "b"]], 80), ("Narrow", ["name", "q"], [["a", "b"]], 5),
    ("", ["entity", "name", "note"], [], 10),  # no heading, no rows, too wide: nothing
    ("Joined", ["a"], [["x\u200dy"], ["\u00a0nbsp\u00ad"], ["e\u0301"], ["👩‍🚀"]], 40),
])
def test_a_long_answer_is_laid_out_as_rich_lays_it_out(monkeypatch, heading, names, rows, width):
    import io

    from rich.console import Console

    import loader.cli as cli

    captured = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=captured, width=width, soft_wrap=True, markup=False, emoji=False))
    cli._rich_layout(heading, names, rows)
    assert cli.plain_layout(heading, names, rows, width) == captured.getvalue()


def test_a_cell_with_a_control_character_is_left_to_rich():
    import loader.cli as cli

    assert cli.plain_layout("", ["quote"], [["one\nline"]] * 201, 80) is None
    assert cli.plain_layout("", ["quote"], [["tab\there"]] * 201, 80) is None
    assert cli.plain_layout("", ["quote"], [["line\u2028separator"]] * 201, 80) is None  # rich breaks the line
    assert cli.plain_layout("", ["quote"], [["joiner at the end\u200d"]] * 201, 80) is None
    assert cli.plain_layout("", ["quote"], [["plain"]] * 201, 80).startswith("┏━━━━━━━┓\n┃ quote ┃\n")


def test_sahelkg_query_prints_a_long_answer_whole(tmp_path, seed_store_path):
    """More rows than rich lays out (PLAIN_ROWS): every row, and the footer."""
    from loader.cli import PLAIN_ROWS

    query = tmp_path / "many.rq"
    query.write_text("SELECT ?n WHERE { VALUES ?n { " + " ".join(str(n) for n in range(PLAIN_ROWS + 50)) + " } } "
                     "ORDER BY ?n", encoding="utf-8")
    run = CliRunner().invoke(app, ["query", str(query), "--store", str(seed_store_path)])
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert lines[:4] == ["┏━━━━━┓", "┃ n   ┃", "┡━━━━━┩", "│ 0   │"]
    assert lines[-3:] == ["│ 249 │", "└─────┘", "250 row(s)"]


def test_an_answer_to_an_output_that_cannot_encode_the_rules_is_drawn_by_rich(seed_store_path):
    """rich draws the table in ASCII where the output's encoding has no box-drawing characters."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "400", "PYTHONPATH": str(PROJECT_ROOT)}
    run = subprocess.run([sys.executable, "-m", "loader", "query", "who-rules", "--param", "state=Niger",
                          "--store", str(seed_store_path)], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.splitlines()[:2] == ["Who rules a state - state=Niger", "+" + run.stdout.splitlines()[1][1:]]
    assert set(run.stdout.splitlines()[1]) == {"+", "-"}


def test_a_parameter_of_another_class_is_refused_whatever_a_graph_that_names_it_infers(tmp_path):
    """Test text: a Turtle file that says something of the junta and points skg:hostState at it. Its
    inferences do not type the junta (it does not type it), and the class checked is the declaring graph's."""
    from loader.loading import load
    from loader.namespaces import DATA_DIR
    from loader.store import KnowledgeGraph

    note = tmp_path / "test-note.ttl"
    note.write_text("# TEST TEXT written by tests/test_cli.py; not real data\n"
                    "@prefix skg: <https://w3id.org/sahel-kg/ontology#> .\n@prefix sk: <https://w3id.org/sahel-kg/entity/> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    'sk:cnsp rdfs:comment "a note on the junta"@en .\n'
                    "<https://w3id.org/sahel-kg/note/1> skg:hostState sk:cnsp .\n", encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    load([DATA_DIR / "reference.yaml", note], kg)
    assert not kg.query("ASK { sk:cnsp a skg:State }")  # the note names it, it does not type it: no inference
    kg.close()
    run = CliRunner().invoke(app, ["query", "who-rules", "--param", "state=cnsp", "--store", str(tmp_path / "store")])
    assert (run.exit_code, run.stderr.strip()) == (2, "error: --param state: 'cnsp' (National Council for the "
                                                      "Safeguarding of the Fatherland) is a MilitaryJunta, not a State")


@pytest.mark.parametrize("columns", [None, "123", "abc", "0"])
def test_off_a_terminal_an_answer_is_as_wide_as_rich_would_make_it(monkeypatch, columns):
    """Off a terminal the answer is laid out without rich, at the width rich would give it."""
    from rich.console import Console

    import loader.cli as cli

    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "LINES"):
        monkeypatch.delenv(variable, raising=False)
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    console = Console(soft_wrap=True, markup=False, emoji=False)
    assert not console.is_terminal
    assert cli._width_off_terminal() == console.width
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich then sees a terminal: it lays the answer out
    assert cli._width_off_terminal() is None
