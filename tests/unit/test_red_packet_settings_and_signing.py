"""A red packet tenant's settings (parsed, refused, masked), the optional AppSign, and the code tables, without
I/O (seed 004, PROTOCOLS.md §4). vectors.json has no entry for seed 004, so AppSign is pinned by a worked
example whose digest was computed outside this code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from providers.red_packet import codes
from providers.red_packet.sandbox_control import tenant_settings
from providers.red_packet.sandbox_state import SandboxState
from providers.red_packet.settings import Source, mask_settings, parse_settings, parse_source
from providers.red_packet.signing import app_sign, minute_epoch, signing_string, verify
from providers.red_packet.wire_requests import with_app_sign
from providers.settings import MASK, SettingsInvalid

NOON = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)


# ---- AppSign ----


def test_app_sign_worked_example() -> None:
    """No vector exists for seed 004; the digest below was computed with md5sum, not with this code."""
    params = {"shop_id": 30, "cash_redpack_id": 7, "uid": [1001, 1002], "source": 6}
    moment = datetime(2023, 11, 14, 22, 14, 37, tzinfo=UTC)
    assert minute_epoch(moment) == 1700000040
    assert signing_string(params, 1700000040, "test_md5_key") == "6730[1001,1002]1700000040test_md5_key"
    assert app_sign(params, moment, "test_md5_key") == "7196dea5f099a16df8d19a70228d6dfc"


def test_app_sign_is_added_to_the_body_and_verified_within_a_minute_either_side() -> None:
    body = with_app_sign({"shop_id": 30, "id": 51}, moment=NOON, key="k", author_type="MD5")
    assert body["AuthorType"] == "MD5" and len(body["AppSign"]) == 32
    assert verify(body, NOON + timedelta(seconds=59), "k") and verify(body, NOON - timedelta(seconds=30), "k")
    assert not verify(body, NOON + timedelta(minutes=2), "k")
    assert not verify(body, NOON, "other-key")
    assert not verify({**body, "id": 52}, NOON, "k")
    assert not verify({"shop_id": 30}, NOON, "k")
    with pytest.raises(ValueError):
        minute_epoch(datetime(2026, 1, 1))


# ---- settings ----


def sandbox_config(**changes: Any) -> dict[str, Any]:
    return {**tenant_settings(SandboxState(project_key="pk-123"), "http://127.0.0.1:8100"), **changes}


def test_the_sandbox_config_parses() -> None:
    settings = parse_settings(sandbox_config())
    assert (settings.project_key, settings.shop_id, settings.auth_mode, settings.default_source) == (
        "pk-123", 30, "none", Source.OPEN)
    assert settings.url("/cash-redpack/scan-send") == "http://127.0.0.1:8100/v1/cash-redpack/scan-send"
    assert parse_settings(sandbox_config(apiPrefix="", baseUrl="https://h/v1/")).url("/x") == "https://h/v1/x"
    assert (settings.timeouts.connect_s, settings.timeouts.read_s) == (3.0, 10.0)
    signed = parse_settings(sandbox_config(authMode="appSign", appSignKey="k", defaultSource="lottery",
                                           shopId="31", readTimeoutSeconds=2))
    assert (signed.signs_requests, signed.default_source, signed.shop_id, signed.timeouts.read_s) == (
        True, Source.LOTTERY, 31, 2.0)


def test_the_release_time_and_the_refused_errcodes_default_to_codes_py_and_a_tenant_may_name_its_own() -> None:
    settings = parse_settings(sandbox_config())
    assert settings.unlisted_release_s == 900 and settings.refused_errcodes == {"40001", "40004", "50001"}
    named = parse_settings(sandbox_config(unlistedSendReleaseSeconds=3600, refusedErrcodes=[40100, -3]))
    assert named.unlisted_release_s == 3600 and named.refused_errcodes == {"40100", "-3"}
    assert parse_settings(sandbox_config(refusedErrcodes=[])).refused_errcodes == frozenset()


@pytest.mark.parametrize(("change", "field"), [
    ({"baseUrl": "ftp://x"}, "baseUrl"), ({"baseUrl": None}, "baseUrl"), ({"projectKey": ""}, "projectKey"),
    ({"projectKey": None}, "projectKey"), ({"shopId": 0}, "shopId"), ({"shopId": True}, "shopId"),
    ({"shopId": "3a"}, "shopId"), ({"authMode": "oauth"}, "authMode"), ({"authMode": "appSign"}, "appSignKey"),
    ({"defaultSource": 9}, "defaultSource"), ({"defaultSource": "ATM"}, "defaultSource"),
    ({"apiPrefix": "v1"}, "apiPrefix"), ({"readTimeoutSeconds": 0}, "readTimeoutSeconds"),
    ({"connectTimeoutSeconds": "3"}, "connectTimeoutSeconds"), ({"authorType": "x" * 33}, "authorType"),
    ({"unlistedSendReleaseSeconds": 59}, "unlistedSendReleaseSeconds"),
    ({"unlistedSendReleaseSeconds": "900"}, "unlistedSendReleaseSeconds"),
    ({"refusedErrcodes": [0]}, "refusedErrcodes"), ({"refusedErrcodes": ["40001"]}, "refusedErrcodes"),
    ({"refusedErrcodes": 40001}, "refusedErrcodes"), ({"refusedErrcodes": [True]}, "refusedErrcodes")])
def test_bad_settings_name_their_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings(sandbox_config(**change))
    assert caught.value.field == field


def test_masking_hides_the_project_key_and_the_app_sign_key() -> None:
    raw = sandbox_config(authMode="appSign", appSignKey="secret-k")
    shown = mask_settings(raw)
    assert (shown["projectKey"], shown["appSignKey"]) == (MASK, MASK)
    assert shown["baseUrl"] == raw["baseUrl"] and raw["projectKey"] == "pk-123"  # the original is untouched
    assert "appSignKey" not in mask_settings(sandbox_config())


def test_sources_by_name_or_number() -> None:
    assert parse_source("3") is Source.LOTTERY and parse_source(6) is Source.OPEN
    assert parse_source("scan") is Source.SCAN
    for bad in (0, 7, True, "x", None):
        with pytest.raises(ValueError):
            parse_source(bad)


# ---- code tables ----


def test_code_tables() -> None:
    assert codes.describe_fail_code("notenough").meaning_zh == "帐号余额不足"
    assert codes.describe_errcode("0").meaning_en == "ok" and codes.describe_errcode(" 050001 ").code == "50001"
    unknown = codes.describe_errcode("77")
    assert (unknown.kind, unknown.retry_safe) == ("unknown", False)
    for info in [*codes.ERRCODES.values(), *codes.FAIL_CODES.values()]:
        assert info.meaning_zh and info.meaning_en and info.source
