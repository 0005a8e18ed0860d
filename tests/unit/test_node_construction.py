"""Nodes and amounts made from rows skip their dataclass __init__ (api/types/nodes.py, `_new`): what they make
must be what the __init__ makes, field for field, or a field added to a type would be missing from every node
a page makes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from api.types import nodes
from api.types.money import Balance, Money

ROW, PAGE_ROWS = object(), {1: object()}

MADE_FAST: list[tuple[Any, dict[str, Any]]] = [
    (nodes.Account.from_row(ROW), {"row": ROW}),  # type: ignore[arg-type]
    (nodes.Transfer.from_row(ROW), {"row": ROW}),  # type: ignore[arg-type]
    (nodes.Campaign.from_row(ROW), {"row": ROW}),  # type: ignore[arg-type]
    (nodes.Campaign.from_row(ROW, page_budgets=PAGE_ROWS), {"row": ROW, "page_budgets": PAGE_ROWS}),  # type: ignore[arg-type]
    (nodes.Reward.from_row(ROW), {"row": ROW}),  # type: ignore[arg-type]
    (nodes.Reward.from_row(ROW, page_campaigns=PAGE_ROWS), {"row": ROW, "page_campaigns": PAGE_ROWS}),  # type: ignore[arg-type]
    (nodes.Event.from_row(ROW), {"row": ROW}),  # type: ignore[arg-type]
    (nodes.Event.from_row(ROW, page_rewards=PAGE_ROWS, page_transfers=PAGE_ROWS),  # type: ignore[arg-type]
     {"row": ROW, "page_rewards": PAGE_ROWS, "page_transfers": PAGE_ROWS}),
    (Money.of(-(2**62), "CNY"), {"amount": -(2**62), "asset": "CNY"}),
    (Balance.of(ROW), {"account": ROW}),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("made", "arguments"), MADE_FAST, ids=lambda value: type(value).__name__)
def test_made_without_init_equals_made_by_init(made: Any, arguments: dict[str, Any]) -> None:
    by_init = type(made)(**arguments)

    assert type(made) is type(by_init)
    assert vars(made) == vars(by_init)


def test_every_init_field_is_set() -> None:
    """Each type's __init__ fields are the ones its fast constructor sets: a new field fails here."""
    for made, _ in MADE_FAST:
        init_fields = {field.name for field in dataclasses.fields(made) if field.init}
        assert init_fields == set(vars(made)), type(made).__name__
