"""Randou pushes for the tests, from the seed's samples in tests/fixtures/seeds/randou/ (read as-is): their
fields as the seed types them, as the wire carries them (a form's text, or a JSON body), and signed."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from providers.randou.signing import sign
from tests.fixtures import FIXTURES

SEED_DIR = FIXTURES / "seeds" / "randou"
COMMON_PARAMS = frozenset({"appid", "timestamp", "nonce_str", "sign"})  # 公共必传参数, PROTOCOLS.md §1
SEED_NONCE = "abcdefghij0123456789"  # 20 alphanumerics, as the SDKs make them


@cache
def _read(name: str) -> str:
    return (SEED_DIR / name).read_text(encoding="utf-8")


def seed_push_names() -> list[str]:
    return sorted(path.name.removesuffix(".push.json") for path in SEED_DIR.glob("*.push.json"))


def seed_push(name: str, **changes: Any) -> dict[str, Any]:
    """A sample's fields (a fresh copy): `seed_push("credits-received", serialNo="S-1")`. A change of None
    removes the field."""
    fields = dict(json.loads(_read(f"{name}.push.json")))
    for field, value in changes.items():
        if value is None:
            fields.pop(field, None)
        else:
            fields[field] = value
    return fields


def seed_credentials() -> tuple[str, str]:
    """The appid and app secret of the seed's PHP sample."""
    credentials = json.loads(_read("credentials.json"))
    return credentials["appid"], credentials["appsecret"]


def seed_table_fields() -> dict[str, set[str]]:
    """Each parameter table of the seed (`push.request.md`): "" for the push's own, then `drawinggame_detail`,
    `prize`, `prize.goods`; the fields it lists, the required ones marked by a trailing "!"."""
    tables: dict[str, set[str]] = {}
    current = ""
    for line in _read("push.request.md").splitlines():
        if line.endswith("参数说明") and line != "参数说明":
            current = line.removesuffix("参数说明")
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) >= 4 and cells[1] in ("是", "否"):
            tables.setdefault(current, set()).add(cells[0] + ("!" if cells[1] == "是" else ""))
    return tables


def as_text(value: Any) -> str:
    """A field as a form carries it: text as is, numbers as digits, objects as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def signed_form(fields: dict[str, Any], *, timestamp: int, nonce: str = SEED_NONCE,
                app_id: str | None = None, app_secret: str | None = None) -> dict[str, str]:
    """The push as a form's text, with the common params, signed (the seed's credentials by default)."""
    seed_app_id, seed_secret = seed_credentials()
    params = {name: as_text(value) for name, value in fields.items()}
    params.update(appid=app_id or seed_app_id, timestamp=str(timestamp), nonce_str=nonce)
    params["sign"] = sign(params, app_secret or seed_secret)
    return params


def signed_json_body(fields: dict[str, Any], *, timestamp: int, nonce: str = SEED_NONCE) -> bytes:
    """The push as a flat JSON body: nested objects as objects, signed as their compact JSON text, which
    is how this body writes them."""
    params = signed_form(fields, timestamp=timestamp, nonce=nonce)
    members = {name: fields[name] if isinstance(fields.get(name), dict | int) else value
               for name, value in params.items()}
    return json.dumps(members, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
