"""Validate a batch of files, then write them to the store in one transaction (or not at all)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import schema
from .factfile import CompiledFile, EntityIndex, _local, compile_file, declare_entities, read_fact_file
from .inference import INFERRED_SUFFIX, infer, inferred_graph
from .merge import Fact, Report, derive, facts_graph, reports_from_quads
from .namespaces import GRAPH, ONTOLOGY_GRAPH, PROV, SKA, SKG
from .ontology import Ontology, load_ontology
from .problems import InvalidInput, Problem
from .roles import Regimes
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
class Prepared:
    """A validated batch: the files, and the facts of every identity key they touch, merged with the store."""

    files: list[CompiledFile] = field(default_factory=list)
    facts: dict[str, list[Fact]] = field(default_factory=dict)  # identity key -> its facts (none: all gone)

    def graphs(self, ontology: Ontology) -> dict[str, list[ox.Quad]]:
        """Every graph the batch writes: its files' graphs, the facts graphs it touches, their inferences."""
        graphs = {item.graph: item.quads for item in self.files}
        for key, facts in self.facts.items():
            graphs[facts_graph(key)] = [q for fact in facts for q in fact.quads]
        for graph in list(graphs):
            graphs[inferred_graph(graph)] = infer(graphs[graph], ontology, graph)
        graphs[ONTOLOGY_GRAPH] = ontology.quads
        return graphs


@dataclass
class LoadReport:
    files: list[CompiledFile] = field(default_factory=list)
    triples_before: int = 0
    triples_after: int = 0
    merged: dict[str, list[Fact]] = field(default_factory=dict)  # identity key -> its facts, as written

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


def prepare(paths: list[Path], kg: KnowledgeGraph | None, ontology: Ontology | None = None) -> Prepared:
    """Validate every file and the facts they merge into; return what to write, or raise InvalidInput
    with every problem."""
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
    declared_problems = [len(source.problems) for source in sources]
    files_compiled = [compile_file(source, index, ontology, decls) for source, decls in zip(sources, declared, strict=True)]
    if any(item.deferred for item in files_compiled):
        # a role such as "regime_of: Mali" needs every Rule of the batch and the store: compile those files again
        regimes = Regimes.gather(kg, [r for item in files_compiled for r in item.compiled if r.kind.name == "Rule"])
        for i, (source, decls) in enumerate(zip(sources, declared, strict=True)):
            if files_compiled[i].deferred:
                del source.problems[declared_problems[i]:]  # the declarations' problems stay
                files_compiled[i] = compile_file(source, index, ontology, decls, regimes=regimes)
    for source, item in zip(sources, files_compiled, strict=True):
        compiled.append(item)
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
    prepared = Prepared(compiled, merge_facts(compiled, kg, _labeller(index)))
    # the merged facts must keep the rules each report keeps alone (one start, one end, ...)
    problems = _validate_merged(prepared, index, ontology)
    if problems:
        raise InvalidInput(problems)
    describe_merges(prepared)
    return prepared


PROV_DERIVED = PROV + "wasDerivedFrom"
# free text stays with each report (each article words it its own way); it is checked there
_TEXT_KEYS = {spec.key for kind in schema.FACT_TYPES.values() for spec in kind.fields if spec.kind == "text"}


def _validate_merged(prepared: Prepared, index: EntityIndex, ontology: Ontology) -> list[Problem]:
    """The shapes, on the merged facts the batch touches: two articles together must not break a
    rule that each keeps alone (one start, one end, one deploying state...)."""
    from .shapes import validate_compiled

    # a fact of one report is that report, already checked with its file
    facts = [fact for facts in prepared.facts.values() for fact in facts if len(fact.reports) > 1]
    if not facts:
        return []
    quads = [q for fact in facts for q in fact.quads]
    graph = ox.NamedNode(GRAPH + "merged")
    for fact in facts:  # name each fact in messages by its ids in the fact files
        for report in fact.reports:
            quads += [ox.Quad(ox.NamedNode(c), ox.NamedNode(SKG + "localId"), ox.Literal(report.local_id), graph)
                      for c in report.citations]
    context = {iri: entity.types for iri, entity in index.entities.items()}
    context.update({r.article: {SKG + "Article"} for fact in facts for r in fact.reports})
    context.update({c: {SKG + "Citation"} for fact in facts for r in fact.reports for c in r.citations})
    problems = validate_compiled(CompiledFile(Path("merged facts"), graph.value, quads), context, ontology.quads)
    return [p for p in problems if p.field not in _TEXT_KEYS]


def _labeller(index: EntityIndex):
    def label(iri: str) -> str:
        entity = index.entities.get(iri)
        return entity.label if entity and entity.label else _local(iri)
    return label


def merge_facts(compiled: list[CompiledFile], kg, label=None, removed: set[str] = frozenset()) -> dict[str, list[Fact]]:
    """The facts of every identity key the batch touches: its new reports, those it replaces or
    removes (a reloaded article may drop a fact), and the store's other reports of the same keys."""
    new = reports_from_quads(q for item in compiled for q in item.quads)
    replaced = {item.graph for item in compiled} | set(removed)
    keys = {r.key for r in new.values()} | _keys_in(kg, replaced)
    reports: dict[str, list[Report]] = defaultdict(list)
    for report in [*new.values(), *_stored_reports(kg, keys, replaced)]:
        reports[report.key].append(report)
    label = label or _labeller(EntityIndex())
    return {key: derive(key, reports.get(key, []), label) for key in sorted(keys)}


def _keys_in(kg, graphs: set[str]) -> set[str]:
    if kg is None:
        return set()
    keys = set()
    for graph in sorted(graphs):
        rows = kg.query(f"SELECT DISTINCT ?k WHERE {{ GRAPH <{graph}> {{ ?r skg:identityKey ?k }} }}")
        keys |= {row["k"].value for row in rows}
    return keys


KEYS_PER_QUERY = 200


def _stored_reports(kg, keys: set[str], replaced: set[str]) -> list[Report]:
    """The store's reports of these keys, outside the graphs being replaced, with their articles."""
    if kg is None or not keys:
        return []
    quads: list[ox.Quad] = []
    ordered = sorted(keys)
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        values = " ".join(f'"{k}"' for k in ordered[start:start + KEYS_PER_QUERY])
        rows = kg.query(f"SELECT ?g ?r ?p ?o WHERE {{ VALUES ?k {{ {values} }} GRAPH ?g {{ ?r skg:identityKey ?k ; ?p ?o }} }}")
        quads += [ox.Quad(row["r"], row["p"], row["o"], row["g"]) for row in rows if row["g"].value not in replaced]
    articles = sorted({q.object.value for q in quads if q.predicate.value == PROV_DERIVED})
    for start in range(0, len(articles), KEYS_PER_QUERY):
        values = " ".join(f"<{a}>" for a in articles[start:start + KEYS_PER_QUERY])
        rows = kg.query(
            f"SELECT ?g ?a ?p ?o WHERE {{ VALUES ?a {{ {values} }} "
            "VALUES ?p { schema:datePublished schema:publisher schema:sourceOrganization } GRAPH ?g { ?a ?p ?o } }")
        quads += [ox.Quad(row["a"], row["p"], row["o"], row["g"]) for row in rows]
    return list(reports_from_quads(quads).values())


def describe_merges(prepared: Prepared) -> None:
    """Say, for each report of the batch that joined others, what it merged with."""
    fact_of = {r.iri: fact for facts in prepared.facts.values() for fact in facts for r in fact.reports}
    for item in prepared.files:
        item.merges = []
        for iri, ident in item.reports.items():
            fact = fact_of.get(iri)
            if fact is None or len(fact.reports) == 1:
                continue
            others = [r for r in fact.reports if r.iri != iri]
            here = sorted(r.local_id for r in others if r.graph == item.graph)
            elsewhere = [r for r in others if r.graph != item.graph]
            parts = []
            if elsewhere:
                articles = len({r.article for r in elsewhere})
                parts.append(f"{len(elsewhere)} report(s) in {articles} other article(s)")
            if here:
                parts.append("fact(s) " + ", ".join(f"'{i}'" for i in here) + " of this file")
            conflicts = [c for c in fact.conflicts if iri in (c.a.iri, c.b.iri)]
            note = f"; disagrees on {', '.join(sorted({c.aspect for c in conflicts}))}" if conflicts else ""
            item.merges.append(f"{ident}: same fact as {' and '.join(parts)}{note}")


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


def article_graph(name: str) -> str:
    """The graph of an article named by its IRI, its fact or article file name, or its slug."""
    return name if name.startswith(("http://", "https://")) else SKA + Path(name).stem


def remove(articles: list[str], kg: KnowledgeGraph) -> LoadReport:
    """Take articles out of the graph (by file name, slug or IRI) and recompute the facts they reported,
    in one transaction; the facts other articles also report stay, with those reports only."""
    known = set(kg.named_graphs())
    graphs, problems = [], []
    for name in articles:
        iri = article_graph(name)
        if iri not in known or not iri.startswith(SKA):
            problems.append(Problem(name, "no-such-article", f"no article <{iri}> in the graph"))
        graphs.append(iri)
    if problems:
        raise InvalidInput(problems)
    ontology = load_ontology()
    prepared = Prepared([], merge_facts([], kg, _labeller(known_entities(kg)), removed=set(graphs)))
    writes = prepared.graphs(ontology)
    for graph in graphs:
        writes[graph] = []
        writes[inferred_graph(graph)] = []
    report = LoadReport([], triples_before=len(kg), merged=prepared.facts)
    kg.replace_graphs(writes)
    report.triples_after = len(kg)
    return report


def load(paths: list[Path], kg: KnowledgeGraph) -> LoadReport:
    """Validate, then replace each file's graph, the facts graphs it touches, their inferences and
    the ontology graph, in one transaction."""
    ontology = load_ontology()
    prepared = prepare(paths, kg, ontology)
    report = LoadReport(prepared.files, triples_before=len(kg), merged=prepared.facts)
    kg.replace_graphs(prepared.graphs(ontology))
    report.triples_after = len(kg)
    return report
