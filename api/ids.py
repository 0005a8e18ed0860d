"""Opaque global IDs ('Reward:42' in base64) and cursors. Decoding never raises: garbage is None."""

from __future__ import annotations

import base64
import binascii

MAX_DB_ID = 2**63 - 1


def encode_id(type_name: str, db_id: int) -> str:
    # b64encode without its wrapper: a page encodes one or two ids per node.
    return binascii.b2a_base64(f"{type_name}:{db_id}".encode(), newline=False).decode()


def decode_id(global_id: str) -> tuple[str, int] | None:
    try:
        raw = base64.b64decode(global_id.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, sep, number = raw.partition(":")
    if not sep or not number.isdigit() or len(number) > 19:
        return None
    value = int(number)
    return (type_name, value) if 0 < value <= MAX_DB_ID else None


def decode_id_of(type_name: str, global_id: str) -> int | None:
    decoded = decode_id(global_id)
    return decoded[1] if decoded and decoded[0] == type_name else None


_CURSOR_PREFIX = "cursor:"


def encode_cursor(position: int) -> str:
    return base64.b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode()


def decode_cursor(cursor: str) -> int | None:
    try:
        raw = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    if not raw.startswith(_CURSOR_PREFIX):
        return None
    number = raw[len(_CURSOR_PREFIX):]
    if not number.isdigit() or len(number) > 19:
        return None
    position = int(number)
    return position if position <= MAX_DB_ID else None  # the database cannot compare beyond 64 bits
