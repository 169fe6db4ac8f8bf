"""Generate a benchmark corpus: N articles, their fact files, and the entities they name.

    bench/generate.py --articles N --out DIR [--seed S]

writes

    DIR/articles/<slug>.md     the articles, published 2019-2025, slug YYYY-MM-DD-<outlet>-<n>; ~40% carry an AFP,
                               Reuters or AP story; the body has one sentence per fact (two for a contact, a meeting
                               or a founding that gives its topics or clauses)
    DIR/facts/<slug>.yaml      ~25 facts per article, one of each kind of loader/schema.py it can give (situations,
                               events, bases used and handed over, foundings with their charters and clauses,
                               successions, multilateral meetings, forces acting for a state, withdrawal steps of a
                               presence): times as vague as news gives them (months, years, early/mid/late,
                               before/after/by, between, about 2014, about a decade before, before <fact id>,
                               ongoing, planned), vague troop numbers ('several hundred', 'between 1,000 and 1,500',
                               'around 2,000 (per officials)'), attributions (according_to, and per quote), actors
                               named by their role (regime_of: France, armed_forces_of: Niger); each fact quotes its
                               sentences of the body
    DIR/bench-entities.yaml    every entity the facts name that data/reference.yaml does not, declared once: states
                               of the region and their partners, juntas and governments, leaders and officials,
                               cities and regions, bases, charters, alliances, forces, armed groups

The facts are fictional. The actors are real ones, plus invented ones (their description says so) made as the
corpus needs them, so that a new fact is really new: no other fact has its kind and identifying roles (for an
event: none within EVENT_GAP days of it). When a kind has no new identity left (memberships and presences in a
corpus of about a thousand articles, invented alliances and forces in a longer one), an article goes without it.
A government named by its role (``regime_of``) is one of a state outside Africa, whose only Rule the first article
naming it gives.

About 10% of the facts re-report a fact of an earlier article (same kind and identifying roles, times and troops
that agree), and a few of those are made to disagree: a troop range that does not overlap (articles at most 31
days apart) or an event date a month off. A few re-reports date an event months off and say `same_as`; a few
events are a second one weeks after the first, with `distinct_from`. A comment above each such fact says what it
is. Re-reports are drawn from the reports of the last 180 days and a fixed-size sample of older ones, and each
article is written as soon as it is made, so that a long corpus stays fast and small in memory.

The same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the loader's own declaration and parsers, whichever the directory it runs from

from loader.quantities import parse_troops  # noqa: E402
from loader.schema import FACT_TYPES  # noqa: E402
from loader.timespec import parse_time  # noqa: E402

FIRST_PUBLISHED, LAST_PUBLISHED = dt.date(2019, 1, 1), dt.date(2025, 12, 31)
EARLIEST = dt.date(1960, 1, 1)  # no fact is older: the independences
FACTS_PER_ARTICLE = (22, 28)
RE_REPORTS = 0.10  # share of all facts
EVENT_GAP = 120  # days between events of one identity key; the loader merges events up to 62 days apart
TROOP_WINDOW = 31  # the loader compares troop numbers of reports at most this many days apart
ATTEMPTS = 40
CANDIDATES = 40  # earlier reports a re-report chooses among
OLD_POOL = 20_000  # older reports kept for re-reports (a sample), so that memory stays bounded

FACT_KINDS = tuple(FACT_TYPES)  # every kind of fact the loader knows: each article has one of each it can
SITUATIONS = tuple(name for name, kind in FACT_TYPES.items() if kind.situation)
EVENTS = tuple(name for name, kind in FACT_TYPES.items() if not kind.situation)
# the roles that make two reports the same fact (loader/schema.py); a withdrawal step is also told apart by its step
# (the loader groups a presence's steps by their kind)
IDENTITY = {name: (("step",) if kind.step_of else ()) + kind.identity for name, kind in FACT_TYPES.items()}
# Beyond one fact of each kind, an article's facts are mostly events, whose dates keep them apart (a coup's identity
# is its state alone, so coups are rare).
EXTRA_KINDS = {"DiplomaticContact": 5, "CooperationChange": 5, "Statement": 3, "Announcement": 1, "OfficeHolding": 2,
               "MilitaryPresence": 2, "SecurityCooperation": 2, "ArmedConflict": 2, "Membership": 1}
# how precisely an article dates something: day, month, third of a month ("mid-March"), year, third of a year
# ("late 2021"), before, after, by ("by early August"), between two times, about a year ("around 2014"), counted back
# from publication ("about a decade ago"), and before or after another fact of the article ("before the handover")
TIME_FORMS = ("day", "month", "third", "year", "third-year", "before", "after", "by", "between", "about", "ago",
              "relative")
EVENT_PRECISION = (30, 30, 12, 6, 6, 6, 10, 4, 4, 1, 1, 3)
COUP_PRECISION = (40, 40, 20, 0, 0, 0, 0)  # a vague coup would block its state's years for other coups
START_PRECISION = (15, 30, 10, 20, 10, 8, 7, 4, 4, 2, 4, 2)
END_PRECISION = (20, 35, 10, 10, 5, 15, 5, 4, 3, 0, 0, 3)
UNNAMED = 0.4  # share of the mentions of a government that name it by its role ("the French government")

# --- the world: real actors (reference ids where data/reference.yaml has them) -------------------------------------

REFERENCE = {"Niger": "niger", "Mali": "mali", "Burkina Faso": "burkina-faso", "Russia": "russia", "France": "france",
             "United States": "united-states", "the West": "the-west",
             "Economic Community of West African States": "ecowas",
             "National Council for the Safeguarding of the Fatherland": "cnsp", "Sahel": "sahel", "Niamey": "niamey",
             "Moscow": "moscow", "Abdourahamane Tiani": "abdourahamane-tiani", "Mohamed Bazoum": "mohamed-bazoum",
             "Ali Lamine Zeine": "ali-lamine-zeine", "Vladimir Putin": "vladimir-putin"}

# label, adjective, capital, aliases, weight, African; "the" names take the article
STATES = (
    ("Niger", "Nigerien", "Niamey", ("Republic of Niger",), 12, True),
    ("Mali", "Malian", "Bamako", ("Republic of Mali",), 8, True),
    ("Burkina Faso", "Burkinabe", "Ouagadougou", (), 7, True),
    ("Russia", "Russian", "Moscow", ("Russian Federation",), 7, False),
    ("France", "French", "Paris", (), 5, False),
    ("United States", "American", "Washington", ("US",), 5, False),
    ("Chad", "Chadian", "N'Djamena", ("Republic of Chad",), 3, True),
    ("Mauritania", "Mauritanian", "Nouakchott", (), 2, True),
    ("Senegal", "Senegalese", "Dakar", (), 2, True),
    ("Nigeria", "Nigerian", "Abuja", ("Federal Republic of Nigeria",), 3, True),
    ("Benin", "Beninese", "Cotonou", ("Republic of Benin",), 2, True),
    ("Togo", "Togolese", "Lomé", (), 1, True),
    ("Ghana", "Ghanaian", "Accra", (), 1, True),
    ("Côte d'Ivoire", "Ivorian", "Abidjan", ("Ivory Coast",), 2, True),
    ("Guinea", "Guinean", "Conakry", ("Guinea-Conakry",), 2, True),
    ("Algeria", "Algerian", "Algiers", (), 2, True),
    ("Libya", "Libyan", "Tripoli", (), 1, True),
    ("Morocco", "Moroccan", "Rabat", (), 1, True),
    ("Sudan", "Sudanese", "Khartoum", (), 1, True),
    ("Cameroon", "Cameroonian", "Yaoundé", (), 1, True),
    ("Gabon", "Gabonese", "Libreville", (), 1, True),
    ("Guinea-Bissau", "Bissau-Guinean", "Bissau", (), 1, True),
    ("Sierra Leone", "Sierra Leonean", "Freetown", (), 1, True),
    ("Liberia", "Liberian", "Monrovia", (), 1, True),
    ("Gambia", "Gambian", "Banjul", (), 1, True),
    ("Central African Republic", "Central African", "Bangui", ("CAR",), 1, True),
    ("Egypt", "Egyptian", "Cairo", (), 1, True),
    ("Rwanda", "Rwandan", "Kigali", (), 1, True),
    ("China", "Chinese", "Beijing", ("People's Republic of China",), 2, False),
    ("Turkey", "Turkish", "Ankara", ("Türkiye",), 2, False),
    ("Germany", "German", "Berlin", (), 2, False),
    ("Italy", "Italian", "Rome", (), 2, False),
    ("United Kingdom", "British", "London", ("UK", "Britain"), 1, False),
    ("Spain", "Spanish", "Madrid", (), 1, False),
    ("Belgium", "Belgian", "Brussels", (), 1, False),
    ("Iran", "Iranian", "Tehran", (), 1, False),
    ("United Arab Emirates", "Emirati", "Abu Dhabi", ("UAE",), 1, False),
    ("Ukraine", "Ukrainian", "Kyiv", (), 1, False),
    ("Qatar", "Qatari", "Doha", (), 1, False),
    ("Saudi Arabia", "Saudi", "Riyadh", (), 1, False),
    ("Netherlands", "Dutch", "The Hague", (), 1, False),
    ("Canada", "Canadian", "Ottawa", (), 1, False),
    ("Hungary", "Hungarian", "Budapest", (), 1, False),
    ("India", "Indian", "New Delhi", (), 1, False),
)
THE = {"United States", "Central African Republic", "United Kingdom", "United Arab Emirates", "Netherlands", "Gambia"}
FORMAL = ("Republic of", "Federal Republic of", "People's Republic of", "Russian Federation")  # also take "the"
BARE = {"Wagner", "PMC Wagner"}  # names of "the" entities that take no article

TOWNS = {  # besides the capitals
    "Niger": ("Agadez", "Zinder", "Tahoua", "Diffa", "Maradi", "Dosso", "Tillabéri", "Arlit", "Ouallam", "Bosso"),
    "Mali": ("Gao", "Timbuktu", "Kidal", "Ménaka", "Mopti", "Ségou", "Sévaré", "Tessalit", "Kati", "Aguelhok"),
    "Burkina Faso": ("Djibo", "Dori", "Fada N'Gourma", "Kaya", "Ouahigouya", "Bobo-Dioulasso", "Arbinda", "Barsalogho"),
    "Chad": ("Abéché", "Bol", "Faya-Largeau"),
    "Nigeria": ("Maiduguri", "Kano", "Sokoto"),
    "Mauritania": ("Néma", "Bassikounou"),
    "Benin": ("Kandi", "Malanville"),
    "Russia": ("Sochi", "Saint Petersburg"),
    "Algeria": ("Tamanrasset",),
    "Libya": ("Sabha",),
}
TOWN_ALIASES = {"Timbuktu": ("Tombouctou",), "Saint Petersburg": ("St Petersburg",), "Washington": ("Washington, D.C.",)}

# label, aliases, state (None: several), "the"
REGIONS = (
    ("Liptako-Gourma", ("Liptako-Gourma region",), None, True),
    ("tri-border area", ("three-border area", "Three Borders region"), None, True),
    ("Lake Chad Basin", ("Lake Chad region",), None, True),
    ("central Sahel", (), None, True),
    ("West Africa", (), None, False),
    ("Tillabéri region", (), "Niger", True),
    ("Diffa region", (), "Niger", True),
    ("Agadez region", (), "Niger", True),
    ("Tahoua region", (), "Niger", True),
    ("Ménaka region", (), "Mali", True),
    ("Gao region", (), "Mali", True),
    ("Kidal region", (), "Mali", True),
    ("Mopti region", (), "Mali", True),
    ("Centre-Nord region", (), "Burkina Faso", True),
    ("Boucle du Mouhoun", (), "Burkina Faso", True),
    ("Est region", (), "Burkina Faso", True),
)

# label, aliases, type, "the", weight as an organization states join, who joins it (African states, the others,
# all, or a group of states), whether states of the region announce its creation
ORGANIZATIONS = (
    ("Economic Community of West African States", ("ECOWAS",), "Alliance", False, 6, "african", False),
    ("Alliance of Sahel States", ("AES", "Alliance des États du Sahel", "Confederation of Sahel States"), "Alliance",
     True, 4, "african", True),
    ("African Union", ("AU",), "Alliance", True, 3, "african", False),
    ("United Nations", ("UN",), "Organization", True, 2, "all", False),
    ("G5 Sahel", ("G5 Sahel group",), "Alliance", True, 2, "african", True),
    ("European Union", ("EU",), "Alliance", True, 1, "european", False),
    ("NATO", ("North Atlantic Treaty Organization",), "Alliance", False, 0.5, "others", False),
    ("Organisation of Islamic Cooperation", ("OIC",), "Organization", True, 1, "all", False),
    ("Community of Sahel-Saharan States", ("CEN-SAD",), "Alliance", True, 1, "african", False),
    ("West African Economic and Monetary Union", ("WAEMU", "UEMOA"), "Alliance", True, 1, "african", False),
    ("Economic Community of Central African States", ("ECCAS",), "Alliance", True, 0.5, "african", False),
    ("Liptako-Gourma Authority", (), "Organization", True, 1, "african", True),
    ("Organisation internationale de la Francophonie", ("OIF", "La Francophonie"), "Organization", True, 1, "all",
     False),
    ("Accra Initiative", (), "Alliance", True, 0.5, "african", True),
    ("BRICS", (), "Alliance", False, 0.3, "all", False),
)

# states named as one where forces come from or go
STATE_GROUPS = {
    "sahel": ("Niger", "Mali", "Burkina Faso", "Chad", "Mauritania"),
    "lake-chad": ("Nigeria", "Niger", "Chad", "Cameroon", "Benin"),
    "european": ("France", "Germany", "Italy", "Spain", "Belgium", "Netherlands", "Hungary"),
}
# label, aliases, type, who deploys it (a state, a group of states, or None: any state), where (None: any African
# state), "the"
FORCES = (
    ("Africa Corps", ("Russian Africa Corps",), "Force", "Russia", None, True),
    ("Wagner Group", ("Wagner", "PMC Wagner"), "Force", "Russia", None, True),
    ("Operation Barkhane", ("Barkhane",), "Force", "France", "sahel", False),
    ("Operation Serval", ("Serval",), "Force", "France", ("Mali",), False),
    ("Task Force Takuba", ("Takuba",), "Force", "european", ("Mali", "Niger"), False),
    ("US Africa Command", ("AFRICOM",), "Organization", "United States", None, False),
    ("Italian Bilateral Support Mission in Niger", ("MISIN",), "Organization", "Italy", ("Niger",), True),
    ("Bundeswehr", ("German armed forces",), "Organization", "Germany", ("Mali", "Niger"), True),
    ("MINUSMA", ("United Nations Multidimensional Integrated Stabilization Mission in Mali",), "Organization", None,
     ("Mali",), False),
    ("EU Training Mission in Mali", ("EUTM Mali",), "Organization", "european", ("Mali",), True),
    ("EUCAP Sahel Niger", (), "Organization", "european", ("Niger",), False),
    ("G5 Sahel Joint Force", ("FC-G5S",), "Organization", "sahel", "sahel", True),
    ("Multinational Joint Task Force", ("MNJTF",), "Organization", "lake-chad", "lake-chad", True),
)
CREATED_FORCES = ("G5 Sahel Joint Force", "Multinational Joint Task Force")  # whose creation states announce

# label, aliases, "the"
ARMED_GROUPS = (
    ("Jama'at Nusrat al-Islam wal-Muslimin", ("JNIM", "Group for the Support of Islam and Muslims"), False),
    ("Islamic State Sahel Province", ("IS Sahel", "Islamic State in the Greater Sahara", "ISGS"), False),
    ("Islamic State West Africa Province", ("ISWAP",), False),
    ("Boko Haram", (), False),
    ("Ansarul Islam", (), False),
    ("Katiba Macina", ("Macina Liberation Front",), False),
    ("al-Qaeda in the Islamic Maghreb", ("AQIM",), False),
    ("Azawad Liberation Front", ("FLA",), True),
    ("Coordination of Azawad Movements", ("CMA",), True),
    ("Volunteers for the Defence of the Homeland", ("VDP",), True),
    ("Front for Change and Concord in Chad", ("FACT",), True),
    ("Patriotic Liberation Front", ("FPL",), True),
)
GROUPS_OF_STATES = (("the West", ("Western countries",)), ("Gulf states", ("Gulf monarchies",)),
                    ("European partners", ("Europeans",)))

# label, aliases, state, officer (else a civilian)
PEOPLE = (
    ("Abdourahamane Tiani", ("Tiani", "General Tiani"), "Niger", True),
    ("Mohamed Bazoum", ("Bazoum",), "Niger", False),
    ("Ali Lamine Zeine", ("Zeine",), "Niger", False),
    ("Vladimir Putin", ("Putin",), "Russia", False),
    ("Assimi Goïta", ("Goïta", "Colonel Assimi Goïta"), "Mali", True),
    ("Ibrahim Traoré", ("Captain Ibrahim Traoré",), "Burkina Faso", True),
    ("Paul-Henri Sandaogo Damiba", ("Damiba",), "Burkina Faso", True),
    ("Roch Marc Christian Kaboré", ("Roch Kaboré",), "Burkina Faso", False),
    ("Ibrahim Boubacar Keïta", ("IBK",), "Mali", False),
    ("Bah Ndaw", (), "Mali", True),
    ("Choguel Kokalla Maïga", ("Choguel Maïga",), "Mali", False),
    ("Abdoulaye Diop", (), "Mali", False),
    ("Sadio Camara", (), "Mali", True),
    ("Apollinaire Joachim Kyélem de Tambèla", ("Kyélem de Tambèla",), "Burkina Faso", False),
    ("Bakary Yaou Sangaré", (), "Niger", False),
    ("Salifou Mody", ("General Salifou Mody",), "Niger", True),
    ("Mahamadou Issoufou", (), "Niger", False),
    ("Mamadi Doumbouya", ("Doumbouya",), "Guinea", True),
    ("Alpha Condé", (), "Guinea", False),
    ("Mahamat Idriss Déby", ("Mahamat Déby",), "Chad", True),
    ("Brice Oligui Nguema", ("Oligui Nguema",), "Gabon", True),
    ("Ali Bongo Ondimba", ("Ali Bongo",), "Gabon", False),
    ("Bola Tinubu", ("Tinubu",), "Nigeria", False),
    ("Mohamed Ould Ghazouani", ("Ghazouani",), "Mauritania", False),
    ("Macky Sall", (), "Senegal", False),
    ("Bassirou Diomaye Faye", ("Diomaye Faye",), "Senegal", False),
    ("Abdelmadjid Tebboune", ("Tebboune",), "Algeria", False),
    ("Emmanuel Macron", ("Macron",), "France", False),
    ("Sébastien Lecornu", (), "France", False),
    ("Catherine Colonna", (), "France", False),
    ("Joe Biden", ("Biden",), "United States", False),
    ("Antony Blinken", ("Blinken",), "United States", False),
    ("Molly Phee", (), "United States", False),
    ("Sergei Lavrov", ("Lavrov",), "Russia", False),
    ("Yunus-Bek Yevkurov", ("Yevkurov",), "Russia", True),
    ("Yevgeny Prigozhin", ("Prigozhin",), "Russia", False),
    ("Recep Tayyip Erdoğan", ("Erdoğan",), "Turkey", False),
    ("Xi Jinping", (), "China", False),
    ("Olaf Scholz", ("Scholz",), "Germany", False),
    ("Giorgia Meloni", ("Meloni",), "Italy", False),
)
# holder, office, of, description: real offices (later ones are invented people)
OFFICES = (
    ("Vladimir Putin", "President", "Russia", None),
    ("Emmanuel Macron", "President", "France", None),
    ("Joe Biden", "President", "United States", None),
    ("Bola Tinubu", "President", "Nigeria", None),
    ("Abdelmadjid Tebboune", "President", "Algeria", None),
    ("Macky Sall", "President", "Senegal", None),
    ("Bassirou Diomaye Faye", "President", "Senegal", None),
    ("Mohamed Ould Ghazouani", "President", "Mauritania", None),
    ("Recep Tayyip Erdoğan", "President", "Turkey", None),
    ("Xi Jinping", "President", "China", None),
    ("Abdourahamane Tiani", "HeadOfState", "Niger", None),
    ("Assimi Goïta", "HeadOfState", "Mali", None),
    ("Ibrahim Traoré", "HeadOfState", "Burkina Faso", None),
    ("Mamadi Doumbouya", "HeadOfState", "Guinea", None),
    ("Mahamat Idriss Déby", "HeadOfState", "Chad", None),
    ("Ali Lamine Zeine", "PrimeMinister", "Niger", None),
    ("Choguel Kokalla Maïga", "PrimeMinister", "Mali", None),
    ("Apollinaire Joachim Kyélem de Tambèla", "PrimeMinister", "Burkina Faso", None),
    ("Olaf Scholz", "HeadOfGovernment", "Germany", None),
    ("Giorgia Meloni", "HeadOfGovernment", "Italy", None),
    ("Sergei Lavrov", "Minister", "Russia", "Minister of Foreign Affairs"),
    ("Yunus-Bek Yevkurov", "Minister", "Russia", "Deputy Minister of Defence"),
    ("Antony Blinken", "Minister", "United States", "Secretary of State"),
    ("Sébastien Lecornu", "Minister", "France", "Minister of the Armed Forces"),
    ("Catherine Colonna", "Minister", "France", "Minister for Europe and Foreign Affairs"),
    ("Abdoulaye Diop", "Minister", "Mali", "Minister of Foreign Affairs"),
    ("Sadio Camara", "Minister", "Mali", "Minister of Defence"),
    ("Bakary Yaou Sangaré", "Minister", "Niger", "Minister of Foreign Affairs"),
    ("Salifou Mody", "Minister", "Niger", "Minister of Defence"),
)
# label, aliases, state, leader
JUNTAS = (
    ("National Council for the Safeguarding of the Fatherland", ("CNSP",), "Niger", "Abdourahamane Tiani"),
    ("National Committee for the Salvation of the People", ("Comité national pour le salut du peuple",), "Mali",
     "Assimi Goïta"),
    ("Patriotic Movement for Safeguard and Restoration", ("MPSR",), "Burkina Faso", "Paul-Henri Sandaogo Damiba"),
    ("National Committee of Reconciliation and Development", ("CNRD",), "Guinea", "Mamadi Doumbouya"),
    ("Transitional Military Council", ("CMT",), "Chad", "Mahamat Idriss Déby"),
    ("Committee for the Transition and Restoration of Institutions", ("CTRI",), "Gabon", "Brice Oligui Nguema"),
)

# --- the world: invented actors, as many as the corpus needs --------------------------------------------------------

GIVEN = ("Amadou", "Moussa", "Ibrahim", "Oumarou", "Issoufou", "Boubacar", "Souleymane", "Hamidou", "Abdoulaye",
         "Mahamadou", "Idrissa", "Seydou", "Adama", "Ousmane", "Mamadou", "Aliou", "Hassane", "Harouna", "Salif",
         "Yacouba", "Aminata", "Fatoumata", "Mariam", "Aïssata", "Hadiza", "Rakiatou", "Kadidiatou", "Zeinabou",
         "Abdoulkarim", "Moustapha", "Lassina", "Bakary", "Daouda", "Karim", "Sidiki", "Tiémoko", "Oumar", "Ismaël",
         "Rasmané", "Zakaria", "Habibou", "Alassane", "Mahamane", "Souley", "Assane", "Awa", "Ramatou", "Salamatou",
         "Halima", "Djibril", "Modibo", "Cheick", "Sékou", "Lamine", "Youssouf", "Gaoussou", "Bréhima", "Soumaïla",
         "Adamou", "Rabiou")
FAMILY = ("Sanogo", "Coulibaly", "Diallo", "Touré", "Cissé", "Ouédraogo", "Sawadogo", "Zongo", "Compaoré", "Garba",
          "Souley", "Hama", "Diarra", "Dembélé", "Konaté", "Sidibé", "Kanté", "Sy", "Kane", "Barry", "Bah", "Sylla",
          "Maïga", "Tall", "Kouyaté", "Doumbia", "Koné", "Bamba", "Sangaré", "Kaboré", "Ilboudo", "Nikièma", "Zerbo",
          "Yaméogo", "Tapsoba", "Kafando", "Moumouni", "Mahaman", "Abdou", "Saley", "Oumarou", "Boubacar",
          "Issaka", "Harouna", "Djibo", "Amadou", "Tchiani", "Hassoumi", "Mayaki", "Seyni", "Ousseini", "Ag Ghaly",
          "Ag Intalla", "Ould Sidi", "Traoré", "Keïta", "Kéita", "Fofana", "Samaké", "Goita")
JUNTA_WORDS = (("National", "Patriotic", "Transitional", "Supreme", "Military", "Revolutionary", "Popular",
                "Republican"),
               ("Council", "Committee", "Movement", "Front", "Directorate"),
               ("the Safeguard of the Homeland", "the Restoration of Democracy", "National Recovery",
                "the Defence of the Republic", "the Refoundation of the State", "Unity and Progress",
                "National Sovereignty", "Peace and Security", "Justice and Democracy", "the Restoration of Order",
                "the Salvation of the Nation", "Dignity and Renewal", "the Transition", "National Concord"))
OPERATION_WORDS = ("Sabre", "Harmattan", "Sirocco", "Dune", "Falcon", "Scorpion", "Baobab", "Acacia", "Karité",
                   "Oryx", "Fennec", "Gazelle", "Lion", "Cobra", "Hyena", "Caracal", "Tamarind", "Kapok", "Anvil",
                   "Lance", "Shield", "Spear", "Trident", "Sentinel", "Bastion", "Citadel", "Horizon", "Meridian",
                   "Compass", "Beacon", "Granite", "Basalt", "Laterite", "Sandstorm", "Mirage", "Oasis", "Caravan",
                   "Nomad", "Tuareg Wind", "Red Sand", "Iron Gate", "Desert Eagle", "Black Kite", "Sahara Star",
                   "River Guard", "Thunder", "Lightning", "Monsoon", "Equinox", "Solstice")
BASE_KINDS = ("air base", "drone base", "military base", "forward operating base", "army camp", "airfield")
ALLIANCE_WORDS = (("Joint", "Regional", "Common", "Mutual", "Integrated", "Trans-Saharan", "Collective", "United",
                   "Permanent", "Combined"),
                  ("Defence Pact", "Security Alliance", "Security Coalition", "Defence Community", "Security Compact",
                   "Defence Council", "Security Union", "Stabilisation Initiative", "Counter-Terrorism Alliance",
                   "Security Partnership"),
                  ("the Sahel", "West Africa", "the Central Sahel", "the Lake Chad Basin", "the Gulf of Guinea",
                   "the Sahara", "the Niger River", "the Liptako-Gourma", "the Sahel and Sahara", "Coastal States",
                   "the Three Borders", "the Savannah"))
CHARTER_FORMS = ("{city} Charter", "Treaty of {city}", "{city} Accord", "{city} Defence Treaty", "{city} Declaration")
CLAUSES = ("mutual defence: an attack on one member is an attack on all", "a joint force of the member states",
           "a common fund for the fight against terrorism", "the free movement of troops across their borders",
           "a rotating presidency", "the pooling of intelligence", "a common defence industry")
PORTFOLIOS = ("Minister of Defence", "Minister of Foreign Affairs", "Minister of the Interior", "Minister of Justice",
              "Minister of Mines", "Minister of Finance", "Minister of Security", "Minister of Territorial Administration")

# --- how articles put things ------------------------------------------------------------------------------------------

# key, publisher, web domain, weight
OUTLETS = (
    ("channelstv", "Channels Television", "channelstv.com", 2), ("aljazeera", "Al Jazeera", "aljazeera.com", 2),
    ("france24", "France 24", "france24.com", 2), ("rfi", "RFI", "rfi.fr", 2), ("lemonde", "Le Monde", "lemonde.fr", 1),
    ("bbc", "BBC News", "bbc.com", 2), ("guardian", "The Guardian", "theguardian.com", 1),
    ("africanews", "Africanews", "africanews.com", 2), ("dw", "Deutsche Welle", "dw.com", 1),
    ("voa", "Voice of America", "voanews.com", 1), ("premiumtimes", "Premium Times", "premiumtimesng.com", 1),
    ("newhumanitarian", "The New Humanitarian", "thenewhumanitarian.org", 1),
    ("jeuneafrique", "Jeune Afrique", "jeuneafrique.com", 1), ("barrons", "Barron's", "barrons.com", 1),
    ("arabnews", "Arab News", "arabnews.com", 1),
)
AGENCIES = ("AFP", "Reuters", "AP")
OFFICE_WORDS = {"President": "president", "PrimeMinister": "prime minister", "HeadOfState": "head of state",
                "HeadOfGovernment": "head of government", "MilitaryCommander": "military commander"}
DOMAIN_WORDS = {"SecurityDomain": "security", "MilitaryDomain": "military", "DefenceDomain": "defence",
                "StrategicDomain": "strategic", "EconomicDomain": "economic", "AssistanceDomain": "development"}
STILL = ("continues", "is still under way", "has not ended")
TROOP_WORDS = {"dozens": (24, 99), "a few hundred": (200, 500), "several hundred": (200, 900), "hundreds": (200, 999),
               "several thousand": (2000, 9000), "thousands": (2000, 9999)}  # as the fact-file spec reads them
SURELY = {"several hundred": 800}  # the loader reads it as 200-800: a report holds its number in both readings
CHANGES = {  # kind: (what the actor did, with whom)
    "Agreement": ("signed a {dom}cooperation agreement", " with {c}"),
    "CommitmentToStrengthen": ("agreed to strengthen {dom}ties", " with {c}"),
    "Denunciation": ("denounced its {dom}cooperation agreements", " with {c}"),
    "Rejection": ("rejected an offer of {dom}support", " from {c}"),
    "Revocation": ("revoked its {dom}accords", " with {c}"),
    "Curb": ("curbed its {dom}assistance", " to {c}"),
    "Suspension": ("suspended {dom}cooperation", " with {c}"),
    "Expulsion": ("expelled foreign military advisers", " sent by {c}"),
    "Withdrawal": ("withdrew from a {dom}partnership", " with {c}"),
    "Sanction": ("imposed sanctions", " on {c}"),
    "AidProvision": ("delivered {dom}aid", " to {c}"),
    "Threat": ("threatened to cut {dom}ties", " with {c}"),
}
PURPOSES = ("to renew contact with the junta", "to discuss security cooperation", "to discuss the fight against terrorism",
            "to negotiate the departure of foreign troops", "to seek the release of detained soldiers",
            "to prepare a defence agreement", "to discuss arms deliveries", "to discuss the return to constitutional order")
TOPICS = ("strengthening security cooperation to face current threats", "projects for multi-sector strategic cooperation",
          "the delivery of military equipment", "the training of special forces", "the security of the borders",
          "energy and mining projects", "the fight against armed terrorist groups", "food security",
          "the timetable of the transition")
PRESENCE_PURPOSES = ("to train the {h} army", "to fight jihadist groups", "to guard the airport", "to protect mining sites",
                     "to advise the {h} general staff", "to fly surveillance drones", "to secure the border")
SOURCES = ("a statement read on {a} state television", "a communique of the {a} government", "the {a} foreign ministry",
           "a spokesman for the {a} army", "the {a} presidency")
STEPS = {  # withdrawal step: (what was done, how a presence that ends that way may take it)
    "DepartureDemand": "{h} demanded the departure of the {a2} troops",
    "DepartureAnnouncement": "{a} announced that its troops would leave {h}",
    "DepartureAgreement": "{a} and {h} agreed on the departure of the {a2} troops",
    "DepartureStart": "the {a2} troops began to leave {h}",
    "PartialDeparture": "a first contingent of {a2} troops left {h}",
    "DepartureDeadline": "{h} set a deadline for the departure of the {a2} troops",
    "DepartureCompletion": "the last {a2} troops left {h}",
}
MEETINGS = {"Summit": "held a summit", "Meeting": "met", "PhoneCall": "held a conference call", "Visit": "met"}
FIGURE_SOURCES = ("officials", "the army", "diplomatic sources", "a UN report", "local officials")
PLAIN_SOURCES = ("diplomatic sources", "local officials", "security sources", "residents", "a UN report")


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def normalize_name(name: str) -> str:
    """A name as the loader compares names: whatever its case, accents, punctuation or spacing."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


def _kebab(name: str) -> str:
    """CommitmentToStrengthen -> commitment-to-strengthen"""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
                11: "eleven", 12: "twelve"}


def _month_words(day: dt.date) -> tuple[str, str]:
    return f"{day:%Y-%m}", f"{calendar.month_name[day.month]} {day.year}"


def _third_words(day: dt.date) -> tuple[str, str]:
    third = min((day.day - 1) // 10, 2)
    return (f"{('early', 'mid', 'late')[third]} {day:%Y-%m}",
            f"{('early ', 'mid-', 'late ')[third]}{calendar.month_name[day.month]} {day.year}")


def _year_words(day: dt.date) -> tuple[str, str]:
    third = (day.month - 1) // 4
    return (f"{('early', 'mid', 'late')[third]} {day.year}", f"{('early ', 'mid-', 'late ')[third]}{day.year}") \
        if day.month % 2 else (str(day.year), f"the end of {day.year}")


def _portable(time: Time) -> Time:
    """A time another article can give: one taken from a fact of the first article's file ('before <fact id>')
    is written with its days instead."""
    if time.form != "relative":
        return time
    if time.text.startswith("after "):
        return Time(f"after {time.earliest.isoformat()}", time.earliest, time.latest,
                    f"after {time.earliest.day} {calendar.month_name[time.earliest.month]} {time.earliest.year}",
                    "after")
    return Time(f"by {time.latest.isoformat()}", EARLIEST, time.latest,
                f"by {time.latest.day} {calendar.month_name[time.latest.month]} {time.latest.year}", "by")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


@dataclass(eq=False)
class Entity:
    id: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    the: bool = False  # named with the article: "the United States"
    weight: float = 1
    adjective: str | None = None  # of a state
    african: bool = False
    capital: Entity | None = None
    state: Entity | None = None  # where a place, person, regime or force belongs
    officer: bool = False
    leader: Entity | None = None  # of a regime
    members: str | None = None  # of an organization: "african", "others" or "all" states
    deployers: tuple[Entity, ...] = ()  # of a force: the states that send troops to it (none: any)
    hosts: tuple[Entity, ...] = ()  # of a force: where it goes (none: any African state)
    reference: bool = False  # declared in data/reference.yaml, not by the benchmark
    city: Entity | None = None  # of an installation: the town it is near
    role: tuple[str, Entity] | None = None  # named by its role: ("regime_of", Mali), ("armed_forces_of", Niger)
    declared: bool = True  # False: the loader makes it from its role (a state's armed forces)

    def declaration(self) -> dict:
        entry = {"id": self.id, "type": self.type, "label": self.label}
        if self.aliases:
            entry["aliases"] = list(self.aliases)
        if self.description:
            entry["description"] = self.description
        return entry


@dataclass(frozen=True)
class Time:
    """A time as a fact file writes it, the days it can mean, and how the article says it."""
    text: str
    earliest: dt.date
    latest: dt.date
    words: str  # "on 26 March 2024", "in mid-2023", "before July 2023"
    form: str = "day"  # of TIME_FORMS, or "ongoing", "planned"

    def yaml(self):
        # a day or a year written plainly: YAML reads them as a date and a number, which the loader takes
        if re.fullmatch(r"\d{4}", self.text):
            return int(self.text)
        if re.fullmatch(r"\d{4}-\d\d-\d\d", self.text):
            return dt.date.fromisoformat(self.text)
        return self.text


@dataclass(frozen=True)
class Troops:
    yaml: object
    words: str  # "some 1,000", "several hundred"
    low: int
    high: int | None
    per: str | None = None  # whose figure it is ("officials")

    def overlaps(self, other: Troops) -> bool:
        return (self.high is None or other.low <= self.high) and (other.high is None or self.low <= other.high)


@dataclass(eq=False)
class Fact:
    """One real-world fact of the corpus: its roles and its true times; each report says them its own way."""
    kind: str
    roles: dict  # fact-file field -> Entity, list of Entity, or text, in file order
    date: dt.date | None = None  # events
    start: dt.date | None = None  # situations
    end: dt.date | None = None  # the day it ended, or is planned to end
    end_kind: str | None = None  # "ongoing", "ended", "planned", "planned by", or None: not reported
    troops: int | None = None
    coup: Fact | None = None  # Rule: how it came to power
    occasion: Fact | None = None  # the contact during which a statement or change happened
    followed: bool = False  # has a second event weeks later (distinct_from): not re-reported
    presence: Fact | None = None  # a withdrawal step: the presence it is a step of

    @property
    def situation(self) -> bool:
        return self.kind in SITUATIONS

    def key(self, roles: dict | None = None) -> tuple:
        roles = self.roles if roles is None else roles

        def ident(value):
            if isinstance(value, list):
                return tuple(sorted(e.id for e in value))
            return value.id if isinstance(value, Entity) else value

        return (self.kind, *(ident(roles.get(r)) for r in IDENTITY[self.kind]))


@dataclass(eq=False)
class Report:
    """A fact as one article gives it."""
    fact: Fact
    slug: str
    ident: str
    published: dt.date
    entry: dict
    sentences: list[str]
    times: dict[str, Time]
    troops: Troops | None
    note: str | None = None  # the comment above it in the fact file
    noun: str = "that"  # how a sentence of the article refers to it: "the handover of the Gao air base"

    @property
    def ref(self) -> str:
        return f"{self.slug}#{self.ident}"

    @property
    def own_time(self) -> Time | None:
        """The time another fact's time may be taken from ('before <fact id>'): its date, or its start."""
        return self.times.get("date") or self.times.get("start")


@dataclass
class Summary:
    articles: int = 0
    facts: int = 0
    re_reports: int = 0
    disagreements: int = 0
    same_as: int = 0
    distinct_from: int = 0
    entities: int = 0
    kinds: dict = field(default_factory=dict)  # kind -> reports
    re_reported: dict = field(default_factory=dict)  # kind -> re-reports
    disagreeing: dict = field(default_factory=dict)  # kind -> planted disagreements
    forms: dict = field(default_factory=dict)  # how times, troops, attributions and actors were written -> count

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {self.kinds.get(kind, 0)}" + (
            f" ({self.re_reported[kind]} re-reported" + (f", {self.disagreeing[kind]} disagreeing" if
                                                         self.disagreeing.get(kind) else "") + ")"
            if self.re_reported.get(kind) else "") for kind in FACT_KINDS)
        forms = ", ".join(f"{form} {count}" for form, count in sorted(self.forms.items()))
        return (f"{self.articles} articles, {self.facts} facts ({self.re_reports} re-reports, {self.disagreements} "
                f"planted disagreements, {self.same_as} same_as, {self.distinct_from} distinct_from), "
                f"{self.entities} entities\n  by kind: {kinds}\n  forms: {forms}")

    def count(self, table: str, key: str) -> None:
        counts = getattr(self, table)
        counts[key] = counts.get(key, 0) + 1


def _taken_names() -> dict[str, str]:
    """Every name data/ gives an entity (reference file and fact files), normalized -> entity id."""
    taken = {}
    for path in [ROOT / "data" / "reference.yaml", *sorted((ROOT / "data" / "facts").glob("*.yaml"))]:
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entities") or []:
            for name in (entry["id"], entry["label"], *(entry.get("aliases") or [])):
                taken[normalize_name(name)] = entry["id"]
    return taken


class Pool:
    """First reports of earlier articles, for re-reports: every one of the last RECENT_DAYS, and a fixed-size sample
    of the older ones (whose entries and sentences are dropped), so that a long corpus keeps little in memory."""

    RECENT_DAYS = 180

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.recent: list[Report] = []  # in publication order
        self.first = 0  # recent[first:] are within RECENT_DAYS
        self.old: list[Report] = []
        self.retired = 0

    def __bool__(self) -> bool:
        return bool(self.old) or self.first < len(self.recent)

    def add(self, reports: list[Report], published: dt.date) -> None:
        self.recent += reports
        while self.first < len(self.recent) and (published - self.recent[self.first].published).days > \
                self.RECENT_DAYS:
            self.retire(self.recent[self.first])
            self.first += 1
        if self.first > 10_000:  # drop the retired head now and then
            del self.recent[:self.first]
            self.first = 0

    def retire(self, report: Report) -> None:
        report.entry, report.sentences = {}, []
        self.retired += 1
        if len(self.old) < OLD_POOL:
            self.old.append(report)
        else:  # reservoir sampling: each older report stays with the same chance
            slot = self.rng.randrange(self.retired)
            if slot < OLD_POOL:
                self.old[slot] = report

    def sample(self, since: dt.date | None, k: int) -> list[Report]:
        """Up to k reports not followed by a second event: published since that day, or any."""
        if since is None:
            choices = (self.recent, self.first, len(self.recent)), (self.old, 0, len(self.old))
        else:
            lo, hi = self.first, len(self.recent)
            while lo < hi:  # the first report published since that day
                mid = (lo + hi) // 2
                lo, hi = (mid + 1, hi) if self.recent[mid].published < since else (lo, mid)
            choices = ((self.recent, lo, len(self.recent)),)
        total = sum(end - start for _, start, end in choices)
        if not total:
            return []
        found, seen = [], set()
        for _ in range(k):
            i = self.rng.randrange(total)
            for reports, start, end in choices:
                if i < end - start:
                    report = reports[start + i]
                    break
                i -= end - start
            if not report.fact.followed and id(report) not in seen:
                seen.add(id(report))
                found.append(report)
        return found


class World:
    """Every entity and fact of the corpus, and which identities are taken."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken = _taken_names()
        self.entities: dict[str, Entity] = {}
        self.by_label: dict[str, Entity] = {}
        self.situations: set[tuple] = set()
        self.events: dict[tuple, list[tuple[dt.date, dt.date, Fact]]] = {}
        self.people_of: dict[str, list[Entity]] = {}
        self.places_of: dict[str, list[Entity]] = {}
        self.regimes_of: dict[str, list[Entity]] = {}
        self.junta_names = [f"{a} {b} for {c}" for a in JUNTA_WORDS[0] for b in JUNTA_WORDS[1] for c in JUNTA_WORDS[2]]
        self.force_names = [f"{kind} {word}{number}" for word in OPERATION_WORDS for kind in ("Operation", "Task Force",
                            "Mission") for number in ("", " II", " III", " IV")]
        # enough names for a long corpus: 'Operation Desert Sentinel', 'Joint Defence Pact of Mali and Chad'
        self.force_names += [f"Operation {a} {b}" for a in OPERATION_WORDS for b in OPERATION_WORDS
                             if a != b and " " not in a + b]
        self.alliance_names = [f"{a} {b} of {c}" for a in ALLIANCE_WORDS[0] for b in ALLIANCE_WORDS[1]
                               for c in ALLIANCE_WORDS[2]]
        african = [label for label, *_, is_african in STATES if is_african]
        self.alliance_names += [f"{a} {b} of {c} and {d}" for a in ALLIANCE_WORDS[0][:4] for b in ALLIANCE_WORDS[1]
                                for i, c in enumerate(african) for d in african[i + 1:]]
        for names in (self.junta_names, self.force_names, self.alliance_names):
            rng.shuffle(names)
        self.offices = list(OFFICES)
        self.installations_of: dict[str, list[Entity]] = {}
        self.governments: dict[str, Entity] = {}  # non-African state id -> its government, the one regime it has
        self.armies: dict[str, Entity] = {}  # state id -> its armed forces, named by role only
        self.ruled: set[str] = set()  # governments whose Rule an article has given
        self.founded: set[str] = set()  # organizations whose founding an article has given
        self.failures: dict[str, int] = {}  # kind -> articles in a row that found no new fact of it
        self.presences: list[Fact] = []  # presences that have been reported, for their withdrawal steps
        self.invented_forces: list[Entity] = []
        self.invented_alliances: list[Entity] = []  # only the latest few take part in other facts: fast picks
        self._real_world()

    # --- entities ---------------------------------------------------------------------------------------------------

    def add(self, type_: str, label: str, aliases=(), **attrs) -> Entity | None:
        """A new entity, or None when its label is taken; an alias that is taken is left out."""
        reference = label in REFERENCE
        ident = REFERENCE.get(label) or slugify(label)
        names = [label, ident]
        if not reference and any(normalize_name(n) in self.taken for n in names):
            return None
        free = tuple(a for a in aliases if reference or normalize_name(a) not in self.taken)
        for name in (*names, *free):
            self.taken.setdefault(normalize_name(name), ident)
        if reference and any(self.taken[normalize_name(n)] != ident for n in (label, *free)):
            raise ValueError(f"data/reference.yaml no longer names '{ident}' {label!r} / {free}")
        entity = Entity(ident, type_, label, free, reference=reference, **attrs)
        self.entities[ident] = entity
        self.by_label[label] = entity
        if entity.state is not None:
            if type_ == "Person":
                self.people_of.setdefault(entity.state.id, []).append(entity)
            elif type_ in ("City", "Region"):
                self.places_of.setdefault(entity.state.id, []).append(entity)
            elif type_ in ("Regime", "MilitaryJunta"):
                self.regimes_of.setdefault(entity.state.id, []).append(entity)
        return entity

    def real(self, type_: str, label: str, aliases=(), **attrs) -> Entity:
        entity = self.add(type_, label, aliases, **attrs)
        if entity is None:
            raise ValueError(f"the benchmark's {type_} {label!r} has a name data/ already gives another entity")
        return entity

    def _real_world(self) -> None:
        for label, adjective, capital, aliases, weight, african in STATES:
            state = self.real("State", label, aliases, weight=weight, adjective=adjective, african=african,
                              the=label in THE)
            state.capital = self.real("City", capital, TOWN_ALIASES.get(capital, ()), state=state)
        self.states = [e for e in self.entities.values() if e.type == "State"]
        self.african = [s for s in self.states if s.african]
        self.sahel = [self.by_label[s] for s in ("Niger", "Mali", "Burkina Faso", "Chad", "Mauritania")]
        for state, towns in TOWNS.items():
            for town in towns:
                self.real("City", town, TOWN_ALIASES.get(town, ()), state=self.by_label[state])
        self.regions = [self.real("Region", label, aliases, the=the, state=self.by_label.get(state))
                        for label, aliases, state, the in REGIONS]
        self.regions.append(self.real("Region", "Sahel", ("Sahel region",)))
        self.organizations = [self.real(type_, label, aliases, the=the, weight=weight, members=members)
                              for label, aliases, type_, the, weight, members, _ in ORGANIZATIONS]
        self.forces = [self.real(type_, label, aliases, the=the, state=self.by_label.get(deployers),
                                 deployers=self.group(deployers), hosts=self.group(hosts))
                       for label, aliases, type_, deployers, hosts, the in FORCES]
        self.creations = [self.by_label[label] for label, *_, created in ORGANIZATIONS if created]
        self.creations += [self.by_label[label] for label in CREATED_FORCES]
        self.armed_groups = [self.real("ArmedGroup", label, aliases, the=the) for label, aliases, the in ARMED_GROUPS]
        for label, aliases in GROUPS_OF_STATES:
            self.real("StateGroup", label, aliases)
        for label, aliases, state, officer in PEOPLE:
            self.real("Person", label, aliases, state=self.by_label[state], officer=officer)
        for label, aliases, state, leader in JUNTAS:
            self.real("MilitaryJunta", label, aliases, state=self.by_label[state], leader=self.by_label[leader], the=True)

    def group(self, states: str | tuple | None) -> tuple[Entity, ...]:
        """States by label, by the name of a group of them, or none."""
        labels = STATE_GROUPS.get(states, (states,)) if isinstance(states, str) else states or ()
        return tuple(self.by_label[label] for label in labels)

    def person(self, state: Entity, officer: bool = False) -> Entity:
        """An invented citizen of an African state, with a name no one has yet."""
        while True:
            given = self.rng.sample(GIVEN, 2 if self.rng.random() < 0.3 else 1)
            name = " ".join([*given, self.rng.choice(FAMILY)])
            rank = self.rng.choice(("Colonel", "General", "Captain")) if officer else None
            what = "army officer" if officer else "politician"
            person = self.add("Person", name, (f"{rank} {name}",) if rank else (), state=state, officer=officer,
                              description=f"Invented for the benchmark: a {state.adjective} {what}.")
            if person:
                return person

    def someone_of(self, state: Entity, officer: bool = False) -> Entity:
        """A person of an African state: one already known, or a new one."""
        known = self.people_of.get(state.id, [])
        if known and self.rng.random() < 0.5:
            for _ in range(5):  # drawn, not filtered: the list grows with the corpus
                person = self.rng.choice(known)
                if person.officer or not officer:
                    return person
        return self.person(state, officer)

    def regime(self, state: Entity, leader: Entity, junta: bool) -> Entity:
        while junta and self.junta_names:
            name = self.junta_names.pop()
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())
            regime = self.add("MilitaryJunta", name, (acronym,), state=state, leader=leader, the=True,
                              description=f"Invented for the benchmark: a military junta of {state.label}.")
            if regime:
                return regime
        return self.add("Regime", f"Government of {leader.label}", (), state=state, leader=leader, the=True,
                        description=f"Invented for the benchmark: the government of {state.label} led by "
                                    f"{leader.label}.") or self.rng.choice(self.regimes_of[state.id])

    def force(self, state: Entity) -> Entity | None:
        while self.force_names:
            force = self.add("Force", self.force_names.pop(), (), state=state,
                             description=f"Invented for the benchmark: a {state.adjective} military operation.")
            if force:
                self.invented_forces.append(force)
                return force
        return None

    def installation(self, state: Entity) -> Entity | None:
        """A base in the state: one already known, or a new one near one of its towns."""
        known = self.installations_of.get(state.id, [])
        if known and self.rng.random() < 0.6:
            return self.rng.choice(known)
        city = self.place_in(state)
        if city.type != "City":
            return self.rng.choice(known) if known else None
        for kind in self.rng.sample(BASE_KINDS, 3):
            base = self.add("Installation", f"{city.label} {kind}", (f"{kind} near {city.label}",), state=state, the=True,
                            city=city, description=f"Invented for the benchmark: a {kind} near {city.label}.")
            if base:
                self.installations_of.setdefault(state.id, []).append(base)
                return base
        return self.rng.choice(known) if known else None

    def government(self, state: Entity) -> Entity | None:
        """The government of a state outside Africa: its only regime in the corpus, so that an article can name it
        by its role (``regime_of``) on any day."""
        if state.african:
            return None
        if state.id not in self.governments:
            self.governments[state.id] = self.add(
                "Regime", f"{state.adjective} government", (f"government of {state.label}",), state=state, the=True,
                description=f"Invented for the benchmark: the government of {state.label}, its only regime here.")
        government = self.governments[state.id]
        if government:
            government.role = ("regime_of", state)
        return government

    def army(self, state: Entity) -> Entity:
        """The state's armed forces, which an article names by role (``armed_forces_of``) and no file declares."""
        if state.id not in self.armies:
            self.armies[state.id] = Entity(f"armed-forces-of-{state.id}", "ArmedForces", f"{state.adjective} army",
                                           the=True, state=state, role=("armed_forces_of", state), declared=False)
        return self.armies[state.id]

    def alliance(self, description: str) -> Entity | None:
        while self.alliance_names:
            name = self.alliance_names.pop()
            alliance = self.add("Alliance", name, (), the=True, weight=0.3, members="african",
                                description=f"Invented for the benchmark: {description}.")
            if alliance:
                self.invented_alliances.append(alliance)
                return alliance
        return None

    def treaty(self, city: Entity, organization: Entity) -> Entity | None:
        for form in self.rng.sample(CHARTER_FORMS, 2):
            treaty = self.add("Treaty", form.format(city=city.label), (), the=True,
                              description=f"Invented for the benchmark: the charter of {organization.label}.")
            if treaty:
                return treaty
        return None

    def pick(self, entities: list[Entity], *, but: tuple = ()) -> Entity:
        choices = [e for e in entities if e not in but]
        return self.rng.choices(choices, [e.weight for e in choices])[0]

    def place_in(self, state: Entity) -> Entity:
        return self.rng.choice(self.places_of.get(state.id) or [state])

    # --- identities -------------------------------------------------------------------------------------------------

    def fits(self, key: tuple, time: Time, group: Fact | None = None, gap: int = EVENT_GAP) -> bool:
        """Whether an event at that time stays clear of every other fact with its identity."""
        low, high = time.earliest - dt.timedelta(gap), time.latest + dt.timedelta(gap)
        for earliest, latest, other in self.events.get(key, ()):
            if latest >= low and earliest <= high and other is not group:
                return False
        return True

    def claim(self, key: tuple, time: Time | None, group: Fact) -> None:
        if time is None:
            self.situations.add(key)
        else:
            self.events.setdefault(key, []).append((time.earliest, time.latest, group))

    # --- true times -------------------------------------------------------------------------------------------------

    def day_before(self, published: dt.date, most_days: int, least_days: int = 0) -> dt.date:
        return max(EARLIEST, published - dt.timedelta(self.rng.randint(least_days, most_days)))

    def event_day(self, published: dt.date) -> dt.date:
        # mostly recent news, sometimes history
        if self.rng.random() < 0.85:
            return self.day_before(published, 3 * 365)
        return self.day_before(published, 25 * 365, 3 * 365)

    def situation(self, kind: str, roles: dict, published: dt.date, ongoing: float = 0.5, **attrs) -> Fact:
        fact = Fact(kind, roles, **attrs)
        fact.start = fact.start or self.day_before(published, 10 * 365, 30)
        draw = self.rng.random()
        if draw < ongoing:
            fact.end_kind = "ongoing"
        elif draw < ongoing + 0.3:
            fact.end_kind = "ended"
            fact.end = fact.start + dt.timedelta(self.rng.randint(0, (published - fact.start).days))
        elif draw < ongoing + 0.4:
            fact.end_kind = self.rng.choice(("planned", "planned by"))
            fact.end = published + dt.timedelta(self.rng.randint(20, 720))
        return fact

    # --- facts of each kind -----------------------------------------------------------------------------------------

    def coup(self, published: dt.date) -> Fact | None:
        state = self.pick(self.african)
        # mostly recent, else any time since the independences: a state has room for few coups
        day = self.event_day(published) if self.rng.random() < 0.4 else self.day_before(published, 65 * 365)
        if not self.fits(("Coup", state.id), Time("", day - dt.timedelta(31), day + dt.timedelta(31), "")):
            return None
        roles = {"state": state, "ousted": [self.someone_of(state)]}
        leader = self.person(state, officer=True)
        if self.rng.random() < 0.75:
            roles["new_regime"] = self.regime(state, leader, junta=True)
        roles["leader"] = leader
        return Fact("Coup", roles, date=day)

    def rule(self, published: dt.date, coup: Fact | None = None) -> Fact:
        if coup:
            state, regime = coup.roles["state"], coup.roles["new_regime"]
        else:
            state = self.pick(self.african)
            unused = [r for r in self.regimes_of.get(state.id, [])[-30:]
                      if ("Rule", r.id, state.id) not in self.situations]
            regime = unused[0] if unused and self.rng.random() < 0.5 else \
                self.regime(state, self.person(state, officer=True), junta=self.rng.random() < 0.4)
        roles = {"regime": regime, "state": state}
        if regime.leader and self.rng.random() < 0.85:
            roles["leader"] = regime.leader
        return self.situation("Rule", roles, published, ongoing=0.6, coup=coup, start=coup.date if coup else None)

    def office_holding(self, published: dt.date) -> Fact:
        if self.offices and self.rng.random() < 0.25:
            holder, office, of, portfolio = self.offices.pop(self.rng.randrange(len(self.offices)))
            holder, of = self.by_label[holder], self.by_label[of]
        elif self.rng.random() < 0.1:
            holder = self.person(self.pick(self.african))
            office, portfolio = "President", None
            of = self.rng.choice([o for o in self.organizations if o.weight >= 2])
        else:
            of = self.pick(self.african)
            office = self.rng.choices(("President", "PrimeMinister", "HeadOfState", "HeadOfGovernment", "Minister",
                                       "MilitaryCommander"), (2, 2, 1, 0.5, 5, 2))[0]
            portfolio = self.rng.choice(PORTFOLIOS) if office == "Minister" else None
            holder = self.someone_of(of, officer=office == "MilitaryCommander")
        roles = {"holder": holder, "office": office, "of": of}
        if portfolio:
            roles["description"] = portfolio
        return self.situation("OfficeHolding", roles, published, ongoing=0.5)

    def membership(self, published: dt.date) -> Fact:
        status = self.rng.choices(("Member", "Suspended", "WithdrawalAnnounced", "Withdrawn"), (5, 2, 1.5, 1.5))[0]
        organization = self.pick(self.organizations + self.invented_alliances[-30:])
        members = {"african": self.african, "others": [s for s in self.states if not s.african],
                   "all": self.states}.get(organization.members) or self.group(organization.members)
        roles = {"member": self.pick(members), "organization": organization, "status": status}
        return self.situation("Membership", roles, published, ongoing=0.6)

    def presence(self, published: dt.date) -> Fact:
        force = self.rng.choice(self.forces) if self.rng.random() < 0.45 else None
        host = self.pick(list(force.hosts) if force and force.hosts else self.african)
        deploying = self.pick(list(force.deployers) if force and force.deployers else self.states, but=(host,))
        if force is None and ("MilitaryPresence", deploying.id, None, host.id) in self.situations:
            force = self.force(deploying)  # an invented operation makes it a presence of its own
        # a force that acts for a state (an Affiliation) may deploy with no deploying state
        alone = force is not None and force.type == "Force" and force.state is deploying and self.rng.random() < 0.35
        roles = {} if alone else {"deploying_state": deploying}
        if force:
            roles["deploying_force"] = force
        roles["host_state"] = host
        places = self.places_of.get(host.id, [])
        if places and self.rng.random() < 0.5:
            roles["place"] = self.rng.sample(places, min(len(places), self.rng.choice((1, 1, 2))))
        if self.rng.random() < 0.5:
            roles["purpose"] = self.rng.choice(PRESENCE_PURPOSES).format(h=host.adjective)
        troops = round(10 ** self.rng.uniform(1.4, 3.8), -1) if self.rng.random() < 0.8 else None
        return self.situation("MilitaryPresence", roles, published, ongoing=0.5,
                              troops=int(float(f"{troops:.2g}")) if troops else None)

    def cooperation(self, published: dt.date) -> Fact:
        first = self.pick(self.african)
        partners = [first, self.pick(self.states, but=(first,))]
        if self.rng.random() < 0.15:
            partners.append(self.rng.choice(self.forces + self.organizations + self.states))
        domains = self.rng.sample(list(DOMAIN_WORDS), self.rng.choice((1, 1, 2)))
        return self.situation("SecurityCooperation", {"partners": list(dict.fromkeys(partners)), "domain": domains},
                              published, ongoing=0.55)

    def conflict(self, published: dt.date) -> Fact:
        state = self.pick(self.sahel + self.african)
        places = [state, *self.places_of.get(state.id, []), *(r for r in self.regions if r.state in (None, state))]
        location = list(dict.fromkeys(self.rng.sample(places, self.rng.choice((1, 1, 2)))))
        roles = {"location": location}
        parties = self.rng.sample(self.armed_groups, self.rng.choice((0, 1, 1, 2)))
        if parties and self.rng.random() < 0.4:
            parties.append(state if self.rng.random() < 0.5 else self.army(state))
        if parties:
            roles["parties"] = parties
        return self.situation("ArmedConflict", roles, published, ongoing=0.75)

    def side(self, states: list[Entity], but: tuple = ()) -> Entity:
        """Who acts for a state in a contact or statement: the state, one of its people, or its regime."""
        state = self.pick(states, but=but)
        draw = self.rng.random()
        if draw < 0.3 and self.people_of.get(state.id):
            return self.rng.choice(self.people_of[state.id])
        if draw < 0.5 and not state.african:
            return self.government(state) or state
        if draw < 0.4 and self.regimes_of.get(state.id):
            return self.rng.choice(self.regimes_of[state.id])
        if draw < 0.45 and state.african:
            return self.army(state)
        return state

    def contact(self, published: dt.date) -> Fact:
        kind = self.rng.choices(("PhoneCall", "Visit", "Meeting", "Summit"), (2, 3, 3, 1))[0]
        actor = [self.side(self.african)]
        if actor[0].type == "State" and self.rng.random() < 0.15:
            actor.append(self.pick(self.sahel, but=(actor[0],)))
        counterpart = self.side(self.states, but=tuple(a.state or a for a in actor))
        roles = {"kind": kind, "actor": actor, "counterpart": [counterpart]}
        home = counterpart.state or counterpart
        if kind == "Visit" and actor[0].type == "State" and self.rng.random() < 0.5:
            roles["leader"] = self.someone_of(actor[0])
        if kind != "PhoneCall" and self.rng.random() < 0.6:
            roles["place"] = [home.capital if kind == "Visit" else self.rng.choice(
                [s.capital for s in self.states if s.capital])]
        if self.rng.random() < 0.3:
            roles["purpose"] = self.rng.choice(PURPOSES)
        if self.rng.random() < 0.3:
            roles["topics"] = self.rng.sample(TOPICS, self.rng.choice((1, 2)))
        if kind != "PhoneCall" and self.rng.random() < 0.25:
            roles["outcome"] = self.rng.choice(("Held", "FailedToMeet", "AgreementReached"))
            people = self.people_of.get(home.id)
            if roles["outcome"] != "Held" and people:
                roles["outcome_with"] = [self.rng.choice(people)]
        return Fact("DiplomaticContact", roles, date=self.event_day(published))

    def statement(self, published: dt.date, occasion: Fact | None) -> Fact:
        kind = self.rng.choices(("Gratitude", "Condemnation", "Demand"), (1, 2, 1))[0]
        actor = self.side(self.african)
        other = self.pick(self.states, but=(actor.state or actor,))
        roles = {"kind": kind, "actor": [actor]}
        if self.rng.random() < 0.5 and self.people_of.get(other.id):
            roles["addressee"] = [self.rng.choice(self.people_of[other.id])]
        if self.rng.random() < 0.7:
            roles["about"] = [other]
        them = f"the {other.label}" if other.the else other.label
        roles["content"] = self.rng.choice({
            "Gratitude": (f"{them}’s “support” in the fight against terrorism", f"the help of {them} after the floods",
                          f"{them}’s solidarity with the {(actor.state or actor).adjective} people"),
            "Condemnation": (f"the sanctions imposed with the backing of {them}", f"{them}’s “interference” in its "
                             "internal affairs", "the attack on an army post that killed dozens of soldiers"),
            "Demand": (f"the departure of {other.adjective} troops within a month", f"that {them} lift its sanctions",
                       f"the release of soldiers detained by {them}"),
        }[kind])
        return Fact("Statement", roles, date=occasion.date if occasion else self.event_day(published), occasion=occasion)

    def announcement(self, published: dt.date) -> Fact:
        actor = self.rng.sample(self.sahel, self.rng.choice((1, 2, 3)))
        if self.rng.random() < 0.5:
            kind, about = "CreationAnnouncement", self.rng.choice(self.creations)
            content = f"the creation of {'the ' if about.the else ''}{about.label} to fight jihadist groups"
        else:
            kind, about = "WithdrawalIntention", self.pick([o for o in self.organizations if o.members in ("african", "all")])
            content = f"{'their' if len(actor) > 1 else 'its'} intention to withdraw from " \
                      f"{'the ' if about.the else ''}{about.label}"
        roles = {"kind": kind, "actor": actor, "about": [about], "content": content}
        return Fact("Announcement", roles, date=self.event_day(published))

    def change(self, published: dt.date, occasion: Fact | None) -> Fact:
        kind = self.rng.choice(list(CHANGES))
        actor = [self.side(self.states)]
        if actor[0].type == "State" and self.rng.random() < 0.1:
            actor.append(self.pick(self.sahel, but=(actor[0],)))
        roles = {"kind": kind, "actor": actor, "counterpart": [self.side(self.states, but=tuple(a.state or a
                                                                                                for a in actor))]}
        if kind not in ("Sanction", "Expulsion") and self.rng.random() < 0.7:
            roles["domain"] = self.rng.sample(list(DOMAIN_WORDS), self.rng.choice((1, 1, 2)))
        if self.rng.random() < 0.15:
            roles["place"] = [self.place_in(self.pick(self.sahel))]
        return Fact("CooperationChange", roles, date=occasion.date if occasion else self.event_day(published),
                    occasion=occasion)

    def government_rule(self, government: Entity) -> Fact:
        """The one Rule of a government outside Africa: from before the corpus's first article, ongoing."""
        start = dt.date(self.rng.randint(2000, 2017), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return Fact("Rule", {"regime": government, "state": government.state}, start=start, end_kind="ongoing")

    def founding(self, published: dt.date) -> Fact | None:
        if self.rng.random() < 0.3:
            unfounded = [o for o in self.organizations if o.id not in self.founded]
            organization = self.rng.choice(unfounded) if unfounded else None
        else:
            organization = self.alliance("an alliance of states of the region")
        if organization is None:
            return None
        pool = self.sahel if self.rng.random() < 0.6 else self.african
        founders = self.rng.sample(pool, min(len(pool), self.rng.choice((2, 3, 3, 4))))
        roles = {"organization": organization, "founders": founders}
        city = self.rng.choice(founders).capital
        treaty = self.treaty(city, organization) if self.rng.random() < 0.6 else None
        if treaty:
            roles["charter"] = treaty
        if self.rng.random() < 0.6:
            roles["place"] = [city]
        if self.rng.random() < 0.5:
            roles["clauses"] = self.rng.sample(CLAUSES, self.rng.choice((1, 1, 2)))
        return Fact("Founding", roles, date=self.event_day(published))

    def succession(self, published: dt.date) -> Fact | None:
        if self.rng.random() < 0.5:
            kind = "Transformation"
            predecessor = self.pick([o for o in self.organizations + self.invented_alliances[-30:]
                                     if o.type == "Alliance"])
            successor = self.alliance(f"what {predecessor.label} became")
        else:
            kind = "TakeOver"
            predecessor = self.rng.choice(self.forces + self.invented_forces[-50:])
            successor = self.rng.choice(self.forces) if self.rng.random() < 0.3 else \
                self.force(predecessor.state or self.pick(self.states))
        if successor is None or successor is predecessor:
            return None
        return Fact("Succession", {"kind": kind, "predecessor": predecessor, "successor": successor},
                    date=self.event_day(published))

    def meeting(self, published: dt.date) -> Fact:
        kind = self.rng.choices(("Summit", "Meeting", "PhoneCall", "Visit"), (4, 4, 1, 1))[0]
        states = self.rng.sample(self.african, self.rng.choice((3, 3, 4, 5)))
        participants = [self.side([s]) for s in states]
        if self.rng.random() < 0.3:
            participants.append(self.side([s for s in self.states if not s.african]))
        roles = {"kind": kind, "participants": list(dict.fromkeys(participants))}
        if self.rng.random() < 0.6:
            roles["host"] = participants[0]
        if kind != "PhoneCall" and self.rng.random() < 0.7:
            roles["place"] = [states[0].capital]
        if self.rng.random() < 0.4:
            roles["topics"] = self.rng.sample(TOPICS, self.rng.choice((1, 2)))
        if kind != "PhoneCall" and self.rng.random() < 0.25:
            roles["outcome"] = self.rng.choice(("Held", "FailedToMeet", "AgreementReached"))
        return Fact("MultilateralMeeting", roles, date=self.event_day(published))

    def base_user(self, host: Entity) -> Entity:
        """Who uses or hands over a base in the host state: a foreign state, a force, or the host's army."""
        draw = self.rng.random()
        if draw < 0.55:
            return self.pick(self.states, but=(host,))
        forces = [f for f in self.forces if not f.hosts or host in f.hosts]
        if draw < 0.8 and forces:
            return self.rng.choice(forces)
        return self.army(host) if draw < 0.9 else host

    def installation_use(self, published: dt.date) -> Fact | None:
        host = self.pick(self.sahel + self.african)
        base = self.installation(host)
        if base is None:
            return None
        roles = {"installation": base, "user": self.base_user(host)}
        if self.rng.random() < 0.7:
            roles["located_in"] = [base.city]
        return self.situation("InstallationUse", roles, published, ongoing=0.5)

    def handover(self, published: dt.date) -> Fact | None:
        host = self.pick(self.sahel + self.african)
        base = self.installation(host)
        if base is None:
            return None
        giver = self.base_user(host)
        receiver = host if self.rng.random() < 0.5 or giver in (host, self.army(host)) else self.army(host)
        if receiver is giver:
            return None
        roles = {"installation": base, "by": giver, "to": receiver}
        if self.rng.random() < 0.6:
            roles["located_in"] = [base.city]
        return Fact("Handover", roles, date=self.event_day(published))

    def affiliation(self, published: dt.date, force: Entity | None = None) -> Fact | None:
        """A force acting for a state: a Russian force for Russia, an invented operation for its state."""
        if force is None:
            known = [f for f in self.forces + self.invented_forces[-50:] if f.type == "Force" and f.state]
            force = self.rng.choice(known) if known and self.rng.random() < 0.3 else self.force(self.pick(self.states))
        if force is None or force.state is None:
            return None
        return self.situation("Affiliation", {"agent": force, "principal": force.state}, published, ongoing=0.7)

    def withdrawal_step(self, published: dt.date) -> Fact | None:
        """A step in the end of a presence already reported, as that presence ends: a completion on the day it
        ended, a deadline for one planned, a demand or a partial departure while it goes on."""
        presences = [f for f in self.presences[-300:] if f.end_kind and (published - f.start).days > 30]
        if not presences:
            return None
        presence = self.rng.choice(presences)
        roles = {"step": None}
        roles.update((k, v) for k, v in presence.roles.items() if k in ("deploying_state", "deploying_force",
                                                                          "host_state"))
        last = min(published, presence.end) if presence.end else published
        first = max(presence.start, last - dt.timedelta(365))  # a step comes late in a presence
        day = first + dt.timedelta(self.rng.randint(0, max((last - first).days, 0)))
        if presence.end_kind == "ended":
            step = self.rng.choice(("DepartureCompletion", "DepartureCompletion", "DepartureStart",
                                    "DepartureAnnouncement"))
            if step == "DepartureCompletion":
                day, end, end_kind = presence.end, presence.end, "ended"
            else:
                end, end_kind = presence.end, "planned by"
        elif presence.end_kind == "ongoing":
            step = self.rng.choice(("DepartureDemand", "DepartureStart", "PartialDeparture"))
            end, end_kind = None, "ongoing"
        else:
            step = self.rng.choice(("DepartureAgreement", "DepartureDeadline", "DepartureAnnouncement"))
            end, end_kind = presence.end, "planned by"
        roles["step"] = step
        host = presence.roles["host_state"]
        if self.rng.random() < 0.4:
            place = self.installation(host) if self.rng.random() < 0.5 else self.place_in(host)
            if place is not None:
                roles["place"] = [place]
        return Fact("WithdrawalStep", roles, date=day, end=end, end_kind=end_kind, presence=presence)


class ArticleWriter:
    """One article: its facts as reports, the sentence of each, and the header."""

    def __init__(self, world: World, number: int, published: dt.date, pool: Pool, summary: Summary):
        self.world, self.rng, self.pool, self.summary = world, world.rng, pool, summary
        self.published = published
        self.outlet = self.rng.choices(OUTLETS, [o[3] for o in OUTLETS])[0]
        self.agency = self.rng.choice(AGENCIES) if self.rng.random() < 0.4 else None
        self.slug = f"{published.isoformat()}-{self.outlet[0]}-{number}"
        self.number = number
        self.names: dict[str, str] = {}
        self.reports: list[Report] = []

    # --- naming -----------------------------------------------------------------------------------------------------

    def name(self, entity: Entity) -> str:
        """How this article names the entity: the same way throughout."""
        if entity.id not in self.names:
            self.names[entity.id] = self.rng.choice([entity.label] * 3 + list(entity.aliases))
        return self.names[entity.id]

    def the(self, entity: Entity) -> str:
        name = self.name(entity)
        return ("the " if (entity.the and name not in BARE) or name.startswith(FORMAL) else "") + name

    def all(self, entities: list[Entity]) -> str:
        return _and([self.the(e) for e in entities])

    # --- times and troops -------------------------------------------------------------------------------------------

    def time(self, day: dt.date, weights: tuple, *, end: bool = False) -> Time:
        """The true day as an article might say it, a time that holds it: weights of the forms of TIME_FORMS (those
        left out weigh nothing). ``end``: the time is an end (whose latest day is not capped at publication)."""
        time = self._time(day, weights + (0,) * (len(TIME_FORMS) - len(weights)), end)
        return time

    def _time(self, day: dt.date, weights: tuple, end: bool) -> Time:
        published = self.published
        month = calendar.month_name[day.month]
        last = calendar.monthrange(day.year, day.month)[1]
        first_of_month = day.replace(day=1)
        next_month = (first_of_month + dt.timedelta(days=32)).replace(day=1)
        while True:
            form = self.rng.choices(TIME_FORMS, weights)[0]
            if form in ("by", "between", "about", "ago", "relative"):
                time = self.vague_time(form, day, end)
                if time:
                    return time
                continue
            if form == "day":
                return Time(day.isoformat(), day, day, f"on {day.day} {month} {day.year}", "day")
            if form == "month":
                return Time(f"{day:%Y-%m}", first_of_month, day.replace(day=last), f"in {month} {day.year}", "month")
            if form == "third":
                third = min((day.day - 1) // 10, 2)
                first, final = (1, 11, 21)[third], (10, 20, last)[third]
                word = ("early ", "mid-", "late ")[third]
                return Time(f"{('early', 'mid', 'late')[third]} {day:%Y-%m}", day.replace(day=first),
                            day.replace(day=final), f"in {word}{month} {day.year}", "third")
            if form == "year":
                return Time(str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), f"in {day.year}", "year")
            if form == "third-year":
                third = (day.month - 1) // 4
                end_month = third * 4 + 4
                return Time(f"{('early', 'mid', 'late')[third]} {day.year}", dt.date(day.year, third * 4 + 1, 1),
                            dt.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1]),
                            f"in {('early ', 'mid-', 'late ')[third]}{day.year}", "third-year")
            if form == "before" and next_month <= published:
                # strictly before the month after: no later than publication
                return Time(f"before {next_month:%Y-%m}", EARLIEST, next_month - dt.timedelta(1),
                            f"before {calendar.month_name[next_month.month]} {next_month.year}", "before")
            if form == "before" and day < published:
                return Time(f"before {published.isoformat()}", EARLIEST, published - dt.timedelta(1),
                            f"before {published.day} {calendar.month_name[published.month]} {published.year}", "before")
            if form == "after":
                return Time(f"after {day:%Y-%m}", first_of_month, published, f"some time after {month} {day.year}", "after")

    def vague_time(self, form: str, day: dt.date, end: bool) -> Time | None:
        """A time in one of the newer forms, or None when the form does not fit the day. Its bounds are the loader's
        reading of it (loader/timespec.py)."""
        published = self.published
        if form == "by":
            text, words = self.rng.choice([_month_words(day), _third_words(day), _year_words(day)])
            text, words = f"by {text}", f"by {words}"
        elif form == "between":
            first = day - dt.timedelta(self.rng.randint(0, 90))
            second = min(day + dt.timedelta(self.rng.randint(0, 90)), published)
            (a, a_words), (b, b_words) = (self.rng.choice([_month_words(d), _third_words(d)]) for d in (first, second))
            if a == b:
                return None
            text, words = f"between {a} and {b}", f"between {a_words} and {b_words}"
        elif form == "about":
            if published.year - day.year < 4:
                return None
            year = day.year + self.rng.randint(-1, 1)
            text, words = f"about {year}", f"around {year}"
        elif form == "ago":
            years = published.year - day.year
            months = years * 12 + published.month - day.month
            about = self.rng.random() < 0.6
            if 8 <= years <= 12 and about:
                amount = "a decade"
            elif 2 <= years <= 25:
                amount = f"{NUMBER_WORDS.get(years, years)} years"
            elif 2 <= months <= 11:
                amount = f"{NUMBER_WORDS.get(months, months)} months"
            else:
                return None
            text = f"{'about ' if about else ''}{amount} before"
            words = f"{'about ' if about else ''}{amount} ago"
        else:  # before, after or by another fact of this article: "before the handover"
            others = [r for r in self.reports if r.own_time is not None and r.own_time.form != "relative"]
            if not others:
                return None
            other = self.rng.choice(others)
            t = other.own_time
            # 'after' needs the other time's earliest day, which a time such as 'before 2017-10' does not have
            relation = "before" if day < t.earliest else "after" if day >= t.latest and t.earliest > EARLIEST \
                else None
            if relation == "before" and self.rng.random() < 0.3:
                relation = "by"
            if relation is None or (end and relation == "after"):
                return None
            text, words = f"{relation} {other.ident}", f"{relation} {other.noun}"
            earliest = t.earliest if relation == "after" else EARLIEST
            latest = published if relation == "after" else t.latest - dt.timedelta(1 if relation == "before" else 0)
            return Time(text, earliest, latest, words, "relative") if earliest <= day <= latest else None
        value = parse_time(text, published=published, is_end=end)
        earliest = value.earliest or EARLIEST
        latest = value.latest or published
        if not end:
            latest = min(latest, published)
        if not earliest <= day <= latest or earliest > published:
            return None
        return Time(text, earliest, latest, words, form)

    def planned(self, day: dt.date, deadline: bool) -> Time:
        month = calendar.month_name[day.month]
        if self.rng.random() < 0.5:
            text, words = day.isoformat(), f"{day.day} {month} {day.year}"
            earliest = latest = day
        else:
            text, words = f"{day:%Y-%m}", f"{month} {day.year}"
            earliest, latest = day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
        if deadline:
            return Time(f"planned by {text}", EARLIEST, latest, f"by {words}", "planned")
        return Time(f"planned {text}", earliest, latest, ("on " if len(text) == 10 else "in ") + words, "planned")

    def troops(self, number: int) -> Troops:
        """The true strength as an article might give it: a range that holds it, sometimes with whose figure it is
        ('around 2,000 (per officials)'). Its bounds are the loader's reading of it (loader/quantities.py)."""
        yaml_value, words = self.troop_words(number)
        per = self.rng.choice(FIGURE_SOURCES) if self.rng.random() < 0.15 else None
        if per and isinstance(yaml_value, dict):
            yaml_value = {**yaml_value, "according_to": per}
        elif per:
            yaml_value = f"{yaml_value:,} (per {per})" if isinstance(yaml_value, int) else f"{yaml_value} (per {per})"
        strength = parse_troops(yaml_value)
        assert strength.low <= number <= (strength.high or number), (yaml_value, number)
        return Troops(yaml_value, words, strength.low, strength.high, per)

    def troop_words(self, number: int) -> tuple[object, str]:
        while True:
            form = self.rng.choice(("exact", "about", "between", "between", "at_least", "at_most", "words", "words",
                                    "said", "said", "said"))
            round_number = int(float(f"{number:.1g}"))
            if form == "exact":
                return number, f"{number:,}"
            if form == "about" and abs(number - round_number) <= round_number * 0.1:
                return {"about": round_number}, f"{self.rng.choice(('some', 'around', 'about'))} {round_number:,}"
            if form == "between":
                step = 10 ** (len(str(number)) - 1)
                low, high = number // step * step, (number // step + 1) * step
                return {"between": [low, high]}, f"between {low:,} and {high:,}"
            if form == "at_least" and round_number <= number:
                return {"at_least": round_number}, f"at least {round_number:,}"
            if form == "at_most":
                high = int(float(f"{number * 1.5:.1g}"))
                if high >= number:
                    return {"at_most": high}, f"up to {high:,}"
            words = [w for w, (low, high) in TROOP_WORDS.items() if low <= number <= SURELY.get(w, high)]
            if form == "words" and words:
                word = self.rng.choice(words)
                return word, word + (" of" if word in ("dozens", "hundreds", "thousands") else "")
            if form == "said":  # the article's words, kept as written: 'between 1,000 and 1,500', 'nearly 900'
                lead = self.rng.choice(("some", "around", "roughly", "an estimated", "nearly", "more than",
                                        "fewer than", "between"))
                if lead == "between":
                    step = 10 ** (len(str(number)) - 1) // 2 or 1
                    low = number // step * step
                    text = f"between {low:,} and {low + step:,}" if low else f"fewer than {number + 1:,}"
                elif lead == "nearly":
                    text = f"nearly {int(float(f'{number * 1.05:.2g}')):,}"
                elif lead == "more than":
                    text = f"more than {max(round_number - 1, 1) if round_number < number else number - 1:,}"
                elif lead == "fewer than":
                    text = f"fewer than {int(float(f'{number * 1.3:.1g}')) + 1:,}"
                else:
                    text = f"{lead} {round_number:,}"
                strength = parse_troops(text)
                if strength.low <= number <= (strength.high or number) and strength.low <= (strength.high or 1e9):
                    return text, text

    def situation_times(self, fact: Fact, first: Report | None = None) -> dict[str, Time]:
        times = {}
        if fact.start and (first is None or "start" in first.times) and self.rng.random() < 0.9:
            times["start"] = self.time(fact.start, START_PRECISION)
        if fact.end_kind == "ongoing" and (first is None or self.rng.random() < 0.7):
            times["end"] = Time("ongoing", self.published, self.published, "", "ongoing")
        elif fact.end_kind == "ended":
            times["end"] = self.time(fact.end, END_PRECISION, end=True)
        elif fact.end_kind and first is not None and "end" in first.times:
            times["end"] = first.times["end"]  # the same plan
        elif fact.end_kind:
            times["end"] = self.planned(fact.end, deadline=fact.end_kind == "planned by")
        if not times:
            times = {k: _portable(t) for k, t in first.times.items()} if first else {
                "start": self.time(fact.start, (0, 1, 0, 1, 0, 0, 0))}
        return times

    def event_time(self, fact: Fact, key: tuple, group: Fact | None = None) -> Time | None:
        """The event's date as this article gives it, clear of other facts with its identity (but group)."""
        for _ in range(5):
            time = self.time(fact.date, COUP_PRECISION if fact.kind == "Coup" else EVENT_PRECISION)
            if self.world.fits(key, time, group):
                return time
        return None

    # --- reports ----------------------------------------------------------------------------------------------------

    def fresh(self, kind: str) -> Report | None:
        """A report of a new fact of that kind, or None when no new one could be made."""
        world, published = self.world, self.published
        contacts = [r.fact for r in self.reports if r.fact.kind == "DiplomaticContact" and not r.note]
        occasion = self.rng.choice(contacts) if contacts and self.rng.random() < 0.3 else None
        build = {
            "Rule": lambda: world.rule(published), "OfficeHolding": lambda: world.office_holding(published),
            "Membership": lambda: world.membership(published), "MilitaryPresence": lambda: world.presence(published),
            "SecurityCooperation": lambda: world.cooperation(published), "ArmedConflict": lambda: world.conflict(published),
            "Coup": lambda: world.coup(published), "DiplomaticContact": lambda: world.contact(published),
            "Statement": lambda: world.statement(published, occasion), "Announcement": lambda: world.announcement(published),
            "CooperationChange": lambda: world.change(published, occasion),
            "Founding": lambda: world.founding(published), "Succession": lambda: world.succession(published),
            "MultilateralMeeting": lambda: world.meeting(published),
            "InstallationUse": lambda: world.installation_use(published), "Handover": lambda: world.handover(published),
            "Affiliation": lambda: world.affiliation(published),
            "WithdrawalStep": lambda: world.withdrawal_step(published),
        }[kind]
        # a kind whose identities are used up (presences, memberships in a long corpus) is tried a few times only
        failures = self.world.failures.get(kind, 0)
        for _ in range(ATTEMPTS if failures < 3 else 3):
            fact = build()
            report = fact and self.first_report(fact)
            if report:
                self.world.failures[kind] = 0
                return report
            occasion = None  # the occasion's date may be what is taken
        self.world.failures[kind] = failures + 1
        return None

    def first_report(self, fact: Fact) -> Report | None:
        key = fact.key()
        if fact.situation:
            if key in self.world.situations:
                return None
            times = self.situation_times(fact)
        else:
            time = self.event_time(fact, key)
            if time is None:
                return None
            times = {"date": time}
            if fact.end_kind:  # a withdrawal step: the presence's end as this step gives it
                times["end"] = self.step_end(fact)
        self.world.claim(key, None if fact.situation else times["date"], fact)
        if fact.kind == "Founding":
            self.world.founded.add(fact.roles["organization"].id)
        report = self.write(fact, times, self.troops(fact.troops) if fact.troops else None)
        if fact.kind == "MilitaryPresence":
            self.world.presences.append(fact)
            force = fact.roles.get("deploying_force")
            if "deploying_state" not in fact.roles and ("Affiliation", force.id, force.state.id) \
                    not in self.world.situations:
                # who the force acts for, said in the same article
                self.first_report(self.world.affiliation(self.published, force))
        return report

    def step_end(self, fact: Fact) -> Time:
        if fact.end_kind == "ended":
            day = fact.end
            return Time(day.isoformat(), day, day, f"on {day.day} {calendar.month_name[day.month]} {day.year}")
        if fact.end_kind == "ongoing":
            return Time("ongoing", self.published, self.published, "", "ongoing")
        return self.planned(fact.end, deadline=True)

    def re_report(self) -> Report | None:
        """A report of a fact an earlier article gave: plain, made to disagree, or with same_as or distinct_from."""
        recent = self.rng.random() < 0.7
        candidates = self.pool.sample(self.published - dt.timedelta(180) if recent else None, CANDIDATES)
        if not candidates:
            return None
        draw = self.rng.random()
        if draw < 0.08:
            report = self.troop_disagreement()
        elif draw < 0.16:
            report = self.date_disagreement(candidates)
        elif draw < 0.26:
            report = self.same_as(candidates)
        elif draw < 0.30:
            report = self.second_event(candidates)
        else:
            report = None
        return report or self.repeat(self.rng.choice(candidates))

    def repeat(self, first: Report) -> Report:
        fact = first.fact
        if fact.situation:
            times = self.situation_times(fact, first)
        else:
            times = {"date": self.event_time(fact, fact.key(), fact) or _portable(first.times["date"])}
            self.world.claim(fact.key(), times["date"], fact)
            if fact.end_kind:
                times["end"] = self.step_end(fact)
        troops = self.troops(fact.troops) if fact.troops and first.troops and self.rng.random() < 0.8 else None
        return self.write(fact, times, troops, note=f"re-report of {first.ref}", reported=True)

    def troop_disagreement(self) -> Report | None:
        near = [r for r in self.pool.sample(self.published - dt.timedelta(TROOP_WINDOW), 4 * CANDIDATES)
                if r.troops and "end" in r.times and r.times["end"].text == "ongoing"]
        if not near:
            return None
        first = self.rng.choice(near)
        for factor in (3, 4, 5, 0.25, 0.2):
            number = int(float(f"{first.fact.troops * factor:.2g}"))
            troops = self.troops(number) if number > 0 else None
            if troops and not troops.overlaps(first.troops):
                times = {"start": _portable(first.times["start"])} if "start" in first.times else {}
                times["end"] = Time("ongoing", self.published, self.published, "", "ongoing")
                self.summary.disagreements += 1
                self.summary.count("disagreeing", first.fact.kind)
                return self.write(first.fact, times, troops, reported=True,
                                  note=f"re-report of {first.ref}; planted disagreement: troops "
                                       f"{troops.words} do not overlap {first.troops.words}")
        return None

    def date_disagreement(self, candidates: list[Report]) -> Report | None:
        events = [r for r in candidates
                  if not r.fact.situation and (r.times["date"].latest - r.times["date"].earliest).days <= 31]
        if not events:
            return None
        first = self.rng.choice(events)
        reported = first.times["date"]
        day = first.fact.date
        for step in (1, -1):  # a month later, unless that is after publication
            index = day.year * 12 + day.month - 1 + step
            year, month_number = divmod(index, 12)
            shifted = day.replace(year=year, month=month_number + 1,
                                  day=min(day.day, calendar.monthrange(year, month_number + 1)[1]))
            if shifted > self.published:
                continue
            month_name = calendar.month_name[shifted.month]
            if reported.earliest == reported.latest:
                time = Time(shifted.isoformat(), shifted, shifted, f"on {shifted.day} {month_name} {shifted.year}")
            else:
                last = calendar.monthrange(shifted.year, shifted.month)[1]
                time = Time(f"{shifted:%Y-%m}", shifted.replace(day=1), shifted.replace(day=last),
                            f"in {month_name} {shifted.year}")
            if time.latest < reported.earliest or time.earliest > reported.latest:
                self.world.claim(first.fact.key(), time, first.fact)
                self.summary.disagreements += 1
                self.summary.count("disagreeing", first.fact.kind)
                times = {"date": time}
                if first.fact.end_kind:
                    times["end"] = self.step_end(first.fact)
                return self.write(first.fact, times, None, reported=True,
                                  note=f"re-report of {first.ref}; planted disagreement: date {time.text} "
                                       f"against {reported.text}")
        return None

    def same_as(self, candidates: list[Report]) -> Report | None:
        """A report of an event dated months off, too far for the loader to merge it (62 days), which the analyst
        says is the same fact (same_as works within one identity); their dates then disagree."""
        events = [r for r in candidates if not r.fact.situation and r.fact.kind != "Coup"
                  and (r.times["date"].latest - r.times["date"].earliest).days <= 31]
        for first in self.rng.sample(events, min(len(events), 10)):
            fact, reported = first.fact, first.times["date"]
            day = fact.date - dt.timedelta(self.rng.randint(75, 110))
            month = calendar.month_name[day.month]
            time = Time(f"{day:%Y-%m}", day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1]),
                        f"in {month} {day.year}", "month")
            if day < EARLIEST or time.latest + dt.timedelta(62) >= reported.earliest or \
                    not self.world.fits(fact.key(), time, fact):
                continue
            self.world.claim(fact.key(), time, fact)
            self.summary.same_as += 1
            times = {"date": time}
            if fact.end_kind:
                times["end"] = self.step_end(fact)
            report = self.write(fact, times, None, reported=True,
                                note=f"re-report of {first.ref}, dated months off: same_as")
            report.entry["same_as"] = [first.ref]
            return report
        return None

    def second_event(self, candidates: list[Report]) -> Report | None:
        """An event like an earlier one, weeks later: the loader would merge them, distinct_from says not to."""
        events = [r for r in candidates if r.fact.kind in ("DiplomaticContact", "Statement", "CooperationChange",
                                                           "MultilateralMeeting")
                  and r.times["date"].earliest == r.times["date"].latest]
        for first in self.rng.sample(events, min(len(events), 10)):
            day = first.fact.date + dt.timedelta(self.rng.randint(35, 55))
            time = Time(day.isoformat(), day, day, f"on {day.day} {calendar.month_name[day.month]} {day.year}")
            if day > self.published or not self.world.fits(first.fact.key(), time, first.fact):
                continue
            fact = Fact(first.fact.kind, dict(first.fact.roles), date=day)
            first.fact.followed = True
            self.world.claim(fact.key(), time, fact)
            self.summary.distinct_from += 1
            report = self.write(fact, {"date": time}, None, note=f"a second event after {first.ref}: distinct_from")
            report.entry["distinct_from"] = [first.ref]
            return report
        return None

    # --- writing ----------------------------------------------------------------------------------------------------

    def write(self, fact: Fact, times: dict[str, Time], troops: Troops | None, *, note: str | None = None,
              reported: bool = False) -> Report:
        """The fact's entry in the fact file and its sentence(s) in the article."""
        entities = [e for v in fact.roles.values() for e in (v if isinstance(v, list) else [v]) if isinstance(e, Entity)]
        for government in entities:
            if government.role and government.role[0] == "regime_of" and government.id not in self.world.ruled:
                # a government named by its role needs its one Rule in the corpus: given here, first
                self.world.ruled.add(government.id)
                self.first_report(self.world.government_rule(government))
        ident = self.fact_id(fact)
        entry = {"id": ident, "type": fact.kind}
        for role, value in fact.roles.items():
            if isinstance(value, Entity):
                entry[role] = self.mention(value, fact)
            elif isinstance(value, list) and value and isinstance(value[0], Entity):
                entry[role] = self.mention(value[0], fact) if len(value) == 1 else [self.mention(e, fact)
                                                                                     for e in value]
            else:
                entry[role] = value
        if not reported and fact.coup:
            entry["came_to_power_by"] = next(r.ident for r in self.reports if r.fact is fact.coup)
        if not reported and fact.occasion:
            entry["occasion"] = next(r.ident for r in self.reports if r.fact is fact.occasion)
        if troops:
            entry["troops"] = troops.yaml
            self.summary.count("forms", "troops attributed" if troops.per else "troops")
        for key, time in times.items():
            entry[key] = time.yaml()
            self.summary.count("forms", f"time {time.form}")
        self.sources = {}
        sentences = self.say(fact, times, troops, reported)
        if self.rng.random() < 0.15:
            sentences[0] = self.attribute(fact, sentences[0], entry)
        # a sentence the article puts in someone else's mouth keeps its own source
        quotes = [{"text": s, "according_to": self.sources[i]} if i in self.sources else s
                  for i, s in enumerate(sentences)]
        self.summary.forms["quote attributed"] = self.summary.forms.get("quote attributed", 0) + len(self.sources)
        entry["quote"] = quotes[0] if len(quotes) == 1 else quotes
        report = Report(fact, self.slug, ident, self.published, entry, sentences, times, troops, note,
                        self.noun(fact))
        self.reports.append(report)
        self.summary.facts += 1
        self.summary.re_reports += reported
        self.summary.count("kinds", fact.kind)
        if reported:
            self.summary.count("re_reported", fact.kind)
        return report

    def mention(self, entity: Entity, fact: Fact):
        """The entity as the fact file names it: by a name, or by its role ({armed_forces_of: Niger})."""
        if entity.role and fact.kind != "Rule" and (not entity.declared or self.rng.random() < UNNAMED):
            form, state = entity.role
            self.summary.count("forms", form)
            return {form: self.name(state)}
        return self.name(entity)

    def noun(self, fact: Fact) -> str:
        """How another sentence refers to the fact: 'before the handover of the Gao air base'."""
        r = fact.roles
        return {
            "Coup": lambda: f"the coup in {self.name(r['state'])}",
            "Founding": lambda: f"the founding of {self.the(r['organization'])}",
            "Succession": lambda: f"{self.the(r['successor'])} took over from {self.the(r['predecessor'])}",
            "Handover": lambda: f"the handover of {self.the(r['installation'])}",
            "MultilateralMeeting": lambda: f"the {r['kind'].lower().replace('phonecall', 'call')} of "
                                           f"{self.all(r['participants'])}",
            "WithdrawalStep": lambda: f"the {_kebab(r['step']).replace('-', ' ')} from {self.name(r['host_state'])}",
            "DiplomaticContact": lambda: f"the {_kebab(r['kind']).replace('-', ' ')} between "
                                         f"{self.all(r['actor'])} and {self.all(r['counterpart'])}",
            "MilitaryPresence": lambda: f"the deployment in {self.name(r['host_state'])}",
            "Rule": lambda: f"{self.the(r['regime'])} came to power",
            "InstallationUse": lambda: f"{self.the(r['user'])} moved into {self.the(r['installation'])}",
            "Affiliation": lambda: f"{self.the(r['agent'])} began to act for {self.name(r['principal'])}",
        }.get(fact.kind, lambda: "those events")()

    def fact_id(self, fact: Fact) -> str:
        word = _kebab(fact.roles["kind"]) if "kind" in fact.roles else {
            "Rule": "rule", "OfficeHolding": "office", "Membership": "membership", "MilitaryPresence": "presence",
            "SecurityCooperation": "cooperation", "ArmedConflict": "conflict", "Coup": "coup",
            "InstallationUse": "base-use", "Affiliation": "affiliation", "Founding": "founding",
            "Handover": "handover", "WithdrawalStep": _kebab(fact.roles.get("step") or "step")}[fact.kind]
        parts = []
        for role in IDENTITY[fact.kind]:
            value = fact.roles.get(role)
            value = value[0] if isinstance(value, list) and value else value
            if isinstance(value, Entity):
                parts.append(value.id)
        base = "-".join([word, *parts[:2]])
        taken = {r.ident for r in self.reports}
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f"{base}-{n}"
        return ident

    def attribute(self, fact: Fact, sentence: str, entry: dict) -> str:
        """The sentence as someone's claim: according to a source, often a state's."""
        states = [v for v in fact.roles.values() if isinstance(v, Entity) and v.type == "State"]
        states += [e for v in fact.roles.values() if isinstance(v, list) for e in v
                   if isinstance(e, Entity) and e.type == "State"]
        if states and self.rng.random() < 0.7:
            state = self.rng.choice(states)
            source = self.rng.choice(SOURCES).format(a=state.adjective)
            entry["according_to"] = {"source": source, "actor": self.name(state)}
        else:
            source = self.rng.choice(PLAIN_SOURCES)
            entry["according_to"] = {"source": source}
        return f"{sentence[:-1]}, according to {source}."

    def say(self, fact: Fact, times: dict[str, Time], troops: Troops | None, reported: bool) -> list[str]:
        r = fact.roles
        if fact.situation:
            subject = {
                "Rule": lambda: f"the rule of {self.the(r['regime'])} over {self.name(r['state'])}"
                + (f", led by {self.name(r['leader'])}," if "leader" in r else ""),
                "OfficeHolding": lambda: f"{self.name(r['holder'])}’s tenure as "
                f"{r.get('description', OFFICE_WORDS.get(r['office'], '')).lower()} of {self.the(r['of'])}",
                "Membership": lambda: {
                    "Member": "{m}’s membership of {o}", "Suspended": "{m}’s suspension from {o}",
                    "WithdrawalAnnounced": "the withdrawal from {o} that {m} has announced",
                    "Withdrawn": "{m}’s absence from {o}, which it left,"}[r["status"]].format(
                    m=self.the(r["member"]), o=self.the(r["organization"])),
                "MilitaryPresence": lambda: self.presence_words(r, troops),
                "SecurityCooperation": lambda: f"the {_and([DOMAIN_WORDS[d] for d in r['domain']])} partnership "
                f"{'between' if len(r['partners']) == 2 else 'among'} {self.all(r['partners'])}",
                "ArmedConflict": lambda: (f"the fighting between {self.all(r['parties'])}" if len(r.get("parties", ())) > 1
                                          else f"the insurgency of {self.the(r['parties'][0])}" if r.get("parties")
                                          else "the conflict") + f" in {self.all(r['location'])}",
                "InstallationUse": lambda: f"the use of {self.the(r['installation'])}"
                + (f" in {self.all(r['located_in'])}" if "located_in" in r else "") + f" by {self.the(r['user'])}",
                "Affiliation": lambda: f"the service of {self.the(r['agent'])} on behalf of {self.the(r['principal'])}",
            }[fact.kind]()
            if fact.kind == "Rule" and fact.coup and not reported:
                subject += " won in a coup,"
            said = [f"began {times['start'].words}"] if "start" in times else []
            end = times.get("end")
            if end and end.text == "ongoing":
                said.append(self.rng.choice(STILL))
            elif end and end.text.startswith("planned"):
                said.append(f"is due to end {end.words}")
            elif end:
                said.append(f"ended {end.words}")
            return [_sentence(f"{subject} {' and '.join(said)}")]
        when = times["date"].words
        if fact.kind == "Coup":
            ousted = self.all(r["ousted"])
            if "leader" in r:
                text = f"soldiers led by {self.name(r['leader'])} overthrew {ousted} in {self.name(r['state'])} {when}"
            else:
                text = f"the army of {self.name(r['state'])} ousted {ousted} in a coup {when}"
            if "new_regime" in r:
                text += f", and {self.the(r['new_regime'])} took power"
            return [_sentence(text)]
        if fact.kind == "DiplomaticContact":
            return self.contact_words(r, when)
        if fact.kind in ("Founding", "Succession", "MultilateralMeeting", "Handover", "WithdrawalStep"):
            return self.new_event_words(fact.kind, r, when, times)
        if fact.kind in ("Statement", "Announcement"):
            actor = self.all(r["actor"])
            verb = {"Gratitude": "thanked {to}for", "Condemnation": "condemned", "Demand": "demanded",
                    "CreationAnnouncement": "announced", "WithdrawalIntention": "announced"}[r["kind"]]
            to = f"{self.all(r['addressee'])} " if "addressee" in r else ""
            verb = verb.format(to=to or "its partners ")
            if to and r["kind"] != "Gratitude":
                return [_sentence(f"in a message to {to.strip()}, {actor} {verb} {r['content']} {when}")]
            return [_sentence(f"{actor} {verb} {r['content']} {when}")]
        done, towards = CHANGES[r["kind"]]
        dom = f"{_and([DOMAIN_WORDS[d] for d in r['domain']])} " if "domain" in r else ""
        text = f"{self.all(r['actor'])} {done.format(dom=dom)}"
        if "counterpart" in r:
            text += towards.format(c=self.all(r["counterpart"]))
        if "place" in r:
            text += f" in {self.all(r['place'])}"
        return [_sentence(f"{text} {when}")]

    def presence_words(self, r: dict, troops: Troops | None) -> str:
        number = f"{troops.words} " if troops else ""
        if "deploying_state" in r:
            text = f"the deployment of {number}{r['deploying_state'].adjective} troops"
            if "deploying_force" in r:
                text += f" of {self.the(r['deploying_force'])}"
        else:
            text = f"the deployment of {number}fighters of {self.the(r['deploying_force'])}"
        if troops and troops.per:
            text += f" (a figure given by {troops.per})"
        text += f" in {self.the(r['host_state'])}"
        if "place" in r:
            text += f" at {self.all(r['place'])}"
        if "purpose" in r:
            text += f", sent {r['purpose']},"
        return text

    def new_event_words(self, kind: str, r: dict, when: str, times: dict[str, Time]) -> list[str]:
        if kind == "Founding":
            text = f"{self.all(r['founders'])} founded {self.the(r['organization'])}"
            if "place" in r:
                text += f" in {self.all(r['place'])}"
            if "charter" in r:
                text += f" by signing {self.the(r['charter'])}"
            sentences = [_sentence(f"{text} {when}")]
            if "clauses" in r:
                source = self.rng.choice(("the signatories", "a joint communique", "the founding text"))
                self.sources[1] = source
                sentences.append(_sentence(f"its charter provides for {_and(r['clauses'])}, {source} said"))
            return sentences
        if kind == "Succession":
            if r["kind"] == "Transformation":
                return [_sentence(f"{self.the(r['predecessor'])} became {self.the(r['successor'])} {when}")]
            return [_sentence(f"{self.the(r['successor'])} took over the units of {self.the(r['predecessor'])} {when}")]
        if kind == "MultilateralMeeting":
            host = f", hosted by {self.the(r['host'])}," if "host" in r else ""
            place = f" in {self.all(r['place'])}" if "place" in r else ""
            text = f"{self.all(r['participants'])}{host} {MEETINGS[r['kind']]}{place} {when}"
            text += {None: "", "Held": ", as planned", "FailedToMeet": ", but failed to agree on a joint statement",
                     "AgreementReached": ", and reached an agreement"}[r.get("outcome")]
            sentences = [_sentence(text)]
            if "topics" in r:
                state = next((e.state or e for e in r["participants"] if (e.state or e).type == "State"), None)
                source = f"a statement of the {state.adjective} presidency" if state else "a final communique"
                self.sources[1] = {"source": source, "actor": self.name(state)} if state else source
                sentences.append(_sentence(f"the talks covered {_and([f'“{t}”' for t in r['topics']])}, "
                                           f"according to {source}"))
            return sentences
        if kind == "Handover":
            place = f" in {self.all(r['located_in'])}" if "located_in" in r else ""
            return [_sentence(f"{self.the(r['by'])} handed over {self.the(r['installation'])}{place} to "
                              f"{self.the(r['to'])} {when}")]
        deployer = r.get("deploying_state")
        words = {"a": self.the(deployer) if deployer else self.the(r["deploying_force"]),
                 "a2": deployer.adjective if deployer else self.name(r["deploying_force"]),
                 "h": self.the(r["host_state"])}
        text = STEPS[r["step"]].format(**words)
        if "place" in r:
            text += f" from {self.all(r['place'])}"
        text += f" {when}"
        end = times.get("end")
        if end and end.form == "planned":
            text += f", to be gone {end.words}"
        elif end and end.form == "ongoing":
            text += ", while others remain"
        return [_sentence(text)]

    def contact_words(self, r: dict, when: str) -> list[str]:
        actor, counterpart = self.all(r["actor"]), self.all(r["counterpart"])
        place = f" in {self.all(r['place'])}" if "place" in r else ""
        purpose = f" {r['purpose']}" if "purpose" in r else ""
        text = {
            "PhoneCall": f"{actor} spoke by telephone with {counterpart} {when}{purpose}",
            "Visit": f"a delegation from {actor}" + (f" led by {self.name(r['leader'])}" if "leader" in r else "")
            + f" visited {counterpart}{place} {when}{purpose}",
            "Meeting": f"{actor} met {counterpart}{place} {when}{purpose}",
            "Summit": f"{actor} and {counterpart} held a summit{place} {when}{purpose}",
        }[r["kind"]]
        with_whom = self.all(r["outcome_with"]) if "outcome_with" in r else None
        text += {None: "", "Held": ", and the talks went ahead as planned",
                 "FailedToMeet": f", but failed to meet {with_whom or 'the leadership'}",
                 "AgreementReached": f", and reached an agreement with {with_whom or 'their hosts'}"}[r.get("outcome")]
        sentences = [_sentence(text)]
        if "topics" in r:
            sentences.append(_sentence(f"they also discussed {_and([f'“{t}”' for t in r['topics']])}, "
                                       "the communique added"))
            if self.rng.random() < 0.5:
                self.sources[1] = "the communique"
        return sentences

    def headline(self) -> str:
        lead = self.reports[0].fact
        r = lead.roles
        name = self.name
        return {
            "Coup": lambda: f"Soldiers Seize Power in {name(r['state'])}",
            "Rule": lambda: f"{name(r['regime'])} Tightens Its Grip on {name(r['state'])}",
            "OfficeHolding": lambda: f"{name(r['holder'])}, a Key Figure in {name(r['of'])}",
            "Membership": lambda: f"{name(r['member'])} and {name(r['organization'])}: Where Things Stand",
            "MilitaryPresence": lambda: f"{r['deploying_state'].adjective} Troops in {name(r['host_state'])}"
            if "deploying_state" in r else f"{name(r['deploying_force'])} in {name(r['host_state'])}",
            "InstallationUse": lambda: f"Inside {name(r['installation'])}",
            "Affiliation": lambda: f"Who Commands {name(r['agent'])}?",
            "Founding": lambda: f"A New Alliance: {name(r['organization'])}",
            "Succession": lambda: f"{name(r['successor'])} Replaces {name(r['predecessor'])}",
            "MultilateralMeeting": lambda: f"Leaders of {name(r['participants'][0].state or r['participants'][0])} "
                                           "and Neighbours Meet",
            "Handover": lambda: f"{name(r['installation'])} Changes Hands",
            "WithdrawalStep": lambda: f"Troops Prepare to Leave {name(r['host_state'])}",
            "SecurityCooperation": lambda: f"{name(r['partners'][0])} and {name(r['partners'][1])} Deepen Ties",
            "ArmedConflict": lambda: f"Violence Flares Again in {name(r['location'][0])}",
            "DiplomaticContact": lambda: f"{name(r['actor'][0])} Talks ‘Security Cooperation’ With "
                                         f"{name(r['counterpart'][0])}",
            "CooperationChange": lambda: f"{name(r['actor'][0])} and {name(r['counterpart'][0])}: "
                                         f"{_kebab(r['kind']).replace('-', ' ').title()}",
        }.get(lead.kind, lambda: f"{name(r['actor'][0])} Speaks Out")()

    def article(self) -> str:
        header = {"title": self.headline(), "publisher": self.outlet[1]}
        if self.agency:
            header["agency"] = self.agency
        header["published"] = self.published
        header["url"] = f"https://www.{self.outlet[2]}/{self.published:%Y/%m/%d}/{slugify(header['title'])}-{self.number}/"
        header["language"] = "en"
        sentences = [s for r in self.reports for s in r.sentences]
        if self.agency:
            capital = self.rng.choice(self.world.sahel).capital.label.upper()
            sentences[0] = f"{capital} ({self.agency}) – {sentences[0]}"
        paragraphs, i = [], 0
        while i < len(sentences):
            size = self.rng.choice((1, 2, 2, 3))
            paragraphs.append(" ".join(sentences[i:i + size]))
            i += size
        return "---\n" + _dump(header) + "\n---\n" + header["title"] + "\n\n" + "\n\n".join(paragraphs) + "\n"

    def fact_file(self, seed: int) -> str:
        lines = [f"# Benchmark facts, generated by bench/generate.py (seed {seed}): fictional, each quoting its",
                 f"# sentence of the article. Published {self.published.isoformat()} by {self.outlet[1]}.",
                 f"article: ../articles/{self.slug}.md", "", "facts:"]
        for report in self.reports:
            if report.note:
                lines.append(f"  # {report.note}")
            lines.append(_dump([report.entry], 2))
        return "\n".join(lines) + "\n"


_PLAIN = re.compile(r"[^\W\d_][\w .,'’()-]*(?<! )")  # text YAML reads back as that text, unquoted
_NOT_TEXT = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}  # words YAML 1.1 reads as something else


def _scalar(value, flow: bool = False) -> str:
    if isinstance(value, (int, dt.date)):
        return str(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _NOT_TEXT and not (flow and "," in value):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _dump(value, indent: int = 0) -> str:
    """YAML for the few shapes these files have (mappings, lists, text, numbers, days), the same bytes everywhere
    and far faster than PyYAML's emitter."""
    pad, lines = " " * indent, []
    items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for key, item in items:
        lead = f"{pad}{key}:" if key is not None else f"{pad}-"
        if isinstance(item, dict) or (isinstance(item, list) and any(isinstance(i, dict) for i in item)):
            inner = _dump(item, indent + 2)
            lines.append(f"{lead}\n{inner}" if key is not None else f"{lead} {inner.lstrip()}")
        elif isinstance(item, list) and sum(len(str(i)) for i in item) > 60:
            lines.append(f"{lead}\n{_dump(item, indent + 2)}")
        elif isinstance(item, list):
            lines.append(f"{lead} [{', '.join(_scalar(i, flow=True) for i in item)}]")
        else:
            lines.append(f"{lead} {_scalar(item)}")
    return "\n".join(lines)


def generate(articles: int, out: Path, seed: int = 1) -> Summary:
    """Write the corpus (see the module's docstring) into out, which must hold no corpus yet."""
    out = Path(out)
    if (out / "facts").exists() or (out / "articles").exists():
        raise FileExistsError(f"{out} already holds a corpus; give an empty or new directory")
    (out / "articles").mkdir(parents=True)
    (out / "facts").mkdir()
    rng = random.Random(seed)
    world = World(rng)
    summary = Summary(articles=articles)
    span = (LAST_PUBLISHED - FIRST_PUBLISHED).days
    dates = sorted(FIRST_PUBLISHED + dt.timedelta(rng.randint(0, span)) for _ in range(articles))
    pool = Pool(rng)  # first reports of earlier articles, for re-reports
    for number, published in enumerate(dates, 1):
        writer = ArticleWriter(world, number, published, pool, summary)
        count = rng.randint(*FACTS_PER_ARTICLE)
        kinds = list(SITUATIONS + EVENTS)
        kinds.remove("Rule")  # it comes with the coup that brought the regime to power, or alone
        rng.shuffle(kinds)
        extras = rng.choices(list(EXTRA_KINDS), list(EXTRA_KINDS.values()), k=count - len(kinds) - 1)
        re_report_chance = RE_REPORTS * count / len(extras) if pool else 0
        for position, kind in enumerate(kinds + extras):
            extra = position >= len(kinds)
            report = (extra and rng.random() < re_report_chance and writer.re_report()) or writer.fresh(kind)
            if report and report.fact.kind == "Coup" and "new_regime" in report.fact.roles and \
                    not any(r.fact.kind == "Rule" for r in writer.reports):
                writer.first_report(world.rule(published, report.fact))
        if not any(r.fact.kind == "Rule" for r in writer.reports):
            writer.fresh("Rule")
        (out / "articles" / f"{writer.slug}.md").write_text(writer.article(), encoding="utf-8")
        (out / "facts" / f"{writer.slug}.yaml").write_text(writer.fact_file(seed), encoding="utf-8")
        pool.add([r for r in writer.reports if not r.note], published)
        del world.presences[:-300]  # withdrawal steps take recent presences
    declared = [e.declaration() for e in world.entities.values() if not e.reference]
    summary.entities = len(declared)
    (out / "bench-entities.yaml").write_text(
        f"# Entities of the benchmark corpus, generated by bench/generate.py (seed {seed}), each declared once.\n"
        "# Those whose description says 'Invented for the benchmark' do not exist.\n" + _dump({"entities": declared})
        + "\n",
        encoding="utf-8")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles")
    parser.add_argument("--out", type=Path, required=True, help="the directory to write (new or empty)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same corpus (default 1)")
    args = parser.parse_args()
    print(f"wrote {args.out}: {generate(args.articles, args.out, args.seed)}")


if __name__ == "__main__":
    main()
