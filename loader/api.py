"""The front door for Python: one object, the same calls, for the embedded store and a SPARQL server.

    >>> import loader
    >>> kg = loader.open(store)  # a directory holding a store, here one with data/ loaded
    >>> kg.query("who-rules", state="Niger")[0]["regimeName"]
    'National Council for the Safeguarding of the Fatherland'
    >>> [(row["deployingState"], row["status"])
    ...  for row in kg.query("foreign-presences", host="Niger", as_of="2024-03-26")]
    [('United States', 'active'), ('France', 'ended')]
    >>> kg.query("ASK { sk:niger a skg:State }")
    True
    >>> kg.close()

`loader.open(endpoint="http://127.0.0.1:7878")` gives the same object on a server (Oxigraph server,
Virtuoso, any SPARQL 1.1 endpoint). Errors are exceptions with the facts as fields, never printed:
`loader.problems.InvalidInput` (bad files: `.problems`), `loader.queries.QueryError` and its kinds
(`UnknownQuery`, `UnknownParameter`, `UnknownEntity`, `NotADate`, `RemoteRequest` for a SERVICE or
LOAD not allowed, `QueryTimeout` for a query past its `timeout`, ...), `loader.store.StoreError`
and its kinds (`NoStore`, `StoreInUse`, and `loader.remote.RemoteError` for a server).
"""

from __future__ import annotations

import builtins
import datetime as dt
import io
import os
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from .backend import Backend
from .entities import EntityIndex
from .inference import is_inferred
from .namespaces import SOURCES_GRAPH
from .queries import (
    AS_OF,
    InvalidSparql,
    IsAnUpdate,
    NamedQuery,
    QueryError,
    bind,
    find_query,
    is_update,
    paged,
    refuse_remote_requests,
)
from .store import KnowledgeGraph, StoreError

if TYPE_CHECKING:
    from .export import Progress
    from .loading import LoadReport
    from .reasoning import ConsistencyReport

__all__ = ["Answer", "Graph", "UnknownFormat", "UnknownGraph", "open", "validate"]

Paths = str | os.PathLike | Iterable[str | os.PathLike]
TIMEOUT = 60.0  # seconds a query may run unless told otherwise (None: no limit)


class UnknownGraph(StoreError):
    """No such named graph (`known`: the graphs there are)."""

    def __init__(self, graph: str, known: list[str]):
        self.graph, self.known = graph, known
        super().__init__(f"no graph <{graph}> in the store (graphs: {', '.join(known)})")


class UnknownFormat(ValueError):
    def __init__(self, fmt: str, known: list[str]):
        self.format, self.known = fmt, known
        super().__init__(f"unknown format '{fmt}' (formats: {', '.join(known)})")


@dataclass
class Answer:
    """A query's answer as the engine gave it (pyoxigraph solutions, a boolean, or triples), with
    the query and the values bound to its parameters (as given; `asOf` the day used)."""

    query: NamedQuery
    result: object
    bound: dict[str, str]


def open(path: str | os.PathLike | None = None, *, endpoint: str | None = None,  # noqa: A001 - loader.open
         update_endpoint: str | None = None, user: str | None = None, password: str | None = None,
         auth: str = "basic", read_only: bool = False) -> Graph:
    """The graph in the store at `path` (default $SAHELKG_STORE, else .sahelkg/store), or on the
    SPARQL 1.1 server at `endpoint` (its base address or query URL).

    A store opened to write holds its writer lock until closed; `read_only` opens it without
    (it must exist), so that a load or `sahelkg serve` may hold it meanwhile. A server is never
    locked: `read_only` does not apply to it.
    """
    if endpoint is not None:
        if path is not None:
            raise ValueError("give a store path or an endpoint, not both")
        from .remote import RemoteGraph  # SPARQLWrapper: only for a server

        return Graph(RemoteGraph(endpoint, update_endpoint, user=user, password=password, auth=auth))
    return Graph(KnowledgeGraph(path, read_only=read_only))


def validate(paths: Paths, *, replace: bool = False) -> LoadReport:
    """Check files as a load would, against themselves alone (no graph to resolve names in)."""
    from .loading import validate

    return validate(_paths(paths), None, replace=replace)


class Graph:
    """The project's graph, wherever it is held (`backend`: a store or a server)."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._entities: EntityIndex | None = None  # read once, until this object writes

    def entities(self) -> EntityIndex:
        """The known entities, by IRI and by name: looked up in the graph as they are asked for (read
        whole from a store that does not record names), and kept until this object writes."""
        if self._entities is None:
            from .entities import entity_index

            self._entities = entity_index(self.backend)
        return self._entities

    def resolve(self, name: str, *, purpose: str = "", role: str = "entity") -> str:
        """The IRI of the entity a name, alias or IRI stands for; `UnknownEntity` (its `query` the
        purpose, its `param` the role) if none or several."""
        from .queries import UnknownEntity

        index = self.entities()
        iri, error = index.resolve(name)
        if error:
            raise UnknownEntity(purpose, role, name, error, index.near(name))
        return iri

    @property
    def location(self) -> str:
        """The store's directory or the server's query URL."""
        return self.backend.location

    @property
    def is_remote(self) -> bool:
        return not isinstance(self.backend, KnowledgeGraph)

    def _check_default_graph(self, timeout: float | None = None) -> None:
        """On a server: that its default graph is the union of its graphs, where queries look."""
        check = getattr(self.backend, "check_default_graph", None)
        if check is not None:
            check(timeout)

    # --- writing ---

    def load(self, paths: Paths, *, replace: bool = False, batch_files: int | None = None,
             progress=None) -> LoadReport:
        """Validate fact and RDF files (or directories of them), then write them all or nothing.

        Raises `InvalidInput` with every problem found; the graph is then unchanged. A graph loaded
        from another file (or written otherwise) is replaced only with ``replace=True``. More than
        ``batch_files`` files (default 200) load in batches, each written whole (README,
        "Large loads"); ``progress(files done, files in all)`` is called after each batch.
        """
        from .loading import BATCH_FILES, load

        self._entities = None
        return load(_paths(paths), self.backend, replace=replace, batch_files=batch_files or BATCH_FILES,
                    progress=progress)

    def remove(self, articles: str | Iterable[str]) -> LoadReport:
        """Take articles out (by file name, slug or IRI); their facts are derived again from the others."""
        from .loading import remove

        self._entities = None
        return remove([articles] if isinstance(articles, str) else list(articles), self.backend)

    def validate(self, paths: Paths, *, replace: bool = False) -> LoadReport:
        """Check files as `load` would, names resolved against this graph too; write nothing."""
        from .loading import validate

        return validate(_paths(paths), self.backend, replace=replace)

    def update(self, sparql: str, *, allow_service: bool = False, allow_load: bool = False) -> None:
        """Run a SPARQL UPDATE as given: unvalidated, so facts should go in through `load`.
        A SERVICE or a LOAD (which fetch other addresses) is refused (`RemoteRequest`) unless allowed."""
        refuse_remote_requests(sparql, update=True, allow_service=allow_service, allow_load=allow_load)
        self._entities = None
        try:
            self.backend.update(sparql)
        except SyntaxError as error:
            raise InvalidSparql(str(error), update=True) from None
        except OSError as error:  # a LOAD or SERVICE that failed (the store is unchanged)
            raise QueryError(f"cannot run the update: {_one_line(error)}") from None

    # --- reading ---

    def answer(self, query: str | NamedQuery, params: dict[str, object] | None = None,
               as_of: str | dt.date | None = None, *, timeout: float | None = TIMEOUT,
               allow_service: bool = False, limit: int | None = None, offset: int = 0) -> Answer:
        """Run a named query, a .rq file or SPARQL text, its parameters bound to names or values.

        The answer is read whole within `timeout` seconds, else `QueryTimeout`. A federated query
        (SERVICE) is refused (`RemoteRequest`) unless `allow_service`. `limit` and `offset` ask for
        one page of the answer (`NotPageable` for a query that ends with its own)."""
        named = query if isinstance(query, NamedQuery) else find_query(query)
        if is_update(named.text):
            raise IsAnUpdate(named.text)
        refuse_remote_requests(named.text, allow_service=allow_service)
        self._check_default_graph(timeout)
        values = {name: str(value) for name, value in (params or {}).items()}
        if as_of is None and named.takes_as_of and AS_OF not in values:
            as_of = dt.date.today()  # a query that answers as of a date answers for today
        day = None if as_of is None else str(as_of)
        substitutions = bind(named, values, self.entities() if named.params else EntityIndex(), day)
        text = paged(named.text, limit, offset)
        try:
            result = self.backend.query(text, substitutions, timeout=timeout)
        except SyntaxError as error:
            raise InvalidSparql(str(error)) from None
        except (RuntimeError, OSError) as error:
            # pyoxigraph binds parameters only when the SELECT clause names them; a SERVICE that fails
            # is an OSError
            raise QueryError(f"cannot run the query: {_one_line(error)}") from None
        bound = {**values, **({AS_OF: day} if day is not None else {})}
        return Answer(named, result, bound)

    def query(self, query: str | NamedQuery, /, *, as_of: str | dt.date | None = None,
              timeout: float | None = TIMEOUT, allow_service: bool = False, limit: int | None = None,
              offset: int = 0, **params):
        """The answer as plain values: rows as {column: value} ('' when unbound) for SELECT, a bool
        for ASK, triples for CONSTRUCT and DESCRIBE. `timeout`, `allow_service`, `limit` and
        `offset` as for `answer`."""
        return rows(self.answer(query, params, as_of, timeout=timeout, allow_service=allow_service,
                                limit=limit, offset=offset).result)

    def conflicts(self, entity: str | None = None) -> list[dict[str, str]]:
        """Every disagreement between two reports of one fact (about `entity`, or all), with both
        values, quotes and articles."""
        return self.query("conflicts", **({"entity": entity} if entity else {}))

    def export(self, fmt: str = "turtle", *, graph: str | None = None, inferred: bool = False,
               out: str | os.PathLike | BinaryIO | None = None, progress: Progress | None = None) -> bytes | int:
        """The graph (or one article's graph, by file name, slug or IRI) serialized; the same graph
        always gives the same bytes. Materialised inferences only when `inferred`.

        Returned as bytes, or, for a graph of any size, written to `out` (a binary file, or a path
        opened once the format and graph are known to be right) as it is read: then the number of
        bytes written is returned. `progress(total, description)`: see `loader.progress`."""
        from . import export as exporting

        if fmt not in exporting.FORMATS:
            raise UnknownFormat(fmt, list(exporting.FORMATS))
        graph_iri = None
        if graph:
            from .loading import article_graph

            graph_iri = article_graph(graph)
            known = self.backend.named_graphs()
            if graph_iri not in known:
                raise UnknownGraph(graph_iri, known)
        if isinstance(self.backend, KnowledgeGraph):
            store = self.backend.store
        else:  # a server's graphs, read into memory (its pages are read whole anyway)
            store = ox.Store()
            store.extend(self.backend.quads(graph_iri))
        if graph_iri:
            graphs = [graph_iri] if inferred or not is_inferred(graph_iri) else []
            count = len(graphs)
        else:
            def shared(g: str) -> bool:  # inferences are derived data: shared only when asked for
                return g != SOURCES_GRAPH and (inferred or not is_inferred(g))

            count = sum(1 for g in store.named_graphs() if shared(g.value))
            graphs = (g.value for g in store.named_graphs() if shared(g.value))
        if out is None:
            sink = io.BytesIO()
            exporting.write(store, sink, fmt, graphs, default_graph=not graph_iri, count=count, progress=progress)
            return sink.getvalue()
        with builtins.open(out, "wb") if isinstance(out, (str, os.PathLike)) else nullcontext(out) as sink:
            return exporting.write(store, sink, fmt, graphs, default_graph=not graph_iri, count=count,
                                   progress=progress)

    # --- pictures (matplotlib, networkx: imported only to draw) ---

    def plot_network(self, fmt: str = "svg", *, as_of: str | dt.date | None = None, focus: str | None = None) -> bytes:
        """The relations on a date (default today) as a picture: "svg", "png" or an interactive "html"
        page; around `focus` (an entity) or all. Ended relations are not drawn."""
        from . import plot

        return plot.render_network(plot.network(self, as_of, focus), fmt)

    def plot_timeline(self, entity: str, fmt: str = "svg") -> bytes:
        """An entity's relations as bars over time and its events as markers ("svg" or "png")."""
        from . import plot

        self.resolve(entity, purpose="plot", role="ENTITY")
        return plot.timeline(self, entity, fmt)

    def report(self, state: str, out: str | os.PathLike, *, as_of: str | dt.date | None = None) -> list[Path]:
        """Write a static HTML dossier on a state into the folder `out`; returns the files written."""
        from . import plot

        return plot.dossier(self, state, Path(out), as_of)

    def stats(self) -> dict[str, int]:
        """Counts: quads, graphs, articles, facts (by kind), reports, conflicts, entities."""
        from .stats import graph_stats

        self._check_default_graph()
        return graph_stats(self.backend)

    def check(self) -> ConsistencyReport:
        """OWL 2 DL consistency of the ontology plus all data, by HermiT (needs Java; reads everything)."""
        from .reasoning import check_consistency  # owlready2: only when asked

        return check_consistency(self.backend.rdflib_graph())

    def __len__(self) -> int:
        """Quads in the graph (inferences included)."""
        return len(self.backend)

    def close(self) -> None:
        """Release the store and its lock now rather than when garbage collected."""
        self.backend.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<sahel-kg graph at {self.location}>"


def rows(result):
    """An engine's answer as plain values: rows of strings, a bool, or a list of triples."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, (ox.QueryTriples, list)):  # a server's CONSTRUCT answer is a list of triples
        return list(result)
    names = [v.value for v in result.variables]
    return [{n: row[n].value if row[n] is not None else "" for n in names} for row in result]


def _one_line(error: Exception, limit: int = 500) -> str:
    """An engine's message on one line, and short: a failed SERVICE quotes the other server's reply."""
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _paths(paths: Paths) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]
