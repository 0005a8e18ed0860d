"""Every code and status of the red packet platform is one of three kinds of answer (issue 10), and the
adapter treats it as that kind: done (Accepted), refused before anything happened (Rejected), may have
happened (Unknown). A code no document explains may have happened. Without I/O."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.red_packet import codes
from providers.red_packet.codes import AnswerKind
from providers.red_packet.records import SendAnswer
from providers.red_packet.wire import parse_reply, record_from_row, record_outcome, resend_outcome, send_answer
from tests.red_packet_seed import protocols_quote, seed_answer, seed_params

DONE, REFUSED, MAYBE = AnswerKind.DONE, AnswerKind.REFUSED, AnswerKind.MAY_HAVE_HAPPENED
# The kinds, written out again so that changing one in codes.py is a decision a test has to be told about.
ERRCODE_KINDS = {"0": DONE, "40001": REFUSED, "40003": MAYBE, "40004": REFUSED, "40100": MAYBE, "40101": MAYBE,
                 "50001": REFUSED}
FAIL_CODE_KINDS = {"NOTENOUGH": REFUSED, "SENDNUM_LIMIT": REFUSED, "SYSTEMERROR": MAYBE, "PROCESSING": MAYBE,
                   "NOT_FOUND": MAYBE, "FREQ_LIMIT": REFUSED, "SENDAMOUNT_LIMIT": REFUSED, "RCVDAMOUNT_LIMIT": REFUSED,
                   "SEND_FAILED": REFUSED, "MONEY_LIMIT": REFUSED, "NO_AUTH": REFUSED, "OPENID_ERROR": REFUSED,
                   "PARAM_ERROR": REFUSED, "FATAL_ERROR": MAYBE, "CA_ERROR": REFUSED, "SIGN_ERROR": REFUSED}
STATUS_KINDS = {1: REFUSED, 2: DONE, 3: DONE, 4: DONE, 5: DONE}


def reply(errcode: Any, data: Any = None) -> Any:
    parsed = parse_reply(200, json.dumps({"errcode": errcode, "errmsg": "", "data": data}).encode())
    assert parsed is not None
    return parsed


def scanned_row(**changes: Any) -> dict[str, Any]:
    return {**seed_answer("scan-send")["data"]["redpackData"], **changes}


def test_the_tables_hold_exactly_the_codes_whose_kinds_are_written_here() -> None:
    assert set(codes.ERRCODES) == set(ERRCODE_KINDS) and set(codes.FAIL_CODES) == set(FAIL_CODE_KINDS)
    assert set(codes.STATUSES) == set(STATUS_KINDS)
    for info in [*codes.ERRCODES.values(), *codes.FAIL_CODES.values(), *codes.STATUSES.values()]:
        assert info.why and info.meaning_zh and info.meaning_en  # every code says why it is its kind


@pytest.mark.parametrize(("code", "kind"), ERRCODE_KINDS.items())
def test_each_errcode_is_its_kind_for_every_sending_call(code: str, kind: AnswerKind) -> None:
    assert codes.describe_errcode(code).answer_kind is kind
    sent, resent = send_answer(reply(int(code), {"send": 1, "success": 1})), resend_outcome(reply(int(code)), "7")
    if kind is DONE:
        assert sent == SendAnswer(send=1, success=1)
    elif kind is REFUSED:
        assert isinstance(sent, SendAnswer) and sent.refusal is not None and sent.refusal.code == code
        assert (sent.send, sent.success) == (0, 0) and isinstance(resent, Rejected) and resent.code == code
    else:
        assert isinstance(sent, Unknown) and isinstance(resent, Unknown)
        assert codes.describe_errcode(code).why in sent.reason  # the reward keeps why it is open


@pytest.mark.parametrize(("fail_code", "kind"), FAIL_CODE_KINDS.items())
def test_each_fail_code_of_a_failed_packet_is_its_kind(fail_code: str, kind: AnswerKind) -> None:
    assert codes.describe_fail_code(fail_code).answer_kind is kind
    record = record_from_row(scanned_row(status=1, fail_code=fail_code))
    assert record is not None
    outcome = record_outcome(record)
    if kind is REFUSED:  # WeChat refused before paying: the hold may be released
        assert record.reward_status is RewardStatus.FAILED
        assert isinstance(outcome, Rejected) and outcome.code == fail_code
        assert outcome.retryable == codes.FAIL_CODES[fail_code].retry_safe
    else:  # it may have been paid: the hold stays until a refresh says more
        assert record.reward_status is RewardStatus.UNKNOWN and isinstance(outcome, Unknown)


@pytest.mark.parametrize("fail_code", sorted(FAIL_CODE_KINDS))
def test_a_fail_code_on_a_packet_that_did_not_fail_is_informational(fail_code: str) -> None:
    record = record_from_row(scanned_row(status=2, fail_code=fail_code))  # the seed's own sample: 2 + NOTENOUGH
    assert record is not None and record.reward_status is RewardStatus.ISSUED
    assert isinstance(record_outcome(record), Accepted)


@pytest.mark.parametrize(("status", "kind"), STATUS_KINDS.items())
def test_each_status_is_its_kind(status: int, kind: AnswerKind) -> None:
    assert codes.describe_status(status).answer_kind is kind
    record = record_from_row(scanned_row(status=status, fail_code=""))
    assert record is not None
    outcome = record_outcome(record)
    expected = {DONE: Accepted, REFUSED: Rejected}[kind]
    assert isinstance(outcome, expected) and outcome.status is codes.STATUSES[status].reward_status


@pytest.mark.parametrize("code", ["99999", "-1", "40002", "ERR"])
def test_an_errcode_no_document_explains_may_have_happened(code: str) -> None:
    assert codes.describe_errcode(code).answer_kind is MAYBE
    assert isinstance(send_answer(reply(code)), Unknown)


@pytest.mark.parametrize("fail_code", ["SOMETHING_NEW", "ERROR"])
def test_a_fail_code_no_document_explains_may_have_happened(fail_code: str) -> None:
    record = record_from_row(scanned_row(status=1, fail_code=fail_code))
    assert record is not None and record.reward_status is RewardStatus.UNKNOWN
    assert isinstance(record_outcome(record), Unknown)


@pytest.mark.parametrize("status", [0, 6, 99, -1])
def test_a_status_the_seed_does_not_name_may_have_happened(status: int) -> None:
    assert codes.describe_status(status).answer_kind is MAYBE
    record = record_from_row(scanned_row(status=status))
    assert record is not None and isinstance(record_outcome(record), Unknown)


def test_the_refused_errcodes_are_the_ones_protocols_explains() -> None:
    """PROTOCOLS §4 invents 40001, 40004 and 50001 as refusals; the others are only the sandbox's."""
    explained = set(re.findall(r"`(\d+)`", protocols_quote("invented_codes")))
    assert explained == {"40001", "40004", "50001"}
    assert {code for code, kind in ERRCODE_KINDS.items() if kind is REFUSED} == explained


def test_the_statuses_are_the_seeds() -> None:
    printed = seed_params("list-sends")["status"].meaning  # 发放状态：1发放失败，2未领取，3已领取，4已退款，5发放中
    named = dict((int(number), name) for number, name in re.findall(r"(\d)(\w+?)(?:，|$)", printed.split("：")[1]))
    assert named == {status: info.meaning_zh for status, info in codes.STATUSES.items()}
    quoted = dict(re.findall(r"`(\d)` (\S+)", protocols_quote("statuses")))
    assert {int(k): v for k, v in quoted.items()} == named


@pytest.mark.parametrize(("code", "quote"), [("NOTENOUGH", "notenough"), ("PROCESSING", "processing"),
                                             ("NOT_FOUND", "not_found")])
def test_the_wechat_meanings_are_the_ones_protocols_quotes(code: str, quote: str) -> None:
    assert f'"{codes.FAIL_CODES[code].meaning_zh}"' in protocols_quote(quote)


def test_a_tenant_may_name_its_platforms_refusals() -> None:
    """`refusedErrcodes`: a code the tenant names is a refusal; one it leaves out may have happened."""
    named = frozenset({"40100"})
    refused = send_answer(reply(40100), named)
    assert isinstance(refused, SendAnswer) and refused.refusal is not None and refused.refusal.code == "40100"
    assert isinstance(send_answer(reply(50001), named), Unknown)
    assert isinstance(resend_outcome(reply(40100), "7", named), Rejected)
    assert send_answer(reply(0, {"send": 1, "success": 1}), frozenset()) == SendAnswer(send=1, success=1)
