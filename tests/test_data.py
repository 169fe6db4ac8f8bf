"""Truth in the data: every fact comes from an article in data/, with its exact sentence."""

from __future__ import annotations

import pytest

from loader.articles import read_article
from loader.namespaces import DATA_DIR

ARTICLES = {a.iri: a for a in (read_article(p) for p in sorted((DATA_DIR / "articles").glob("*.md")))}


def test_every_quote_is_in_its_article_file(seed):
    rows = list(seed.query("SELECT ?quote ?article WHERE { GRAPH ?g { ?c a skg:Citation ; skg:quote ?quote ; "
                           "skg:cites ?article } }"))
    assert len(rows) == 36
    for row in rows:
        article = ARTICLES[row["article"].value]  # the article is a file in data/articles
        assert row["quote"].value in article.body


def test_every_fact_has_a_source_and_a_quote(seed):
    unsourced = list(seed.query(
        "SELECT ?fact WHERE { ?fact a/rdfs:subClassOf* skg:Fact . "
        "FILTER NOT EXISTS { ?fact prov:wasDerivedFrom ?a ; skg:citation/skg:quote ?q ; "
        "skg:report/skg:citation/skg:quote ?q } }"))
    assert unsourced == []


def test_every_report_is_of_one_fact(seed):
    reports = {r["r"].value for r in seed.query("SELECT ?r WHERE { ?r a skg:Report }")}
    facts_of = [(r["r"].value, r["f"].value) for r in seed.query("SELECT ?r ?f WHERE { ?f skg:report ?r }")]
    assert len(reports) == 27 and sorted(r for r, _ in facts_of) == sorted(reports)


def test_every_reference_entity_is_labelled_and_linked_to_wikidata(seed):
    rows = {r["e"].value.rsplit("/", 1)[-1]: r["wd"] for r in seed.query(
        "SELECT ?e ?wd WHERE { ?e a ?t ; rdfs:label ?l . FILTER(STRSTARTS(STR(?e), STR(sk:))) "
        "FILTER NOT EXISTS { ?e skg:armedForcesOf ?state } OPTIONAL { ?e schema:sameAs ?wd } }")}
    # the only entities without a Wikidata item are the ones the article does not name precisely
    assert sorted(e for e, wd in rows.items() if wd is None) == ["cnsp", "niger-mali-burkina-faso-joint-force", "the-west"]
    assert rows["abdourahamane-tiani"].value == "http://www.wikidata.org/entity/Q120965176"
    # each state's armed forces are declared beside it, named after it
    forces = {r["state"].value.rsplit("/", 1)[-1]: r["label"].value for r in seed.query(
        "SELECT ?state ?label WHERE { GRAPH <https://w3id.org/sahel-kg/graph/reference> { "
        "?forces skg:armedForcesOf ?state ; rdfs:label ?label } }")}
    states = {r["s"].value.rsplit("/", 1)[-1] for r in seed.query("SELECT ?s WHERE { ?s a skg:State }")}
    assert set(forces) == states and forces["burkina-faso"] == "armed forces of Burkina Faso"


# Each fact the article states (issue 2, section 2), as a SPARQL pattern over the seed graph.
EXPECTED_FACTS = {
    "Tiani heads the junta CNSP as its president since the July 2023 coup":
        "?r a skg:Rule ; skg:regime sk:cnsp ; skg:state sk:niger ; skg:leader sk:abdourahamane-tiani ; "
        "skg:start '2023-07'^^xsd:gYearMonth ; skg:report/skg:cameToPowerBy ?cr . ?c skg:report ?cr . "
        "sk:cnsp a skg:MilitaryJunta . "
        "?h a skg:OfficeHolding ; skg:holder sk:abdourahamane-tiani ; skg:office skg:President ; skg:officeOf sk:cnsp .",
    "the coup ousted the elected president Bazoum":
        "?c a skg:Coup ; skg:state sk:niger ; skg:ousted sk:mohamed-bazoum ; skg:newRegime sk:cnsp ; "
        "skg:date '2023-07'^^xsd:gYearMonth .",
    "the Tiani-Putin phone call of 2024-03-26, per the Nigerien communique":
        "?f a skg:DiplomaticContact ; skg:contactKind skg:PhoneCall ; skg:actor sk:abdourahamane-tiani ; "
        "skg:counterpart sk:vladimir-putin ; skg:date '2024-03-26'^^xsd:date ; "
        "skg:report/skg:topic 'strengthening security cooperation to face current threats', "
        "'projects for multi-sector and global strategic cooperation' ; skg:citation/skg:attributedTo sk:niger .",
    "Tiani thanked Putin for Russia's support":
        "?f a skg:Statement ; skg:statementKind skg:Gratitude ; skg:actor sk:abdourahamane-tiani ; "
        "skg:addressee sk:vladimir-putin .",
    "Niger and Russia agreed in January 2024 to strengthen military ties during Zeine's Moscow visit":
        "?f a skg:CooperationChange ; skg:changeKind skg:CommitmentToStrengthen ; skg:actor sk:niger, sk:russia ; "
        "skg:domain skg:MilitaryDomain ; skg:date '2024-01'^^xsd:gYearMonth ; skg:report/skg:occasion ?vr . "
        "?v skg:report ?vr ; a skg:DiplomaticContact ; skg:leader sk:ali-lamine-zeine ; skg:place sk:moscow . "
        "?pm skg:holder sk:ali-lamine-zeine ; skg:office skg:PrimeMinister ; skg:officeOf sk:niger .",
    "Putin is Russia's president":
        "?f a skg:OfficeHolding ; skg:holder sk:vladimir-putin ; skg:office skg:President ; skg:officeOf sk:russia .",
    "Niger was a frontline partner of the West, and has embraced Russia as a defence partner since the coup":
        "?w a skg:SecurityCooperation ; skg:partner sk:niger, sk:the-west ; skg:endLatest '2024-03-25'^^xsd:date . "
        "?r a skg:SecurityCooperation ; skg:partner sk:niger, sk:russia ; skg:domain skg:DefenceDomain ; "
        "skg:start '2023'^^xsd:gYear .",
    "a Russian delegation visited Niger in December 2023":
        "?f a skg:DiplomaticContact ; skg:actor sk:russia ; skg:counterpart sk:niger ; skg:date '2023-12'^^xsd:gYearMonth .",
    "the United States stations some 1,000 troops in Niger":
        "?f a skg:MilitaryPresence ; skg:deployingState sk:united-states ; skg:hostState sk:niger ; "
        "skg:report [ skg:troopStrength 1000 ; skg:approximate true ; skg:troopsText 'about 1000' ; "
        "skg:troopsMin 900 ; skg:troopsMax 1100 ] ; skg:endEarliest '2024-03-26'^^xsd:date .",
    "movements limited since the coup; Washington curbed assistance to the government":
        "?m a skg:CooperationChange ; skg:changeKind skg:Curb ; skg:counterpart sk:united-states ; "
        "skg:dateEarliest '2023-07-01'^^xsd:date . "
        "?a a skg:CooperationChange ; skg:changeKind skg:Curb ; skg:actor sk:united-states ; "
        "skg:domain skg:AssistanceDomain .",
    "a senior US delegation went to Niamey in mid-March 2024 and said it failed to meet Tiani":
        "?f a skg:DiplomaticContact ; skg:actor sk:united-states ; skg:place sk:niamey ; "
        "skg:date '2024-03'^^xsd:gYearMonth ; skg:dateEarliest '2024-03-11'^^xsd:date ; "
        "skg:dateLatest '2024-03-20'^^xsd:date ; skg:outcome skg:FailedToMeet ; "
        "skg:outcomeWith sk:abdourahamane-tiani ; skg:citation/skg:attributedTo sk:united-states .",
    "the regime denounced military cooperation with the West and shunned ties with France":
        "?d a skg:CooperationChange ; skg:changeKind skg:Denunciation ; skg:actor sk:cnsp ; skg:counterpart sk:the-west . "
        "?r a skg:CooperationChange ; skg:changeKind skg:Rejection ; skg:actor sk:cnsp ; skg:counterpart sk:france .",
    "Niger had been a base for France's military effort, ended before the article":
        "?f a skg:MilitaryPresence ; skg:deployingState sk:france ; skg:hostState sk:niger ; "
        "skg:endLatest '2024-03-25'^^xsd:date . FILTER NOT EXISTS { ?f skg:endEarliest ?e }",
    "early March 2024: Niger, Mali and Burkina Faso announced a joint force":
        "?f a skg:Announcement ; skg:statementKind skg:CreationAnnouncement ; "
        "skg:actor sk:niger, sk:mali, sk:burkina-faso ; skg:about sk:niger-mali-burkina-faso-joint-force ; "
        "skg:date '2024-03'^^xsd:gYearMonth ; skg:dateLatest '2024-03-10'^^xsd:date .",
    "January 2024: the three announced their intention to withdraw from ECOWAS":
        "?f a skg:Announcement ; skg:statementKind skg:WithdrawalIntention ; skg:actor sk:niger, sk:mali, sk:burkina-faso ; "
        "skg:about sk:ecowas ; skg:date '2024-01'^^xsd:gYearMonth . "
        "?m a skg:Membership ; skg:member sk:mali ; skg:organization sk:ecowas ; skg:status skg:WithdrawalAnnounced .",
}


@pytest.mark.parametrize("fact", list(EXPECTED_FACTS))
def test_the_article_fact_is_in_the_graph(seed, fact):
    assert seed.query(f"ASK {{ {EXPECTED_FACTS[fact]} }}"), fact
