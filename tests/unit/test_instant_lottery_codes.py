"""The instant-lottery gateway's code table covers every code of seed 003 §5."""

from __future__ import annotations

import pytest

from providers.instant_lottery import codes

# Transcribed from seed 003: 5.1 即开票错误码, 5.2 系统错误码, 5.3 业务错误码.
LOTTERY_CODES = [str(code) for code in range(1001, 1045)] + ["1104"] + [str(code) for code in range(1301, 1317)] + [
    str(code) for code in range(8001, 8008)]
SYSTEM_CODES = [str(code) for code in range(1, 33)]
BUSINESS_CODES = ["10000", "10008"] + [str(code) for code in range(10023, 10040)]


@pytest.mark.parametrize(("table", "listed"), [("lottery", LOTTERY_CODES), ("system", SYSTEM_CODES),
                                               ("business", BUSINESS_CODES)])
def test_every_code_of_the_seed_is_in_its_table(table: str, listed: list[str]) -> None:
    missing = [code for code in listed if code not in codes.CODES]
    assert missing == []
    assert {codes.CODES[code].table for code in listed} == {table}


def test_codes_from_outside_the_tables_are_known_too() -> None:
    assert codes.describe("3202").table == "lottery"  # §8.9: no redemption record
    assert codes.describe("1101") in codes.CODES.values()  # login success seen in a real client


def test_every_code_has_both_meanings() -> None:
    assert all(info.meaning_zh and info.meaning_en for info in codes.CODES.values())


def test_lottery_table_redemption_outcomes() -> None:
    assert {"1301", "1302"} == codes.REDEEMED
    assert (codes.ALREADY_REDEEMED, codes.NOT_WINNING, codes.OVER_LIMIT) == ("1307", "1305", "1304")
    assert codes.describe("1005").retry_safe  # station busy (§7): nothing was processed


def test_system_table_session_codes_mean_log_in_again() -> None:
    assert {"1021", "27", "28"} == codes.RELOGIN_CODES
    assert all(codes.describe(code).relogin and codes.describe(code).retry_safe for code in codes.RELOGIN_CODES)
    assert {code for code, info in codes.CODES.items() if info.relogin} == codes.RELOGIN_CODES


def test_business_table_success_is_10000() -> None:
    assert {"10000", "1101"} == codes.SUCCESS_CODES
    assert codes.describe("10000").meaning_zh == "成功"


@pytest.mark.parametrize("code", ["1001", "12", "15", "10030", "1307", "32"])
def test_answers_that_may_hide_a_redemption_are_not_retry_safe(code: str) -> None:
    assert not codes.describe(code).retry_safe


def test_an_unknown_code_is_never_retry_safe() -> None:
    info = codes.describe("4242")
    assert (info.table, info.retry_safe, info.relogin) == ("unknown", False, False)
