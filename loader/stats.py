"""What the store holds, counted."""

from __future__ import annotations

from .inference import is_inferred
from .store import KnowledgeGraph


def graph_stats(kg: KnowledgeGraph) -> dict[str, int]:
    graphs = kg.named_graphs()
    inferred = sum(kg.count(g) for g in graphs if is_inferred(g))  # a server counts; it need not send them
    counts: dict[str, int] = {"quads": len(kg), "inferred quads": inferred, "named graphs": len(graphs)}
    for label, where in (
        ("articles", "?x a skg:Article"),
        ("facts", "?x a/rdfs:subClassOf* skg:Fact"),
        ("citations", "?x a skg:Citation"),
        ("entities", "?x a ?t . FILTER(STRSTARTS(STR(?x), STR(sk:)))"),
    ):
        row = next(iter(kg.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")))
        counts[label] = int(row["n"].value)
    rows = kg.query(
        "SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?type . ?type rdfs:subClassOf* skg:Fact . "
        "FILTER(STRSTARTS(STR(?x), STR(skf:))) } GROUP BY ?type ORDER BY ?type"
    )
    for row in rows:
        counts["facts: " + row["type"].value.rsplit("#", 1)[-1]] = int(row["n"].value)
    return counts
