"""The instant-lottery wire format and settings, without I/O: building signed requests, reading the gateway's
answers, mapping a thirdAward answer to an outcome (seed 003 §3, §5, §8.4; PROTOCOLS.md §3), and parsing,
refusing and masking a tenant's settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.instant_lottery import codes
from providers.instant_lottery.sandbox_control import tenant_settings
from providers.instant_lottery.sandbox_state import SandboxState
from providers.instant_lottery.settings import mask_settings, parse_settings
from providers.instant_lottery.signing import sign, verify
from providers.instant_lottery.wire import GatewayReply, parse_reply, redemption_outcome, request_form
from providers.settings import MASK, SettingsInvalid

SECRET = "wire-test-secret"
NOON_UTC = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
AWARD = {"userId": "U0001", "userRealIp": "127.0.0.1", "transacId": "RL20261124120000000001", "type": 1701,
         "barCode": "1234567890123456789012345"}


def _form(sign_method: str, business: dict[str, Any] | None = None, token: str | None = "tok_abc") -> dict[str, str]:
    return request_form(app_key="key-1", app_secret=SECRET, sign_method=sign_method, business=business or AWARD,
                        token=token, moment=NOON_UTC)


# ---- request_form ----


def test_md5_form_verifies_and_sends_no_sign_method() -> None:
    form = _form("MD5")
    assert "sign_method" not in form
    assert verify(form, SECRET)
    assert not verify(form, "another-secret")
    assert not verify({**form, "param_json": form["param_json"].replace("U0001", "U0002")}, SECRET)
    assert form["sign"] == form["sign"].upper() and len(form["sign"]) == 32
    assert (form["app_key"], form["access_token"], form["timestamp"], form["format"], form["v"]) == (
        "key-1", "tok_abc", "2026-11-24 12:00:00", "json", "1.0")


def test_sha1_form_sends_sign_method_and_signs_it() -> None:
    form = _form("SHA-1")
    assert form["sign_method"] == "SHA-1"
    assert verify(form, SECRET)
    assert len(form["sign"]) == 40
    # Signed with sign_method in the string, as the seed says (not the "added after signing" variant).
    assert form["sign"] == sign(form, SECRET, "SHA-1")
    assert form["sign"] != sign({k: v for k, v in form.items() if k != "sign_method"}, SECRET, "SHA-1")


def test_login_form_has_no_access_token() -> None:
    form = _form("MD5", {"stationId": "21010001"}, token=None)
    assert "access_token" not in form
    assert verify(form, SECRET)


def test_param_json_is_compact_and_keeps_non_ascii() -> None:
    form = _form("MD5", {"gameName": "刮刮乐", "type": 1701, "nested": {"a": [1, 2]}})
    assert form["param_json"] == '{"gameName":"刮刮乐","type":1701,"nested":{"a":[1,2]}}'


# ---- parse_reply ----


def _body(**envelope: Any) -> bytes:
    return json.dumps({"success": True, "ret": "10000", "msg": "成功", **envelope}, ensure_ascii=False).encode()


def test_content_object_is_read_as_is() -> None:
    assert parse_reply(200, _body(content={"token": "abc", "serverTime": "2026-11-24 12:00:00"})) == GatewayReply(
        success=True, ret="10000", msg="成功", content={"token": "abc", "serverTime": "2026-11-24 12:00:00"})


def test_content_as_json_encoded_string_is_decoded() -> None:
    reply = parse_reply(200, _body(content=json.dumps({"token": "abc", "prize": 5})))
    assert reply is not None and reply.content == {"token": "abc", "prize": 5}


def test_content_list_is_kept_as_rows() -> None:
    rows = [{"transacId": "A"}, {"transacId": "B"}]
    for content in (rows, json.dumps(rows)):
        reply = parse_reply(200, _body(content=content))
        assert reply is not None and reply.rows == tuple(rows) and reply.content == {}
    assert parse_reply(200, _body(content={"transacId": "A"})).rows is None  # type: ignore[union-attr]


def test_empty_string_content_is_empty() -> None:
    reply = parse_reply(200, _body(content=""))
    assert reply is not None and reply.content == {} and reply.ret == "10000"


@pytest.mark.parametrize("status", [500, 502, 504, 201])
def test_non_200_status_is_no_answer(status: int) -> None:
    assert parse_reply(status, _body(content={"token": "abc"})) is None


def test_html_body_is_no_answer() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    assert parse_reply(200, page) is None


@pytest.mark.parametrize("body", [b'{"success": true, "msg": "ok", "content": {}}', b'[{"ret": "10000"}]',
                                  b'"10000"', b"", b"\xff\xfe"])
def test_json_without_ret_is_no_answer(body: bytes) -> None:
    assert parse_reply(200, body) is None


@pytest.mark.parametrize(("success", "expected"), [("true", True), ("TRUE", True), ("false", False), (False, False),
                                                   (None, False), (True, True)])
def test_success_given_as_text_is_read(success: Any, expected: bool) -> None:
    reply = parse_reply(200, _body(success=success, ret=1301))
    assert reply is not None and reply.success is expected and reply.ret == "1301"


def test_get_ignores_the_case_of_field_names() -> None:
    reply = parse_reply(200, _body(ret="1307", content={"Amoutticket": 3, "AmountPrize": 50, "transacIdOrg": "X"}))
    assert reply is not None
    assert (reply.get("amoutticket"), reply.get("AMOUTTICKET"), reply.get("amountPrize")) == (3, 3, 50)
    assert reply.get("transacidorg") == "X"
    assert reply.get("amountTicket") is None and reply.get("amountTicket", 0) == 0


# ---- redemption_outcome ----


def _reply(ret: str, success: bool, **content: Any) -> GatewayReply:
    return GatewayReply(success=success, ret=ret, msg="", content=content)


@pytest.mark.parametrize("ret", ["1301", "1302"])
def test_redeemed_is_accepted_issued_with_prize_in_fen(ret: str) -> None:
    outcome = redemption_outcome(_reply(ret, True, prize=50, level=2, ticketNo="00001-00002-12345678901",
                                        gameName="刮刮乐", balance=1000), "RL1")
    assert isinstance(outcome, Accepted)
    assert (outcome.status, outcome.amount) == (RewardStatus.ISSUED, 5000)
    assert outcome.refs == {"transacId": "RL1", "ticketNo": "00001-00002-12345678901"}
    assert outcome.details["level"] == 2 and outcome.details["ret"] == ret


def test_already_redeemed_is_rejected_with_the_first_transaction() -> None:
    reply = _reply("1307", True, transacIdOrg="9920261123120000123456", prize=20, level=1, awardStation="99999999",
                   awardTime="2026-11-23 12:00:00", Amoutticket=1, AmountPrize=20)
    outcome = redemption_outcome(reply, "RL2")
    assert isinstance(outcome, Rejected)
    assert (outcome.code, outcome.retryable, outcome.status) == ("1307", False, RewardStatus.FAILED)
    assert outcome.details["transacIdOrg"] == "9920261123120000123456"
    assert outcome.details["prizeFen"] == 2000 and outcome.details["awardStation"] == "99999999"


def test_not_winning_is_rejected_as_not_won() -> None:
    outcome = redemption_outcome(_reply("1305", False, ticketNo="T", gameName="刮刮乐"), "RL3")
    assert isinstance(outcome, Rejected)
    assert (outcome.code, outcome.status, outcome.retryable) == ("1305", RewardStatus.NOT_WON, False)


@pytest.mark.parametrize(("ret", "retryable"), [("1303", False), ("1316", False), ("1304", False), ("12", False),
                                                ("10033", True), ("10032", True), ("1005", True)])
def test_known_refusal_is_rejected_failed_with_the_tables_retry_advice(ret: str, retryable: bool) -> None:
    outcome = redemption_outcome(_reply(ret, False), "RL4")
    assert isinstance(outcome, Rejected)
    assert (outcome.code, outcome.status, outcome.retryable) == (ret, RewardStatus.FAILED, retryable)
    assert outcome.retryable == codes.describe(ret).retry_safe
    assert outcome.message == codes.describe(ret).meaning_en


@pytest.mark.parametrize("ret", ["4242", "", "13010"])
def test_unknown_code_is_unknown(ret: str) -> None:
    assert isinstance(redemption_outcome(_reply(ret, False), "RL5"), Unknown)


@pytest.mark.parametrize("ret", ["10000", "1101", "1303"])
def test_success_with_a_non_redemption_code_is_unknown(ret: str) -> None:
    assert isinstance(redemption_outcome(_reply(ret, True, prize=5), "RL6"), Unknown)


@pytest.mark.parametrize("content", [b"{}", b'{"prize": null}', b'{"prize": "five"}', b'{"prize": ""}',
                                     b'{"prize": [5]}', b'{"prize": NaN}', b'{"prize": Infinity}',
                                     b'{"prize": "1e400"}', b'{"prize": true}'])
def test_redeemed_with_an_unreadable_prize_is_unknown(content: bytes) -> None:
    reply = parse_reply(200, b'{"success": true, "ret": "1301", "msg": "", "content": ' + content + b"}")
    assert reply is not None
    assert isinstance(redemption_outcome(reply, "RL7"), Unknown)


# ---- settings ----


def _config(**changes: Any) -> dict[str, Any]:
    """What the sandbox's /_control/config answers, with changes (None removes a key)."""
    config = tenant_settings(SandboxState(app_key="sandbox-app-key", app_secret="sandbox-app-secret"),
                             "http://127.0.0.1:8000")
    config.update(changes)
    return {name: value for name, value in config.items() if value is not None}


def test_settings_accept_the_sandbox_config_shape() -> None:
    settings = parse_settings(_config())
    assert (settings.app_key, settings.app_secret, settings.sign_method) == ("sandbox-app-key", "sandbox-app-secret",
                                                                            "MD5")
    assert list(settings.stations) == ["21010001", "21010002"] and settings.default_station_id == "21010001"
    station = settings.stations["21010002"]
    assert (station.password, station.serial_no, station.clerk_id) == ("123456", "SANDBOX-SN-21010002", "0")
    assert settings.url("thirdAward") == "http://127.0.0.1:8000/proxy/validate/thirdAward"
    assert (settings.timeouts.connect_s, settings.timeouts.read_s) == (3.0, 10.0)


def test_settings_take_sha1_timeouts_and_path_overrides() -> None:
    settings = parse_settings(_config(signMethod="sha-1", readTimeoutSeconds=0.5, connectTimeoutSeconds=1,
                                      paths={"thirdAward": "/validate/thirdAward"}, baseUrl="https://gw:6618/"))
    assert settings.sign_method == "SHA-1" and settings.timeouts.read_s == 0.5
    assert settings.url("thirdAward") == "https://gw:6618/validate/thirdAward"
    assert settings.url("login") == "https://gw:6618/proxy/station/login"


def _station(**changes: Any) -> dict[str, Any]:
    return {**_config()["stations"][0], **changes}


@pytest.mark.parametrize(("changes", "field"), [
    ({"appSecret": None}, "appSecret"),
    ({"appSecret": "   "}, "appSecret"),
    ({"appKey": None}, "appKey"),
    ({"baseUrl": "ftp://gateway.example"}, "baseUrl"),
    ({"baseUrl": "gateway.example/proxy"}, "baseUrl"),
    ({"baseUrl": "http://"}, "baseUrl"),
    ({"signMethod": "SHA-256"}, "signMethod"),
    ({"stations": []}, "stations"),
    ({"stations": {"21010001": _station()}}, "stations"),
    ({"stations": [_station(), _station(password="other")]}, "stations[1].stationId"),
    ({"stations": [_station(password="")]}, "stations[0].password"),
    ({"stations": [_station(serialNo=None)]}, "stations[0].serialNo"),
    ({"defaultStationId": "99999999"}, "defaultStationId"),
    ({"paths": {"thirdAward": "validate/thirdAward"}}, "paths"),
    ({"paths": {"noSuchFlow": "/x"}}, "paths"),
    ({"paths": ["/proxy/station/login"]}, "paths"),
    ({"readTimeoutSeconds": 0}, "readTimeoutSeconds"),
    ({"readTimeoutSeconds": 121}, "readTimeoutSeconds"),
    ({"connectTimeoutSeconds": "3"}, "connectTimeoutSeconds"),
    ({"connectTimeoutSeconds": True}, "connectTimeoutSeconds"),
])
def test_settings_refusal_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsInvalid) as refused:
        parse_settings(_config(**changes))
    assert refused.value.field == field


def test_mask_settings_hides_secret_and_every_password_but_shows_app_key() -> None:
    raw = _config()
    shown = mask_settings(raw)
    assert shown["appSecret"] == MASK
    assert [station["password"] for station in shown["stations"]] == [MASK, MASK]
    assert shown["appKey"] == "sandbox-app-key"
    assert [station["stationId"] for station in shown["stations"]] == ["21010001", "21010002"]
    assert "sandbox-app-secret" not in json.dumps(shown) and "123456" not in json.dumps(shown)
    assert raw["appSecret"] == "sandbox-app-secret" and raw["stations"][0]["password"] == "123456"
