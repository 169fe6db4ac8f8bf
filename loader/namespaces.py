"""The project's IRIs: one base, one namespace per kind of node, one prefix table for every output."""

from pathlib import Path

BASE = "https://w3id.org/sahel-kg/"
SKG = BASE + "ontology#"  # ontology terms
SK = BASE + "entity/"  # named entities, readable slugs
SKF = BASE + "fact/"  # facts: derived from all their reports, named by kind, identifying roles and time
SKR = BASE + "report/"  # reports: one article's entry about a fact, report/<article>/<fact id>
SKC = BASE + "citation/"  # one (report, article, quote) link
SKX = BASE + "conflict/"  # a disagreement between two reports of one fact
SKA = BASE + "article/"  # articles; an article's IRI also names the graph of its facts

ONTOLOGY_GRAPH = BASE + "graph/ontology"
GRAPH = BASE + "graph/"  # graphs of reference files and plain RDF files: graph/<file stem>
FACTS_GRAPH = GRAPH + "facts/"  # the derived facts of one identity key: graph/facts/<key>
SOURCES_GRAPH = GRAPH + "sources"  # the store's record of the file each graph was loaded from
LOADED_FROM = SKG + "loadedFrom"  # <graph> skg:loadedFrom "file", in SOURCES_GRAPH
DECLARES_ENTITIES = SKG + "declaresEntities"  # <graph> skg:declaresEntities true: it names entities
RECORDS_DECLARATIONS = SKG + "recordsDeclarations"  # <sources graph> ... true: every graph's flag is recorded
NAME_KEY = SKG + "nameKey"  # <entity> skg:nameKey "niger": a name of it, normalised, as a graph declares it
RECORDS_NAMES = SKG + "recordsNames"  # <sources graph> ... true: the names of every graph's entities are recorded

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
WD = "http://www.wikidata.org/entity/"

# Used for Turtle/TriG/JSON-LD output and as default prefixes of every query.
PREFIXES = {
    "skg": SKG,
    "sk": SK,
    "skf": SKF,
    "skr": SKR,
    "skc": SKC,
    "skx": SKX,
    "ska": SKA,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "prov": PROV,
    "schema": SCHEMA,
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
    "wd": WD,
}

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
QUERIES_DIR = PROJECT_ROOT / "queries"
DATA_DIR = PROJECT_ROOT / "data"


def sparql_prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
