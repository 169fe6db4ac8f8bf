"""Safe YAML reading that keeps line numbers and refuses what fact files never need."""

from __future__ import annotations

import yaml


class YamlProblem(ValueError):
    def __init__(self, message: str, line: int | None):
        self.line = line
        super().__init__(message)


class LineDict(dict):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        # Aliases are how "billion laughs" bombs are built; fact files never need them.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlProblem("YAML aliases (*name) are not allowed in fact files", event.start_mark.line + 1)
        return super().compose_node(parent, index)

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


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
# Dates stay text: the loader checks them itself and says which fact holds an impossible one.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def parse_yaml(text: str):
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        raise YamlProblem(f"invalid YAML: {err.problem or err.context}", line) from None
    except yaml.YAMLError as err:
        raise YamlProblem(f"invalid YAML: {err}", None) from None
    except (ValueError, TypeError, RecursionError) as err:  # a value PyYAML could not build
        raise YamlProblem(f"invalid YAML value: {err}", None) from None
