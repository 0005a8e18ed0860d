"""The instant-lottery gateway's code table covers every code of seed 003 §5, and sorts each into one of
three kinds (issue 10): done, refused before anything happened, or may have happened."""

from __future__ import annotations

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.instant_lottery import codes
from providers.instant_lottery.codes import AnswerKind
from providers.instant_lottery.wire import GatewayReply, redemption_outcome

# Transcribed from seed 003: 5.1 即开票错误码, 5.2 系统错误码, 5.3 业务错误码.
LOTTERY_CODES = [str(code) for code in range(1001, 1045)] + ["1104"] + [str(code) for code in range(1301, 1317)] + [
    str(code) for code in range(8001, 8008)]
SYSTEM_CODES = [str(code) for code in range(1, 33)]
BUSINESS_CODES = ["10000", "10008"] + [str(code) for code in range(10023, 10040)]
EVERY_CODE = [*LOTTERY_CODES, *SYSTEM_CODES, *BUSINESS_CODES, "3202", "1101"]

# The codes that may hide a redemption: internal, database, file and link failures part-way through
# processing (the seed never says at which step), a transacId seen before, and the unexplained mismatch.
MAY_HAVE_HAPPENED = {"1001", "1002", "1023", "1024", "1025", "1026", "1027", "1033", "1043", "1044", "8004",
                     "1", "15", "32", "10029", "10030"}
DONE = {"10000", "1101", "1301", "1302"}


def expected_kind(code: str) -> AnswerKind:
    if code in MAY_HAVE_HAPPENED:
        return AnswerKind.MAY_HAVE_HAPPENED
    return AnswerKind.DONE if code in DONE else AnswerKind.REFUSED


@pytest.mark.parametrize(("table", "listed"), [("lottery", LOTTERY_CODES), ("system", SYSTEM_CODES),
                                               ("business", BUSINESS_CODES)])
def test_every_code_of_the_seed_is_in_its_table(table: str, listed: list[str]) -> None:
    missing = [code for code in listed if code not in codes.CODES]
    assert missing == []
    assert {codes.CODES[code].table for code in listed} == {table}


def test_the_table_holds_no_code_the_seed_does_not_list() -> None:
    assert sorted(codes.CODES, key=int) == sorted(set(EVERY_CODE), key=int)


@pytest.mark.parametrize("code", EVERY_CODE)
def test_every_code_is_of_its_kind_with_a_reason(code: str) -> None:
    info = codes.describe(code)
    assert info.kind is expected_kind(code)
    assert info.reason and info.meaning_zh and info.meaning_en
    assert not info.retry_safe or info.kind is AnswerKind.REFUSED  # only a refusal may be sent again


def _envelope(code: str) -> GatewayReply:
    """The answer as the gateway sends it: success=true with the seed's success codes, false otherwise."""
    success = code in DONE or code == codes.ALREADY_REDEEMED
    content = {"transacId": "RL1", "prize": 20, "level": 1} if code in codes.REDEEMED else {}
    return GatewayReply(success=success, ret=code, msg="", content=content)


@pytest.mark.parametrize("code", EVERY_CODE)
def test_every_code_as_a_redemption_answer_maps_to_its_outcome(code: str) -> None:
    outcome = redemption_outcome(_envelope(code), "RL1")
    kind = expected_kind(code)
    if code in codes.REDEEMED:
        assert isinstance(outcome, Accepted) and outcome.amount == 2000
    elif kind is AnswerKind.REFUSED:  # 1307 included: this request redeemed nothing; the ledger reads whose it was
        assert isinstance(outcome, Rejected) and outcome.code == code
        assert outcome.status is (RewardStatus.NOT_WON if code == codes.NOT_WINNING else RewardStatus.FAILED)
        assert outcome.retryable is codes.describe(code).retry_safe
    else:  # may have happened, and a success code that is not a redemption: the ticket stays held
        assert isinstance(outcome, Unknown)
        assert code in outcome.reason


@pytest.mark.parametrize("code", ["1001", "1002", "1", "32", "1025", "1043", "1044"])
def test_codes_that_may_hide_a_redemption_keep_the_reward_unknown(code: str) -> None:
    """Issue 10: these were recorded as final refusals, releasing a ticket the gateway may have paid."""
    assert isinstance(redemption_outcome(GatewayReply(success=False, ret=code, msg=""), "RL1"), Unknown)


def test_codes_from_outside_the_tables_are_known_too() -> None:
    assert codes.describe("3202").table == "lottery"  # §8.9: no redemption record
    assert codes.describe("1101") in codes.CODES.values()  # login success seen in a real client


def test_lottery_table_redemption_outcomes() -> None:
    assert {"1301", "1302"} == codes.REDEEMED
    assert (codes.ALREADY_REDEEMED, codes.NOT_WINNING, codes.OVER_LIMIT) == ("1307", "1305", "1304")
    assert codes.describe("1005").retry_safe  # station busy (§7): nothing was processed


def test_token_refusals_mean_log_in_again() -> None:
    """§8 names 1021, 27 and 28; 16 (no token), 17 (invalid token) and 1016 (log in first) refuse it too."""
    assert {"1021", "27", "28", "16", "17", "1016"} == codes.RELOGIN_CODES
    assert all(codes.describe(code).relogin and codes.describe(code).retry_safe for code in codes.RELOGIN_CODES)
    assert {code for code, info in codes.CODES.items() if info.relogin} == codes.RELOGIN_CODES


def test_business_table_success_is_10000() -> None:
    assert {"10000", "1101"} == codes.SUCCESS_CODES
    assert codes.describe("10000").meaning_zh == "成功"


@pytest.mark.parametrize("code", ["4242", "", "13010"])
def test_a_code_the_seed_does_not_list_may_have_happened(code: str) -> None:
    info = codes.describe(code)
    assert (info.table, info.kind, info.retry_safe, info.relogin) == (
        "unknown", AnswerKind.MAY_HAVE_HAPPENED, False, False)
