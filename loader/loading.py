"""Validate a batch of files, then write them to the store in one transaction (or not at all)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import schema
from .entities import (
    StoreEntities,
    declarations_in,
    entity_index,
    entity_problems,
    known_entities,
    name_keys,
    records_names,
    stored_declarations,
)
from .export import canonical
from .factfile import CompiledFile, EntityIndex, _local, compile_file, declare_entities, read_fact_file
from .inference import INFERRED_SUFFIX, infer, inferred_graph, is_inferred
from .merge import Fact, Report, derive, facts_graph, reports_from_quads
from .namespaces import (
    BASE,
    DECLARES_ENTITIES,
    FACTS_GRAPH,
    GRAPH,
    LOADED_FROM,
    NAME_KEY,
    ONTOLOGY_GRAPH,
    PROJECT_ROOT,
    PROV,
    RDF,
    RDFS,
    RECORDS_DECLARATIONS,
    RECORDS_NAMES,
    SCHEMA,
    SK,
    SKA,
    SKG,
    SKOS,
    SOURCES_GRAPH,
)
from .ontology import Ontology, load_ontology
from .problems import InvalidInput, Problem
from .reading import check_file_name, rdf_file_problems
from .roles import Regimes
from .store import Change, KnowledgeGraph

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
    sources: dict[str, list[ox.Quad]] = field(default_factory=dict)  # file graph -> its records (none: gone)

    def graphs(self, ontology: Ontology) -> dict[str, list[ox.Quad]]:
        """Every graph the batch writes: its files' graphs, the facts graphs it touches, their inferences,
        and the ontology (where each file graph was loaded from is `sources`, written beside them)."""
        graphs = {item.graph: item.quads for item in self.files}
        for key, facts in self.facts.items():
            graphs[facts_graph(key)] = [q for fact in facts for q in fact.quads]
        for graph in list(graphs):
            graphs[inferred_graph(graph)] = infer(graphs[graph], ontology, graph)
        graphs[ONTOLOGY_GRAPH] = ontology.quads
        return graphs


@dataclass
class LoadedFile:
    """What a load says of one file it wrote; its quads are in the store, not kept here, so a load of
    many files holds only one batch of them at a time."""

    path: Path
    graph: str
    facts: int
    entities: int
    triples: int
    merges: list[str]

    @classmethod
    def of(cls, item: CompiledFile) -> LoadedFile:
        return cls(item.path, item.graph, item.facts, item.entities, len(item.quads), item.merges)


@dataclass
class LoadReport:
    files: list[LoadedFile] = field(default_factory=list)
    quads_added: int = 0
    quads_removed: int = 0  # a graph written again counts both ways
    facts_touched: int = 0  # the facts (identity keys' facts) the load derived again
    conflicts: int = 0  # between the reports of those facts
    batches: int = 0  # transactions: one, unless the load had more than `batch_files` files

    @property
    def facts(self) -> int:
        return sum(f.facts for f in self.files)

    @property
    def entities(self) -> int:
        return sum(f.entities for f in self.files)

    def add(self, prepared: Prepared, change) -> None:
        self.files += [LoadedFile.of(item) for item in prepared.files]
        facts = [fact for facts in prepared.facts.values() for fact in facts]
        self.facts_touched += len(facts)
        self.conflicts += sum(len(fact.conflicts) for fact in facts)
        self.quads_added += change.added
        self.quads_removed += change.removed
        self.batches += 1


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; directories become their fact and RDF files, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES + tuple(RDF_FORMATS))
        else:
            files.append(path)
    return files


# --- where a graph comes from ------------------------------------------------------------------------

def source_name(path: Path) -> str:
    """The file a graph is loaded from, named the same on every machine: relative to the project
    when it is in the project, else its absolute path."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


_NAMING = {RDFS + "label", SKOS + "altLabel", SCHEMA + "sameAs"}


def source_records(item: CompiledFile) -> list[ox.Quad]:
    """What the store records of a file's graph: the file it is loaded from, whether it declares
    entities (names a project entity or gives its Wikidata id), so that a read of every entity reads
    those graphs only, and the names (normalised) it gives its entities, so that a name is looked up
    (those are about the entities: added where missing, never taken away, see `named_by`)."""
    graph, records = ox.NamedNode(item.graph), ox.NamedNode(SOURCES_GRAPH)
    found = [ox.Quad(graph, ox.NamedNode(LOADED_FROM), ox.Literal(source_name(item.path)), records)]
    if any(q.predicate.value in _NAMING and q.subject.value.startswith(SK) for q in item.quads):
        found.append(ox.Quad(graph, ox.NamedNode(DECLARES_ENTITIES), ox.Literal(True), records))
    found += [ox.Quad(ox.NamedNode(iri), ox.NamedNode(NAME_KEY), ox.Literal(key), records)
              for iri, key in name_keys(item.quads)]
    return found


def stored_sources(kg, graphs: Iterable[str] | None = None) -> dict[str, str]:
    """Graph -> the file it was loaded from, as the store records it: of these graphs, or of all."""
    if kg is None:
        return {}
    if graphs is None:
        rows = kg.query(f"SELECT ?g ?file WHERE {{ GRAPH <{SOURCES_GRAPH}> {{ ?g <{LOADED_FROM}> ?file }} }}")
        return {row["g"].value: row["file"].value for row in rows}
    found: dict[str, str] = {}
    ordered = sorted(set(graphs))
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        values = " ".join(f"<{g}>" for g in ordered[start:start + KEYS_PER_QUERY])
        rows = kg.query(f"SELECT ?g ?file WHERE {{ VALUES ?g {{ {values} }} "
                        f"GRAPH <{SOURCES_GRAPH}> {{ ?g <{LOADED_FROM}> ?file }} }}")
        found.update({row["g"].value: row["file"].value for row in rows})
    return found


def written_by_loader(graph: str) -> str | None:
    """What a graph the loader writes itself holds (None: a file's graph)."""
    if graph == ONTOLOGY_GRAPH:
        return "the project's ontology, written from ontology/*.ttl on every load"
    if graph == SOURCES_GRAPH:
        return "the store's record of the file each graph was loaded from"
    if graph.startswith(FACTS_GRAPH):
        return "facts derived at load from the reports of the articles"
    if is_inferred(graph):
        return f"the inferences the loader draws from <{graph.removesuffix(INFERRED_SUFFIX)}>"
    return None


def _is_projects_graph(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value.startswith((GRAPH, SKA))


@dataclass
class ParsedRdf:
    """An RDF file: one CompiledFile per graph it writes, and its copies of graphs the loader writes itself
    (a project export holds them: they load only if they are what the loader writes)."""

    files: list[CompiledFile]
    copies: dict[str, list[ox.Quad]] = field(default_factory=dict)


def _own_blank_nodes(quads) -> list[ox.Quad]:
    """The quads with fresh blank nodes: the parser keeps the labels as written, and ``_:b0`` of
    one file is not ``_:b0`` of another (the store would take them for one node)."""
    fresh: dict[ox.BlankNode, ox.BlankNode] = {}

    def own(term):
        return fresh.setdefault(term, ox.BlankNode()) if isinstance(term, ox.BlankNode) else term
    return [ox.Quad(own(q.subject), q.predicate, own(q.object), q.graph_name) for q in quads]


def _parse_rdf(path: Path, display: str) -> ParsedRdf:
    fmt = RDF_FORMATS[path.suffix]
    try:
        with path.open("rb") as source:
            quads = _own_blank_nodes(ox.parse(source, format=fmt))
    except SyntaxError as err:
        line = getattr(err, "lineno", None)
        raise InvalidInput([Problem(display, "rdf-syntax", f"invalid {fmt.name}: {err.msg or err}", line)]) from None
    except UnicodeDecodeError as err:
        raise InvalidInput([Problem(display, "utf-8", f"not UTF-8 text (byte {err.start})")]) from None
    if not fmt.supports_datasets:  # a triple file's graph is named after the file
        graph = GRAPH + path.stem
        if written_by_loader(graph):
            raise InvalidInput([Problem(display, "reserved-graph", f"a triple file's graph is named after the file, "
                                        f"and graph <{graph}> holds {written_by_loader(graph)}; rename the file")])
        quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads]
        return ParsedRdf([CompiledFile(path, graph, quads)])
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    in_default, foreign = 0, set()
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            in_default += 1
        elif not _is_projects_graph(q.graph_name):
            foreign.add(str(q.graph_name))
        else:
            by_graph[q.graph_name.value].append(q)
    problems = []
    if in_default:
        problems.append(Problem(display, "default-graph", f"{in_default} triple(s) are in the default graph, which the store "
                                "answers as the union of its named graphs; put every triple in a named graph of the project"))
    if foreign:
        names = ", ".join(sorted(foreign)[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        problems.append(Problem(display, "foreign-graph", f"graph(s) {names} are not the project's: a dataset file "
                                f"names only graphs under <{GRAPH}> or <{SKA}> (for other data, load it as Turtle or "
                                "N-Triples: it goes to a graph named after the file)"))
    if SOURCES_GRAPH in by_graph:
        problems.append(Problem(display, "reserved-graph", f"graph <{SOURCES_GRAPH}> holds "
                                f"{written_by_loader(SOURCES_GRAPH)}; only the loader writes it"))
    if problems:
        raise InvalidInput(problems)
    parsed = ParsedRdf([])
    for graph, graph_quads in sorted(by_graph.items()):
        if written_by_loader(graph):
            parsed.copies[graph] = graph_quads
        else:
            parsed.files.append(CompiledFile(path, graph, graph_quads))
    return parsed


# the problems a load on purpose (replace=True) does not raise
REPLACEABLE = ("one-file-per-article", "one-file-per-graph", "unrecorded-graph")


def _sources_kept(compiled: list[CompiledFile], stored: dict[str, str], present: set[str],
                  replace: bool) -> list[Problem]:
    """A graph is replaced only by the file it was loaded from (or on purpose): another file that
    happens to give the same graph name would silently replace curated data."""
    problems = []
    for item in compiled:
        new = source_name(item.path)
        old = stored.get(item.graph)
        if replace or old == new:
            continue
        if old is None and item.graph in present:  # e.g. a server bulk-loaded from an export
            problems.append(Problem(str(item.path), "unrecorded-graph",
                                    f"graph <{item.graph}> is in the store, but no file is recorded as its source "
                                    "(it was written otherwise: a bulk load, a SPARQL update, an older sahelkg); "
                                    f"loading '{new}' would replace it. Replace it only on purpose."))
            continue
        if old is None:  # a new graph: its first file is its file
            continue
        if item.graph.startswith(SKA):
            problems.append(Problem(str(item.path), "one-file-per-article",
                                    f"the facts of article {item.graph.removeprefix(SKA)} were loaded from '{old}'; "
                                    f"loading '{new}' would replace them. Put all of an article's facts in one fact "
                                    "file, or replace them on purpose."))
        else:
            named_after_file = item.path.suffix in YAML_SUFFIXES + (".ttl", ".nt")
            problems.append(Problem(str(item.path), "one-file-per-graph",
                                    f"graph <{item.graph}> was loaded from '{old}'; loading '{new}' would replace it. "
                                    + ("Rename the file (its graph is named after it), or replace" if named_after_file
                                       else "Replace") + " the graph on purpose."))
    return problems


def _copies_kept(copies: dict[str, tuple[str, list[ox.Quad]]], writes: dict[str, list[ox.Quad]]) -> list[Problem]:
    """A file's copy of a graph the loader writes loads only if it is what the loader writes: else
    its triples would be silently replaced."""
    problems = []
    for graph, (display, quads) in sorted(copies.items()):
        if canonical(quads) != canonical(writes.get(graph, [])):
            problems.append(Problem(display, "derived-graph", f"graph <{graph}> holds {written_by_loader(graph)}; "
                                    "the file's copy differs from what the loader writes, so its triples would be lost. "
                                    "Leave that graph out of the file."))
    return problems


def _add_rdf_entities(compiled: list[CompiledFile], index: EntityIndex) -> None:
    """The entities RDF files of the batch declare (a project export holds its reference graph),
    as the store's would be known: by type, label and aliases."""
    names = {RDFS + "label", SKOS + "altLabel"}
    for item in compiled:
        for q in item.quads:
            if not q.subject.value.startswith(SK) or not isinstance(q.subject, ox.NamedNode):
                continue
            if q.predicate.value == RDF + "type" and isinstance(q.object, ox.NamedNode):
                index.add(q.subject.value, {q.object.value}, set(), declared_in=item.graph)
            elif q.predicate.value in names and isinstance(q.object, ox.Literal):
                label = q.object.value if q.predicate.value == RDFS + "label" else None
                index.add(q.subject.value, set(), {q.object.value}, label, q.object.language)


def prepare(paths: list[Path], kg: KnowledgeGraph | None, ontology: Ontology | None = None, *,
            replace: bool = False, index: EntityIndex | None = None, declarations: dict | None = None,
            earlier: dict | None = None) -> Prepared:
    """Validate every file and the facts they merge into; return what to write, or raise InvalidInput
    with every problem. A graph loaded from another file is replaced only with ``replace``.

    A batch of a validation or of a load in batches may be given the entities (``index``) and what
    each graph calls them: ``declarations``, those of every graph, stored or of earlier batches (read
    once by the caller of a store that does not record names); or ``earlier``, those of the earlier
    batches of a validation, not in the store, whose own are looked up."""
    ontology = ontology or load_ontology()
    files = expand(paths)
    if not files:
        raise InvalidInput([Problem(" ".join(map(str, paths)) or "(no files)", "no-files", "no fact or RDF files to load")])
    index = entity_index(kg) if index is None else index
    problems: list[Problem] = []
    sources, compiled = [], []
    copies: dict[str, tuple[str, list[ox.Quad]]] = {}  # graph -> (file, its quads), of graphs the loader writes
    for path in files:
        display = str(path)
        if not path.is_file():
            problems.append(Problem(display, "no-such-file", "no such file"))
            continue
        try:
            if path.suffix in YAML_SUFFIXES:
                sources.append(read_fact_file(path, display))
            elif path.suffix in RDF_FORMATS:
                check_file_name(path, display)
                parsed = _parse_rdf(path, display)
                compiled += parsed.files
                copies.update({graph: (display, quads) for graph, quads in parsed.copies.items()})
                problems += [p for item in parsed.files for p in rdf_file_problems(item.quads, display)]
            else:
                problems.append(Problem(display, "file-type", "not a fact file (.yaml) or an RDF file "
                                        f"({', '.join(RDF_FORMATS)})"))
        except InvalidInput as err:
            problems += err.problems
    # Entities first, from every file, so a fact may name an entity declared in another file of the batch.
    _add_rdf_entities(compiled, index)
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
    problems += [Problem(str(item.path), "reserved-graph", f"a file's graph is named after the file, and graph <{item.graph}> "
                         f"holds {written_by_loader(item.graph)}; rename the file")
                 for item in compiled if written_by_loader(item.graph)]
    by_graph: dict[str, list[CompiledFile]] = defaultdict(list)
    for item in compiled:
        by_graph[item.graph].append(item)
    for graph, items in by_graph.items():
        if len(items) > 1:
            names = ", ".join(str(i.path) for i in items)
            problems.append(Problem(str(items[1].path), "one-file-per-graph",
                                    f"{names} all write graph <{graph}>; one article has one fact file"))
    graphs_of_batch = {item.graph for item in compiled}
    about = {item.graph: declarations_in(item.quads) for item in compiled}  # what the batch's files declare
    if declarations is None:
        stored = stored_declarations(kg, graphs_of_batch, about)
        stored.update({graph: said for graph, said in (earlier or {}).items() if graph not in graphs_of_batch})
    else:
        stored = {graph: said for graph, said in declarations.items() if graph not in graphs_of_batch}
    problems += entity_problems(compiled, stored, about)
    if not problems:  # the SHACL shapes (ontology/shapes.ttl), on each file's own triples
        from .shapes import validate_compiled  # pySHACL takes ~0.1 s to import: only when validating
        entity_types = _entity_types(index, (q for item in compiled for q in item.quads))
        for item in compiled:
            problems += validate_compiled(item, entity_types, ontology.quads)
    # whether the files may replace the store's graphs, once each file is right in itself
    graphs = {item.graph for item in compiled}
    if not problems:
        present = kg.graphs_present(graphs) if kg is not None else set()
        problems += _sources_kept(compiled, stored_sources(kg, graphs), present, replace)
    if problems:
        raise InvalidInput(problems)
    records = {item.graph: source_records(item) for item in compiled}
    prepared = Prepared(compiled, merge_facts(compiled, kg, _labeller(index)), records)
    # the merged facts must keep the rules each report keeps alone (one start, one end, ...)
    problems = _validate_merged(prepared, index, ontology)
    if copies:
        problems += _copies_kept(copies, prepared.graphs(ontology))
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
    context = _entity_types(index, quads)
    context.update({r.article: {SKG + "Article"} for fact in facts for r in fact.reports})
    context.update({c: {SKG + "Citation"} for fact in facts for r in fact.reports for c in r.citations})
    problems = validate_compiled(CompiledFile(Path("merged facts"), graph.value, quads), context, ontology.quads)
    return [p for p in problems if p.field not in _TEXT_KEYS]


def _entity_types(index: EntityIndex, quads: Iterable[ox.Quad]) -> dict[str, set[str]]:
    """The classes of the project's entities these quads name (all the shapes read of the entities)."""
    iris = {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode) and t.value.startswith(SK)}
    index.look_up(iris)
    return {iri: index.entities[iri].types for iri in sorted(iris) if iri in index.entities}


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


def article_graph(name: str) -> str:
    """The graph of an article named by its IRI, its fact or article file name, or its slug."""
    return name if name.startswith(("http://", "https://")) else SKA + Path(name).stem


def remove(articles: list[str], kg: KnowledgeGraph) -> LoadReport:
    """Take articles out of the graph (by file name, slug or IRI) and recompute the facts they reported,
    in one transaction; the facts other articles also report stay, with those reports only."""
    known = kg.graphs_present([article_graph(name) for name in articles])  # not every graph: millions, in a large store
    graphs, problems = [], []
    for name in articles:
        iri = article_graph(name)
        if iri not in known or not iri.startswith(SKA):
            problems.append(Problem(name, "no-such-article", f"no article <{iri}> in the graph"))
        graphs.append(iri)
    if problems:
        raise InvalidInput(problems)
    ontology = load_ontology()
    prepared = Prepared([], merge_facts([], kg, _labeller(entity_index(kg)), removed=set(graphs)),
                        {graph: [] for graph in graphs})
    writes = prepared.graphs(ontology)
    for graph in graphs:
        writes[graph] = []
        writes[inferred_graph(graph)] = []
    report = LoadReport()
    report.add(prepared, kg.replace_graphs(writes, prepared.sources))
    return report


BATCH_FILES = 200  # files one batch writes at most: what bounds the memory of a large load (about 4 MB a file)


def load(paths: list[Path], kg: KnowledgeGraph, *, replace: bool = False, batch_files: int = BATCH_FILES,
         progress: Callable[[int, int], None] | None = None) -> LoadReport:
    """Validate, then replace each file's graph, the facts graphs it touches, their inferences and
    the ontology graph, in one transaction. A graph loaded from another file is refused unless
    ``replace`` (on purpose: the other file's content goes).

    More than ``batch_files`` files are loaded in batches of that many, in the order given (a
    directory's files in name order), each validated against the store and the batches before it,
    then written: what it adds in one transaction, the facts it rewrites in a second (as one, a
    SPARQL update of every quad, it would be several times slower); memory stays that of one batch.
    A problem stops the load before its batch is written, and says which files the store then
    holds; loading the same files again finishes the load (files already loaded are compared and
    left as they are). A file may name entities of the store, of its batch or of an earlier batch.
    ``progress(files done, files in all)`` is called after each batch.
    """
    ontology = load_ontology()
    files = expand(paths)
    batches = _batches(files, batch_files)
    report = LoadReport()
    # a store without the project's graphs records, from its first load on, which graphs declare
    # entities and their names (a server has graphs of its own)
    first = not kg.query(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {str(ox.Literal(BASE))})) }}")
    # each batch looks up in the store the entities and names it needs; a store that does not record
    # names is read whole once, and each batch's added: read again for every batch, it was most of a
    # 10,000-article load's time (generated articles declare entities)
    carried = len(batches) > 1 and not first and not records_names(kg)
    index = known_entities(kg) if carried else None
    declared = stored_declarations(kg, set()) if carried else None  # graph -> its entities' names
    for number, batch in enumerate(batches):
        try:
            prepared = prepare(batch, kg, ontology, replace=replace, index=index, declarations=declared)
        except InvalidInput as error:
            if number:
                error.problems.append(_stopped_after(report, batches, number))
            raise
        if first and number == 0:
            records = ox.NamedNode(SOURCES_GRAPH)
            prepared.sources[SOURCES_GRAPH] = [ox.Quad(records, ox.NamedNode(marker), ox.Literal(True), records)
                                               for marker in (RECORDS_DECLARATIONS, RECORDS_NAMES)]
        report.add(prepared, kg.replace_graphs(prepared.graphs(ontology), prepared.sources, atomic=len(batches) == 1))
        if declared is not None:
            declared.update({item.graph: declarations_in(item.quads) for item in prepared.files})
        del prepared  # the next batch's quads replace this one's
        if progress is not None:
            progress(sum(len(b) for b in batches[:number + 1]), len(files))
    return report


def validate(paths: list[Path], kg: KnowledgeGraph | None, *, replace: bool = False,
             batch_files: int = BATCH_FILES) -> LoadReport:
    """Check files as `load` would, write nothing; raise InvalidInput with every problem.

    More than ``batch_files`` files are checked in batches of that many (memory stays that of one
    batch), each against the store and the entities the batches before it declare (their names
    too: two files may not name one entity two ways); whether its reports merge well with those of
    earlier batches is checked when they are loaded.
    """
    ontology = load_ontology()
    files = expand(paths)
    batches = _batches(files, batch_files)
    # the batches' entities and names are kept as they are checked (none is written): beside the
    # store's, looked up, or with the store's, read once from a store that does not record names
    looked_up = records_names(kg) or kg is None
    index = (StoreEntities(kg) if kg is not None and looked_up else known_entities(kg)) if len(batches) > 1 else None
    declared = ({} if looked_up else stored_declarations(kg, set())) if len(batches) > 1 else None
    report, problems = LoadReport(), []
    for batch in batches:
        try:
            prepared = prepare(batch, kg, ontology, replace=replace, index=index,
                               **{"earlier" if looked_up else "declarations": declared})
        except InvalidInput as error:
            problems += error.problems
            continue
        if declared is not None:
            declared.update({item.graph: declarations_in(item.quads) for item in prepared.files})
        report.add(prepared, Change())
    if problems:
        raise InvalidInput(problems)
    return report


def _batches(files: list[Path], batch_files: int) -> list[list[Path]]:
    return [files[start:start + batch_files] for start in range(0, len(files), batch_files)] or [files]


def _stopped_after(report: LoadReport, batches: list[list[Path]], number: int) -> Problem:
    done = sum(len(b) for b in batches[:number])
    return Problem(str(batches[number][0]), "load-stopped",
                   f"the load stopped at batch {number + 1} of {len(batches)} (from this file on): the {done} files "
                   f"before it, up to {batches[number - 1][-1]}, are loaded; "
                   "fix the problems and run the same load again to finish it")
