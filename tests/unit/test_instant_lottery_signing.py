"""Signing for the instant-lottery gateway, against the shared vectors (PROTOCOLS.md §3) and round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from providers.instant_lottery.signing import beijing_timestamp, parse_timestamp, sign, signing_string, verify
from tests.fixtures import provider_vectors

SECRET = "test_app_secret_123"


def _vector_cases() -> list[Any]:
    vectors = provider_vectors("instant_lottery_003")
    return [pytest.param(dict(case, app_secret=vectors["app_secret"]), id=case["name"]) for case in vectors["cases"]]


@pytest.mark.parametrize("case", _vector_cases())
def test_vector_signing_string_and_sign(case: dict[str, Any]) -> None:
    method = case["params"].get("sign_method", "MD5")
    assert signing_string(case["params"], case["app_secret"]) == case["string"]
    assert sign(case["params"], case["app_secret"], method) == case["sign"]


@pytest.mark.parametrize("case", _vector_cases())
def test_vector_verifies(case: dict[str, Any]) -> None:
    assert verify({**case["params"], "sign": case["sign"]}, case["app_secret"])


def _award_params(**extra: str) -> dict[str, str]:
    return {"app_key": "k", "access_token": "tok", "timestamp": "2026-11-24 12:00:00", "format": "json",
            "v": "1.0", "param_json": '{"barCode":"123","type":1701}', **extra}


def test_sign_is_uppercase_hex_and_method_is_case_insensitive() -> None:
    params = _award_params(sign_method="SHA-1")
    assert sign(params, SECRET, "sha-1") == sign(params, SECRET, "SHA-1")
    assert len(sign(params, SECRET, "SHA-1")) == 40
    assert sign(params, SECRET).isupper()


def test_sign_refuses_an_unknown_method() -> None:
    with pytest.raises(ValueError):
        sign(_award_params(), SECRET, "SHA-256")


def test_sign_ignores_sign_and_unused_params() -> None:
    params = _award_params()
    assert sign({**params, "sign": "whatever", "inputBarCode": "", "opt": None}, SECRET) == sign(params, SECRET)


def test_verify_round_trip_md5_and_sha1() -> None:
    for method in ("MD5", "SHA-1"):
        params = _award_params(sign_method=method)
        assert verify({**params, "sign": sign(params, SECRET, method)}, SECRET)


def test_verify_accepts_a_lowercase_sign() -> None:
    params = _award_params()
    assert verify({**params, "sign": sign(params, SECRET).lower()}, SECRET)


def test_verify_accepts_sign_method_added_after_signing() -> None:
    for method in ("MD5", "SHA-1"):
        signed_without = sign(_award_params(), SECRET, method)
        assert verify({**_award_params(sign_method=method), "sign": signed_without}, SECRET)


def test_verify_defaults_to_md5() -> None:
    params = _award_params()
    assert verify({**params, "sign": sign(params, SECRET, "MD5")}, SECRET)
    assert not verify({**params, "sign": sign(params, SECRET, "SHA-1")}, SECRET)


def test_verify_refuses_a_tampered_value() -> None:
    params = _award_params()
    signature = sign(params, SECRET)
    tampered = {**params, "param_json": '{"barCode":"124","type":1701}', "sign": signature}
    assert not verify(tampered, SECRET)


def test_verify_refuses_a_wrong_secret() -> None:
    params = _award_params()
    assert not verify({**params, "sign": sign(params, "another-secret")}, SECRET)


def test_verify_refuses_missing_sign_and_unknown_method() -> None:
    params = _award_params()
    assert not verify(params, SECRET)
    assert not verify({**params, "sign_method": "RSA", "sign": sign(params, SECRET)}, SECRET)


def test_beijing_timestamp_is_utc_plus_eight() -> None:
    assert beijing_timestamp(datetime(2026, 11, 24, 4, 0, 5, tzinfo=UTC)) == "2026-11-24 12:00:05"
    assert beijing_timestamp(datetime(2026, 11, 24, 23, 30, tzinfo=UTC)) == "2026-11-25 07:30:00"


def test_beijing_timestamp_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError):
        beijing_timestamp(datetime(2026, 11, 24, 12, 0))


def test_parse_timestamp_reads_beijing_time() -> None:
    parsed = parse_timestamp("2018-05-07 10:23:44")
    assert parsed == datetime(2018, 5, 7, 2, 23, 44, tzinfo=UTC)
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=8)


def test_parse_timestamp_reads_epoch_seconds() -> None:
    assert parse_timestamp("1525659824") == datetime(2018, 5, 7, 2, 23, 44, tzinfo=UTC)


def test_parse_timestamp_round_trips() -> None:
    moment = datetime(2026, 1, 1, 0, 0, 1, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_timestamp(beijing_timestamp(moment)) == moment


@pytest.mark.parametrize("text", ["", "yesterday", "2018-05-07T10:23:44", "2018-13-07 10:23:44", "9" * 30, "-5"])
def test_parse_timestamp_returns_none_when_unparseable(text: str) -> None:
    assert parse_timestamp(text) is None
