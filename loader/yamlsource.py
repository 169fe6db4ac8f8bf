"""Safe YAML reading that keeps line numbers and refuses what fact files never need.

PyYAML reads YAML 1.1, whose number forms surprise: ``0100`` is 64 (octal), ``16:40`` is 1000 (base
60), ``0x3E8`` is 1000. A number is taken only when it is written as YAML 1.2 and a reader would
write it (``100``, ``-44``, ``2.5``); any other number form is refused, naming what was written. The
1.1 words for true and false (yes, no, on, off) stay words, as in YAML 1.2.
"""

from __future__ import annotations

import re

import yaml


class YamlProblem(ValueError):
    def __init__(self, message: str, line: int | None, rule: str = "yaml-syntax"):
        self.line = line
        self.rule = rule
        super().__init__(message)


class LineDict(dict):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class _Mappings:
    """How both loaders build mappings: with their lines, refusing keys given twice."""

    def construct_mapping(self, node, deep=False):
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                raise YamlProblem(f"a key must be a word, not {key!r}", key_node.start_mark.line + 1)
            key = str(key)
            if key in mapping:
                raise YamlProblem(f"key '{key}' appears twice in one mapping", key_node.start_mark.line + 1)
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = value_node.start_mark.line + 1
        return mapping


class _Loader(_Mappings, yaml.SafeLoader):
    """PyYAML's own reader: slow, but the one whose messages the loader words problems with."""

    def compose_node(self, parent, index):
        # Aliases are how "billion laughs" bombs are built; fact files never need them.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlProblem("YAML aliases (*name) are not allowed in fact files", event.start_mark.line + 1)
        return super().compose_node(parent, index)


class _FastLoader(_Mappings, yaml.CSafeLoader):
    """libyaml's reader (ten times faster), for files that read without a problem."""


_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)?\.[0-9]+([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9]*)[eE][-+]?[0-9]+"
                    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


NUMBER_RULE = "yaml-1.1-number"


def _number_problem(text: str) -> str:
    """Why a YAML 1.1 number form is refused, in the words of what was written."""
    digits = text.lstrip("+-")
    if ":" in text:
        form = "a base-60 number in YAML 1.1"
    elif digits[:2].lower() in ("0x", "0o", "0b"):
        form = "a hexadecimal, octal or binary number"
    elif "_" in text:
        form = "a number with '_' between its digits"
    elif digits[:1] == "0" and digits[1:2].isdigit():
        form = "a number with a leading zero, which YAML 1.1 reads as octal"
    else:
        form = "a number in a form of YAML 1.1 only"
    return (f"'{text}' is {form}; write the number in decimal without leading zeros (e.g. 100), "
            "or quote it if it is text or a date")


def _construct_int(loader, node):
    if not _DECIMAL.fullmatch(node.value):
        raise YamlProblem(_number_problem(node.value), node.start_mark.line + 1, NUMBER_RULE)
    return int(node.value)


def _construct_float(loader, node):
    if not _FLOAT.fullmatch(node.value):
        raise YamlProblem(_number_problem(node.value), node.start_mark.line + 1, NUMBER_RULE)
    return loader.construct_yaml_float(node)


def _construct_bool(loader, node):
    # YAML 1.2: only true and false are booleans; yes/no/on/off are words (a country code "NO")
    value = loader.construct_scalar(node)
    return value.lower() == "true" if value.lower() in ("true", "false") else value


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _Mappings.construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    # Dates stay text: the loader checks them itself and says which fact holds an impossible one.
    _loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _shares_nodes(root) -> bool:
    """Whether a node is reached twice: libyaml composes an alias as the node it names."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def _read_fast(text: str):
    """The document as libyaml reads it, or None when anything is unusual (an alias, a character
    PyYAML refuses, a problem of any kind): PyYAML then reads it again and words the problem."""
    if yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None or _shares_nodes(node):  # an empty document: PyYAML says what it is
            return None
        return loader.construct_document(node)
    except (yaml.YAMLError, YamlProblem, ValueError, TypeError, RecursionError):
        return None
    finally:
        loader.dispose()


def parse_yaml(text: str):
    fast = _read_fast(text)
    if fast is not None:
        return fast
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        raise YamlProblem(f"invalid YAML: {' '.join(str(err.problem or err.context).split())}", line) from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, e.g. a control character
        line = text[: err.position].count("\n") + 1 if isinstance(err.position, int) else None
        raise YamlProblem(f"invalid YAML: the character U+{err.character:04X} is not allowed in YAML text"
                          if isinstance(err.character, int) else f"invalid YAML: {err.reason}", line) from None
    except yaml.YAMLError as err:
        raise YamlProblem(f"invalid YAML: {' '.join(str(err).split())}", None) from None
    except (ValueError, TypeError, RecursionError) as err:  # a value PyYAML could not build
        raise YamlProblem(f"invalid YAML value: {err}", None) from None
