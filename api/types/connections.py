"""Relay cursor connections with totalCount; `first` is capped at 100."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from api.errors import invalid_argument
from api.ids import decode_cursor, encode_cursor
from ledger.services.reads import Page

T = TypeVar("T")
Row = TypeVar("Row")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


def _edges(root: Connection[Any]):  # type: ignore[no-untyped-def]  # typed by the field: list[Edge[T]]
    """Made only when asked for: most pages are read through `nodes`, and each cursor costs an encoding."""
    return [Edge(cursor=encode_cursor(position), node=node)
            for position, node in zip(root.positions, root.nodes, strict=True)]


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(resolver=_edges)
    nodes: list[T]
    page_info: PageInfo
    count_all: strawberry.Private[Callable[[], Awaitable[int]]]
    positions: strawberry.Private[list[int]]  # each node's place in the list, for its cursor

    @strawberry.field
    async def total_count(self) -> int:
        """Counted only when asked for: most pages are read without it."""
        return await self.count_all()


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise invalid_argument("first", f"must be between 0 and {MAX_PAGE_SIZE}")
    return first


def cursor_position(after: str | None) -> int | None:
    if after is None:
        return None
    position = decode_cursor(after)
    if position is None:
        raise invalid_argument("after", "not a cursor this API issued")
    return position


def connection_of(page: Page[Row], wrap: Callable[[Row], T], position: Callable[[Row], int]) -> Connection[T]:
    positions = [position(row) for row in page.items]
    return Connection(
        nodes=[wrap(row) for row in page.items],
        page_info=PageInfo(has_next_page=page.has_next,
                           end_cursor=encode_cursor(positions[-1]) if positions else None),
        count_all=page.count_all,
        positions=positions,
    )
