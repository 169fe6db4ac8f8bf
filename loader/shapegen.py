"""The SHACL shapes of reports and facts, generated from their one declaration (loader/schema.py).

As linkml's shaclgen derives shapes from one schema, each kind of fact gets a node shape whose
property shapes come from its fields: ``required`` gives ``sh:minCount 1``, a single value
``sh:maxCount 1``, a role's class ``sh:class``, a vocabulary ``sh:in`` (its members in the
ontology's order), text and numbers their datatype. Each field's kind (loader/fieldkinds.py)
says its constraints and words its ``sh:description``; every property shape names the fact-file
key its problems are reported under (``sks:field``). The times of situations and events get one
shape each, and kinds of field that need shapes of their own (a troop strength's numbers) add
them once. The shapes that are not about a kind's fields (sources, citations, articles,
entities) stay written by hand in ontology/shapes.ttl.

``python -m loader.schema --shapes`` prints the generated shapes as Turtle.
"""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from . import schema
from .fieldkinds import NodeShape, PropertyShape
from .namespaces import PREFIXES, SKG
from .ontology import Ontology
from .rdfterms import local

SKS = rdflib.Namespace("https://w3id.org/sahel-kg/shapes#")


def covered(kind: schema.FactType, fact_types: Iterable[schema.FactType], ontology: Ontology) -> bool:
    """A kind whose class is under another kind's, with the same fields, is checked by that
    kind's shape (sh:targetClass reaches subclasses): an Announcement is a Statement."""
    return any(other is not kind and other.fields == kind.fields and ontology.is_a({kind.iri}, other.iri)
               for other in fact_types)


def fact_shapes(fact_types: dict[str, schema.FactType], ontology: Ontology) -> list[NodeShape]:
    """The node shapes of the times and of every kind of fact, in declaration order."""
    def node(name: str, cls: str, fields: Iterable[schema.Field], owner: str) -> NodeShape:
        properties = tuple(p for f in fields for p in f.unit.property_shapes(f, owner, ontology))
        return NodeShape(f"{name}Shape", ontology.labels.get(cls, local(cls)), ontology.comments.get(cls, ""),
                         properties, target_class=cls)

    kinds = list(fact_types.values())
    shapes = [node("Situation", SKG + "Situation", schema.SITUATION_TIMES, "Situation"),
              node("Event", SKG + "Event", schema.EVENT_TIMES, "Event")]
    shapes += [node(k.name, k.iri, k.fields, k.name) for k in kinds if not covered(k, kinds, ontology)]
    units = {f.unit.name: f.unit for k in kinds for f in k.fields}  # each kind of field once
    for unit in units.values():
        shapes += unit.node_shapes(ontology)
    return shapes


def _add_property(graph: rdflib.Graph, shape: PropertyShape) -> URIRef:
    node = SKS[shape.name]
    add = graph.add
    add((node, SH.path, URIRef(shape.path)))
    if shape.min_count is not None:
        add((node, SH.minCount, Literal(shape.min_count)))
    if shape.max_count is not None:
        add((node, SH.maxCount, Literal(shape.max_count)))
    if shape.cls:
        add((node, SH["class"], URIRef(shape.cls)))
    if shape.members:
        head = BNode()
        Collection(graph, head, [URIRef(m) for m in shape.members])
        add((node, SH["in"], head))
    if shape.datatype:
        add((node, SH.datatype, URIRef(shape.datatype)))
    if shape.datatypes:
        members = []
        for datatype in shape.datatypes:
            member = BNode()
            add((member, SH.datatype, URIRef(datatype)))
            members.append(member)
        head = BNode()
        Collection(graph, head, members)
        add((node, SH["or"], head))
    if shape.min_inclusive is not None:
        add((node, SH.minInclusive, Literal(shape.min_inclusive)))
    if shape.min_length is not None:
        add((node, SH.minLength, Literal(shape.min_length)))
    if shape.less_than_or_equals:
        add((node, SH.lessThanOrEquals, URIRef(shape.less_than_or_equals)))
    add((node, SKS.field, Literal(shape.field)))
    add((node, SH.name, Literal(shape.label, lang="en")))
    add((node, SH.description, Literal(shape.description, lang="en")))
    return node


def shapes_as_graph(shapes: Iterable[NodeShape]) -> rdflib.Graph:
    """The node shapes as SHACL triples."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix in ("sh", "sks", "skg", "xsd", "rdf"):
        graph.bind(prefix, {"sh": str(SH), "sks": str(SKS), "rdf": str(RDF), "xsd": str(XSD)}.get(
            prefix, PREFIXES.get(prefix)))
    for shape in shapes:
        node = SKS[shape.name]
        graph.add((node, RDF.type, SH.NodeShape))
        if shape.target_class:
            graph.add((node, SH.targetClass, URIRef(shape.target_class)))
        if shape.target_subjects_of:
            graph.add((node, SH.targetSubjectsOf, URIRef(shape.target_subjects_of)))
        graph.add((node, SH.name, Literal(shape.label, lang="en")))
        graph.add((node, SH.description, Literal(shape.description, lang="en")))
        for prop in shape.properties:
            graph.add((node, SH.property, _add_property(graph, prop)))
    return graph


def shapes_turtle(fact_types: dict[str, schema.FactType], ontology: Ontology) -> str:
    """The generated shapes as Turtle: the same declaration gives the same bytes."""
    header = ("# Generated from loader/schema.py by loader/shapegen.py: do not edit;\n"
              "# print again with `python -m loader.schema --shapes`.\n")
    return header + shapes_as_graph(fact_shapes(fact_types, ontology)).serialize(format="turtle")
