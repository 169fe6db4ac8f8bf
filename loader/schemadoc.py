"""The README's tables of the kinds of fact, generated from their one declaration (loader/schema.py).

Each table sits in the README between two markers::

    <!-- generated: <name> (python -m loader.schema --readme) -->
    ...
    <!-- end generated: <name> -->

``python -m loader.schema --readme`` writes them again; ``tests/test_schema.py`` checks that the
README holds what the declaration gives. ``python -m loader.schema --shapes`` prints the SHACL
shapes generated from the same declaration.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import schema
from .namespaces import PREFIXES, PROJECT_ROOT, SKG
from .ontology import Ontology, load_ontology
from .shapegen import covered

README = PROJECT_ROOT / "README.md"
COMMAND = "python -m loader.schema --readme"


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def field_cell(spec: schema.Field, ontology: Ontology) -> str:
    """One field: its key (bold when required) and what it takes."""
    text = spec.unit.summary(spec, ontology)
    if spec.required:
        key = f"`{spec.key}`"
        text = text.replace(key, f"**{key}**", 1)
    if spec.many:
        text = text.replace(" (", " (list of ", 1) if text.endswith(")") else text + " (list)"
    return text


def data_model_table(fact_types: dict[str, schema.FactType], ontology: Ontology) -> str:
    """A row per kind of fact (kinds one shape covers share a row): class, kind, fields, times."""
    kinds = list(fact_types.values())
    rows = ["| class (`skg:`) | kind | fields in a fact file (**required**) | time |",
            "| --- | --- | --- | --- |"]
    for kind in kinds:
        if covered(kind, kinds, ontology):
            continue
        names = [kind] + [k for k in kinds if k is not kind and covered(k, [kind], ontology)]
        cls = ", ".join(f"`{k.name}`" for k in names)
        outside = [p for p in ontology.parents.get(kind.iri, ()) if not p.startswith(SKG)]
        if outside:
            cls += " ⊑ " + ", ".join(f"`{_curie(p)}`" for p in outside)
        fields = ", ".join(field_cell(f, ontology) for f in kind.fields)
        times = ", ".join(f"`{t.key}`" for t in kind.times)
        rows.append(f"| {cls} | {'situation' if kind.situation else 'event'} | {fields} | {times} |")
    return "\n".join(rows)


def identity_table(fact_types: dict[str, schema.FactType], ontology: Ontology) -> str:
    rows = ["| kind | situation or event | identifying roles |", "| --- | --- | --- |"]
    rows += [f"| `{k.name}` | {'situation' if k.situation else 'event'} | "
             + ", ".join(f"`{key}`" for key in k.identity) + " |" for k in fact_types.values()]
    return "\n".join(rows)


TABLES = {"data-model table": data_model_table, "identity table": identity_table}


def _block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated: {re.escape(name)} \([^)]*\) -->\n)(.*?)(\n<!-- end generated: "
                      rf"{re.escape(name)} -->)", re.DOTALL)


def readme_blocks(text: str) -> dict[str, str]:
    """The generated blocks as the README has them now."""
    found = {}
    for name in TABLES:
        match = _block(name).search(text)
        if match:
            found[name] = match.group(2)
    return found


def generated_blocks(fact_types: dict[str, schema.FactType] | None = None,
                     ontology: Ontology | None = None) -> dict[str, str]:
    fact_types = schema.FACT_TYPES if fact_types is None else fact_types
    ontology = ontology or load_ontology()
    return {name: make(fact_types, ontology) for name, make in TABLES.items()}


def update_readme(path: Path = README) -> bool:
    """Write the generated blocks into the README; True when it changed."""
    text = path.read_text(encoding="utf-8")
    new = text
    for name, block in generated_blocks().items():
        pattern = _block(name)
        if not pattern.search(new):
            raise ValueError(f"{path} has no block '{name}' (markers <!-- generated: {name} (...) --> ... "
                             f"<!-- end generated: {name} -->)")
        new = pattern.sub(lambda m, block=block: m.group(1) + block + m.group(3), new)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str]) -> int:
    if argv == ["--readme"]:
        changed = update_readme()
        print(f"{README}: {'updated' if changed else 'already up to date'}")
        return 0
    if argv == ["--shapes"]:
        from .shapegen import shapes_turtle

        sys.stdout.write(shapes_turtle(schema.FACT_TYPES, load_ontology()))
        return 0
    print("usage: python -m loader.schema --readme | --shapes\n"
          "  --readme  write the README's tables of the kinds of fact from loader/schema.py\n"
          "  --shapes  print the SHACL shapes generated from loader/schema.py", file=sys.stderr)
    return 2
