"""UnionPay's code table: every code's kind, with its reason, is the outcome the adapter gives an answer
carrying it; PROTOCOLS.md §0's published codes are all in it; an unlisted one may have happened."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.unionpay import codes
from providers.unionpay.codes import AnswerKind
from providers.unionpay.outcomes import draw_outcome
from providers.unionpay.wire import parse_response
from tests.unionpay_seed import UNSIGNED, protocols_quote, seed_award_answer

OUTCOME_OF_KIND = {AnswerKind.DONE: Accepted, AnswerKind.REFUSED: Rejected, AnswerKind.MAY_HAVE_HAPPENED: Unknown}


def answer_with(code: str) -> bytes:
    """A success as the seed prints it; any other code as PROTOCOLS.md §0's live refusal."""
    answer: dict[str, Any] = seed_award_answer() if code == codes.SUCCESS else {"resp": code, "msg": "…", "params": {}}
    return json.dumps(answer, ensure_ascii=False).encode()


@pytest.mark.parametrize("code", sorted(codes.CODES))
def test_each_codes_kind_is_the_outcome_of_an_answer_carrying_it(code: str) -> None:
    info = codes.describe(code)
    assert info.reason and info.meaning_en.isascii()
    outcome = draw_outcome(parse_response(200, answer_with(code), UNSIGNED), "T0001")
    assert type(outcome) is OUTCOME_OF_KIND[info.kind], (code, outcome)
    if isinstance(outcome, Rejected):
        assert outcome.status is RewardStatus.FAILED and outcome.retryable is info.retry_safe
    # Only a refusal can be tried again: a draw that may have happened is settled, never repeated blindly.
    assert not info.retry_safe or info.kind is AnswerKind.REFUSED


def test_the_retry_safe_codes_are_the_envelope_ones_protocols_says_to_try_again() -> None:
    safe = {code for code, info in codes.CODES.items() if info.retry_safe}
    assert safe == {"a10", "BC0024", "BC2127", "N62127"}
    quote = protocols_quote("codes")
    assert "`a10` invalid or expired backend_token (re-fetch)" in quote
    assert "`BC0024` 非法请求 (illegal request: check the timestamp)" in quote


def test_every_code_protocols_publishes_is_in_the_table() -> None:
    published = set(re.findall(r"`([A-Za-z0-9]+)`", protocols_quote("codes"))) - {"N62100", "N62143"}
    assert published <= set(codes.CODES)
    assert {codes.CODES[code].table for code in published} == {"published"}


@pytest.mark.parametrize("code", ["N62100", "N62115", "N62143"])
def test_the_missing_parameter_range_is_refused(code: str) -> None:
    assert codes.describe(code).kind is AnswerKind.REFUSED


@pytest.mark.parametrize("code", ["N62099", "N62144", "N6210", "ZZ999", "", "0"])
def test_a_code_outside_the_table_may_have_happened(code: str) -> None:
    info = codes.describe(code)
    assert (info.table, info.kind, info.retry_safe) == ("unknown", AnswerKind.MAY_HAVE_HAPPENED, False)


def test_the_sandboxs_own_codes_cannot_be_taken_for_real_ones() -> None:
    invented = {code for code, info in codes.CODES.items() if info.table == "sandbox"}
    assert invented == {"SBX001", "SBX002", "SBX003", "SBX004"}
    # Only the sandbox's order of checks is known: a published refusal never proves a resend found nothing.
    assert {code for code, info in codes.CODES.items() if info.after_replay_check} == {codes.NO_QUALIFICATION}
