"""What a place that holds the graph must answer: the embedded store (`store.KnowledgeGraph`) and a
SPARQL 1.1 server (`remote.RemoteGraph`) both do, so loading, querying and exporting are written once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import pyoxigraph as ox


@runtime_checkable
class Backend(Protocol):
    location: str  # where the graph is, as messages name it: a directory or a query URL

    def query(self, sparql: str, substitutions: dict | None = None, *, timeout: float | None = None):
        """Solutions, a boolean or triples, as pyoxigraph gives them; the project's prefixes are declared.
        With a `timeout` (seconds): the whole answer within it, else `queries.QueryTimeout`."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL UPDATE as given (no validation)."""

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]], sources: dict[str, list[ox.Quad]] | None = None,
                       *, atomic: bool = True):
        """Replace each named graph with the given quads, leaving unchanged graphs untouched, and the
        records of where graphs were loaded from (graph -> its quads in SOURCES_GRAPH); returns a
        `store.Change` (quads added, removed)."""

    def graphs_present(self, graphs: Iterable[str]) -> set[str]:
        """Which of these graphs are there (without listing every graph: there may be millions)."""

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]: ...

    def named_graphs(self) -> list[str]: ...

    def count(self, graph: str) -> int: ...

    def counts(self, graphs: Iterable[str] | None = None) -> dict[str, int]: ...

    def rdflib_graph(self):
        """Every graph merged into one rdflib Graph (for the reasoner)."""

    def __len__(self) -> int: ...

    def close(self) -> None: ...
