"""Bad input through the real `sahelkg` command: exit 1, one exact problem line, no traceback, store untouched.

The seed data (data/) is loaded once, through the CLI, into an on-disk store, which is then dumped
whole (every quad as N-Quads, sorted, plus the named graphs). Each test runs the command under test
on its own copy of that store (in tmp_path, passed by --store) and dumps it again: a failed load must
leave the dump byte-identical.

The bad fact files point at the real article and reuse its real sentences, so that each file has
exactly the one thing wrong that the test is about.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import textwrap
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from loader.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SLUG = "2024-03-26-channelstv-niger-putin-security-cooperation"
ARTICLE = DATA / "articles" / f"{SLUG}.md"
BODY = ARTICLE.read_text(encoding="utf-8")

# Real sentences of the article, verbatim (curly quotes and apostrophes included).
Q_MOSCOW = ("The two countries had already agreed in January to strengthen military ties when Niger Prime "
            "Minister Ali Lamine Zeine led a delegation to Moscow.")
Q_DECEMBER = "A Russian delegation also visited Niger last December."
Q_US_TROOPS = ("The United States still stations some 1,000 troops in Niger although movements have been limited "
               "since the coup and Washington has curbed assistance to the government.")
Q_ECOWAS = ("They had announced in January their intention to withdraw from regional bloc the Economic Community "
            "of West African States (ECOWAS).")
Q_THANKS = ("General Tiani, who has led Niger since the July coup, thanked Putin for Russia’s “support” for the "
            "Sahel country and its struggle for national sovereignty.")
REAL_QUOTES = [Q_MOSCOW, Q_DECEMBER, Q_US_TROOPS, Q_ECOWAS, Q_THANKS]

SUMMARY = "1 problem(s); nothing was written."
# braces doubled: the expected lines are format()ted with the file name
TROOP_FORMS = ("(expected a number, {{about: N}}, {{between: [LOW, HIGH]}}, {{at_least: N}}, {{at_most: N}}, the "
               "article's words ('some 1,000', 'between 1,000 and 1,500', 'more than 100', 'up to 100', optionally "
               "followed by '(per officials)') or one of: "
               "dozens, a few hundred, several hundred, hundreds, several thousand, thousands)")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def fact_file(body: str, article: str | Path = ARTICLE) -> str:
    """Line 1 names the article; ``body`` (dedented) starts on line 2, usually with 'facts:'."""
    return f"article: {q(str(article))}\n" + textwrap.dedent(body).lstrip("\n")


# --- running the command -------------------------------------------------------------------------

runner = CliRunner(env={"SAHELKG_STORE": None})


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    output: str  # stdout and stderr, interleaved as a user sees them
    crash: str | None  # the traceback a real run would print, if the command raised anything but an exit

    @property
    def problem_lines(self) -> list[str]:
        return self.stderr.splitlines()


def sahelkg(*args) -> Run:
    result = runner.invoke(app, [str(a) for a in args])
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(*result.exc_info))
    run = Run(result.exit_code, result.stdout, result.stderr, result.output, crash)
    # The command does not close its store: the store stays open (and locked) as long as the
    # command's frame lives on in the result's traceback. Let it go before the store is opened again.
    if result.exc_info is not None:
        traceback.clear_frames(result.exc_info[2])
    del result
    return run


@dataclass(frozen=True)
class Dump:
    nquads: bytes
    graphs: tuple[str, ...]
    length: int


def dump(store: Path) -> Dump:
    """Everything in the store; open it only between CLI calls, and close it before the next."""
    try:
        db = ox.Store.read_only(str(store))
    except OSError:  # still held by a frame in a reference cycle
        gc.collect()
        db = ox.Store.read_only(str(store))
    try:
        lines = sorted(str(quad) for quad in db)
        graphs = tuple(sorted(str(g) for g in db.named_graphs()))
        length = len(db)
    finally:
        del db
    return Dump("".join(line + " .\n" for line in lines).encode("utf-8"), graphs, length)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> tuple[Path, Dump]:
    """An on-disk store holding the seed data, loaded through the CLI, and its dump."""
    path = tmp_path_factory.mktemp("seeded") / "store"
    run = sahelkg("load", DATA, "--store", path)
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    before = dump(path)
    assert before.length > 1000  # the seed data really is in there
    assert f"<https://w3id.org/sahel-kg/article/{SLUG}>" in before.graphs
    return path, before


@pytest.fixture
def store(seeded, tmp_path) -> Path:
    """A private copy of the seeded store (the store is closed, so its directory is all there is)."""
    path = tmp_path / "store"
    shutil.copytree(seeded[0], path)
    return path


@pytest.fixture
def seed_dump(seeded, store) -> Dump:
    """The dump of the seeded store, which each test's copy starts from."""
    return seeded[1]


def assert_clean_failure(run: Run) -> None:
    """Exit 1 through the command's own error handling: a real run would print no traceback."""
    assert run.crash is None, f"the command crashed; a real run prints:\n{run.crash}"
    assert run.exit_code == 1
    assert "Traceback" not in run.output


def assert_unchanged(store: Path, before: Dump) -> None:
    after = dump(store)
    assert after.length == before.length
    assert after.graphs == before.graphs
    assert after.nquads == before.nquads


# --- the bad files -------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    name: str  # file name, written in tmp_path/facts/
    content: str | bytes | None  # None: no such file
    expected: list[str]  # problem lines; {file} is the path given, {missing} the resolved missing article
    xfail: str | None = None
    marks: list = field(default_factory=list)


def visit(date: str = "2024-01", extra: str = "", *, actor: str = "Niger", kind: str = "Visit") -> str:
    # line 3: id, 4: type, 5: kind, 6: actor, 7: counterpart, 8: date, 9: quote, 10+: extra
    return fact_file(f"""
        facts:
          - id: visit
            type: DiplomaticContact
            kind: {kind}
            actor: {actor}
            counterpart: Russia
            date: {date}
            quote: {q(Q_MOSCOW)}
        """) + textwrap.indent(textwrap.dedent(extra).lstrip("\n"), "    ")


def presence(host: str = "Niger", start: str = "before 2024-03-26", end: str = "ongoing", troops: str | None = None) -> str:
    # line 3: id, 4: type, 5: deploying_state, 6: host_state, 7: start, 8: end, 9: quote, 10: troops
    return fact_file(f"""
        facts:
          - id: presence
            type: MilitaryPresence
            deploying_state: United States
            host_state: {host}
            start: {start}
            end: {end}
            quote: {q(Q_US_TROOPS)}
        """) + (f"    troops: {troops}\n" if troops is not None else "")


def membership(member: str, organization: str) -> str:
    # line 3: id, 4: type, 5: member, 6: organization, 7: status, 8: start, 9: quote
    return fact_file(f"""
        facts:
          - id: membership
            type: Membership
            member: {member}
            organization: {organization}
            status: WithdrawalAnnounced
            start: 2024-01
            quote: {q(Q_ECOWAS)}
        """)


CASES = [
    # impossible dates: unquoted (as people write them) and quoted
    Case("impossible-date", "date.yaml", visit("2024-13-40"),
         ["{file}:8: fact 'visit', field 'date': '2024-13-40' is not a real date: there is no month 13 [real-date]"]),
    Case("impossible-date-quoted", "date.yaml", visit('"2024-13-40"'),
         ["{file}:8: fact 'visit', field 'date': '2024-13-40' is not a real date: there is no month 13 [real-date]"]),
    Case("31-february", "feb.yaml", visit("2023-02-31"),
         ["{file}:8: fact 'visit', field 'date': '2023-02-31' is not a real date: February 2023 has 28 days "
          "[real-date]"]),
    Case("31-february-quoted", "feb.yaml", visit("'2023-02-31'"),
         ["{file}:8: fact 'visit', field 'date': '2023-02-31' is not a real date: February 2023 has 28 days "
          "[real-date]"]),
    Case("30-february-leap-year", "feb.yaml", visit("2024-02-30"),
         ["{file}:8: fact 'visit', field 'date': '2024-02-30' is not a real date: February 2024 has 29 days "
          "[real-date]"]),
    Case("qualifier-on-a-day", "mid.yaml", visit("mid 2024-03-26"),
         ["{file}:8: fact 'visit', field 'date': 'mid' applies to a month or a year, not to a day [real-date]"]),
    Case("not-a-time", "soon.yaml", visit("soon"),
         ["{file}:8: fact 'visit', field 'date': 'soon' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD) "
          "[real-date]"]),
    Case("ongoing-as-start", "ongoing.yaml", presence(start="ongoing"),
         ["{file}:7: fact 'presence', field 'start': 'ongoing' can only be an end [real-date]"]),
    # end before start
    Case("end-before-start", "ends.yaml", presence(start="2024-03", end="2023-07"),
         ["{file}:8: fact 'presence', field 'end': end '2023-07' is before start '2024-03' [end-before-start]"]),
    Case("end-before-start-same-month", "ends.yaml", presence(start="late 2023-07", end="early 2023-07"),
         ["{file}:8: fact 'presence', field 'end': end 'early 2023-07' is before start 'late 2023-07' "
          "[end-before-start]"]),
    # quotes must be verbatim sentences of the article
    Case("quote-not-in-article", "quote.yaml",
         fact_file(f"""
            facts:
              - id: visit
                type: DiplomaticContact
                kind: Visit
                actor: Russia
                counterpart: Niger
                date: 2023-12
                quote: {q("Niger and Russia signed a treaty of eternal friendship.")}
            """),
         [f"{{file}}:9: fact 'visit', field 'quote': the quote is not in article {SLUG}: 'Niger and Russia signed a "
          "treaty of eternal friendship.' (quotes are verbatim, including curly quotes and apostrophes) "
          "[quote-in-article]"]),
    Case("quote-with-straight-quotes", "quote.yaml",
         fact_file(f"""
            facts:
              - id: thanks
                type: Statement
                kind: Gratitude
                actor: Tiani
                addressee: Putin
                content: Russia's support
                date: 2024-03-26
                quote: {q(Q_THANKS.replace("’", "'").replace("“", '"').replace("”", '"'))}
            """),
         [f"{{file}}:10: fact 'thanks', field 'quote': the quote is not in article {SLUG}: 'General Tiani, who has "
          "led Niger since the July coup, thanke...' (quotes are verbatim, including curly quotes and "
          "apostrophes) [quote-in-article]"]),
    # entities: unknown, and of the wrong kind for their role
    Case("unknown-entity-near-match", "nigr.yaml", visit(actor="Nigr"),
         ["{file}:6: fact 'visit', field 'actor': unknown entity 'Nigr'; did you mean 'niger'? "
          "(declare it under 'entities:' if it is new) [unknown-entity]"]),
    Case("unknown-entity-no-match", "wakanda.yaml", visit(actor="Wakanda"),
         ["{file}:6: fact 'visit', field 'actor': unknown entity 'Wakanda' "
          "(declare it under 'entities:' if it is new) [unknown-entity]"]),
    Case("alliance-as-host-state", "ecowas.yaml", presence(host="ECOWAS"),
         ["{file}:6: fact 'presence', field 'host_state': 'ECOWAS' is an Alliance, but 'host_state' of a "
          "MilitaryPresence must be a State [wrong-kind]"]),
    Case("person-as-organization", "putin.yaml", membership("Niger", "Putin"),
         ["{file}:6: fact 'membership', field 'organization': 'Putin' is a Person, but 'organization' of a "
          "Membership must be an Organization [wrong-kind]"]),
    Case("city-as-member", "moscow.yaml", membership("Moscow", "ECOWAS"),
         ["{file}:5: fact 'membership', field 'member': 'Moscow' is a City, but 'member' of a Membership must be "
          "an Actor [wrong-kind]"]),
    # fields
    Case("unknown-field-did-you-mean", "field.yaml", visit(extra="descripton: A delegation led by Zeine.\n"),
         ["{file}:10: fact 'visit', field 'descripton': unknown field 'descripton' for a DiplomaticContact; "
          "did you mean 'description'? [unknown-field]"]),
    Case("unknown-field-allowed-list", "field.yaml", visit(extra="colour: red\n"),
         ["{file}:10: fact 'visit', field 'colour': unknown field 'colour' for a DiplomaticContact (allowed: "
          "according_to, actor, counterpart, date, description, distinct_from, id, kind, leader, outcome, outcome_with, "
          "place, purpose, quote, same_as, topics, type) [unknown-field]"]),
    Case("bad-vocabulary-value", "telegram.yaml", visit(kind="Telegram"),
         ["{file}:5: fact 'visit', field 'kind': 'Telegram' is not a ContactKind (expected one of: Meeting, "
          "PhoneCall, Summit, Visit) [unknown-value]"]),
    # troops
    Case("negative-troops", "troops.yaml", presence(troops="-5"),
         ["{file}:10: fact 'presence', field 'troops': troop strength -5 is not a positive whole number [troops]"]),
    Case("zero-troops", "troops.yaml", presence(troops="0"),
         ["{file}:10: fact 'presence', field 'troops': troop strength 0 is not a positive whole number [troops]"]),
    Case("non-numeric-troops", "troops.yaml", presence(troops="about a thousand"),
         ["{file}:10: fact 'presence', field 'troops': troop strength 'about a thousand' is not understood "
          f"{TROOP_FORMS} [troops]"]),
    Case("troops-with-a-broken-thousands-separator", "troops.yaml", presence(troops='"1,00"'),
         ["{file}:10: fact 'presence', field 'troops': troop strength '1,00' is not understood "
          f"{TROOP_FORMS} [troops]"]),
    Case("fractional-troops", "troops.yaml", presence(troops="999.5"),
         ["{file}:10: fact 'presence', field 'troops': troop strength 999.5 is not a positive whole number "
          "[troops]"]),
    Case("negative-approximate-troops", "troops.yaml", presence(troops="{about: -1000}"),
         ["{file}:10: fact 'presence', field 'troops': troop strength -1000 is not a positive whole number "
          "[troops]"]),
    # files
    Case("missing-article", "noarticle.yaml", visit().replace(q(str(ARTICLE)), "../articles/no-such-article.md"),
         ["{file}:1: field 'article': article file {missing} does not exist [missing-article]"]),
    Case("missing-fact-file", "nowhere.yaml", None, ["{file}: no such file [no-such-file]"]),
    Case("duplicate-fact-id", "dup.yaml",
         fact_file(f"""
            facts:
              - id: visit
                type: DiplomaticContact
                kind: Visit
                actor: Niger
                counterpart: Russia
                date: 2024-01
                quote: {q(Q_MOSCOW)}
              - id: visit
                type: DiplomaticContact
                kind: Visit
                actor: Russia
                counterpart: Niger
                date: 2023-12
                quote: {q(Q_DECEMBER)}
            """),
         ["{file}:10: fact 'visit': fact id 'visit' is used twice in this file (first on line 3) [duplicate-id]"]),
    Case("yaml-syntax-error", "syntax.yaml", visit(extra="description: Niger: a fledgling defence partner\n"),
         ["{file}:10: invalid YAML: mapping values are not allowed here [yaml-syntax]"]),
    Case("yaml-unclosed-bracket", "syntax.yaml", visit(actor="[Niger, Russia"),
         ["{file}:7: invalid YAML: expected ',' or ']', but got ':' [yaml-syntax]"]),
    Case("yaml-alias", "alias.yaml",
         fact_file(f"""
            facts:
              - id: visit
                type: DiplomaticContact
                kind: Visit
                actor: &niger Niger
                counterpart: *niger
                date: 2024-01
                quote: {q(Q_MOSCOW)}
            """),
         ["{file}:7: YAML aliases (*name) are not allowed in fact files [yaml-syntax]"]),
    Case("yaml-duplicate-key", "dupkey.yaml", visit(extra="date: 2024-02\n"),
         ["{file}:10: key 'date' appears twice in one mapping [yaml-syntax]"]),
    Case("empty-file", "empty.yaml", "",
         ["{file}: the file is empty (expected 'entities:' and/or 'facts:') [empty-file]"]),
    Case("comments-only-file", "empty.yaml", "# facts of the article, to be written\n\n",
         ["{file}: the file is empty (expected 'entities:' and/or 'facts:') [empty-file]"]),
    Case("not-utf-8", "latin1.yaml",
         "# Alliance des États du Sahel\n".encode("latin-1") + visit().encode("utf-8"),
         ["{file}:1: not UTF-8 text (invalid byte at offset 15) [utf-8]"]),
    Case("turtle-syntax-error", "bad.ttl",
         "@prefix sk: <https://w3id.org/sahel-kg/entity/> .\n"
         "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
         'sk:niger rdfs:label "Niger"@en .\n'
         "sk:mali rdfs:label .\n",
         ["{file}:4: invalid Turtle: Parser error at line 4 column 20: . is not a valid RDF object [rdf-syntax]"]),
]


def _params():
    params = []
    for case in CASES:
        marks = list(case.marks)
        if case.xfail:
            marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def fact_path(tmp_path: Path, name: str) -> Path:
    """Where a test writes a fact file for the seed article: under the article's own file name (it is
    not the file the seed was loaded from, so a valid one loads only with --replace)."""
    path = tmp_path / name / f"{SLUG}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_case(tmp_path: Path, case: Case) -> tuple[Path, list[str]]:
    # A bad fact file for the seed article stands for the article's own fact file after a bad
    # edit: same file name (a second file for the article would be refused on that ground alone).
    path = tmp_path / "facts" / case.name
    if path.suffix == ".yaml" and case.content is not None and "one-file-per-article" not in case.name:
        path = tmp_path / "facts" / case.name.removesuffix(".yaml") / f"{SLUG}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    elif case.content is not None:
        path.write_text(case.content, encoding="utf-8")
    missing = (path.parent / "../articles/no-such-article.md").resolve()
    return path, [line.format(file=path, missing=missing) for line in case.expected]


def test_the_quotes_used_here_are_real():
    for quote in REAL_QUOTES:
        assert quote in BODY


@pytest.mark.parametrize("case", _params())
def test_load_rejects_bad_file(case: Case, tmp_path, store, seed_dump):
    path, expected = write_case(tmp_path, case)
    run = sahelkg("load", path, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [*expected, SUMMARY]
    assert run.stdout == ""
    assert_unchanged(store, seed_dump)


@pytest.mark.parametrize("case", _params())
def test_validate_rejects_bad_file(case: Case, tmp_path, store, seed_dump):
    path, expected = write_case(tmp_path, case)
    run = sahelkg("validate", path, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [*expected, SUMMARY]
    assert_unchanged(store, seed_dump)


def test_unknown_field_also_reports_the_missing_required_field(tmp_path, store, seed_dump):
    path = fact_path(tmp_path, "typo")
    path.write_text(visit().replace("counterpart:", "countrepart:"), encoding="utf-8")
    run = sahelkg("load", path, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [
        f"{path}:7: fact 'visit', field 'countrepart': unknown field 'countrepart' for a DiplomaticContact; "
        "did you mean 'counterpart'? [unknown-field]",
        f"{path}:3: fact 'visit': a DiplomaticContact needs 'counterpart' [required-field]",
        "2 problem(s); nothing was written.",
    ]
    assert_unchanged(store, seed_dump)


# --- all or nothing ------------------------------------------------------------------------------


def _relative_article(from_dir: Path) -> str:
    return os.path.relpath(ARTICLE, from_dir)


def test_batch_with_one_bad_file_writes_nothing(tmp_path, store, seed_dump):
    """A valid fact file then an invalid Turtle file: the valid one is not written either."""
    good = fact_path(tmp_path, "a-good")
    good.write_text(fact_file(f"""
        facts:
          - id: russian-delegation
            type: DiplomaticContact
            kind: Visit
            actor: Russia
            counterpart: Niger
            date: 2023-12
            quote: {q(Q_DECEMBER)}
        """, article=_relative_article(good.parent)), encoding="utf-8")
    bad = tmp_path / "b-bad.ttl"
    bad.write_text("@prefix sk: <https://w3id.org/sahel-kg/entity/> .\nsk:niger sk:x .\n", encoding="utf-8")
    # the first file alone is valid, and loading it would change the store (it replaces the article's graph)
    alone = sahelkg("validate", good, "--store", store, "--replace")
    assert (alone.exit_code, alone.crash) == (0, None), alone.output
    run = sahelkg("load", good, bad, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [
        f"{bad}:2: invalid Turtle: Parser error at line 2 column 15: . is not a valid RDF object [rdf-syntax]",
        SUMMARY,
    ]
    assert_unchanged(store, seed_dump)


def test_batch_entity_file_then_bad_fact_file_writes_nothing(tmp_path, store, seed_dump):
    """A valid entity file, then a fact file that uses its entity but quotes a sentence not in the article."""
    entities = tmp_path / "a-entities.yaml"
    entities.write_text(textwrap.dedent("""\
        entities:
          - id: g5-sahel
            type: Alliance
            label: G5 Sahel
            aliases: [G5 Sahel joint force]
        """), encoding="utf-8")
    facts = fact_path(tmp_path, "b-facts")
    facts.write_text(fact_file(f"""
        facts:
          - id: niger-in-g5
            type: Membership
            member: Niger
            organization: G5 Sahel
            status: WithdrawalAnnounced
            start: 2024-01
            quote: {q(Q_ECOWAS.replace("(ECOWAS)", "(G5 Sahel)"))}
        """), encoding="utf-8")
    run = sahelkg("load", entities, facts, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [
        f"{facts}:9: fact 'niger-in-g5', field 'quote': the quote is not in article {SLUG}: 'They had announced "
        "in January their intention to withdraw fr...' (quotes are verbatim, including curly quotes and "
        "apostrophes) [quote-in-article]",
        SUMMARY,
    ]
    assert_unchanged(store, seed_dump)


def test_every_problem_of_a_batch_is_reported(tmp_path, store, seed_dump):
    first, second = fact_path(tmp_path, "one"), tmp_path / "two.yaml"
    first.write_text(presence(host="ECOWAS"), encoding="utf-8")
    second.write_text("", encoding="utf-8")
    run = sahelkg("load", first, second, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [
        f"{second}: the file is empty (expected 'entities:' and/or 'facts:') [empty-file]",
        f"{first}:6: fact 'presence', field 'host_state': 'ECOWAS' is an Alliance, but 'host_state' of a "
        "MilitaryPresence must be a State [wrong-kind]",
        "2 problem(s); nothing was written.",
    ]
    assert_unchanged(store, seed_dump)


def canonical(store: Path) -> list[str]:
    """The store's quads with blank nodes relabelled from their content (RDFC-1.0), sorted."""
    try:
        db = ox.Store.read_only(str(store))
    except OSError:
        gc.collect()
        db = ox.Store.read_only(str(store))
    try:
        dataset = ox.Dataset(db)
    finally:
        del db
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) for quad in dataset)


def test_loading_the_seed_data_again_gives_the_same_graph(store, seed_dump):
    before = canonical(store)
    run = sahelkg("load", DATA, "--store", store)
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    assert run.stdout.splitlines()[-1] == f"store {store}: 0 quads added, 0 removed"
    after = dump(store)
    assert (after.length, after.graphs) == (seed_dump.length, seed_dump.graphs)
    assert canonical(store) == before
    # every quad without a blank node is byte-identical
    def named_only(nquads: bytes) -> list[bytes]:
        return [line for line in nquads.splitlines() if not line.startswith(b"_:") and b" _:" not in line]

    assert named_only(after.nquads) == named_only(seed_dump.nquads)
    assert len(named_only(after.nquads)) > 1000


def test_loading_the_seed_data_again_changes_nothing(store, seed_dump):
    """Graphs whose content would not change are not rewritten, so even the ontology's blank nodes keep their labels."""
    run = sahelkg("load", DATA, "--store", store)
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    assert run.stdout.splitlines()[-1] == f"store {store}: 0 quads added, 0 removed"
    assert_unchanged(store, seed_dump)


# --- validate -------------------------------------------------------------------------------------


def test_validate_json_lists_problems(tmp_path, store, seed_dump):
    path = fact_path(tmp_path, "telegram")
    path.write_text(visit(kind="Telegram", actor="Nigr"), encoding="utf-8")
    run = sahelkg("validate", path, "--store", store, "--format", "json")
    assert_clean_failure(run)
    assert run.stderr == ""
    problems = json.loads(run.stdout)
    assert problems == [
        {"file": str(path), "line": 5, "fact": "visit", "field": "kind", "rule": "unknown-value",
         "message": "'Telegram' is not a ContactKind (expected one of: Meeting, PhoneCall, Summit, Visit)"},
        {"file": str(path), "line": 6, "fact": "visit", "field": "actor", "rule": "unknown-entity",
         "message": "unknown entity 'Nigr'; did you mean 'niger'? (declare it under 'entities:' if it is new)"},
    ]
    assert all(set(p) == {"file", "line", "fact", "field", "rule", "message"} for p in problems)
    assert_unchanged(store, seed_dump)


def test_load_json_lists_problems(tmp_path, store, seed_dump):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    run = sahelkg("load", path, "--store", store, "--format", "json")
    assert_clean_failure(run)
    assert json.loads(run.stdout) == [
        {"file": str(path), "rule": "empty-file",
         "message": "the file is empty (expected 'entities:' and/or 'facts:')"},
    ]
    assert_unchanged(store, seed_dump)


def test_validate_seed_data_against_the_store(store, seed_dump):
    run = sahelkg("validate", DATA, "--store", store)
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    assert [line.split(":")[0] for line in run.stdout.splitlines()] == [
        f"ok {DATA / 'facts' / (SLUG + '.yaml')}", f"ok {DATA / 'reference.yaml'}",
    ]
    assert_unchanged(store, seed_dump)


def test_validate_seed_data_without_a_store(tmp_path):
    missing = tmp_path / "no-store"
    run = sahelkg("validate", DATA, "--store", missing)
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    assert len(run.stdout.splitlines()) == 2
    run = sahelkg("validate", DATA, "--store", missing, "--format", "json")
    assert (run.exit_code, run.crash) == (0, None), run.output
    assert json.loads(run.stdout) == []
    assert not missing.exists()  # validating creates no store


# --- behaviour worth knowing ---------------------------------------------------------------------


def test_person_as_member_follows_the_ontology_range(tmp_path, store, seed_dump):
    """skg:member has range skg:Actor and skg:Person is an Actor, so a person may be a member (of a junta, say)."""
    path = fact_path(tmp_path, "putin-member")
    path.write_text(membership("Putin", "ECOWAS"), encoding="utf-8")
    run = sahelkg("validate", path, "--store", store, "--replace")
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    assert_unchanged(store, seed_dump)


AFTER_PUBLICATION = ("is after the article was published (2024-03-26); an article reports what has already "
                     "happened [after-publication]")


@pytest.mark.parametrize("date", ["2030-05-01", "after 2025-01", "late 2024-12", "2024-03-27"])
def test_event_after_publication_is_rejected(date, tmp_path, store, seed_dump):
    path = fact_path(tmp_path, "future")
    path.write_text(fact_file(f"""
        facts:
          - id: visit
            type: DiplomaticContact
            kind: Visit
            actor: Russia
            counterpart: Niger
            date: {date}
            quote: {q(Q_DECEMBER)}
        """), encoding="utf-8")
    run = sahelkg("load", path, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [f"{path}:8: fact 'visit', field 'date': '{date}' {AFTER_PUBLICATION}", SUMMARY]
    assert run.stdout == ""
    assert_unchanged(store, seed_dump)


@pytest.mark.parametrize("start", ["2024-04", "after 2025", "2024-03-27"])
def test_start_after_publication_is_rejected(start, tmp_path, store, seed_dump):
    path = fact_path(tmp_path, "future")
    path.write_text(presence(start=start), encoding="utf-8")
    run = sahelkg("load", path, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [f"{path}:7: fact 'presence', field 'start': '{start}' {AFTER_PUBLICATION}", SUMMARY]
    assert run.stdout == ""
    assert_unchanged(store, seed_dump)


def _stored_times(store: Path, kind: str, key: str) -> dict[str, str]:
    """The time quads (skg:KEY, KEYEarliest, KEYLatest) of the one report of a KIND in the article's graph."""
    try:
        db = ox.Store.read_only(str(store))
    except OSError:
        gc.collect()
        db = ox.Store.read_only(str(store))
    try:
        rows = list(db.query(f"""
            PREFIX skg: <https://w3id.org/sahel-kg/ontology#>
            SELECT ?f ?p ?o WHERE {{
              GRAPH <https://w3id.org/sahel-kg/article/{SLUG}> {{ ?f skg:reportedType skg:{kind} ; ?p ?o }}
              FILTER(?p IN (skg:{key}, skg:{key}Earliest, skg:{key}Latest))
            }}"""))
    finally:
        del db
    assert len({str(row["f"]) for row in rows}) == 1
    return {row["p"].value.rsplit("#", 1)[1]: str(row["o"]) for row in rows}


def _xsd(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<http://www.w3.org/2001/XMLSchema#{datatype}>'


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024", {"date": _xsd("2024", "gYear"), "dateEarliest": _xsd("2024-01-01", "date"),
                  "dateLatest": _xsd("2024-03-26", "date")}),
        ("late 2024-03", {"date": _xsd("2024-03", "gYearMonth"), "dateEarliest": _xsd("2024-03-21", "date"),
                          "dateLatest": _xsd("2024-03-26", "date")}),
        ("after 2024-03-26", {"dateEarliest": _xsd("2024-03-26", "date"), "dateLatest": _xsd("2024-03-26", "date")}),
        ("before 2025", {"dateLatest": _xsd("2024-03-26", "date")}),
        ("2024-03-26", {"date": _xsd("2024-03-26", "date"), "dateEarliest": _xsd("2024-03-26", "date"),
                        "dateLatest": _xsd("2024-03-26", "date")}),
    ],
)
def test_reported_date_is_capped_at_publication(date, expected, tmp_path, store):
    """An event that may have happened by publication is accepted; its latest day is then the publication day."""
    path = fact_path(tmp_path, "capped")
    path.write_text(fact_file(f"""
        facts:
          - id: visit
            type: DiplomaticContact
            kind: Visit
            actor: Russia
            counterpart: Niger
            date: {date}
            quote: {q(Q_DECEMBER)}
        """), encoding="utf-8")
    run = sahelkg("load", path, "--store", store, "--replace")
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    assert _stored_times(store, "DiplomaticContact", "date") == expected


def test_reported_start_is_capped_at_publication(tmp_path, store):
    path = fact_path(tmp_path, "capped")
    path.write_text(presence(start="2024"), encoding="utf-8")
    run = sahelkg("load", path, "--store", store, "--replace")
    assert (run.exit_code, run.crash, run.stderr) == (0, None, ""), run.output
    assert _stored_times(store, "MilitaryPresence", "start") == {
        "start": _xsd("2024", "gYear"), "startEarliest": _xsd("2024-01-01", "date"),
        "startLatest": _xsd("2024-03-26", "date"),
    }


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("0000-01-01", "'0000-01-01' is not a real date: years start at 0002 here"),
        ("before 0001", "'0001' is not a real date: years start at 0002 here"),
        ('"２０２４-01"', "'２０２４-01' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
    ],
)
def test_unusual_dates_are_rejected_cleanly(date, message, tmp_path, store, seed_dump):
    path = fact_path(tmp_path, "odd-date")
    path.write_text(visit(date), encoding="utf-8")
    run = sahelkg("load", path, "--store", store)
    assert_clean_failure(run)
    assert run.problem_lines == [f"{path}:8: fact 'visit', field 'date': {message} [real-date]", SUMMARY]
    assert run.stdout == ""
    assert_unchanged(store, seed_dump)
