"""RDF helpers every module shares: a term's local name, a noun with its article, and pyoxigraph
terms as rdflib terms (rdflib writes Turtle and JSON-LD, pySHACL and owlready2 read rdflib)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import XSD

if TYPE_CHECKING:
    import rdflib


def local(iri) -> str:
    """The last part of an IRI, after its '#' or last '/': 'State' for skg:State."""
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def indefinite(noun: str) -> str:
    """The noun with its indefinite article, for messages: 'an Actor', 'a State'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def to_rdflib(term) -> rdflib.term.Node:
    """A pyoxigraph term as the equal rdflib term."""
    import rdflib  # here, not above: a command that never meets rdflib starts without it

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)  # keeps the label, so sorting by it is stable
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":  # RDF 1.1: a plain literal is an xsd:string
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
