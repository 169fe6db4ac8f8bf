"""Every named query runs on the seed store, and gives exactly the expected answer."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from loader.loading import known_entities
from loader.queries import QueryError, bind, find_query, named_queries


def ask(kg, name, as_of=None, **params):
    query = find_query(name)
    substitutions = bind(query, params, known_entities(kg), as_of)
    result = kg.query(query.text, substitutions)
    return [{v.value: row[v.value].value if row[v.value] is not None else None for v in result.variables} for row in result]


def pick(rows, *columns):
    return [tuple(row[c] for c in columns) for row in rows]


def test_every_query_file_has_a_header_and_runs(seed):
    queries = named_queries()
    assert set(queries) >= {"who-rules", "foreign-presences", "partners", "memberships", "contacts",
                            "timeline", "sources", "claims"}
    for name, query in queries.items():
        assert query.title and query.summary and query.example.startswith(f"sahelkg query {name}"), name
        # parameters must be projected: that is how they are bound (SPARQL SEP-0007 substitution)
        projection = query.text.split("WHERE", 1)[0]
        for param in query.params:
            assert f"?{param}" in projection, (name, param)
        # runnable as plain SPARQL, with no parameter bound
        list(ox.Store().query(query.text))


def test_who_rules_niger(seed):
    rows = ask(seed, "who-rules", state="Niger")
    assert pick(rows, "regimeName", "kind", "leaderName", "since", "cameToPowerBy", "coupDate", "ousted") == [
        ("National Council for the Safeguarding of the Fatherland", "military junta", "Abdourahamane Tiani",
         "2023-07", "coup", "2023-07", "Mohamed Bazoum"),
    ]
    assert rows[0]["office"] == ("head of state of Niger; "
                                 "president of National Council for the Safeguarding of the Fatherland")


def test_foreign_presences_in_niger_on_publication_day(seed):
    rows = ask(seed, "foreign-presences", as_of="2024-03-26", host="Niger")
    assert pick(rows, "deployingState", "troops", "status", "until") == [
        ("United States", "about 1000 (2024-03-26)", "active", "ongoing on 2024-03-26"),
        ("France", "", "ended", "ended before 2024-03-26"),
    ]
    assert rows[0]["quote"].startswith("The United States still stations some 1,000 troops in Niger")


def test_foreign_presences_too_vague_to_decide_are_possible(seed):
    rows = ask(seed, "foreign-presences", as_of="2024-01-01", host="Niger")
    assert pick(rows, "deployingState", "status") == [
        ("France", "possibly active"), ("United States", "possibly active")]


def test_partners_of_niger_in_date_order(seed):
    rows = ask(seed, "partners", state="Niger")
    assert pick(rows, "when", "what", "partner", "domain", "until") == [
        ("2023", "security partnership", "Russia", "defence", "ongoing on 2024-03-26"),
        ("after 2023-07", "denunciation", "the West", "military", ""),
        ("after 2023-07", "rejection", "France", "", ""),
        ("2024-01", "commitment to strengthen", "Russia", "military", ""),
        ("before 2024-03-26", "curb", "United States", "assistance", ""),
        # no start known: it sorts by its end
        ("unknown", "security partnership", "the West", "security", "ended before 2024-03-26"),
    ]


@pytest.mark.parametrize("params", [{"organization": "ECOWAS"}, {"organization": "Economic Community of West African States"}])
def test_memberships_of_ecowas(seed, params):
    rows = ask(seed, "memberships", as_of="2024-03-26", **params)
    assert pick(rows, "member", "membershipStatus", "since", "holds") == [
        ("Burkina Faso", "withdrawal announced", "2024-01", "yes"),
        ("Mali", "withdrawal announced", "2024-01", "yes"),
        ("Niger", "withdrawal announced", "2024-01", "yes"),
    ]


def test_memberships_of_niger_before_the_announcement(seed):
    rows = ask(seed, "memberships", as_of="2023-12-31", state="Niger")
    assert pick(rows, "organizationName", "membershipStatus", "holds") == [
        ("Economic Community of West African States", "withdrawal announced", "no (not yet)")]


def test_contacts_between_niger_and_russia(seed):
    rows = ask(seed, "contacts", a="Niger", b="Russia")
    assert pick(rows, "date", "kind", "from", "to", "place", "ledBy") == [
        ("2023-12", "visit", "Russia", "Niger", "", ""),
        ("2024-01", "visit", "Niger", "Russia", "Moscow", "Ali Lamine Zeine"),
        ("2024-03-26", "phone call", "Abdourahamane Tiani", "Vladimir Putin", "", ""),
    ]
    assert "strengthening security cooperation to face current threats" in rows[2]["about"]
    assert "projects for multi-sector and global strategic cooperation" in rows[2]["about"]
    # the order of the two sides does not matter
    assert ask(seed, "contacts", a="Russia", b="Niger") == [dict(r, a=r["b"], b=r["a"]) for r in rows]


def test_contacts_between_niger_and_the_united_states(seed):
    rows = ask(seed, "contacts", a="Niger", b="US")
    assert pick(rows, "date", "kind", "from", "to", "place", "about", "outcome") == [
        ("mid 2024-03", "visit", "United States", "National Council for the Safeguarding of the Fatherland", "Niamey",
         "to renew contact with the junta", "failed to meet Abdourahamane Tiani"),
    ]


def test_timeline_of_tiani(seed):
    rows = ask(seed, "timeline", entity="Tchiani")
    assert pick(rows, "when", "type", "role") == [
        ("2023-07", "office holding", "holder"),
        ("2023-07", "office holding", "holder"),
        ("2023-07", "rule", "leader"),
        ("mid 2024-03", "diplomatic contact", "outcome with"),
        ("2024-03-26", "diplomatic contact", "actor"),
        ("2024-03-26", "statement", "actor"),
    ]


def test_timeline_of_niger_is_in_date_order(seed):
    rows = ask(seed, "timeline", entity="Niger")
    assert len(rows) == 16
    assert [r["when"] for r in rows[:4]] == ["2023", "2023-07", "2023-07", "by 2023-07-01"]
    assert rows[-1]["until"] == "ongoing on 2024-03-26"


def test_sources_of_facts_about_tiani(seed):
    rows = ask(seed, "sources", entity="Tiani")
    assert {r["factId"] for r in rows} == {
        "cnsp-rules-niger", "tiani-head-of-state", "tiani-president-of-cnsp", "tiani-putin-phone-call",
        "tiani-thanks-putin", "us-delegation-to-niamey"}
    assert {(r["headline"], r["publisher"], r["published"]) for r in rows} == {
        ("Niger Regime Chief Talks ‘Security Cooperation’ With Putin", "Channels Television", "2024-03-26")}


def test_claims(seed):
    rows = ask(seed, "claims")
    assert pick(rows, "factId", "accordingTo", "saidBy") == [
        ("tiani-putin-phone-call", "an official communique of Niger, read out on public radio", "Niger")] * 3 + [
        ("us-delegation-to-niamey", "the US delegation", "United States")]


@pytest.mark.parametrize("value", [
    'Niger" } ; DROP ALL ; #',
    "Niger> } UNION { ?s ?p ?o",
    "<https://w3id.org/sahel-kg/entity/niger>",
    "SELECT * WHERE { ?s ?p ?o }",
])
def test_hostile_values_are_rejected_as_names_not_run(seed, value):
    with pytest.raises(QueryError, match="unknown entity|not an entity|no entity"):
        ask(seed, "who-rules", state=value)


def test_text_values_are_bound_as_literals(seed):
    # a date parameter with SPARQL in it is refused before anything runs
    with pytest.raises(QueryError, match="is not a date"):
        ask(seed, "foreign-presences", as_of='2024-03-26"^^xsd:date ) } #', host="Niger")


def test_unknown_parameter_is_an_error(seed):
    with pytest.raises(QueryError, match="has no parameter 'country' \\(parameters: state\\)"):
        ask(seed, "who-rules", country="Niger")


def test_json_results_follow_the_w3c_format(seed):
    query = find_query("claims")
    data = json.loads(seed.query(query.text).serialize(format=ox.QueryResultsFormat.JSON))
    assert data["head"]["vars"][:3] == ["fact", "type", "factId"]
    assert data["results"]["bindings"][0]["fact"]["type"] == "uri"


def test_entity_parameters_name_declared_classes_and_refuse_other_kinds(seed):
    from loader.ontology import load_ontology
    from loader.queries import WrongKindOfEntity, parse_query

    declared = load_ontology().superclasses
    classes = {(name, p.name): p.entity_class for name, q in named_queries().items() for p in q.params.values()
               if p.entity_class}
    assert classes == {("foreign-presences", "host"): "State", ("memberships", "organization"): "Organization",
                       ("partners", "state"): "State", ("who-rules", "state"): "State"}
    assert all(f"https://w3id.org/sahel-kg/ontology#{c}" in declared for c in classes.values())
    with pytest.raises(WrongKindOfEntity) as wrong:
        ask(seed, "partners", state="ECOWAS")
    assert str(wrong.value) == ("parameter 'state': 'ECOWAS' (Economic Community of West African States) is an "
                                "Alliance, not a State")
    typo = parse_query("#+ param: state | entity Stat | a state\nSELECT ?state WHERE { ?state a skg:State }", "typo")
    with pytest.raises(QueryError, match="must be a skg:Stat, a class the ontology does not declare"):
        bind(typo, {"state": "Niger"}, known_entities(seed))
    with pytest.raises(QueryError, match="an entity's class after its kind"):
        parse_query("#+ param: state | date State | a day\nSELECT ?state WHERE {}", "bad")
