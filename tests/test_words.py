"""What the next articles say, through a real store: vague troop strengths with their bounds and
source, times in the articles' words (late 2021, by early August, between, about a decade before,
before another fact), each quote with its own attribution, and actors named by their role
("Niger's junta", "the Nigerien army").

The articles here are TEST TEXTS written in tmp directories by the tests; they are not real
articles and never go in data/.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from loader.export import export
from loader.loading import load, prepare, remove
from loader.namespaces import DATA_DIR, SK, SKR
from loader.problems import InvalidInput
from loader.queries import ask
from loader.store import KnowledgeGraph

REFERENCE = DATA_DIR / "reference.yaml"
DEVSET = Path(__file__).resolve().parent / "devset"
SLUG = "2024-08-06-testgazette-sahel-words"

S_RUSSIA_MALI = "Around 2,000 Russian fighters have been in Mali since late 2021, per officials."
S_BURKINA = "Between 1,000 and 1,500 Russian instructors are in Burkina Faso."
S_BURKINA_PLAN = "The instructors are to leave in late 2024."
S_FRANCE = "Several hundred French soldiers had left Niger before the revocation of the defence accords."
S_REVOKED_TV = "Niger’s junta revoked the defence accords with France in mid-March, state television reported."
S_REVOKED_FORCE = "The force said the accords had been revoked."
S_US_DECADE = "The United States had stationed troops in Niger for about a decade."
S_US_LEFT = "Dozens of American drone operators had left Niamey by early August."
S_VISIT = "Russian officials visited Niamey between April and May."
S_RULE = "The junta has ruled Niger since July 2023."
S_ARMY = "The Nigerien army condemned the delay."
S_MALI = "Mali’s junta condemned the strikes."
SENTENCES = [S_RUSSIA_MALI, S_BURKINA, S_BURKINA_PLAN, S_FRANCE, S_REVOKED_TV, S_REVOKED_FORCE, S_US_DECADE, S_US_LEFT, S_VISIT,
             S_RULE, S_ARMY, S_MALI]


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def article(directory: Path, slug: str, published: str, sentences: list[str]) -> Path:
    path = directory / "articles" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(f"""\
        ---
        title: "Test text {slug}"
        publisher: Test Gazette {slug} (test text)
        published: {published}
        url: https://example.org/tests/{slug}
        language: en
        note: TEST TEXT written for sahel-kg's tests; not a real article.
        ---
        TEST TEXT written for sahel-kg's tests; not a real article.

        """) + "\n\n".join(sentences) + "\n", encoding="utf-8")
    return path


def fact_file(directory: Path, slug: str, body: str) -> Path:
    path = directory / "facts" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"article: ../articles/{slug}.md\n" + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


FACTS = f"""
facts:
  - id: russia-in-mali
    type: MilitaryPresence
    deploying_state: Russia
    host_state: Mali
    troops: around 2,000 (per officials)
    start: late 2021
    end: ongoing
    quote: {q(S_RUSSIA_MALI)}
  - id: russia-in-burkina-faso
    type: MilitaryPresence
    deploying_state: Russia
    host_state: Burkina Faso
    troops: between 1,000 and 1,500
    end: planned late 2024
    quote: [{q(S_BURKINA)}, {q(S_BURKINA_PLAN)}]
  - id: france-in-niger
    type: MilitaryPresence
    deploying_state: France
    host_state: Niger
    troops: several hundred
    end: before revocation
    quote: {q(S_FRANCE)}
  - id: revocation
    type: CooperationChange
    kind: Revocation
    actor: {{regime_of: Niger}}
    counterpart: France
    date: mid 2024-03
    quote:
      - text: {q(S_REVOKED_TV)}
        according_to: state television
      - text: {q(S_REVOKED_FORCE)}
        according_to: {{source: the force, actor: Niger}}
  - id: us-in-niger
    type: MilitaryPresence
    deploying_state: United States
    host_state: Niger
    troops: dozens
    place: Niamey
    start: about a decade before
    end: by early 2024-08
    quote: [{q(S_US_DECADE)}, {q(S_US_LEFT)}]
  - id: russian-visit
    type: DiplomaticContact
    kind: Visit
    actor: Russia
    counterpart: Niger
    place: Niamey
    date: between 2024-04 and 2024-05
    quote: {q(S_VISIT)}
  - id: niger-rule
    type: Rule
    regime: CNSP
    state: Niger
    start: 2023-07
    end: ongoing
    quote: {q(S_RULE)}
  - id: army-condemns
    type: Statement
    kind: Condemnation
    actor: {{armed_forces_of: Niger}}
    content: the delay
    date: 2024-08
    quote: {q(S_ARMY)}
"""


@pytest.fixture(scope="module")
def words(tmp_path_factory):
    """The reference entities and the test text's facts, in a real store."""
    directory = tmp_path_factory.mktemp("words")
    article(directory, SLUG, "2024-08-06", SENTENCES)
    kg = KnowledgeGraph(directory / "store")
    load([REFERENCE, fact_file(directory, SLUG, FACTS)], kg)
    yield kg
    kg.close()


def problems(paths: list[Path], kg=None) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        prepare(paths, kg)
    return [f"{p.line}: {p.fact}, {p.field}: {p.message} [{p.rule}]" for p in caught.value.problems]


def presence(kg, host: str, deploying: str, as_of: str = "2024-08-06") -> dict:
    (row,) = [r for r in ask(kg, "foreign-presences", {"host": host}, as_of) if r["deployingState"] == deploying]
    return row


# --- vague quantities ---------------------------------------------------------------------------------


def test_a_vague_strength_keeps_its_words_and_its_source(words):
    row = presence(words, "Mali", "Russia")
    assert row["troops"] == "around 2,000 per officials (2024-08-06)"
    report = f"<{SKR}{SLUG}.russia-in-mali>"
    (kept,) = words.query(f"SELECT ?text ?min ?max ?n ?source WHERE {{ {report} skg:troopsText ?text ; "
                          "skg:troopsMin ?min ; skg:troopsMax ?max ; skg:troopStrength ?n ; skg:troopsAttribution ?source }")
    assert [kept[v].value for v in ("text", "min", "max", "n", "source")] == ["around 2,000", "1800", "2200", "2000",
                                                                               "officials"]


def test_vague_strengths_compare_by_their_bounds(words):
    big = words.query("SELECT ?text WHERE { ?r skg:troopsText ?text ; skg:troopsMax ?max FILTER(?max >= 1200) } "
                      "ORDER BY DESC(?max)")
    small = words.query("SELECT ?text WHERE { ?r skg:troopsText ?text ; skg:troopsMin ?min FILTER(?min < 100) }")
    assert [r["text"].value for r in big] == ["around 2,000", "between 1,000 and 1,500"]
    assert [r["text"].value for r in small] == ["dozens"]
    assert presence(words, "Burkina Faso", "Russia")["troops"] == "between 1,000 and 1,500 (2024-08-06)"


def test_a_plan_keeps_its_words(words):
    assert presence(words, "Burkina Faso", "Russia")["until"] == "unknown; end planned late 2024"


# --- times in the articles' words ---------------------------------------------------------------------


def test_late_2021_prints_as_written(words):
    assert presence(words, "Mali", "Russia")["since"] == "late 2021"


def test_by_early_august_is_an_upper_bound_and_about_a_decade_an_approximate_year(words):
    row = presence(words, "Niger", "United States", "2024-08-11")
    assert (row["since"], row["until"], row["status"]) == (
        "about a decade before 2024-08-06", "ended by early 2024-08", "ended")
    assert presence(words, "Niger", "United States", "2024-08-10")["status"] == "possibly active"
    (bounds,) = words.query(f"SELECT ?lo ?hi ?end WHERE {{ <{SKR}{SLUG}.us-in-niger> skg:startEarliest ?lo ; "
                            "skg:startLatest ?hi ; skg:endLatest ?end }")
    assert [bounds[v].value for v in ("lo", "hi", "end")] == ["2012-01-01", "2016-12-31", "2024-08-10"]


def test_a_time_before_another_fact_takes_its_bound_from_that_facts_time(words):
    row = presence(words, "Niger", "France", "2024-03-20")
    assert (row["until"], row["status"]) == ("ended before revocation (mid 2024-03)", "ended")
    assert presence(words, "Niger", "France", "2024-03-19")["status"] == "possibly active"


def test_between_two_months(words):
    (row,) = ask(words, "contacts", {"a": "Russia", "b": "Niger"})
    assert (row["date"], row["kind"]) == ("between 2024-04 and 2024-05", "visit")


def test_a_fact_bound_from_another_report_keeps_that_reports_words(tmp_path):
    # an earlier article saw the presence on 2021-10-20; the later one says "since late 2021"
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    earlier = "2021-10-20-testherald-russians-in-mali"
    article(tmp_path, earlier, "2021-10-20", ["Russian fighters are in Mali, officials say."])
    kg = KnowledgeGraph(tmp_path / "store")
    load([REFERENCE, fact_file(tmp_path, SLUG, FACTS), fact_file(tmp_path, earlier, f"""
        facts:
          - id: russians-in-mali
            type: MilitaryPresence
            deploying_state: Russia
            host_state: Mali
            end: ongoing
            quote: {q("Russian fighters are in Mali, officials say.")}
        """)], kg)
    assert presence(kg, "Mali", "Russia")["since"] == "late 2021, by 2021-10-20"
    kg.close()


# --- each quote with its own attribution --------------------------------------------------------------


def test_each_quote_keeps_its_own_attribution(words):
    rows = [r for r in ask(words, "claims", {}) if r["factId"] == "revocation"]
    assert [(r["accordingTo"], r["saidBy"], r["quote"]) for r in rows] == [
        ("state television", "", S_REVOKED_TV), ("the force", "Niger", S_REVOKED_FORCE)]
    # a quote without an attribution of its own is the article's word: not a claim
    assert [r["factId"] for r in ask(words, "claims", {})] == ["revocation", "revocation"]


# --- actors named by their role -----------------------------------------------------------------------


def test_the_regime_of_a_state_is_found_through_its_rule(words):
    (row,) = words.query(f"SELECT ?actor WHERE {{ <{SKR}{SLUG}.revocation> skg:actor ?actor }}")
    assert row["actor"].value == SK + "cnsp"


def test_a_states_armed_forces_need_no_invented_name(words):
    (row,) = words.query(f"SELECT ?actor ?label ?state WHERE {{ <{SKR}{SLUG}.army-condemns> skg:actor ?actor . "
                         "?actor a skg:ArmedForces ; rdfs:label ?label ; skg:armedForcesOf ?state }")
    assert (row["actor"].value, row["label"].value, row["state"].value) == (
        SK + "armed-forces-of-niger", "armed forces of Niger", SK + "niger")
    # they act for their state
    assert words.query(f"ASK {{ <{SK}armed-forces-of-niger> skg:standsFor sk:niger }}")


def condemnation(ident: str, actor: str, content: str, sentence: str) -> str:
    """A fact file's facts: one condemnation of August 2024, by an actor named as given."""
    return (f"\nfacts:\n  - id: {ident}\n    type: Statement\n    kind: Condemnation\n    actor: {actor}\n"
            f"    content: {content}\n    date: 2024-08\n    quote: {q(sentence)}\n")


ARMY_STATEMENT = condemnation("army-condemns", "{armed_forces_of: Niger}", "the delay", S_ARMY)


def test_a_states_armed_forces_are_declared_once_beside_it_however_many_articles_name_them(tmp_path):
    """Two test texts name the Nigerien army; loaded in either order, its label and types are in the
    reference graph only (in every article's graph, they gave each join a row per article)."""
    slugs = ["2024-08-06-testgazette-army-one", "2024-08-07-testgazette-army-two"]
    files = []
    for slug in slugs:
        article(tmp_path, slug, slug[:10], [S_ARMY])
        files.append(fact_file(tmp_path, slug, ARMY_STATEMENT))
    exports = []
    for order, paths in enumerate([files, files[::-1]]):
        kg = KnowledgeGraph(tmp_path / f"store-{order}")
        load([REFERENCE, *paths], kg)
        where = sorted(row["g"].value for row in kg.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { sk:armed-forces-of-niger ?p ?o } "
            "FILTER(?g != <https://w3id.org/sahel-kg/graph/sources>) }"))
        assert where == ["https://w3id.org/sahel-kg/graph/reference", "https://w3id.org/sahel-kg/graph/reference/inferred"]
        # one row for each report and for the fact they report, not one for each graph the label is in
        rows = kg.query("SELECT ?node ?label WHERE { ?node skg:actor ?army . ?army rdfs:label ?label }")
        assert sorted((r["node"].value.rsplit("/", 1)[-1], r["label"].value) for r in rows) == [
            *((f"{slug}.army-condemns", "armed forces of Niger") for slug in slugs),
            ("b1acd4d45cfafdc94b0e", "armed forces of Niger")]
        exports.append(export(kg.quads(), "nquads"))
        if order == 1:  # taking an article out leaves them to the other
            remove([slugs[0]], kg)
            assert sorted(r["node"].value.rsplit("/", 1)[-1] for r in kg.query(
                "SELECT ?node WHERE { ?node skg:actor ?army . ?army rdfs:label 'armed forces of Niger'@en }")) == [
                f"{slugs[1]}.army-condemns", "b1acd4d45cfafdc94b0e"]
        kg.close()
    assert exports[0] == exports[1]


def test_the_armed_forces_of_a_state_declared_without_them_are_a_clear_error(tmp_path):
    """A state a Turtle file declares (as an older sahelkg's export did) has no armed forces beside it."""
    other = tmp_path / "testland.ttl"
    other.write_text("@prefix skg: <https://w3id.org/sahel-kg/ontology#> .\n"
                     "<https://w3id.org/sahel-kg/entity/testland> a skg:State ; "
                     "<http://www.w3.org/2000/01/rdf-schema#label> \"Testland\"@en .\n", encoding="utf-8")
    article(tmp_path, SLUG, "2024-08-06", [S_ARMY])
    path = fact_file(tmp_path, SLUG, ARMY_STATEMENT.replace("armed_forces_of: Niger", "armed_forces_of: Testland"))
    assert problems([REFERENCE, other, path]) == [
        "6: army-condemns, actor: the armed forces of Testland are not declared: a fact file that declares a state "
        "declares its armed forces beside it, and Testland was declared otherwise (an RDF file, or by an older "
        "sahelkg); load the fact file that declares Testland again [unresolved-role]"]


def test_an_article_reloaded_into_a_store_an_older_sahelkg_wrote_waits_for_its_states_file(tmp_path):
    """An older sahelkg declared the armed forces in the graph of each article that names them: that
    article loaded again alone would take their only declaration with it. It is refused, the store
    unchanged, until the state's file is loaded again and declares them beside the state."""
    import pyoxigraph as ox

    slug, army = "2024-08-06-testgazette-army-one", SK + "armed-forces-of-niger"
    article(tmp_path, slug, "2024-08-06", [S_ARMY])
    path = fact_file(tmp_path, slug, ARMY_STATEMENT)
    kg = KnowledgeGraph(tmp_path / "store")
    load([REFERENCE, path], kg)
    reference = "https://w3id.org/sahel-kg/graph/reference"
    for graph, target in ((reference, f"https://w3id.org/sahel-kg/article/{slug}"),
                          (reference + "/inferred", f"https://w3id.org/sahel-kg/article/{slug}/inferred")):
        for quad in list(kg.store.quads_for_pattern(ox.NamedNode(army), None, None, ox.NamedNode(graph))):
            kg.store.remove(quad)
            kg.store.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(target)))
    path.write_text(path.read_text(encoding="utf-8").replace("content: the delay", "content: the long delay"),
                    encoding="utf-8")
    before = export(kg.quads(), "nquads")
    with pytest.raises(InvalidInput) as refused:
        load([path], kg)
    assert [f"{p.line}: {p.message} [{p.rule}]" for p in refused.value.problems] == [
        "6: the armed forces of Niger are not declared: a fact file that declares a state declares its armed forces "
        "beside it, and Niger was declared otherwise (an RDF file, or by an older sahelkg); load the fact file that "
        "declares Niger again [unresolved-role]"]
    assert export(kg.quads(), "nquads") == before
    load([REFERENCE, path], kg, replace=True)
    assert [r["label"].value for r in kg.query(
        f"SELECT ?label WHERE {{ GRAPH <{reference}> {{ <{army}> rdfs:label ?label }} }}")] == ["armed forces of Niger"]
    kg.close()


def test_the_name_of_a_states_armed_forces_names_them(tmp_path):
    """Test text: an entity file that gives an organization the name of Mali's armed forces."""
    entities = tmp_path / "test-entities.yaml"
    entities.write_text("# TEST TEXT written by tests/test_words.py; not real data\nentities:\n"
                        "  - id: malian-armed-forces\n    type: Organization\n    label: Malian Armed Forces\n"
                        "    aliases: [armed forces of Mali]\n", encoding="utf-8")
    assert problems([REFERENCE, entities]) == [
        "3: entity 'malian-armed-forces', None: the name 'armed forces of Mali' already names armed-forces-of-mali; "
        "a name names one entity; a state's armed forces are declared beside it, and a fact names them "
        "{armed_forces_of: <state>} [name-taken]"]


MALI_STATEMENT = condemnation("mali-condemns", "{regime_of: Mali}", "the strikes", S_MALI)


def test_the_regime_of_a_state_comes_from_the_store_too(tmp_path):
    # the devset's Mali junta rules Mali from 2020-08-18, as a test text in the store says
    kg = KnowledgeGraph(tmp_path / "store")
    load([REFERENCE, DEVSET / "devset-entities.yaml",
          DEVSET / "facts" / "2024-07-07-sahelobserver-sahel-juntas-sign-confederation-treaty.yaml"], kg)
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    load([fact_file(tmp_path, SLUG, MALI_STATEMENT)], kg)
    (row,) = kg.query(f"SELECT ?actor WHERE {{ <{SKR}{SLUG}.mali-condemns> skg:actor ?actor }}")
    assert row["actor"].value == SK + "mali-junta"
    kg.close()


def test_a_regime_that_cannot_be_found_is_a_clear_error(tmp_path):
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    assert problems([REFERENCE, fact_file(tmp_path, SLUG, MALI_STATEMENT)]) == [
        "6: mali-condemns, actor: no regime of Mali is known on 2024-08-06: no Rule fact with state Mali may be "
        "active then, in the store or in this batch (name the regime, or add its Rule) [unresolved-role]"]


def test_two_regimes_at_once_are_ambiguous(tmp_path):
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    path = fact_file(tmp_path, SLUG, f"""
        entities:
          - id: test-regime
            type: Regime
            label: Test regime
        facts:
          - id: rule-a
            type: Rule
            regime: CNSP
            state: Niger
            start: 2023-07
            end: ongoing
            quote: {q(S_RULE)}
          - id: rule-b
            type: Rule
            regime: Test regime
            state: Niger
            start: 2023-07
            end: ongoing
            quote: {q(S_RULE)}
          - id: army-condemns
            type: Statement
            kind: Condemnation
            actor: {{regime_of: Niger}}
            content: the delay
            date: 2024-08
            quote: {q(S_ARMY)}
        """)
    assert problems([REFERENCE, path]) == [
        "24: army-condemns, actor: the regime of Niger on 2024-08-06 is ambiguous: it may be National Council for "
        "the Safeguarding of the Fatherland, Test regime (name the regime) [unresolved-role]"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("actor", "{regime_of: Niamey}", "'regime_of' takes a State, not 'Niamey' [wrong-kind]"),
    ("actor", "{junta_of: Niger}", "{'junta_of': 'Niger'} is not a name nor a role ({regime_of: <state>} or "
     "{armed_forces_of: <state>}) [entity-name]"),
    ("actor", "{armed_forces_of: Nigr}", "unknown entity 'Nigr'; did you mean 'niger'? (declare it under "
     "'entities:' if it is new) [unknown-entity]"),
    ("date", "before no-such-fact", "date 'before no-such-fact': no fact with id 'no-such-fact' in this file "
     "[time-ref]"),
    ("date", "before army-condemns", "date 'before army-condemns' is taken from its own time "
     "(army-condemns -> army-condemns) [time-ref]"),
])
def test_bad_roles_and_references_are_clear_errors(tmp_path, field, value, message):
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    values = {"actor": "Niger", "date": "2024-08", field: value}
    path = fact_file(tmp_path, SLUG, f"""
        facts:
          - id: army-condemns
            type: Statement
            kind: Condemnation
            actor: {values["actor"]}
            content: the delay
            date: {values["date"]}
            quote: {q(S_ARMY)}
        """)
    line = 6 if field == "actor" else 8
    assert problems([REFERENCE, path]) == [f"{line}: army-condemns, {field}: {message}"]


def test_two_times_taken_from_each_other_are_a_loop(tmp_path):
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    path = fact_file(tmp_path, SLUG, f"""
        facts:
          - id: army-condemns
            type: Statement
            kind: Condemnation
            actor: Niger
            content: the delay
            date: after russian-visit
            quote: {q(S_ARMY)}
          - id: russian-visit
            type: DiplomaticContact
            kind: Visit
            actor: Russia
            counterpart: Niger
            date: before army-condemns
            quote: {q(S_VISIT)}
        """)
    assert problems([REFERENCE, path]) == [
        "8: army-condemns, date: date 'after russian-visit' is taken from its own time "
        "(army-condemns -> russian-visit -> army-condemns) [time-ref]"]


def test_a_rule_names_its_regime(tmp_path):
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    path = fact_file(tmp_path, SLUG, f"""
        facts:
          - id: niger-rule
            type: Rule
            regime: {{regime_of: Niger}}
            state: Niger
            quote: {q(S_RULE)}
        """)
    assert problems([REFERENCE, path]) == [
        "5: niger-rule, regime: a Rule says who rules: name the regime, not 'regime_of' [entity-name]"]


@pytest.mark.parametrize(("quote", "message"), [
    (f"[{{words: {q(S_ARMY)}}}]", "a quote is the sentence, or a mapping with 'text' (the sentence) and "
     "'according_to' (who the article says it from) [quote]"),
    (f"[{{text: {q(S_ARMY)}, according_to: {{said: x}}}}]", "'according_to' is the source's words, or a mapping "
     "with 'source' (words) and/or 'actor' (an entity) [according-to]"),
    (f"[{q(S_ARMY)}, {{text: {q(S_ARMY)}, according_to: the army}}]",
     f"the same quote is given twice: '{S_ARMY}' [quote]"),
])
def test_bad_quotes_are_clear_errors(tmp_path, quote, message):
    article(tmp_path, SLUG, "2024-08-06", SENTENCES)
    path = fact_file(tmp_path, SLUG, f"""
        facts:
          - id: army-condemns
            type: Statement
            kind: Condemnation
            actor: Niger
            content: the delay
            date: 2024-08
            quote: {quote}
        """)
    assert problems([REFERENCE, path]) == [f"9: army-condemns, quote: {message}"]
