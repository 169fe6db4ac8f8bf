"""Identity: how reports, citations and the facts they report are named, whatever else is loaded."""

from __future__ import annotations

import hashlib
import json

from . import schema
from .namespaces import SKC, SKR


def report_iri(article_slug: str, fact_id: str) -> str:
    """A report is named by its article and its id there: stable whatever else is loaded."""
    return f"{SKR}{article_slug}.{fact_id}"


def identity_key(kind: schema.FactType, values: dict[str, list]) -> str:
    """The digest of a report's kind and identifying roles: equal keys, same fact (up to time).
    A step of another kind's facts (a withdrawal step) has the key of the fact it is a step of."""
    if kind.step_of:
        kind = schema.FACT_TYPES[kind.step_of]
    roles = {key: sorted(str(o) for o in values.get(kind.field(key).prop, [])) for key in kind.identity}
    content = json.dumps({"type": kind.name, "roles": roles}, sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:24]


def citation_iri(report: str, article_iri: str, quote: str) -> str:
    """One (report, article, quote) link, named by its content."""
    digest = hashlib.sha256("\n".join((report, article_iri, quote)).encode()).hexdigest()
    return SKC + digest[:20]
