"""Reading qual.reduce answers as the seed prints them (awardInfo at the top level) and as PROTOCOLS.md §0
does (under params), and what each means for the reward: a prize only when it can be read, never a blank
guessed from a success that shows none."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.unionpay import codes
from providers.unionpay.outcomes import draw_outcome
from providers.unionpay.wire import DrawAnswer, parse_response
from tests.unionpay_seed import (
    UNSIGNED,
    in_protocols_envelope,
    printed_success,
    protocols_quote,
    refused_answer,
    seed_award_answer,
)


def read(answer: dict[str, Any]) -> DrawAnswer:
    parsed = parse_response(200, json.dumps(answer, ensure_ascii=False).encode(), UNSIGNED)
    assert parsed is not None
    return parsed


def outcome_of(answer: dict[str, Any], *, resend: bool = False) -> Any:
    return draw_outcome(read(answer), "T0001", resend=resend)


# ---- a prize, where each source puts it ----


def test_a_prize_as_the_seed_prints_it_top_level_is_issued() -> None:
    outcome = outcome_of(seed_award_answer())
    assert isinstance(outcome, Accepted) and outcome.status is RewardStatus.ISSUED and outcome.amount == 188
    assert outcome.refs == {"transNumber": "T0001"}
    assert outcome.details["awardName"] == "1.88元红包" and outcome.details["respTime"] == "20240601120000"


def test_a_prize_under_params_as_protocols_prints_it_is_issued_the_same() -> None:
    assert "`params` holds `respCode, respTime(yyyyMMddHHmmss), transNumber, awardInfo" in protocols_quote("envelope")
    assert outcome_of(in_protocols_envelope(seed_award_answer())) == outcome_of(seed_award_answer())


def test_a_mall_coupon_names_its_coupon() -> None:
    answer = seed_award_answer(awardType="07", awardValue="2", awardName="满50减10", extAcctId="CPN-9",
                               extAcctName="满50减10券", couponStartDate="20240601", couponEndDate="20240630")
    outcome = outcome_of(answer)
    assert isinstance(outcome, Accepted) and outcome.amount == 2
    assert (outcome.details["extAcctId"], outcome.details["couponEndDate"]) == ("CPN-9", "20240630")


def test_an_integer_award_value_is_read_too() -> None:
    answer = seed_award_answer()
    answer["awardInfo"]["awardValue"] = 188
    assert isinstance(outcome_of(answer), Accepted)


# ---- a success whose prize cannot be read: may have won ----


def test_the_seeds_printed_success_without_award_info_is_unknown_not_a_blank() -> None:
    assert printed_success() == {"resp": "00"}
    assert isinstance(outcome_of(printed_success()), Unknown)


def test_protocols_envelope_with_empty_params_is_unknown() -> None:
    assert isinstance(outcome_of({"resp": "00", "msg": "成功", "params": {}}), Unknown)


@pytest.mark.parametrize("award", [{}, [], "06", None, {"awardType": "06"}, {"awardType": "08", "awardValue": "1"},
                                   {"awardType": "06", "awardValue": "1.88"}, {"awardType": "06", "awardValue": "0"},
                                   {"awardType": "06", "awardValue": -5}, {"awardType": "06", "awardValue": True}])
def test_an_award_info_that_cannot_be_read_is_unknown(award: Any) -> None:
    answer = seed_award_answer()
    answer["awardInfo"] = award
    assert isinstance(outcome_of(answer), Unknown)


def test_a_mall_coupon_without_its_coupon_id_is_unknown() -> None:
    assert isinstance(outcome_of(seed_award_answer(awardType="07", awardValue="2", extAcctId="")), Unknown)


def test_top_level_and_params_that_disagree_are_unknown() -> None:
    answer = seed_award_answer()
    both = {**answer, "params": in_protocols_envelope(seed_award_answer(awardValue="500"))["params"]}
    assert isinstance(outcome_of(both), Unknown)
    agreeing = {**answer, "params": in_protocols_envelope(answer)["params"]}
    assert isinstance(outcome_of(agreeing), Accepted)


def test_a_prize_for_another_trans_number_is_unknown() -> None:
    assert isinstance(outcome_of(seed_award_answer("T9999")), Unknown)
    answer = seed_award_answer()
    del answer["transNumber"]  # not echoed: the answer is still to our request
    assert isinstance(outcome_of(answer), Accepted)


# ---- refusals, blanks and unknown codes ----


def test_the_live_bc0024_is_a_retryable_refusal() -> None:
    outcome = outcome_of(refused_answer())
    assert isinstance(outcome, Rejected) and outcome.code == codes.ILLEGAL_REQUEST and outcome.retryable
    assert outcome.status is RewardStatus.FAILED and outcome.message == refused_answer()["msg"]


def test_a_resend_refused_at_the_envelope_says_nothing_of_the_first_send() -> None:
    assert isinstance(outcome_of(refused_answer(), resend=True), Unknown)
    signature = {"resp": codes.SIGNATURE_INVALID, "msg": "验签失败", "params": {}}
    assert isinstance(outcome_of(signature, resend=True), Unknown)


def test_a_resend_refused_after_the_trans_number_was_looked_up_is_final() -> None:
    outcome = outcome_of({"resp": codes.NO_QUALIFICATION, "msg": "x", "params": {}}, resend=True)
    assert isinstance(outcome, Rejected) and not outcome.retryable


def test_the_sandboxs_blank_is_not_won() -> None:
    outcome = outcome_of({"resp": codes.NO_AWARD, "msg": "未中奖", "params": {}})
    assert outcome == Accepted(status=RewardStatus.NOT_WON, amount=0, refs={"transNumber": "T0001"}, details={})


@pytest.mark.parametrize("code", ["ZZ999", "GCUP99999", "N62050", "9999"])
def test_a_code_no_source_explains_may_have_happened(code: str) -> None:
    for resend in (False, True):
        outcome = outcome_of({"resp": code, "msg": "?", "params": {}}, resend=resend)
        assert isinstance(outcome, Unknown) and "nothing tells that nothing was drawn" in outcome.reason


def test_no_answer_is_unknown() -> None:
    assert isinstance(draw_outcome(None, "T0001"), Unknown)
    for status, body in ((200, b"<html>502</html>"), (400, b"{}"), (200, b"[]"), (200, b'{"msg": "x"}')):
        assert parse_response(status, body, UNSIGNED) is None
