"""Seed 004's printed samples (tests/fixtures/seeds/red-packet/), read as printed, and the comparison of an
answer's shape (keys, nesting, value types) with them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from providers.red_packet.wire_requests import (
    GROUP_SEND,
    LIST_GROUP_SENDS,
    LIST_SENDS,
    RESEND,
    SCAN_SEND,
    SEND,
    UPDATE_STATUS,
)

SEED_DIR = Path(__file__).resolve().parent / "fixtures" / "seeds" / "red-packet"
# The fixture's name for each endpoint (its README names the seed section).
ENDPOINTS = {"list-sends": LIST_SENDS, "list-group-sends": LIST_GROUP_SENDS, "send": SEND, "group-send": GROUP_SEND,
             "resend": RESEND, "update-status": UPDATE_STATUS, "scan-send": SCAN_SEND}


@dataclass(frozen=True)
class SeedParam:
    name: str
    required: bool
    type_limit: str  # as printed: Integer(11), String(30), Integer(11)/Array, varchar(32), Array
    meaning: str


def seed_answer(name: str) -> dict[str, Any]:
    """The seed's sample answer of an endpoint, parsed afresh (a test may change its copy)."""
    return dict(json.loads((SEED_DIR / f"{name}.answer.json").read_text(encoding="utf-8")))


@cache
def seed_params(name: str) -> dict[str, SeedParam]:
    """The seed's parameter table of an endpoint (参数 | 是否必须 | 类型限制 | 说明)."""
    rows = (SEED_DIR / f"{name}.request.md").read_text(encoding="utf-8").splitlines()[2:]
    params = {}
    for row in rows:
        name_, required, type_limit, meaning = (cell.strip() for cell in row.strip().strip("|").split("|"))
        params[name_] = SeedParam(name_, required == "是", type_limit, meaning)
    return params


def protocols_quote(key: str) -> str:
    quotes = json.loads((SEED_DIR / "protocols-4.json").read_text(encoding="utf-8"))
    return str(quotes[key]["quote"])


def shape_differences(answer: Any, sample: Any, where: str = "$") -> list[str]:
    """Where `answer` differs in shape from the seed's `sample`: the same keys in the same order, the same
    nesting, the same JSON type for each value. A list's items are each compared with the sample's first
    item. A value the sample shows as null tells no type, so any scalar (or null) matches it there; a
    value the sample types may not be null either."""
    if isinstance(sample, dict):
        if not isinstance(answer, dict):
            return [f"{where}: {_type(answer)}, the seed has an object"]
        if list(answer) != list(sample):
            return [f"{where}: keys {list(answer)}, the seed has {list(sample)}"]
        return [problem for key in sample for problem in shape_differences(answer[key], sample[key], f"{where}.{key}")]
    if isinstance(sample, list):
        if not isinstance(answer, list):
            return [f"{where}: {_type(answer)}, the seed has an array"]
        return [problem for index, item in enumerate(answer)
                for problem in shape_differences(item, sample[0], f"{where}[{index}]")] if sample else []
    if sample is None:
        return [] if not isinstance(answer, (dict, list)) else [f"{where}: {_type(answer)}, the seed has null"]
    return [] if _type(answer) == _type(sample) else [f"{where}: {_type(answer)}, the seed has {_type(sample)}"]


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", dict: "object", list: "array", type(None): "null"}.get(type(value), type(value).__name__)
