"""What the store holds, counted."""

from __future__ import annotations

from .inference import is_inferred
from .store import KnowledgeGraph


def graph_stats(kg: KnowledgeGraph) -> dict[str, int]:
    graphs = kg.named_graphs()
    sizes = kg.counts()  # a server counts in one request; it need not send the quads
    inferred = sum(n for g, n in sizes.items() if is_inferred(g))
    counts: dict[str, int] = {"quads": len(kg), "inferred quads": inferred, "named graphs": len(graphs)}
    for label, where in (
        ("articles", "?x a skg:Article"),
        ("facts", "?x skg:factType ?kind"),
        ("reports", "?x a skg:Report"),
        ("conflicts between reports", "?x a skg:Conflict"),
        ("citations", "?x a skg:Citation"),
        ("entities", "?x a ?t . FILTER(STRSTARTS(STR(?x), STR(sk:)))"),
    ):
        row = next(iter(kg.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")))
        counts[label] = int(row["n"].value)
    rows = kg.query("SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x skg:factType ?type } GROUP BY ?type ORDER BY ?type")
    for row in rows:
        counts["facts: " + row["type"].value.rsplit("#", 1)[-1]] = int(row["n"].value)
    return counts
