"""What a document asks of a field: lets a list resolver load its page's links in one batch, and only
the links that were asked for."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

from api.context import Info

# A connection's nodes are reached either way.
NODES = (("nodes",), ("edges", "node"))


def _fields(selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
            ) -> Iterator[FieldNode]:
    """The fields of a selection set, through fragments. Directives are ignored: a field under @skip
    counts as asked, which costs at most a query that was not needed."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _fields(fragments[selection.name.value].selection_set, fragments)


def _asks(nodes: list[FieldNode], path: tuple[str, ...], fragments: dict[str, FragmentDefinitionNode]) -> bool:
    if not path:
        return True
    below = [field for node in nodes for field in _fields(node.selection_set, fragments)
             if field.name.value == path[0]]
    return bool(below) and _asks(below, path[1:], fragments)


def asks_for(info: Info, *paths: tuple[str, ...]) -> bool:
    """Whether the current field's selection reaches any of `paths` (field names, not aliases)."""
    raw = info._raw_info
    return any(_asks(list(raw.field_nodes), path, raw.fragments) for path in paths)


def asks_for_node_field(info: Info, *path: str) -> bool:
    """Whether a connection's nodes (through `nodes` or `edges.node`) are asked for `path`."""
    return asks_for(info, *(prefix + path for prefix in NODES))
