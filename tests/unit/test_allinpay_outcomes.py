"""What a couponSend answer means for the reward: every code of the table has its kind (done, refused, may
have happened), the seed's sample answer is a success, and a resend refused at the envelope proves nothing."""

from __future__ import annotations

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.allinpay import codes
from providers.allinpay.codes import AnswerKind, CodeInfo
from providers.allinpay.outcomes import coupon_outcome
from providers.allinpay.wire import CouponAnswer
from tests.allinpay_seed import seed_request, seed_response

OUTCOME_OF_KIND = {AnswerKind.DONE: Accepted, AnswerKind.REFUSED: Rejected, AnswerKind.MAY_HAVE_HAPPENED: Unknown}
# Every row of the table, the msg rule for a duplicate orderId, and codes no table has.
EVERY_ROW: list[tuple[CodeInfo, str]] = [
    *((info, info.meaning_zh) for info in codes.CODES.values()),
    (codes.DUPLICATE_ORDER, codes.DUPLICATE_ORDER_MSG),
    *((codes.describe(code), "?") for code in (1, 2, 4, 500, 9100, 9106, -1, 10000)),
]


def answer_to(info: CodeInfo, msg: str, num: int) -> CouponAnswer:
    """An answer with this code and msg, listing `num` numbered coupons as a success would."""
    return CouponAnswer(code=int(info.code), msg=msg, tran_no="T1",
                        coupons=tuple({"couponNo": f"C{n}"} for n in range(num)))


@pytest.mark.parametrize(("info", "msg"), EVERY_ROW, ids=lambda value: getattr(value, "code", value))
def test_every_code_maps_to_its_kind(info: CodeInfo, msg: str) -> None:
    assert info.reason and info.meaning_en and info.meaning_zh
    assert codes.classify(int(info.code), msg) == info
    outcome = coupon_outcome(answer_to(info, msg, 2), "O1", 2)
    assert type(outcome) is OUTCOME_OF_KIND[info.kind]
    if isinstance(outcome, Rejected):
        assert (outcome.status, outcome.retryable, outcome.code) == (RewardStatus.FAILED, False, info.code)


def test_the_kinds_the_seed_and_the_sandbox_give() -> None:
    kinds = {code: info.kind for code, info in codes.CODES.items()}
    assert kinds == {"0": AnswerKind.DONE, "3": AnswerKind.REFUSED, "9101": AnswerKind.REFUSED,
                     "9102": AnswerKind.REFUSED, "9103": AnswerKind.REFUSED, "9104": AnswerKind.REFUSED,
                     "9105": AnswerKind.REFUSED}
    assert codes.describe(42).kind is AnswerKind.MAY_HAVE_HAPPENED


# ---- done: the seed's sample answer, and how its list is counted ----


def test_the_seeds_sample_answer_issues_the_ten_coupons_of_its_sample_request() -> None:
    printed = seed_response()
    qr = printed["data"]["list"][0]["qrCodeContext"]
    answer = CouponAnswer(code=printed["code"], msg="", tran_no=printed["data"]["tranNo"],
                          tran_date_time="2020-04-10T16:03:49+08:00", coupons=({"qrCodeContext": qr},))
    outcome = coupon_outcome(answer, "O1", int(seed_request()["num"]))
    assert outcome == Accepted(status=RewardStatus.ISSUED, amount=10,
                               refs={"orderId": "O1", "tranNo": "50806050005080208145"},
                               details={"coupons": [{"qrCodeContext": qr}] * 10,
                                        "tranDateTime": "2020-04-10T16:03:49+08:00"})


def test_one_entry_per_coupon_is_one_coupon_each() -> None:
    answer = CouponAnswer(code=0, msg="", tran_no="T1", coupons=({"couponNo": "C1"}, {"couponNo": "C2"}))
    outcome = coupon_outcome(answer, "O1", 2)
    assert isinstance(outcome, Accepted) and outcome.details["coupons"] == [{"couponNo": "C1"}, {"couponNo": "C2"}]


@pytest.mark.parametrize("answer", [
    CouponAnswer(code=0, msg="", tran_no=None, coupons=({"couponNo": "C1"},)),
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=()),
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=({"couponNo": "C1"}, {"couponNo": "C2"})),  # 2 for 3
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=tuple({"couponNo": f"C{n}"} for n in range(4))),  # 4 for 3
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=({"couponNo": "C1"},), unreadable_coupons=1),
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=(), unreadable_coupons=1),
])
def test_a_success_whose_list_cannot_be_matched_to_the_coupons_is_unknown(answer: CouponAnswer) -> None:
    assert isinstance(coupon_outcome(answer, "O1", 3), Unknown)


# ---- refused, and what a resend's refusal says ----


def test_code_3_is_a_final_refusal_with_the_gateways_reason() -> None:
    assert coupon_outcome(CouponAnswer(code=3, msg="券模板不存在"), "O1", 1) == Rejected(
        code="3", message="券模板不存在", retryable=False, status=RewardStatus.FAILED)


def test_an_envelope_refusal_is_final_with_the_gateways_msg_or_the_tables_meaning() -> None:
    assert coupon_outcome(CouponAnswer(code=codes.SIGNATURE_INVALID, msg="验签失败"), "O1", 1) == Rejected(
        code="9103", message="验签失败", retryable=False, status=RewardStatus.FAILED)
    refused = coupon_outcome(CouponAnswer(code=codes.APP_ID_INVALID, msg=""), "O1", 1)
    assert isinstance(refused, Rejected) and refused.message == "unknown appId (sandbox code)"


@pytest.mark.parametrize("code", sorted(codes.REFUSED_BEFORE_PROCESSING))
def test_a_resend_refused_at_the_envelope_is_unknown_because_the_first_send_may_have_issued(code: int) -> None:
    assert isinstance(coupon_outcome(CouponAnswer(code=code, msg="x"), "O1", 1, resend=True), Unknown)


def test_a_resend_refused_with_code_3_is_final_because_the_order_id_was_looked_up_first() -> None:
    assert isinstance(coupon_outcome(CouponAnswer(code=3, msg="券库存不足"), "O1", 1, resend=True), Rejected)
    assert isinstance(coupon_outcome(CouponAnswer(code=3, msg="订单号重复"), "O1", 1, resend=True), Unknown)


# ---- may have happened ----


def test_code_3_duplicate_order_id_is_unknown_because_that_order_may_have_issued() -> None:
    assert isinstance(coupon_outcome(CouponAnswer(code=3, msg="订单号重复"), "O1", 1), Unknown)


def test_no_answer_is_unknown() -> None:
    assert isinstance(coupon_outcome(None, "O1", 1), Unknown)


# ---- the tenant's refusedBeforeProcessingCodes ----


def test_the_tenants_envelope_codes_replace_the_sandboxes() -> None:
    real_gateway = frozenset({40001})
    named = codes.classify(40001, "", real_gateway)
    assert named.kind is AnswerKind.REFUSED and "refusedBeforeProcessingCodes" in named.reason
    left_out = codes.classify(codes.SIGNATURE_INVALID, "验签失败", real_gateway)
    assert left_out.kind is AnswerKind.MAY_HAVE_HAPPENED and "refusedBeforeProcessingCodes" in left_out.reason
    assert isinstance(coupon_outcome(CouponAnswer(code=40001, msg="x"), "O1", 1,
                                     refused_before_processing=real_gateway), Rejected)
    assert isinstance(coupon_outcome(CouponAnswer(code=9103, msg="x"), "O1", 1,
                                     refused_before_processing=real_gateway), Unknown)


def test_the_seeds_codes_keep_their_meaning_whatever_the_tenant_names() -> None:
    assert codes.classify(0, "", frozenset({0, 3})).kind is AnswerKind.DONE
    assert codes.classify(3, "券库存不足", frozenset()).kind is AnswerKind.REFUSED
