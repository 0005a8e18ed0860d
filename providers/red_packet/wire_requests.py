"""The JSON bodies of the platform's seven endpoints (seed 004), and where each one is posted.

Ids are JSON numbers (the seed's Integer(11)); `uid`, `wx_group_id` and the update's `id` are one number
for one and an array for many, the two forms the seed allows. Lists page from 0 on the wire and take
`count` up to 100; `sortStr` is PHP's `['id'=>'desc']`, a JSON object such as {"id": "asc"};
`createStart`/`createEnd` are Unix seconds. The seed's personal list has no uid or id filter: both are sent
anyway (the sandbox honours them) and the client also checks the rows it gets. With AppSign,
`AppSign` and `AuthorType` are added to the body last (signing.py). Bad input is a ValueError, raised
before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from providers.red_packet.settings import MAX_INT11
from providers.red_packet.signing import AUTHOR_TYPE_FIELD, SIGN_FIELD, app_sign
from providers.red_packet.wire_values import unix_seconds

SEND = "/cash-redpack/send-cash-redpack"
GROUP_SEND = "/cash-redpack/group-send-cash-redpack"
RESEND = "/cash-redpack/resend-cash-redpack"
UPDATE_STATUS = "/cash-redpack/update-cash-redpack-data-status"
SCAN_SEND = "/cash-redpack/scan-send"
LIST_SENDS = "/cash-redpack/find-cash-redpack-data-list"
LIST_GROUP_SENDS = "/cash-redpack/find-cash-redpack-group-list"
MAX_PAGE_SIZE = 100  # seed: 一次最多获取100个
MAX_KEYWORD = 30  # seed: String(30)
MAX_OPEN_ID = 32  # seed: varchar(32)
OLDEST_FIRST = {"id": "asc"}  # new packets land on later pages, so a walk over the pages misses none
NEWEST_FIRST = {"id": "desc"}  # looking for one recent record: stop once the ids are below it

_PLATFORM_ID = re.compile(r"^[1-9][0-9]{0,9}$")


def platform_ids(values: Sequence[str], what: str) -> list[int]:
    """Member uids or group ids as the platform's numbers. Raises ValueError for an empty list or anything
    but a positive Integer(11) in plain digits ("007" is refused: it would come back as "7")."""
    if isinstance(values, str) or not values:
        raise ValueError(f"{what}: give a non-empty list")
    numbers = []
    for value in values:
        text = str(value)
        if not _PLATFORM_ID.match(text) or int(text) > MAX_INT11:
            raise ValueError(f"{what}: each must be a positive whole number in digits")
        numbers.append(int(text))
    return numbers


def _one_or_many(numbers: list[int]) -> int | list[int]:
    return numbers[0] if len(numbers) == 1 else numbers


def send_body(shop_id: int, cash_redpack_id: int, uids: Sequence[str], source: int) -> dict[str, Any]:
    return {"shop_id": shop_id, "cash_redpack_id": cash_redpack_id,
            "uid": _one_or_many(platform_ids(uids, "uids")), "source": int(source)}


def group_send_body(shop_id: int, cash_redpack_id: int, group_ids: Sequence[str], source: int) -> dict[str, Any]:
    return {"shop_id": shop_id, "cash_redpack_id": cash_redpack_id,
            "wx_group_id": _one_or_many(platform_ids(group_ids, "group_ids")), "source": int(source)}


def resend_body(shop_id: int, record_id: str) -> dict[str, Any]:
    return {"id": platform_ids([record_id], "record_id")[0], "shop_id": shop_id}


def update_status_body(shop_id: int, record_ids: Sequence[str]) -> dict[str, Any]:
    return {"id": _one_or_many(platform_ids(record_ids, "record_ids")), "shop_id": shop_id}


def scan_send_body(shop_id: int, cash_redpack_id: int, open_id: str) -> dict[str, Any]:
    if not open_id or len(open_id) > MAX_OPEN_ID or not open_id.isascii() or not open_id.isprintable():
        raise ValueError(f"open_id: 1-{MAX_OPEN_ID} printable ASCII characters")
    return {"cash_redpack_id": cash_redpack_id, "shop_id": shop_id, "open_id": open_id}


@dataclass(frozen=True)
class SendsFilter:
    """The personal list's filters (seed), plus `uid` and `record_id` (`id`), which the seed does not list:
    they are sent for a platform that honours them (the sandbox does), and the client checks rows itself."""

    uid: str | None = None
    record_id: str | None = None
    cash_redpack_id: int | None = None
    group_id: int | None = None
    status: int | None = None
    packet_type: int | None = None
    source: int | None = None
    keyword: str | None = None
    wx_keyword: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def page_window(page: int, page_size: int) -> tuple[int, int]:
    """(wire page, count) for a 1-based page; the size is capped at the platform's 100."""
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size start at 1")
    return page - 1, min(page_size, MAX_PAGE_SIZE)


def list_sends_body(shop_id: int, filters: SendsFilter, page: int, page_size: int,
                    sort: Mapping[str, str] = OLDEST_FIRST) -> dict[str, Any]:
    body = _list_body(shop_id, page, page_size, sort, filters.since, filters.until)
    if filters.uid is not None:
        body["uid"] = platform_ids([filters.uid], "uid")[0]
    if filters.record_id is not None:
        body["id"] = platform_ids([filters.record_id], "record_id")[0]
    for name, value in (("cash_redpack_id", filters.cash_redpack_id), ("group_id", filters.group_id),
                        ("status", filters.status), ("type", filters.packet_type), ("source", filters.source)):
        if value is not None:
            body[name] = int(value)
    for name, text in (("keyword", filters.keyword), ("wx_keyword", filters.wx_keyword)):
        if text is not None:
            body[name] = _keyword(name, text)
    return body


def list_group_sends_body(shop_id: int, *, cash_redpack_id: int | None, keyword: str | None,
                          since: datetime | None, until: datetime | None, page: int, page_size: int,
                          sort: Mapping[str, str] = OLDEST_FIRST) -> dict[str, Any]:
    body = _list_body(shop_id, page, page_size, sort, since, until)
    if cash_redpack_id is not None:
        body["cash_redpack_id"] = int(cash_redpack_id)
    if keyword is not None:
        body["keyword"] = _keyword("keyword", keyword)
    return body


def _list_body(shop_id: int, page: int, page_size: int, sort: Mapping[str, str], since: datetime | None,
               until: datetime | None) -> dict[str, Any]:
    wire_page, count = page_window(page, page_size)
    body: dict[str, Any] = {"shop_id": shop_id, "page": wire_page, "count": count, "sortStr": dict(sort)}
    if since is not None:
        body["createStart"] = unix_seconds(since)
    if until is not None:
        body["createEnd"] = unix_seconds(until)
    return body


def _keyword(name: str, text: str) -> str:
    if len(text) > MAX_KEYWORD:
        raise ValueError(f"{name}: at most {MAX_KEYWORD} characters")
    return text


def with_app_sign(body: dict[str, Any], *, moment: datetime, key: str, author_type: str) -> dict[str, Any]:
    return {**body, SIGN_FIELD: app_sign(body, moment, key), AUTHOR_TYPE_FIELD: author_type}
