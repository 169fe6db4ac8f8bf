"""Many articles, one graph: the seed article plus the development set of test texts (tests/devset/).

Reports of one real-world situation or event merge into one fact, whatever order the articles are
loaded in; its time comes from every report; a syndicated story counts as one source; the planted
disagreements are listed and marked in as-of answers. tests/devset/README.md gives the scenarios.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from rdflib import RDF, URIRef
from typer.testing import CliRunner

from loader.cli import app
from loader.export import export
from loader.loading import known_entities, load, remove
from loader.namespaces import DATA_DIR, SK, SKG
from loader.problems import InvalidInput
from loader.queries import ask
from loader.store import KnowledgeGraph

DEVSET = Path(__file__).resolve().parent / "devset"
ENTITIES = DEVSET / "devset-entities.yaml"
ARTICLES = sorted((DEVSET / "facts").glob("*.yaml"))
SEED = DATA_DIR / "facts" / "2024-03-26-channelstv-niger-putin-security-cooperation.yaml"
REFERENCE = DATA_DIR / "reference.yaml"
US_IN_NIGER = ("SELECT ?f WHERE { ?f skg:factType skg:MilitaryPresence ; skg:deployingState sk:united-states ; "
               "skg:hostState sk:niger }")


def dump(kg: KnowledgeGraph) -> bytes:
    """Every quad, inferences included, as the export writes them (blank nodes canonically labelled)."""
    return export(kg.quads(), "nquads")


def build(path: Path, *batches: list[Path]) -> KnowledgeGraph:
    """A store loaded batch after batch (each batch one load, as a user would run them)."""
    kg = KnowledgeGraph(path)
    for batch in batches:
        load(batch, kg)
    return kg


@pytest.fixture(scope="module")
def devset(tmp_path_factory):
    """The seed data and the whole devset, loaded as one batch."""
    kg = build(tmp_path_factory.mktemp("devset") / "store", [REFERENCE, ENTITIES, SEED, *ARTICLES])
    yield kg
    kg.close()


def counts(kg, fact: str) -> tuple[int, int, int]:
    row = next(iter(kg.query(f"SELECT ?r ?a ?s WHERE {{ <{fact}> skg:reportCount ?r ; skg:articleCount ?a ; "
                             "skg:sourceCount ?s }")))
    return int(row["r"].value), int(row["a"].value), int(row["s"].value)


def status(kg, as_of: str, deploying: str, host: str = "Niger") -> dict:
    rows = [r for r in ask(kg, "foreign-presences", {"host": host}, as_of) if r["deployingState"] == deploying]
    assert len(rows) <= 1, rows
    return rows[0] if rows else {"status": "not yet"}


# --- one node per real situation or event -----------------------------------------------------------


def test_one_node_per_real_presence(devset):
    (row,) = list(devset.query(US_IN_NIGER))
    # six articles report it, and three of them also report steps of its withdrawal (which count as
    # its reports: they give its end); Sahel Wire twice and two Reuters stories (two publishers): four sources
    assert counts(devset, row["f"].value) == (9, 6, 4)
    presences = {(r["deployingState"], r["sources"]) for r in ask(devset, "foreign-presences", {"host": "Niger"},
                                                                    "2024-04-01")}
    assert presences == {("United States", "4"), ("France", "3")}


def test_the_seed_and_the_devset_make_59_facts_from_77_reports(devset):
    row = next(iter(devset.query("SELECT (COUNT(DISTINCT ?f) AS ?facts) (COUNT(DISTINCT ?r) AS ?reports) "
                                 "WHERE { ?f skg:report ?r }")))
    assert (int(row["facts"].value), int(row["reports"].value)) == (59, 77)


def test_who_rules_niger_is_one_row_however_many_articles_report_it(devset):
    rows = ask(devset, "who-rules", {"state": "Niger"})
    assert [(r["regimeName"], r["since"], r["until"], r["sources"]) for r in rows] == [
        ("National Council for the Safeguarding of the Fatherland", "2023-07", "still in power on 2024-07-08", "2")]
    # the coup behind it is dated July by one article and August by another: kept, and flagged
    assert rows[0]["coupDate"] == "disputed: 2023-07 or 2023-08"


def test_two_coups_a_year_apart_stay_two_facts_behind_one_regime(devset):
    coups = ask(devset, "timeline", {"entity": "Mali"})
    assert [(r["when"], r["type"]) for r in coups if r["type"] == "coup"] == [
        ("2020-08-18", "coup"), ("2021-05-24", "coup")]
    (rule,) = ask(devset, "who-rules", {"state": "Mali"})
    assert (rule["leaderName"], rule["coupDate"], rule["ousted"]) == (
        "Assimi Goïta", "2020-08-18; 2021-05-24", "Ibrahim Boubacar Keïta; Bah Ndaw")


def test_distinct_from_keeps_two_handovers_apart(devset):
    rows = [r for r in ask(devset, "partners", {"state": "Niger"}) if r["what"] == "withdrawal"]
    assert [(r["when"], r["partner"]) for r in rows] == [
        ("2023-12-22", "France"), ("2024-07-07", "United States"), ("2024-08-05", "United States")]
    assert not [c for c in ask(devset, "conflicts") if "Withdrawal" in c["name"]]


# --- time from every report -------------------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "expected"), [
    ("2023-06-01", "possibly active"),  # no start is known before the first "still there" (2023-09-14)
    ("2023-09-14", "active"),
    ("2024-01-15", "active"),  # between two articles' observations: neither alone says so
    ("2024-07-08", "active"),
    ("2024-08-05", "active"),  # the day the withdrawal was completed
    ("2024-08-06", "ended"),
    ("2024-09-01", "ended"),
])
def test_the_us_presence_is_active_between_its_observations_and_ended_after_its_withdrawal(devset, as_of, expected):
    row = status(devset, as_of, "United States")
    assert row["status"] == expected
    assert row["until"] == "ended 2024-08-05; end planned by 2024-09-15"
    assert row["troops"] == "about 1100 (2023-09-14); about 1000 (2024-03-26); a few hundred (2024-04-12)"


def test_a_planned_end_is_shown_as_planned_not_taken_as_done(tmp_path):
    agreed = DEVSET / "facts" / "2024-05-20-lagoseveningpost-us-niger-agree-troop-withdrawal.yaml"
    kg = build(tmp_path / "store", [REFERENCE, ENTITIES, SEED, agreed])
    after_the_deadline = status(kg, "2024-10-01", "United States")
    assert (after_the_deadline["status"], after_the_deadline["until"]) == (
        "possibly active", "ongoing on 2024-03-26; end planned by 2024-09-15")
    kg.close()


def test_a_sharper_end_from_another_article_decides_the_day(devset, seed):
    # the seed alone: ended "before 2024-03-26", so 2024-01-01 cannot be decided
    assert status(seed, "2024-01-01", "France")["status"] == "possibly active"
    row = status(devset, "2024-01-01", "France")
    assert (row["status"], row["since"], row["until"], row["sources"]) == ("ended", "by 2023-09-14", "ended 2023-12-22", "3")


# --- corroboration and disagreement -----------------------------------------------------------------


def test_a_story_carried_by_two_publishers_from_one_agency_is_one_source(devset):
    rows = [r for r in ask(devset, "corroboration", {"entity": "Wagner Group"})]
    # (the Africa Corps' take-over of Wagner's units comes from another test text, first: least supported)
    assert [(r["type"], r["reports"], r["articles"], r["sources"]) for r in rows] == [
        ("succession", "1", "1", "1"), ("announcement", "2", "2", "1"), ("military presence", "2", "2", "1")]


def test_single_source_facts_are_listed_too(devset):
    rows = ask(devset, "corroboration", {"entity": "Niger"})
    assert len(rows) == 32 and sum(r["sources"] == "1" for r in rows) == 26
    assert (rows[0]["sources"], rows[-1]["sources"], rows[-1]["name"]) == (
        "1", "4", "MilitaryPresence: United States, Niger")
    # with no entity, every entity's facts: each of the 59 facts once for each entity it involves
    every = ask(devset, "corroboration")
    assert (len(every), len({r["fact"] for r in every})) == (163, 59)


def test_the_planted_disagreements_are_listed(devset):
    rows = ask(devset, "conflicts")
    assert [(r["name"], r["aspect"], r["valueA"], r["valueB"]) for r in rows] == [
        ("Coup: Niger", "date", "2023-08", "2023-07"),
        ("MilitaryPresence: United States, Niger", "troops", "about 1000 (2024-03-26)", "a few hundred (2024-04-12)"),
    ]
    troops = rows[1]
    assert troops["quoteA"].startswith("The United States still stations some 1,000 troops in Niger")
    assert troops["quoteB"] == ("A few hundred American soldiers remain in Niger, where Washington has been seeking "
                                "to keep a drone base.")
    assert troops["articleB"] == "Russian military instructors arrive in Niger as US troops remain"


def test_sahelkg_conflicts_prints_both_quotes_and_both_articles(devset):
    result = CliRunner().invoke(app, ["conflicts", "--entity", "Tiani", "--store", devset.location])
    # the coup's leader is Tiani in one report: only the coup's conflict involves him
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Coup: Niger: the reports disagree on date"
    assert lines[1] == "  2023-08, says “US keeps troops in Niger as junta presses France to leave”:"
    assert lines[-1] == "1 conflict(s)"


def test_as_of_answers_mark_the_facts_under_dispute(devset):
    assert status(devset, "2024-04-01", "United States")["disputes"] == "troops"
    assert status(devset, "2024-04-01", "France")["disputes"] == ""


# --- order, reloads, removals -----------------------------------------------------------------------


def test_any_load_order_gives_the_same_graph_byte_for_byte(devset, tmp_path):
    base = [REFERENCE, ENTITIES]
    forward = build(tmp_path / "forward", base, *[[p] for p in [SEED, *ARTICLES]])
    backward = build(tmp_path / "backward", base, *[[p] for p in reversed([SEED, *ARTICLES])])
    expected = dump(devset)
    assert dump(forward) == expected
    assert dump(backward) == expected
    forward.close()
    backward.close()


def test_removing_an_article_is_as_if_it_had_never_been_loaded(tmp_path):
    dropped = DEVSET / "facts" / "2024-04-12-nigerrivertimes-russian-instructors-arrive-in-niger.yaml"
    everything = build(tmp_path / "all", [REFERENCE, ENTITIES, SEED, *ARTICLES])
    remove([dropped.stem], everything)
    without = build(tmp_path / "without", [REFERENCE, ENTITIES, SEED, *[p for p in ARTICLES if p != dropped]])
    assert dump(everything) == dump(without)
    # its troop number went with it, and with it the disagreement
    assert [r["aspect"] for r in ask(everything, "conflicts")] == ["date"]
    everything.close()
    without.close()


def test_reloading_an_article_unchanged_changes_nothing(devset):
    before = dump(devset)
    load([ARTICLES[0]], devset)
    assert dump(devset) == before


# --- overrides and new disagreements, in test texts written here ------------------------------------

ARTICLE = """\
---
title: {title}
publisher: Test Desk (test text)
published: {published}
url: https://example.org/tests/{slug}
language: en
---
TEST TEXT written for sahel-kg's tests; not a real article.

{body}
"""


def write_test_text(directory: Path, slug: str, published: str, body: str, facts: str) -> Path:
    """An article and its fact file, written for one test (never in data/)."""
    (directory / "articles").mkdir(parents=True, exist_ok=True)
    (directory / "facts").mkdir(parents=True, exist_ok=True)
    (directory / "articles" / f"{slug}.md").write_text(
        ARTICLE.format(title=slug, published=published, slug=slug, body=body), encoding="utf-8")
    path = directory / "facts" / f"{slug}.yaml"
    path.write_text(f"article: ../articles/{slug}.md\nfacts:\n" + textwrap.indent(textwrap.dedent(facts), "  "),
                    encoding="utf-8")
    return path


def test_still_there_after_a_reported_end_is_disputed_on_the_days_between(devset, tmp_path):
    still = write_test_text(tmp_path, "2024-01-10-test-french-troops-still-in-niger", "2024-01-10",
                      "French soldiers are still deployed in Niger, a security source said.", """\
        - id: french-troops-in-niger
          type: MilitaryPresence
          deploying_state: France
          host_state: Niger
          end: ongoing
          quote: "French soldiers are still deployed in Niger, a security source said."
        """)
    kg = build(tmp_path / "store", [REFERENCE, ENTITIES, SEED, *ARTICLES], [still])
    # the West Africa Ledger says they left on 2023-12-22; this text says they are there on 2024-01-10
    assert status(kg, "2023-12-20", "France")["status"] == "active"
    assert status(kg, "2023-12-25", "France")["status"] == "disputed"
    assert status(kg, "2024-01-10", "France")["status"] == "disputed"
    assert status(kg, "2024-01-11", "France")["status"] == "ended"
    assert status(kg, "2023-12-25", "France")["until"] == "disputed: ended 2023-12-22, or ongoing on 2024-01-10"
    aspects = [(r["aspect"], r["valueA"], r["valueB"]) for r in ask(kg, "conflicts", {"entity": "France"})]
    assert aspects == [("end", "ended 2023-12-22", "ongoing on 2024-01-10")]
    kg.close()


def test_same_as_merges_reports_the_automatic_rule_keeps_apart(tmp_path):
    early = write_test_text(tmp_path, "2020-09-01-test-mali-coup", "2020-09-01",
                      "Soldiers seized power in Mali last month.", """\
        - id: mali-coup
          type: Coup
          state: Mali
          date: 2020-08
          quote: "Soldiers seized power in Mali last month."
        """)
    late = write_test_text(tmp_path, "2021-06-01-test-mali-coup-recalled", "2021-06-01",
                     "The coup in Mali came in the spring, a historian wrote.", """\
        - id: mali-coup
          type: Coup
          state: Mali
          date: 2021-04
          same_as: ["2020-09-01-test-mali-coup#mali-coup"]
          quote: "The coup in Mali came in the spring, a historian wrote."
        """)
    for order in ([early, late], [late, early]):
        kg = build(tmp_path / f"store-{order[0].stem}", [REFERENCE], [order[0]], [order[1]])
        rows = [r for r in ask(kg, "timeline", {"entity": "Mali"}) if r["type"] == "coup"]
        assert [(r["when"], r["sources"]) for r in rows] == [("disputed: 2020-08 or 2021-04", "1")]
        kg.close()


def test_validate_says_what_merged_with_what(devset):
    path = DEVSET / "facts" / "2024-04-12-nigerrivertimes-russian-instructors-arrive-in-niger.yaml"
    result = CliRunner().invoke(app, ["validate", str(path), "--store", devset.location])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  niger-revokes-us-military-accord: same fact as 1 report(s) in 1 other article(s)",
        # five presence reports and three withdrawal steps in five other articles
        "  us-troops-in-niger: same fact as 8 report(s) in 5 other article(s); disagrees on troops",
        "  niger-ecowas-withdrawal-announced: same fact as 1 report(s) in 1 other article(s)",
    ]


# --- the kinds the next articles need (tests/devset/README.md, scenario 8) --------------------------


def test_founding_members_are_members_from_the_founding_day(devset):
    def founders(as_of):
        return [(r["member"], r["since"], r["holds"]) for r in ask(devset, "memberships", {"organization": "AES"}, as_of)
                if r["membershipStatus"] == "founding member"]
    assert founders("2023-09-15") == [("Burkina Faso", "2023-09-16", "no (not yet)"),
                                      ("Mali", "2023-09-16", "no (not yet)"), ("Niger", "2023-09-16", "no (not yet)")]
    assert founders("2023-09-16") == [("Burkina Faso", "2023-09-16", "yes"), ("Mali", "2023-09-16", "yes"),
                                      ("Niger", "2023-09-16", "yes")]
    # the charter is an entity of its own; its clause is reported with the founding
    rows = list(devset.query("SELECT ?charter ?clause ?place WHERE { ?f skg:factType skg:Founding ; "
                             "skg:founded sk:alliance-of-sahel-states ; skg:charter/rdfs:label ?charter ; "
                             "skg:place/rdfs:label ?place ; skg:report/skg:clause ?clause }"))
    assert [(r["charter"].value, r["clause"].value, r["place"].value) for r in rows] == [
        ("Liptako-Gourma Charter", "mutual defence: each comes to the aid of the others if attacked", "Bamako")]


def test_successions_of_an_alliance_and_of_a_force(devset):
    rows = devset.query("SELECT ?kind ?from ?to WHERE { ?f skg:factType skg:Succession ; "
                        "skg:successionKind/rdfs:label ?kind ; skg:predecessor/rdfs:label ?from ; "
                        "skg:successor/rdfs:label ?to } ORDER BY ?from")
    assert [(r["kind"].value, r["from"].value, r["to"].value) for r in rows] == [
        ("transformation", "Alliance of Sahel States", "Confederation of Sahel States"),
        ("take-over", "Wagner Group", "Africa Corps")]


@pytest.mark.parametrize(("a", "b"), [("Niger", "Mali"), ("Mali", "Niger"), ("Mali", "Burkina Faso"),
                                      ("Burkina Faso", "Mali"), ("Niger", "Burkina Faso"), ("Burkina Faso", "Niger")])
def test_contacts_finds_a_summit_between_any_two_of_its_participants(devset, a, b):
    rows = ask(devset, "contacts", {"a": a, "b": b})
    # one fact, re-reported by a second article (two sources)
    assert [(r["date"], r["kind"], r["from"], r["to"], r["place"], r["sources"]) for r in rows] == [
        ("2024-07-06", "summit", a, b, "Niamey", "2")]


def test_a_force_deployed_without_a_state_is_shown_beside_the_state_it_acts_for(devset):
    rows = ask(devset, "foreign-presences", {"host": "Burkina Faso"}, "2025-06-10")
    assert [(r["deployingState"], r["force"], r["since"], r["status"]) for r in rows] == [
        ("Russia", "Africa Corps", "2024-01", "active")]
    # with a deploying state too, the state is the one given
    rows = ask(devset, "foreign-presences", {"host": "Mali"}, "2025-06-07")
    assert [(r["deployingState"], r["force"]) for r in rows] == [("Russia", "Africa Corps"), ("Russia", "Wagner Group")]


def test_a_bases_users_over_time(devset):
    rows = ask(devset, "bases")
    assert [(r["baseName"], r["location"], r["user"], r["since"], r["until"], r["how"], r["sources"])
            for r in rows] == [
        ("Agadez drone base", "Agadez", "United States", "by 2023-09-14", "ongoing on 2024-07-08", "used it", "1"),
        ("Agadez drone base", "Agadez", "United States", "", "2024-08-05", "handed it over to Niger", "1"),
        ("Agadez drone base", "Agadez", "Niger", "2024-08-05", "", "handed over by United States", "1"),
        ("Niamey air base", "Niamey", "United States", "", "2024-07-07", "handed it over to Niger", "1"),
        ("Niamey air base", "Niamey", "Niger", "2024-07-07", "", "handed over by United States", "1"),
    ]
    assert [r["user"] for r in ask(devset, "bases", {"base": "drone base near Agadez"})] == [
        "United States", "United States", "Niger"]


def test_the_steps_of_a_withdrawal_are_facts_of_their_own_and_give_the_presence_its_end(devset):
    (row,) = list(devset.query(US_IN_NIGER))
    steps = devset.query(f"SELECT ?step ?when WHERE {{ ?s skg:stepOf <{row['f'].value}> ; "
                         "skg:withdrawalStepKind/rdfs:label ?step ; skg:when ?when } ORDER BY ?when")
    assert [(s["step"].value, s["when"].value) for s in steps] == [
        ("departure agreed", "2024-05-19"), ("partial departure", "2024-07-07"), ("departure completed", "2024-08-05")]
    # the agreement's deadline is a plan; the completion is done
    assert status(devset, "2024-08-06", "United States")["until"] == "ended 2024-08-05; end planned by 2024-09-15"


def test_a_presence_known_only_from_its_steps_gets_its_end_from_them(tmp_path):
    article = DEVSET / "facts" / "2024-08-06-gulfofguineaherald-us-completes-niger-withdrawal.yaml"
    text = article.read_text(encoding="utf-8")
    start = text.index("  - id: us-troops-in-niger")
    facts = tmp_path / article.name  # the same test text without its presence report: only the step says it ended
    facts.write_text(text[:start].replace("../articles/", f"{DEVSET / 'articles'}/")
                     + text[text.index("  - id: us-niger-withdrawal-agreement"):], encoding="utf-8")
    kg = build(tmp_path / "store", [REFERENCE, ENTITIES, facts])
    try:
        (row,) = ask(kg, "foreign-presences", {"host": "Niger"}, "2024-08-06")
        assert (row["deployingState"], row["until"], row["status"]) == ("United States", "ended 2024-08-05", "ended")
    finally:
        kg.close()


@pytest.mark.skipif(shutil.which("java") is None, reason="java is not on PATH: HermiT cannot run")
def test_the_seed_and_the_devset_with_the_new_kinds_are_consistent(devset):
    from loader.reasoning import check_consistency

    graph = devset.rdflib_graph()
    report = check_consistency(graph)
    assert (report.consistent, report.explanation) == (True, [])
    # and the new disjointness bites: a charter is not a place
    graph.add((URIRef(SK + "liptako-gourma-charter"), RDF.type, URIRef(SKG + "City")))
    assert not check_consistency(graph).consistent


SECOND_FOUNDING_ARTICLE = """\
---
title: "Test text: the Sahel alliance at one year"
publisher: Test Gazette (test text)
published: 2024-09-17
url: https://example.org/devset/test-aes-at-one-year
language: en
note: TEST TEXT written for tests/test_many_articles.py; not a real article. Never load it into data/.
---
TEST TEXT written for sahel-kg's tests; not a real article.

A year ago, on 16 September 2023, Mali, Burkina Faso and Niger founded the Alliance of Sahel States in Bamako.

The Africa Corps, which acts for Russia, took over Wagner’s units in Mali earlier this year.
"""

SECOND_FOUNDING_FACTS = """\
# TEST DATA for tests/test_many_articles.py: re-reports of the devset's founding and succession.
article: test-aes-at-one-year.md
facts:
  - id: aes-founded
    type: Founding
    organization: AES
    founders: [Niger, Mali, Burkina Faso]
    place: Bamako
    date: 2023-09-16
    quote: "A year ago, on 16 September 2023, Mali, Burkina Faso and Niger founded the Alliance of Sahel States in Bamako."
  - id: africa-corps-takes-over-wagner
    type: Succession
    kind: TakeOver
    predecessor: Wagner
    successor: Africa Corps
    date: 2024
    quote: "The Africa Corps, which acts for Russia, took over Wagner’s units in Mali earlier this year."
"""


def test_the_new_kinds_merge_their_reports_from_several_articles(devset, tmp_path):
    (tmp_path / "test-aes-at-one-year.md").write_text(SECOND_FOUNDING_ARTICLE, encoding="utf-8")
    facts = tmp_path / "test-aes-at-one-year.yaml"
    facts.write_text(SECOND_FOUNDING_FACTS, encoding="utf-8")
    kg = build(tmp_path / "store", [REFERENCE, ENTITIES, *ARTICLES, facts])
    try:
        def by_kind(kind):
            return [(r["name"], r["reports"], r["articles"], r["sources"]) for r in ask(kg, "corroboration")
                    if r["type"] == kind and r["entity"] == SK + "mali"]
        # same organization, same day: one founding (the founders list in another order, the
        # charter left out); same predecessor and successor, "2024" fits "before 2025-06-10": one succession
        assert by_kind("founding") == [("Founding: Confederation of Sahel States", "1", "1", "1"),
                                       ("Founding: Alliance of Sahel States", "2", "2", "2")]
        rows = kg.query("SELECT ?when ?n WHERE { ?f skg:factType skg:Succession ; skg:predecessor sk:wagner-group ; "
                        "skg:when ?when ; skg:reportCount ?n }")
        assert [(r["when"].value, r["n"].value) for r in rows] == [("2024", "2")]
    finally:
        kg.close()


# --- a load of many files, in batches -----------------------------------------------------------------

def test_a_load_in_batches_gives_the_graph_of_one_load(devset, tmp_path):
    files = [REFERENCE, ENTITIES, *reversed([SEED, *ARTICLES])]
    kg = KnowledgeGraph(tmp_path / "store")
    done = []
    report = load(files, kg, batch_files=3, progress=lambda files_done, total: done.append((files_done, total)))
    assert report.batches == -(-len(files) // 3)
    assert done[-1] == (len(files), len(files)) and len(done) == report.batches
    assert [item.path for item in report.files] == files
    assert dump(kg) == dump(devset)
    kg.close()


def test_a_batch_with_a_problem_stops_the_load_after_the_batches_before_it(devset, tmp_path):
    broken = write_test_text(tmp_path / "broken", "zz-broken", "2024-06-01", "Nothing happened.", """\
        - id: nothing
          type: MilitaryPresence
          colour: red
        """)
    files = [REFERENCE, ENTITIES, SEED, *ARTICLES, broken]
    kg = KnowledgeGraph(tmp_path / "store")
    with pytest.raises(InvalidInput) as raised:
        load(files, kg, batch_files=4)
    stopped = raised.value.problems[-1]
    written = (len(files) - 1) // 4 * 4
    assert (stopped.file, stopped.rule, stopped.message) == (
        str(files[written]), "load-stopped",
        f"the load stopped at batch {written // 4 + 1} of {-(-len(files) // 4)} (from this file on): the {written} files "
        f"before it, up to {files[written - 1]}, are loaded; fix the problems "
        "and run the same load again to finish it")
    assert {p.file for p in raised.value.problems[:-1]} == {str(broken)}
    # the store holds the batches before, as a load of their files alone would have written them
    assert dump(kg) == dump(build(tmp_path / "before", files[:written]))
    # the same load again, the file mended (here: left out), finishes it
    load(files[:-1], kg, batch_files=4)
    assert dump(kg) == dump(devset)
    kg.close()


def test_the_entity_index_reads_only_the_graphs_that_declare_entities(devset, monkeypatch):
    import loader.entities

    declaring = {row["g"].value for row in devset.query(
        "SELECT ?g WHERE { GRAPH <https://w3id.org/sahel-kg/graph/sources> { ?g skg:declaresEntities true } }")}
    # the seed's fact file declares an entity of its own (the joint force)
    assert declaring == {"https://w3id.org/sahel-kg/graph/reference", "https://w3id.org/sahel-kg/graph/devset-entities",
                         f"https://w3id.org/sahel-kg/article/{SEED.stem}"}
    recorded = known_entities(devset).entities
    monkeypatch.setattr(loader.entities, "declaring_graphs", lambda kg: "")  # as for a store without the records
    assert known_entities(devset).entities == recorded and len(recorded) == 36


def test_sahelkg_load_says_which_batches_it_wrote_before_a_problem(tmp_path):
    broken = write_test_text(tmp_path / "broken", "zz-broken", "2024-06-01", "Nothing happened.", """\
        - id: nothing
          type: MilitaryPresence
          colour: red
        """)
    store = tmp_path / "store"
    run = CliRunner().invoke(app, ["load", str(REFERENCE), str(ENTITIES), str(SEED), str(broken),
                                   "--batch-files", "3", "--store", str(store)])
    lines = run.stderr.splitlines()
    assert run.exit_code == 1
    assert lines[-2] == (f"{broken}: the load stopped at batch 2 of 2 (from this file on): the 3 files before it, up to "
                         f"{SEED}, are loaded; fix the problems and run the same "
                         "load again to finish it [load-stopped]")
    assert lines[-1] == f"{len(lines) - 2} problem(s); the batches before it were written (see the line above)."
    assert (store / "CURRENT").exists()


def test_validate_checks_many_files_in_batches_with_the_entities_of_the_batches_before(tmp_path):
    from loader.loading import validate

    files = [REFERENCE, ENTITIES, SEED, *ARTICLES]
    whole = validate(files, None)
    batched = validate(files, None, batch_files=3)
    assert batched.batches == -(-len(files) // 3) and whole.batches == 1
    assert [(f.path, f.facts, f.triples) for f in batched.files] == [(f.path, f.facts, f.triples) for f in whole.files]
    broken = write_test_text(tmp_path / "broken", "aa-broken", "2024-06-01", "Nothing happened.", """\
        - id: nothing
          type: MilitaryPresence
          colour: red
        """)
    with pytest.raises(InvalidInput) as raised:
        validate([*files[:4], broken, *files[4:]], None, batch_files=3)
    assert {p.file for p in raised.value.problems} == {str(broken)}


def test_a_store_without_the_records_of_declarations_reads_every_graph_for_its_entities(tmp_path):
    """A store first loaded by an older sahelkg has no record of which graphs declare entities; a
    new load into it must still find the entities of every graph."""
    kg = KnowledgeGraph(tmp_path / "store")
    load([REFERENCE], kg)
    kg.update("DELETE WHERE { GRAPH <https://w3id.org/sahel-kg/graph/sources> { ?g ?p true } }")  # as an older one wrote it
    load([SEED], kg)  # flags the seed's graph, not the reference graph
    assert {"Niger", "Mohamed Bazoum"} <= {e.label for e in known_entities(kg).entities.values()}
    load([ENTITIES, *ARTICLES], kg)
    kg.close()


def test_validate_in_batches_refuses_one_entity_named_two_ways_in_two_batches(tmp_path):
    from loader.loading import validate

    files = []
    for slug, label in (("aa-first", "Foo Alliance"), ("ab-second", "Bar Alliance")):
        path = write_test_text(tmp_path / slug, slug, "2024-06-01", "Nothing happened.", "[]\n")
        path.write_text(path.read_text(encoding="utf-8").replace(
            "facts:\n", f"entities:\n  - id: foo-alliance\n    type: Alliance\n    label: {label}\nfacts:\n"),
            encoding="utf-8")
        files.append(path)
    with pytest.raises(InvalidInput) as whole:
        validate([REFERENCE, *files], None)
    with pytest.raises(InvalidInput) as batched:
        validate([REFERENCE, *files], None, batch_files=2)
    assert {(p.file, p.rule) for p in whole.value.problems} == {(str(f), "entity-owned") for f in files}
    # in batches the first file's name stands (as a load would write it), the second is refused
    assert [(p.file, p.rule) for p in batched.value.problems] == [(str(files[1]), "entity-owned")]
    with pytest.raises(InvalidInput) as loading:
        load([REFERENCE, *files], KnowledgeGraph(tmp_path / "store"), batch_files=2)
    assert [(p.file, p.rule) for p in loading.value.problems] == [(str(files[1]), "entity-owned"),
                                                                 (str(files[1]), "load-stopped")]


def test_the_store_records_the_names_of_the_entities_and_resolves_them_only_while_declared(tmp_path):
    from loader.entities import StoreEntities, name_keys, records_names

    kg = build(tmp_path / "store", [REFERENCE, ENTITIES, SEED])
    records = "GRAPH <https://w3id.org/sahel-kg/graph/sources> { ?e skg:nameKey ?k }"
    keys = {(row["e"].value, row["k"].value) for row in kg.query(f"SELECT ?e ?k WHERE {{ {records} }}")}
    graphs = [row["g"].value for row in kg.query(
        "SELECT ?g WHERE { GRAPH <https://w3id.org/sahel-kg/graph/sources> { ?g skg:loadedFrom ?file } }")]
    assert records_names(kg)
    assert keys == {key for graph in graphs for key in name_keys(kg.quads(graph))}
    assert {k for e, k in keys if e == SK + "mohamed-bazoum"} == {"mohamed bazoum", "bazoum"}
    assert {k for e, k in keys if e == SK + "niger"} == {"niger", "republic of niger"}
    force = SK + "niger-mali-burkina-faso-joint-force"  # the seed's own entity
    assert StoreEntities(kg).resolve("joint force of niger, mali and burkina faso") == (force, None)
    remove([SEED.name], kg)
    # its name stays recorded (records are only added), and no longer resolves: the entity is gone
    assert {k for e, k in kg.query(f"SELECT ?e ?k WHERE {{ {records} }}") if e.value == force}
    iri, error = StoreEntities(kg).resolve("Joint force of Niger, Mali and Burkina Faso")
    assert iri is None and error.startswith("unknown entity 'Joint force of Niger, Mali and Burkina Faso'")
    assert known_entities(kg).resolve("Joint force of Niger, Mali and Burkina Faso") == (iri, error)
    kg.close()


def test_names_are_looked_up_in_the_store_and_resolve_as_when_every_entity_is_read(devset):
    from loader.entities import StoreEntities, entity_index

    every = known_entities(devset)
    assert isinstance(entity_index(devset), StoreEntities)
    shared = StoreEntities(devset)
    asked = [name for entity in every.entities.values() for name in sorted(entity.names | {entity.iri})]
    asked += ["NIGER", "bazoum", "Nigerr", "Wagner Grupp", "nobody at all", SK + "nobody", "https://example.org/x"]
    for name in asked:
        fresh = StoreEntities(devset)
        assert fresh.resolve(name) == shared.resolve(name) == every.resolve(name), name
        iri, _ = every.resolve(name)
        if iri:
            assert (fresh.entities[iri].types, fresh.entities[iri].label) == (every.entities[iri].types,
                                                                               every.entities[iri].label)
    # one name reads the entity it names, not every entity
    one = StoreEntities(devset)
    assert one.resolve("Republic of Niger") == (SK + "niger", None)
    assert list(dict.keys(one.entities)) == [SK + "niger"] and len(every.entities) == 36


def test_a_store_written_without_sahelkg_has_every_entity_read_for_a_load(devset, tmp_path):
    """A store bulk-loaded from an export has no records of sources or names: a load into it is not
    its first (which would record names for its own graphs only), and finds every graph's entities."""
    from loader.entities import records_names

    store = tmp_path / "store"
    bulk = __import__("pyoxigraph").Store(str(store))
    bulk.bulk_extend(q for q in devset.quads() if q.graph_name.value != "https://w3id.org/sahel-kg/graph/sources")
    del bulk
    kg = KnowledgeGraph(store)
    article = write_test_text(tmp_path / "new", "zz-new", "2024-06-01", "Goïta still leads Mali's junta.", """\
        - id: junta-rules-mali
          type: Rule
          regime: Mali's junta
          state: Mali
          leader: Goïta
          end: ongoing
          quote: "Goïta still leads Mali's junta."
        """)
    load([article], kg)  # names entities of the devset's entity file (its graph in the export)
    assert not records_names(kg)
    assert known_entities(kg).entities.keys() == known_entities(devset).entities.keys()
    kg.close()


ZED_TTL = """# TEST DATA (not a real entity): labels in three languages
@prefix sk: <https://w3id.org/sahel-kg/entity/> .
@prefix skg: <https://w3id.org/sahel-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
sk:zed-force a skg:Force ; rdfs:label "Zed Force"@en, "Force Zède"@fr, "Aaa Zed"@de .
"""


def test_a_load_in_batches_labels_facts_as_one_load_with_an_entity_labelled_in_several_languages(tmp_path):
    ttl = tmp_path / "zed.ttl"
    ttl.write_text(ZED_TTL, encoding="utf-8")
    article = write_test_text(tmp_path, "2024-06-01-test-zed-in-mali", "2024-06-01",
                              "TEST: Zed Force troops arrived in Mali.", """\
        - id: zed-in-mali
          type: MilitaryPresence
          deploying_state: Russia
          deploying_force: zed-force
          host_state: Mali
          quote: "TEST: Zed Force troops arrived in Mali."
        """)
    labels = []
    for name, batch_files in (("one", 200), ("batches", 1)):
        kg = KnowledgeGraph(tmp_path / name)
        load([REFERENCE, ttl, article], kg, batch_files=batch_files)
        labels.append([r["l"].value for r in kg.query(
            "SELECT ?l WHERE { ?f skg:factType skg:MilitaryPresence ; rdfs:label ?l }")])
        kg.close()
    # the label without a language or in English, however the labels were read (a file's order in one
    # load, the store's rows in batches)
    assert labels == [["MilitaryPresence: Russia, Zed Force, Mali"]] * 2


def test_an_unknown_name_in_a_store_that_records_no_names_yet_is_an_unknown_entity(tmp_path):
    import loader
    from loader.queries import UnknownEntity

    notes = tmp_path / "notes.ttl"
    notes.write_text("# TEST DATA: no entities\n@prefix ex: <https://example.org/> .\n"
                     "ex:a ex:b ex:c .\n", encoding="utf-8")
    with loader.open(tmp_path / "store") as kg:
        kg.load([notes])  # the store's first load: it records names from now on, and has none yet
        with pytest.raises(UnknownEntity, match="unknown entity 'Niger'"):
            kg.query("who-rules", state="Niger")
