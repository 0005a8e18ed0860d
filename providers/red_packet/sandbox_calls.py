"""What one platform operation of the sandbox receives and answers, and reading its JSON parameters.

Parameters are read as leniently as a PHP platform does (7 and "7" are the same id) and no further.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from providers.red_packet import codes
from providers.red_packet.sandbox_state import SHOP_ID, SandboxState


@dataclass(frozen=True)
class Reply:
    """The platform's answer: `{"errcode", "errmsg", "data", "page"?}`; errmsg comes from the code table."""

    errcode: str = codes.OK
    data: Any = None
    page: dict[str, int] | None = None

    def as_json(self) -> dict[str, Any]:
        errmsg = codes.describe_errcode(self.errcode).meaning_zh
        answer: dict[str, Any] = {"errcode": int(self.errcode), "errmsg": errmsg, "data": self.data}
        if self.page is not None:
            answer["page"] = self.page
        return answer


def code_answer(code: str) -> bytes:
    """The platform's answer carrying `code` (the `code` fault): its envelope with that errcode and no data.
    errcode is a number, as in the seed; a code that is not one (a fail_code given by mistake) is sent as
    text, which the adapter, like any code no document explains, reads as "may have happened"."""
    errcode = codes.normalise_errcode(code)
    answer = {"errcode": int(errcode) if errcode.lstrip("-").isdigit() else errcode,
              "errmsg": codes.describe_errcode(errcode).meaning_zh, "data": None}
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


def ok(data: Any) -> Reply:
    return Reply(data=data)


def refusal(errcode: str) -> Reply:
    return Reply(errcode=errcode)


def counts(send: int, success: int) -> Reply:
    return ok({"send": send, "success": success})


Operation = Callable[[SandboxState, dict[str, Any]], Reply]


class BadParams(Exception):
    """A parameter is missing or malformed (40001), or names nothing the platform has (40004)."""

    def __init__(self, errcode: str = codes.BAD_PARAMS) -> None:
        super().__init__(errcode)
        self.errcode = errcode


def int_param(params: dict[str, Any], name: str, *, required: bool = True, minimum: int = 0) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise BadParams()
        return None
    number = _as_int(value)
    if number is None or number < minimum:
        raise BadParams()
    return number


def required_int(params: dict[str, Any], name: str, *, minimum: int = 1) -> int:
    number = int_param(params, name, minimum=minimum)
    assert number is not None  # required=True raised otherwise
    return number


def ids_param(params: dict[str, Any], name: str, max_count: int) -> list[int]:
    """The seed's "Integer(11)/Array": one id, or a non-empty array of them."""
    value = params.get(name)
    items = value if isinstance(value, list) else [value]
    numbers = [_as_int(item) for item in items]
    if not items or len(items) > max_count or any(number is None or number < 1 for number in numbers):
        raise BadParams()
    return [number for number in numbers if number is not None]


def text_param(params: dict[str, Any], name: str, max_length: int) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise BadParams()
    return value


def check_shop(params: dict[str, Any]) -> None:
    if int_param(params, "shop_id") != SHOP_ID:
        raise BadParams()


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None
