"""Seed 002's printed samples and PROTOCOLS.md §2's quotes, as the tests read them
(tests/fixtures/seeds/allinpay/, see its README), and the shape of a JSON value to compare answers by."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from providers.allinpay.signing import sign_response

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds" / "allinpay"


def _text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def seed_request() -> dict[str, Any]:
    """The seed's sample request (请求示例): business parameters only, and no orderId."""
    return dict(json.loads(_text("couponSend.request.json")))


def seed_response() -> dict[str, Any]:
    """The seed's sample answer (响应示例), as printed, with Allinpay's own `sign`."""
    return dict(json.loads(_text("couponSend.response.json")))


def seed_response_signed_with(gateway_private_pem: str, variant: str = "MD5_RSA") -> bytes:
    """The seed's sample answer with its `sign` made again with a test gateway key; nothing else changes."""
    envelope = {name: value for name, value in seed_response().items() if name != "sign"}
    envelope["sign"] = sign_response(envelope, gateway_private_pem, variant)
    return json.dumps(envelope, ensure_ascii=False).encode("utf-8")


def seed_request_fields() -> dict[str, bool]:
    """The seed's request table (业务请求参数): each field's name and whether it is required (必填 是)."""
    lines = _text("couponSend.fields.txt").split("\n")
    cells = [line.rstrip().removesuffix("|").strip() for line in
             lines[lines.index("业务请求参数") + 1: lines.index("业务响应参数")]]
    rows = [cells[start:start + 6] for start in range(0, len(cells), 6)]
    assert rows[0][:3] == ["字段名", "参数类型", "必填"], rows[0]
    return {row[0]: row[2] == "是" for row in rows[1:]}


def protocols_quote(name: str) -> str:
    return str(json.loads(_text("protocols-2.json"))[name]["quote"])


def sdk_biz_content() -> dict[str, Any]:
    """PROTOCOLS.md §2's bizContent sample for couponSend (its orderId is printed as "…")."""
    quote = protocols_quote("biz_content_sample")
    return dict(json.loads(quote[quote.index("{"): quote.rindex("}") + 1]))


def shape(value: Any) -> Any:
    """A JSON value's shape: objects keep their keys, lists become the sorted set of their items' shapes,
    everything else its JSON type ("null" included)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return ["list", sorted({json.dumps(shape(item), sort_keys=True) for item in value})]
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string"}[type(value)]
