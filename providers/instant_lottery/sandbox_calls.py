"""What one gateway operation of the sandbox receives and answers, and reading its business parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from providers.instant_lottery import codes
from providers.instant_lottery.sandbox_state import SandboxState, Session


@dataclass(frozen=True)
class Reply:
    """The gateway's answer: `{"success", "ret", "msg", "content"}`; msg comes from the code table. content
    is an object, or a list of objects for a feed with one row per ticket (awardDetail)."""

    ret: str
    success: bool = False
    content: dict[str, Any] | list[dict[str, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"success": self.success, "ret": self.ret, "msg": codes.describe(self.ret).meaning_zh,
                "content": self.content}


def ok(content: dict[str, Any] | list[dict[str, Any]] | None = None) -> Reply:
    return Reply(ret="10000", success=True, content=content if content is not None else {})


def refusal(ret: str, content: dict[str, Any] | None = None) -> Reply:
    return Reply(ret=ret, success=False, content=content or {})


# The codes the seed answers with success=true (§5.3 10000, §8.4 1301/1302/1307; 1101 as clients see it).
_SUCCESS_CODES = codes.SUCCESS_CODES | codes.REDEEMED | {codes.ALREADY_REDEEMED}


def code_reply(code: str) -> Reply:
    """Any code as the gateway answers it when it says no more (the `{"mode": "code"}` fault): the seed's
    envelope with `content` {} ("如果没有请使用{}", §8)."""
    return Reply(ret=code, success=code in _SUCCESS_CODES)


@dataclass(frozen=True)
class GatewayCall:
    """A call that passed the envelope checks: its business parameters (`param_json`) and, for every
    operation but login, the session its token belongs to."""

    params: dict[str, Any]
    session: Session | None = None

    @property
    def logged_in(self) -> Session:
        if self.session is None:  # the app checks tokens before any operation that needs one
            raise RuntimeError("operation needs a session")
        return self.session


Operation = Callable[[SandboxState, GatewayCall], Reply]


class BadParams(Exception):
    """A business parameter is missing or malformed; answered with `ret` (13 unless said otherwise)."""

    def __init__(self, ret: str = "13") -> None:
        super().__init__(ret)
        self.ret = ret


def text_param(params: dict[str, Any], name: str, *, max_length: int = 64, required: bool = True,
               missing_ret: str = "13") -> str:
    """A parameter as text. Numbers are accepted too: clients send `"type":1701` and `"version":24`."""
    value = params.get(name)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        if required:
            raise BadParams(missing_ret)
        return ""
    if not isinstance(value, str) or len(value) > max_length:
        raise BadParams()
    return value.strip()
