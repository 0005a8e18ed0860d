"""What one gateway operation of the sandbox receives and answers, and reading its business parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from providers.instant_lottery import codes
from providers.instant_lottery.sandbox_state import SandboxState, Session


@dataclass(frozen=True)
class Reply:
    """The gateway's answer: `{"success", "ret", "msg", "content"}`; msg comes from the code table."""

    ret: str
    success: bool = False
    content: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"success": self.success, "ret": self.ret, "msg": codes.describe(self.ret).meaning_zh,
                "content": self.content}


def ok(content: dict[str, Any] | None = None) -> Reply:
    return Reply(ret="10000", success=True, content=content or {})


def refusal(ret: str, content: dict[str, Any] | None = None) -> Reply:
    return Reply(ret=ret, success=False, content=content or {})


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
