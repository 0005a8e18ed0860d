"""Lists and objects shaped through compiled selections (api/item_shapes.py) answer exactly what graphql-core
answers: the same data and the same errors at the same paths, including where a shape gives up on one item
or one object; and they really take the short way (fewer fields go through execute_field)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.item_shapes import NOT_AT_ONCE, answers_at_once
from api.leaf_execution import LeafFastPathExecutionContext
from api.types.nodes import row_field


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Tag:
    label: str
    weight: int | None


def _linked_tag(item: Item, context: dict[str, Any]) -> Tag | None | object:
    if context.get("refuse"):
        raise PermissionError("not for you")
    return item.tag_link if item.tag_link is not None else NOT_AT_ONCE


@strawberry.type
class Item:
    name: str  # non-null: some items break it
    colour: Colour
    note: str | None
    tags: list[Tag]
    tag_link: strawberry.Private[Tag | None] = None

    @strawberry.field
    def shout(self) -> str:
        if self.note == "boom":
            raise ValueError("no shouting")
        return self.name.upper()

    @strawberry.field
    @answers_at_once(_linked_tag)
    async def tag(self, info: strawberry.Info) -> Tag | None:
        answer = _linked_tag(self, info.context)
        return Tag(label="loaded", weight=None) if answer is NOT_AT_ONCE else answer  # type: ignore[return-value]

    @strawberry.field
    def weight(self, info: strawberry.Info) -> int:  # needs info: never shaped
        return len(self.name or "")


def _items() -> list[Item | None]:
    tags = [Tag(label="a", weight=1), Tag(label="b", weight=None)]
    return [
        Item(name="one", colour=Colour.RED, note=None, tags=tags, tag_link=tags[0]),
        Item(name="two", colour=Colour.BLUE, note="hi", tags=[], tag_link=None),  # link not loaded
        Item(name=None, colour=Colour.RED, note=None, tags=tags),  # type: ignore[arg-type]  # null in non-null
        None,  # a null item
        Item(name="four", colour="green", note="boom", tags=tags),  # type: ignore[arg-type]  # enum refuses
        Item(name="five", colour=Colour.BLUE, note=None, tags=[Tag(label=None, weight=2)]),  # type: ignore[arg-type]
    ]


@strawberry.interface
class Named:
    name: str


@dataclass
class Row:
    name: str | None
    size: int
    colour: Any


@strawberry.type
class Record(Named):
    """A node over a row, as the API's nodes are: its fields read the row (api/types/nodes.row_field)."""
    row: strawberry.Private[Row]
    name: str = row_field("name")
    size: int = row_field("size")  # past 32 bits, Int refuses it
    colour: Colour = row_field("colour")


def _records() -> list[Record]:
    return [Record(row=Row("r1", 1, Colour.RED)), Record(row=Row(None, 2, Colour.BLUE)),
            Record(row=Row("r3", 2**40, Colour.RED)), Record(row=Row("r4", -7, "green"))]


@strawberry.type
class Link:
    depth: int
    next: Link | None  # noqa: A003


def _chain(length: int) -> Link | None:
    link = None
    for depth in range(length, 0, -1):
        link = Link(depth=depth, next=link)
    return link


async def _later(value: Any) -> Any:
    return value


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return _items()

    @strawberry.field
    def records(self) -> list[Record | None]:
        return [*_records(), None]

    @strawberry.field
    def awaited_records(self) -> list[Record | None]:  # items that are awaitables, as graphql-core allows
        return [_later(record) for record in _records()]  # type: ignore[misc]

    @strawberry.field
    def chains(self) -> list[Link | None]:
        return [_chain(120), _chain(3), None]

    @strawberry.field
    def awaited_items(self) -> list[Item | None]:
        return [_later(item) for item in _items()]  # type: ignore[misc]

    @strawberry.field
    def strict_items(self) -> list[Item]:
        return [item for item in _items() if item is not None]

    @strawberry.field
    def item(self, index: int) -> Item:  # non-null: a broken item nulls the whole answer
        return _items()[index]  # type: ignore[return-value]

    @strawberry.field
    def maybe_item(self, index: int) -> Item | None:
        return _items()[index]

    @strawberry.field
    async def awaited_item(self, index: int) -> Item | None:
        return _items()[index]

    @strawberry.field
    def record(self, index: int) -> Record | None:
        return _records()[index]

    @strawberry.field
    def chain(self) -> Link | None:
        return _chain(120)

    @strawberry.field
    def good_items(self) -> list[Item]:
        return [item for item in _items() if item is not None and item.name and item.note != "boom"
                and isinstance(item.colour, Colour) and all(t.label for t in item.tags)]


DOCUMENTS = [
    "{ items { __typename name colour note shout tags { label weight } tag { label } weight } }",
    "{ strictItems { name colour } }",  # a null in a non-null item: the whole list is null
    "{ goodItems { n: name ...F tags { ... on Tag { label } } } } fragment F on Item { colour note }",
    "{ goodItems { name tag { label weight } } }",
    "query($with: Boolean!) { goodItems { name note @include(if: $with) } }",
    "{ records { __typename name size colour } }",  # nulls, refused Ints and enums read from rows
    "{ awaitedRecords { name colour } awaitedItems { name tag { label } } }",
    # Nested deeper than one Python function may be indented.
    "{ chains { depth " + "next { depth " * 110 + "}" * 110 + " } }",
    "{ chain { depth " + "next { depth " * 110 + "}" * 110 + " } }",
    # Single objects: every field shaped, and (weight needs the resolve-info) some fields shaped.
    *(f"{{ maybeItem(index: {index}) {{ name colour note shout tags {{ label weight }} tag {{ label }} }} "
      f"awaitedItem(index: {index}) {{ name weight tag {{ label weight }} }} }}" for index in range(6)),
    *(f"{{ item(index: {index}) {{ name note shout }} }}" for index in range(6)),
    *(f"{{ record(index: {index}) {{ __typename name size colour }} }}" for index in range(4)),
]


class CountingFast(LeafFastPathExecutionContext):
    fields_executed = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        CountingFast.fields_executed += 1
        return super().execute_field(*args, **kwargs)


class CountingStandard(StrawberryGraphQLCoreExecutionContext):
    fields_executed = 0

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        CountingStandard.fields_executed += 1
        return super().execute_field(*args, **kwargs)


async def _answer(context_class: type, document: str, variables: dict[str, Any] | None = None,
                  context: dict[str, Any] | None = None) -> tuple[Any, list[tuple[str, Any]]]:
    schema = strawberry.Schema(query=Query, execution_context_class=context_class)
    result = await schema.execute(document, variable_values=variables, context_value=context or {})
    return result.data, sorted((error.message, error.path) for error in result.errors or [])


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("refuse", [False, True])
async def test_shaped_lists_answer_what_graphql_core_answers(document: str, refuse: bool) -> None:
    for variables in ({"with": True}, {"with": False}):  # the same document twice: a kept shape must not stick
        context = {"refuse": refuse}
        fast = await _answer(LeafFastPathExecutionContext, document, variables, context)
        standard = await _answer(StrawberryGraphQLCoreExecutionContext, document, variables, context)
        assert fast == standard


async def test_errors_are_reported_where_graphql_core_reports_them() -> None:
    data, errors = await _answer(LeafFastPathExecutionContext, DOCUMENTS[0])

    # A non-null field's error nulls its item and stops its other fields, as in graphql-core.
    assert sorted(path for _, path in errors) == [["items", 2, "name"], ["items", 4, "colour"],
                                                  ["items", 5, "tags", 0, "label"]]
    assert data["items"][2] is None and data["items"][3] is None and data["items"][4] is None
    assert data["items"][5] is None  # a null label nulls its tag, the (non-null) tags and so the item
    assert data["items"][0]["tag"] == {"label": "a"}  # the loaded link, at once
    assert data["items"][1]["tag"] == {"label": "loaded"}  # not loaded: the resolver's own answer
    assert data["items"][0]["colour"] == "RED" and data["items"][0]["shout"] == "ONE"


async def test_the_short_way_is_taken() -> None:
    CountingFast.fields_executed = CountingStandard.fields_executed = 0
    document = "{ goodItems { name colour note shout tags { label weight } tag { label } } }"

    fast = await _answer(CountingFast, document)
    standard = await _answer(CountingStandard, document)

    assert fast == standard
    assert CountingStandard.fields_executed >= 10
    # The list's own field, and the one link that was not loaded with its item; every other field, the
    # label of the tag that link's resolver made included, was shaped.
    assert CountingFast.fields_executed == 2


async def test_an_object_takes_the_short_way() -> None:
    CountingFast.fields_executed = CountingStandard.fields_executed = 0
    document = "{ maybeItem(index: 0) { name colour shout tags { label } tag { label } } }"

    fast = await _answer(CountingFast, document)
    standard = await _answer(CountingStandard, document)

    assert fast == standard
    assert CountingStandard.fields_executed >= 8
    assert CountingFast.fields_executed == 1  # the root field; its object's fields were all shaped


async def test_an_object_shaped_in_part_reports_errors_where_graphql_core_does() -> None:
    """Item 4's shout raises and its colour is refused; weight (it needs the resolve-info) goes through
    execute_field beside the shaped fields."""
    document = "{ maybeItem(index: 4) { name weight colour shout } }"

    data, errors = await _answer(LeafFastPathExecutionContext, document)

    assert data == {"maybeItem": None}  # colour is non-null: its error nulls the item
    assert [path for _, path in errors] == [["maybeItem", "colour"]]
