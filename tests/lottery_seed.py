"""Seed 003's printed samples and answer tables (tests/fixtures/seeds/instant-lottery/, see its README), read
as they are, and the comparison of an answer's shape with them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SEED_DIR = Path(__file__).resolve().parent / "fixtures" / "seeds" / "instant-lottery"
ANSWERS = ("login", "password", "thirdAward-1301", "thirdAward-1307", "thirdAward-1305", "getCount", "resetCount",
           "report", "awardSummary", "awardDetail", "getPrize", "error")
SEED_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")  # the seed's YYYY-MM-DD HH:MM:SS
# Where the PDF wrapped §8.2's one-line sample, text extraction left a space (README: reading choices).
_LOGIN_SAMPLE_WRAPS = {"sign_metho d": "sign_method", "2101 0001": "21010001", "X 1P4H11102000205": "X1P4H11102000205"}


def seed_answer(name: str) -> dict[str, Any]:
    """A seed answer fixture, parsed afresh (a test may change its copy)."""
    return dict(json.loads((SEED_DIR / f"{name}.answer.json").read_text(encoding="utf-8")))


def seed_answer_bytes(name: str) -> bytes:
    return (SEED_DIR / f"{name}.answer.json").read_bytes()


def seed_request(name: str) -> dict[str, str]:
    """A request sample as printed: the common parameters, `param_json` a JSON string."""
    return dict(json.loads((SEED_DIR / f"{name}.request.json").read_text(encoding="utf-8")))


def seed_login_request() -> dict[str, str]:
    """§8.2's sample with the PDF's three line wraps joined (the only change)."""
    text = (SEED_DIR / "login.request.json").read_text(encoding="utf-8")
    for wrapped, joined in _LOGIN_SAMPLE_WRAPS.items():
        assert text.count(wrapped) == 1, wrapped
        text = text.replace(wrapped, joined)
    return dict(json.loads(text))


def shape_differences(answer: Any, sample: Any, where: str = "$") -> list[str]:
    """Where `answer` differs in shape from the seed's `sample`: the same keys (order aside), the same
    nesting, the same JSON type for each value (an int where the seed has an int; any number where it
    has a double), and the seed's time format where the sample has a time. A list's items are each
    compared with the sample's first item."""
    if isinstance(sample, dict):
        if not isinstance(answer, dict):
            return [f"{where}: {_type(answer)}, the seed has an object"]
        if set(answer) != set(sample):
            return [f"{where}: keys {sorted(answer)}, the seed has {sorted(sample)}"]
        return [problem for key in sample for problem in shape_differences(answer[key], sample[key], f"{where}.{key}")]
    if isinstance(sample, list):
        if not isinstance(answer, list):
            return [f"{where}: {_type(answer)}, the seed has an array"]
        return [problem for index, item in enumerate(answer)
                for problem in shape_differences(item, sample[0], f"{where}[{index}]")] if sample else []
    if _type(sample) == "double" and _type(answer) in ("integer", "double"):
        return []
    if _type(answer) != _type(sample):
        return [f"{where}: {_type(answer)} {answer!r}, the seed has {_type(sample)}"]
    if isinstance(sample, str) and SEED_TIME.match(sample) and not SEED_TIME.match(answer):
        return [f"{where}: {answer!r} is not written YYYY-MM-DD HH:MM:SS as the seed writes times"]
    return []


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    return {str: "string", dict: "object", list: "array", type(None): "null"}.get(type(value), type(value).__name__)
