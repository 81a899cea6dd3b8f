"""YAML for org files, read strictly: no aliases, no duplicate keys, a bounded number of nodes.

An org file is plain data that people edit by hand. Anchors and aliases let a
few kilobytes expand into gigabytes (a "billion laughs"), and a key written
twice silently keeps the last value (``min_group: 3`` then ``min_group: 1``);
both are refused while the document is composed, before anything is built.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 200_000  # far above any real org file, far below what hurts


class OrgYamlError(Exception):
    """A document an org file may not be; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases and anchors, duplicate keys and huge documents."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise OrgYamlError(
                "aliases (*name) are not allowed in an org file; write the value out",
                event.start_mark.line + 1,
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None) is not None:
            raise OrgYamlError(
                "anchors (&name) are not allowed in an org file; write the value out",
                event.start_mark.line + 1,
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise OrgYamlError(f"more than {MAX_NODES} values: too large to be an org file")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                raise OrgYamlError("a mapping key must be plain text", line) from None
            if first is not None:
                raise OrgYamlError(f"key {key!r} is given twice (lines {first} and {line})", line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_org_yaml(text: str) -> Any:
    """The document in ``text``; :class:`OrgYamlError` or ``yaml.YAMLError`` when it is not acceptable."""
    loader = StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
