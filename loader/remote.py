"""The graph on a remote SPARQL 1.1 server (Oxigraph server, Virtuoso, GraphDB, Neptune, ...).

`RemoteGraph` answers the same calls as the embedded `KnowledgeGraph`, through SPARQLWrapper and the
standard protocol only, so every command works the same against either:

- queries get the project's prefixes, and their parameters written in as values (`queries.inline`),
  since SEP-0007 substitution is an Oxigraph extension;
- answers come back as SPARQL JSON and are parsed by pyoxigraph, so callers see the same objects;
- reads of whole graphs are paged (public endpoints cap result sets, Virtuoso at 10,000 rows) and
  checked against a count;
- a load is staged: each new graph is written into a fresh staging graph in requests of bounded
  size (servers refuse very large INSERT DATA), counted, and only then moved over the real graphs
  in one final update. A failure before that leaves the real graphs exactly as they were.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import secrets
import urllib.error
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from SPARQLWrapper import BASIC, DIGEST, INSERT, JSON, POST, SELECT, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

from .namespaces import BASE, SOURCES_GRAPH, XSD, sparql_prologue
from .queries import QueryTimeout, inline, query_form
from .store import Change, StoreError

STAGING = BASE + "staging/"  # graphs a load writes before moving them in place
PAGE_ROWS = 5_000  # below Virtuoso's default ResultSetMaxRows (10,000)
CHUNK_TRIPLES = 500  # per INSERT DATA request; Virtuoso refuses requests that compile too large
GRAPHS_PER_REQUEST = 200  # graphs named in one VALUES clause (a load touches one facts graph per fact)
XSD_BOOLEAN = XSD + "boolean"
AUTH_SCHEMES = {"basic": BASIC, "digest": DIGEST}
USER_AGENT = "sahelkg (SPARQLWrapper)"


class RemoteError(StoreError):
    """The server could not be reached or refused a request; the message names it and why."""


class NotAnEndpoint(RemoteError):
    """An endpoint address that is not an http(s) URL, or that carries credentials."""

    def __init__(self, url: str, *, credentials: bool = False):
        self.url, self.credentials = url, credentials
        super().__init__("give the user name and password apart, not in the endpoint URL" if credentials
                         else f"endpoint '{url}' is not an http(s) URL (e.g. http://127.0.0.1:7878)")


class UnknownAuth(RemoteError):
    def __init__(self, auth: str):
        self.auth = auth
        super().__init__(f"authentication '{auth}' is not one of {', '.join(AUTH_SCHEMES)}")


class Unreachable(RemoteError):
    """No server answers at the address."""

    def __init__(self, url: str, reason: str):
        self.url, self.reason = url, reason
        super().__init__(f"cannot reach {url}: {reason}")


class AccessDenied(RemoteError):
    """The server wants other credentials: `answer` is what it said (HTTP status and its words)."""

    def __init__(self, url: str, answer: str, detail: str):
        self.url, self.answer, self.detail = url, answer, detail
        super().__init__(self.worded("check the user name, password and authentication scheme"))

    def worded(self, hint: str) -> str:
        return f"{self.url} {self.answer} ({hint}): {self.detail}"


class DefaultGraphNotUnion(RemoteError):
    """A server whose default graph is not the union of its named graphs: every query, which reads
    the default graph, would find nothing of the project's graphs."""

    def __init__(self, url: str):
        self.url = url
        super().__init__(f"{url}: the server's default graph is not the union of its named graphs, so queries "
                         "would find nothing in the project's graphs; start it with the union of its graphs as its "
                         "default graph")


class LoadStopped(RemoteError):
    """A load that failed before its final request: nothing on the server changed."""

    outcome = "the load was stopped before any graph was replaced; the remote graphs are as they were"

    def __init__(self, cause: RemoteError):
        self.cause = cause
        super().__init__(f"{cause}\n{self.outcome}")


class LoadOutcomeUnknown(RemoteError):
    """The connection broke during the one request that moves a load in place: it may or may not have
    been applied; counting the server's graphs tells which, and loading again is safe either way."""

    def __init__(self, cause: RemoteError):
        self.cause = cause
        super().__init__(f"{cause}\nthe final step, which replaces all graphs in one request, may or may not "
                         "have reached the server: its stats tell; loading again is safe")


@dataclass(frozen=True)
class Endpoint:
    """Where a server answers queries and takes updates, and how to log in to it."""

    query_url: str
    update_url: str
    user: str | None = None
    password: str | None = None
    auth: str = "basic"


def endpoint_urls(url: str, update_url: str | None = None) -> list[tuple[str, str]]:
    """Candidate (query URL, update URL) pairs for what the user gave.

    A base address (no path) may be an Oxigraph server (/query, /update) or Virtuoso (/sparql for
    both); a query URL is taken as given, and the updates of a /query URL go to /update, as on
    Oxigraph and Fuseki. An explicit update URL always wins.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotAnEndpoint(url)
    if parts.username or parts.password:  # it would be echoed in every message: ask for them apart instead
        raise NotAnEndpoint(url, credentials=True)
    paths = ["/query", "/sparql"] if parts.path in ("", "/") else [parts.path]
    candidates = []
    for path in paths:
        update_path = path[: -len("query")] + "update" if path.endswith("/query") else path
        candidates.append((urlunsplit(parts._replace(path=path)),
                           update_url or urlunsplit(parts._replace(path=update_path))))
    return candidates


class RemoteGraph:
    """The project's graphs on a SPARQL 1.1 server: the graphs whose IRIs start with the project's base."""

    def __init__(self, url: str, update_url: str | None = None, *, user: str | None = None,
                 password: str | None = None, auth: str = "basic", timeout: float = 300):
        if auth not in AUTH_SCHEMES:
            raise UnknownAuth(auth)
        self.timeout = timeout
        candidates = endpoint_urls(url, update_url)
        refusals = []
        for query_url, update in candidates:
            self.endpoint = Endpoint(query_url, update, user, password, auth)
            if len(candidates) == 1:
                break
            try:
                self._send("ASK {}")
                break
            except (Unreachable, AccessDenied):
                raise  # no server there, or it wants other credentials: trying another path will not help
            except RemoteError as error:
                refusals.append(str(error))
        else:
            raise RemoteError(f"no SPARQL endpoint answers at {url}; give the query URL itself, e.g. "
                              "http://host:8890/sparql\n" + "\n".join(refusals))
        self.location = self.endpoint.query_url
        self._union_seen = False  # the default graph was seen to hold a named graph's triple

    # --- the protocol ---

    def _wrapper(self, text: str, return_format: str = JSON, *, update: bool = False) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint.query_url, updateEndpoint=self.endpoint.update_url,
                                returnFormat=return_format, agent=USER_AGENT)
        wrapper.setMethod(POST)  # queries with inlined values and updates can be long
        wrapper.setOnlyConneg(True)  # the standard Accept header, no server-specific format= parameter
        wrapper.setTimeout(int(self.timeout))
        if self.endpoint.user is not None:
            wrapper.setHTTPAuth(AUTH_SCHEMES[self.endpoint.auth])
            wrapper.setCredentials(self.endpoint.user, self.endpoint.password or "")
        wrapper.setQuery(text)
        # SPARQLWrapper guesses query or update from the text, and words in comments can fool it
        # ("address" read as ADD): the caller knows which it is
        wrapper.queryType = INSERT if update else (query_form(text) or SELECT)
        return wrapper

    def _send(self, text: str, return_format: str = JSON, *, update: bool = False,
              timeout: float | None = None) -> bytes:
        url = self.endpoint.update_url if update else self.endpoint.query_url
        try:
            wrapper = self._wrapper(text, return_format, update=update)
            if timeout is not None:
                wrapper.setTimeout(max(1, math.ceil(timeout)))
            response = wrapper.query().response
            return response.read()
        except SPARQLWrapperException as error:
            # its message starts with a generic sentence; the server's own words follow "Response:"
            detail = str(error).split("Response:", 1)[-1].strip()
            if detail.startswith(("b'", 'b"')):
                detail = detail[2:-1].encode().decode("unicode_escape", errors="replace")
            detail = detail.split("SPARQL query:", 1)[0]  # Virtuoso repeats the whole request after its message
            answer, detail = f"refused the {'update' if update else 'query'}", f"{type(error).__name__}: {detail.strip()[:2000]}"
            if isinstance(error, Unauthorized):
                raise AccessDenied(url, answer, detail) from None
            raise RemoteError(f"{url} {answer}: {detail}") from None
        except urllib.error.HTTPError as error:
            reason = error.read().decode("utf-8", errors="replace").strip()[:2000] or str(error.reason)
            if error.code in (401, 403):
                raise AccessDenied(url, f"answered HTTP {error.code}", reason) from None
            raise RemoteError(f"{url} answered HTTP {error.code}: {reason}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error or type(error).__name__
            if timeout is not None and isinstance(reason, TimeoutError):
                raise QueryTimeout(timeout) from None  # the server may work on: it is told nothing
            raise Unreachable(url, str(reason)) from None

    def query(self, sparql: str, substitutions: dict | None = None, *, timeout: float | None = None):
        """Run a query; the answer has the same type as pyoxigraph's (solutions, boolean or triples).
        With a `timeout` (seconds), QueryTimeout when the answer has not come by then."""
        return self._query(sparql, substitutions, timeout)

    def check_default_graph(self, timeout: float | None = None) -> None:
        """DefaultGraphNotUnion if a triple of the project's graphs is not in the default graph (as on
        a plain `oxigraph serve`), where named queries and stats look. Loads name their graphs and
        need no such check. Two small requests, once; a server without the project's graphs yet is
        asked again next time."""
        if self._union_seen:
            return
        rows = list(self._query(f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "
                                f'"{BASE}") && !STRSTARTS(STR(?g), "{STAGING}") && isIRI(?s) && !isBlank(?o)) }} '
                                "LIMIT 1", timeout=timeout))
        if not rows:
            return
        if not bool(self._query(f"ASK {{ {rows[0]['s']} {rows[0]['p']} {rows[0]['o']} }}", timeout=timeout)):
            raise DefaultGraphNotUnion(self.location)
        self._union_seen = True

    def _query(self, sparql: str, substitutions: dict | None = None, timeout: float | None = None):
        text = sparql_prologue() + inline(sparql, substitutions or {})
        if query_form(text) in ("CONSTRUCT", "DESCRIBE"):
            return [q.triple for q in ox.parse(self._send(text, TURTLE, timeout=timeout), format=ox.RdfFormat.TURTLE)]
        data = self._send(text, timeout=timeout)
        try:
            return ox.parse_query_results(_portable(data), format=ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise RemoteError(f"{self.location} answered with results that are not SPARQL JSON: {error}") from None

    def update(self, sparql: str) -> None:
        self._send(sparql_prologue() + sparql, update=True)

    # --- reading graphs ---

    def _graphs_under(self, prefix: str) -> list[str]:
        rows = self.query(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{prefix}")) }}')
        return sorted(row["g"].value for row in rows)

    def named_graphs(self) -> list[str]:
        return [g for g in self._graphs_under(BASE) if not g.startswith(STAGING)]

    def count(self, graph: str) -> int:
        row = next(iter(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))
        return int(row["n"].value)

    def counts(self, graphs: Iterable[str] | None = None) -> dict[str, int]:
        """Triples per graph, a few graphs' worth of requests at most: the project's graphs, or those
        given (a graph that holds nothing is left out)."""
        if graphs is None:
            rows = self.query(f'SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                              f'FILTER(STRSTARTS(STR(?g), "{BASE}")) }} GROUP BY ?g')
            return {row["g"].value: int(row["n"].value) for row in rows}
        found: dict[str, int] = {}
        ordered = sorted(set(graphs))
        for start in range(0, len(ordered), GRAPHS_PER_REQUEST):
            values = " ".join(f"<{g}>" for g in ordered[start:start + GRAPHS_PER_REQUEST])
            rows = self.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                              "GROUP BY ?g")
            found.update({row["g"].value: int(row["n"].value) for row in rows})
        return found

    def __len__(self) -> int:
        return sum(n for graph, n in self.counts().items() if not graph.startswith(STAGING))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph:
            yield from self._graph_quads(graph)
            return
        sizes = {g: n for g, n in self.counts().items() if not g.startswith(STAGING)}
        for quads in self._graphs_quads(sizes).values():
            yield from quads

    def _graph_quads(self, graph: str) -> list[ox.Quad]:
        expected = self.count(graph)
        target = ox.NamedNode(graph)
        seen: set[ox.Quad] = set()
        for offset in range(0, expected, PAGE_ROWS):
            # ordered in a sub-select so deep pages stay within Virtuoso's sorting limit
            rows = self.query(f"SELECT ?s ?p ?o WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
                              f"ORDER BY ?s ?p ?o }} }} LIMIT {PAGE_ROWS} OFFSET {offset}")
            seen.update(ox.Quad(row["s"], row["p"], row["o"], target) for row in rows)
        if len(seen) != expected:
            raise RemoteError(f"{self.location}: graph <{graph}> holds {expected} triples but {len(seen)} could be "
                              "read; the server may cap result sizes or the graph changed while it was read")
        return sorted(seen, key=str)

    def _graphs_quads(self, sizes: dict[str, int]) -> dict[str, list[ox.Quad]]:
        """The quads of several graphs of known sizes: small ones read together, a page at a time."""
        contents: dict[str, list[ox.Quad]] = {}
        batch: list[str] = []
        total = 0
        for graph, size in [*sorted(sizes.items()), ("", PAGE_ROWS)]:  # the sentinel reads the last batch
            if batch and (total + size > PAGE_ROWS or len(batch) == GRAPHS_PER_REQUEST or not graph):
                values = " ".join(f"<{g}>" for g in batch)
                rows = self.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
                for g in batch:
                    contents[g] = []
                for row in rows:
                    contents[row["g"].value].append(ox.Quad(row["s"], row["p"], row["o"], row["g"]))
                batch, total = [], 0
            if not graph:
                break
            if size > PAGE_ROWS:
                contents[graph] = self._graph_quads(graph)
            else:
                batch.append(graph)
                total += size
        for graph, size in sizes.items():
            if len(set(contents[graph])) != size:
                raise RemoteError(f"{self.location}: graph <{graph}> holds {size} triples but {len(contents[graph])} "
                                  "could be read; the server may cap result sizes or the graph changed while it was read")
        return contents

    def rdflib_graph(self):
        from .export import to_rdflib

        return to_rdflib({q.triple for q in self.quads()})

    # --- writing ---

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]],
                       sources: dict[str, list[ox.Quad]] | None = None, *, atomic: bool = True) -> Change:
        """Replace each named graph with the given quads, and the records of where graphs were loaded
        from (``sources``: graph -> its records, quads of SOURCES_GRAPH about it and, only added, about its
        entities; the records graph is written whole).
        Always as one step (``atomic`` is for the embedded store's speed).

        A failure before the final request leaves every graph as it was. The final request moves all
        staging graphs in place at once; Oxigraph applies it atomically, Virtuoso operation by
        operation, so only a failure inside that one request could leave part of it applied there.
        """
        from .export import canonical

        if sources:
            graphs = {**graphs, SOURCES_GRAPH: self._sources_after(sources)}
        current = self.counts(graphs)
        wanted = {graph: {q.triple for q in quads} for graph, quads in sorted(graphs.items())}
        same_size = {g: n for g, n in current.items() if n == len(wanted[g])}
        held = self._graphs_quads(same_size)
        changed = {}
        for graph, triples in wanted.items():
            if graph in held and canonical(graphs[graph]) == canonical(held[graph]):
                continue  # unchanged: not rewritten (as on the embedded store)
            if triples or graph in current:
                changed[graph] = triples
        if not changed:
            return Change()
        # staging graphs a broken load could not drop are part of the default graph's union: remove them
        self._drop_quietly(self.staging_graphs())
        run = secrets.token_hex(6)
        staging = {graph: f"{STAGING}{run}/{number}" for number, graph in enumerate(changed)}
        try:
            # many graphs are small (one fact each): several share a request, up to CHUNK_TRIPLES
            pieces = [(staging[graph], chunk) for graph, triples in changed.items()
                      for chunk in _chunks(triples, CHUNK_TRIPLES)]
            request: list[tuple[str, list[ox.Triple]]] = []
            for piece in [*pieces, None]:
                if request and (piece is None or sum(len(c) for _, c in request) + len(piece[1]) > CHUNK_TRIPLES):
                    self.update(_insert(request))
                    request = []
                if piece is not None:
                    request.append(piece)
            written = self.counts(staging[g] for g, triples in changed.items() if triples)
            for graph, triples in changed.items():
                if written.get(staging[graph], 0) != len(triples):
                    raise RemoteError(f"{self.location} kept {written.get(staging[graph], 0)} of the {len(triples)} "
                                      f"triples sent for <{graph}>; nothing was changed")
        except RemoteError as error:
            self._drop_quietly(staging.values())
            raise LoadStopped(error) from None
        # the only step that changes the real graphs: one update request
        steps = [f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>" if triples else f"DROP SILENT GRAPH <{g}>"
                 for g, triples in changed.items()]
        try:
            self.update(" ;\n".join(steps))
        except RemoteError as error:
            self._drop_quietly(staging.values())  # moved graphs are gone already; unmoved ones must go
            raise LoadOutcomeUnknown(error) from None
        return Change(sum(len(t) for t in changed.values()), sum(current.get(g, 0) for g in changed))

    def _sources_after(self, sources: dict[str, list[ox.Quad]]) -> list[ox.Quad]:
        kept = [q for q in self._graphs_quads(self.counts([SOURCES_GRAPH])).get(SOURCES_GRAPH, [])
                if q.subject.value not in sources]
        return kept + [q for records in sources.values() for q in records]

    def graphs_present(self, graphs: Iterable[str]) -> set[str]:
        """Which of these graphs the server holds."""
        return set(self.counts(graphs))

    def _drop_quietly(self, graphs: Iterable[str]) -> None:
        graphs = list(graphs)
        if not graphs:
            return
        try:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        except RemoteError:
            pass  # they stay behind, visible in the union default graph, until the next load drops them

    def staging_graphs(self) -> list[str]:
        """Staging graphs left behind by a load that could not clean up (the connection broke)."""
        return self._graphs_under(STAGING)

    def close(self) -> None:
        pass

    def __enter__(self) -> RemoteGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _portable(data: bytes) -> bytes:
    """SPARQL JSON results as pyoxigraph reads them, and as the embedded store would have given them.

    Virtuoso answers blank nodes as "nodeID://b10001", an id pyoxigraph refuses as a label: each id
    maps to one label, so joins across rows hold. It also writes booleans as "1" and "0", which are
    valid but not canonical: written back as "true" and "false".
    """
    if b'"bnode"' not in data and XSD_BOOLEAN.encode() not in data:
        return data
    results = json.loads(data)
    for row in results.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode" and not _LABEL.fullmatch(term["value"]):
                term["value"] = "x" + "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in term["value"])
            elif term.get("datatype") == XSD_BOOLEAN and term["value"] in ("1", "0"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return json.dumps(results).encode()


_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?<!\.)")


def _insert(pieces: list[tuple[str, list[ox.Triple]]]) -> str:
    """One request writing each (graph, triples) piece."""
    blocks = "\n".join(f"GRAPH <{graph}> {{\n" + " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)
                       + " .\n}" for graph, triples in pieces)
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for _, ts in pieces for t in ts):
        # Virtuoso refuses blank nodes in INSERT DATA; a template over the one empty solution
        # makes one fresh node per label, which is what INSERT DATA means
        return f"INSERT {{ {blocks} }} WHERE {{}}"
    return f"INSERT DATA {{ {blocks} }}"


def _chunks(triples: set[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Triples in requests of about `size`, never splitting what shares a blank node: a blank node
    label means one node only within one request."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for t in triples:
        blanks = [n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    groups: dict[object, list[ox.Triple]] = {}
    for t in sorted(triples, key=str):
        blank = next((n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)), None)
        groups.setdefault(root(blank) if blank else t, []).append(t)
    chunk: list[ox.Triple] = []
    for group in groups.values():
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk += group
    if chunk:
        yield chunk
