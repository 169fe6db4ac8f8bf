"""Validate a batch of files, then write them to the store in one transaction (or not at all)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .factfile import CompiledFile, EntityIndex, compile_file, declare_entities, read_fact_file
from .inference import INFERRED_SUFFIX, infer, inferred_graph
from .namespaces import GRAPH, ONTOLOGY_GRAPH
from .ontology import Ontology, load_ontology
from .problems import InvalidInput, Problem
from .store import KnowledgeGraph

YAML_SUFFIXES = (".yaml", ".yml")
RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


@dataclass
class LoadReport:
    files: list[CompiledFile] = field(default_factory=list)
    triples_before: int = 0
    triples_after: int = 0

    @property
    def facts(self) -> int:
        return sum(f.facts for f in self.files)

    @property
    def entities(self) -> int:
        return sum(f.entities for f in self.files)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; directories become their fact and RDF files, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES + tuple(RDF_FORMATS))
        else:
            files.append(path)
    return files


def known_entities(kg: KnowledgeGraph | None) -> EntityIndex:
    index = EntityIndex()
    if kg is None:
        return index
    rows = kg.query(
        # asserted types only: the inferred ancestors follow from them through the ontology
        "SELECT ?e ?type ?name ?label WHERE { GRAPH ?g { ?e a ?type } FILTER(STRSTARTS(STR(?e), STR(sk:)) "
        f"&& !STRENDS(STR(?g), '{INFERRED_SUFFIX}')) "
        "OPTIONAL { ?e rdfs:label|skos:altLabel ?name } OPTIONAL { ?e rdfs:label ?label } }"
    )
    for row in rows:
        names = {row["name"].value} if row["name"] else set()
        index.add(row["e"].value, {row["type"].value}, names, row["label"].value if row["label"] else None)
    return index


def _parse_rdf(path: Path, display: str) -> CompiledFile:
    fmt = RDF_FORMATS[path.suffix]
    graph = GRAPH + path.stem
    try:
        with path.open("rb") as source:
            quads = list(ox.parse(source, format=fmt))
        if not fmt.supports_datasets:
            quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads]
    except SyntaxError as err:
        line = getattr(err, "lineno", None)
        raise InvalidInput([Problem(display, "rdf-syntax", f"invalid {fmt.name}: {err.msg or err}", line)]) from None
    except UnicodeDecodeError as err:
        raise InvalidInput([Problem(display, "utf-8", f"not UTF-8 text (byte {err.start})")]) from None
    problems = [
        Problem(display, "default-graph", "a dataset file must put every triple in a named graph", None)
        for q in quads[:1] if fmt.supports_datasets and isinstance(q.graph_name, ox.DefaultGraph)
    ]
    if problems:
        raise InvalidInput(problems)
    return CompiledFile(path, graph, quads)


def prepare(paths: list[Path], kg: KnowledgeGraph | None, ontology: Ontology | None = None) -> list[CompiledFile]:
    """Validate every file; return what to write, or raise InvalidInput with every problem."""
    ontology = ontology or load_ontology()
    files = expand(paths)
    if not files:
        raise InvalidInput([Problem(" ".join(map(str, paths)) or "(no files)", "no-files", "no fact or RDF files to load")])
    index = known_entities(kg)
    problems: list[Problem] = []
    sources, compiled = [], []
    for path in files:
        display = str(path)
        if not path.is_file():
            problems.append(Problem(display, "no-such-file", "no such file"))
            continue
        try:
            if path.suffix in YAML_SUFFIXES:
                sources.append(read_fact_file(path, display))
            elif path.suffix in RDF_FORMATS:
                compiled.append(_parse_rdf(path, display))
            else:
                problems.append(Problem(display, "file-type", "not a fact file (.yaml) or an RDF file "
                                        f"({', '.join(RDF_FORMATS)})"))
        except InvalidInput as err:
            problems += err.problems
    # Entities first, from every file, so a fact may name an entity declared in another file of the batch.
    declared = [declare_entities(source, index, ontology) for source in sources]
    for source, decls in zip(sources, declared, strict=True):
        compiled.append(compile_file(source, index, ontology, decls))
        problems += source.problems
    by_graph: dict[str, list[CompiledFile]] = defaultdict(list)
    for item in compiled:
        by_graph[item.graph].append(item)
    for graph, items in by_graph.items():
        if len(items) > 1:
            names = ", ".join(str(i.path) for i in items)
            problems.append(Problem(str(items[1].path), "one-file-per-graph",
                                    f"{names} all write graph <{graph}>; one article has one fact file"))
    problems += _fact_files_kept(compiled, kg)
    if not problems:  # the SHACL shapes (ontology/shapes.ttl), on each file's own triples
        from .shapes import validate_compiled  # pySHACL takes ~0.1 s to import: only when validating
        entity_types = {iri: entity.types for iri, entity in index.entities.items()}
        for item in compiled:
            problems += validate_compiled(item, entity_types, ontology.quads)
    if problems:
        raise InvalidInput(problems)
    return compiled


def _fact_files_kept(compiled: list[CompiledFile], kg: KnowledgeGraph | None) -> list[Problem]:
    """An article has one fact file: another file for it would silently replace its facts."""
    problems = []
    for item in compiled:
        if kg is None or item.article is None:
            continue
        rows = kg.query(f"SELECT ?file WHERE {{ GRAPH <{item.graph}> {{ <{item.article.iri}> skg:factFile ?file }} }}")
        for row in rows:
            if row["file"].value != item.path.name:
                problems.append(Problem(str(item.path), "one-file-per-article",
                                        f"the facts of article {item.article.slug} were loaded from "
                                        f"'{row['file'].value}'; loading '{item.path.name}' would replace them. "
                                        "Put all of an article's facts in one fact file."))
    return problems


def load(paths: list[Path], kg: KnowledgeGraph) -> LoadReport:
    """Validate, then replace each file's graph (and the ontology graph) in one transaction."""
    ontology = load_ontology()
    compiled = prepare(paths, kg, ontology)
    report = LoadReport(compiled, triples_before=len(kg))
    graphs = {item.graph: item.quads for item in compiled}
    for item in compiled:  # the inferences of what changed, written in the same transaction
        graphs[inferred_graph(item.graph)] = infer(item.quads, ontology, item.graph)
    graphs[ONTOLOGY_GRAPH] = ontology.quads
    kg.replace_graphs(graphs)
    report.triples_after = len(kg)
    return report
