"""A provider's refusal reads in English (its code and the code's meaning from the provider's table) and
keeps the provider's own words in `details`."""

from __future__ import annotations

from api.provider_refusals import allinpay_refusal, lottery_refusal, lottery_ticket_refusal, unionpay_refusal
from providers.allinpay import codes as allinpay_codes
from providers.instant_lottery import codes as lottery_codes


def test_an_allinpay_code_3_is_translated_from_its_msg_and_the_msg_is_kept():
    error = allinpay_refusal(3, "券模板不存在").user_error()
    assert (error.code, error.message, error.field) == (
        "PROVIDER_REJECTED", "Allinpay refused: 3 (coupon template does not exist)", None)
    assert error.details == {"provider": "allinpay", "code": "3", "providerMessage": "券模板不存在"}


def test_every_reason_the_allinpay_sandbox_gives_has_english():
    reasons = ["shopId和shopCode必输一项", "券类型错误: 1-电子券 2-纸质券", "sourceType存在时sourceValue必填",
               "券模板不存在", "券库存不足", "idType存在时memberId必填", "memberId须与idType同时输入",
               "发券数量必须为正整数", "会员账号类型错误: 1-手机号 2-会员卡号 3-Openid 5-外部ID",
               allinpay_codes.DUPLICATE_ORDER_MSG]
    assert all(allinpay_codes.refusal_reason_en(reason) for reason in reasons)
    assert allinpay_codes.refusal_reason_en("单次发券数量不能超过1000") == "at most 1000 coupons per order"
    assert allinpay_codes.refusal_reason_en("缺少必填参数orderId") == "required parameter orderId is missing"


def test_an_untranslated_reason_keeps_the_codes_meaning_and_an_unknown_code_says_so():
    assert allinpay_refusal("3", "某个新原因").message() == "Allinpay refused: 3 (refused; the reason is in msg)"
    assert allinpay_refusal("3", "某个新原因").details()["providerMessage"] == "某个新原因"
    assert allinpay_refusal("9103", "验签失败").message() == \
        "Allinpay refused: 9103 (signature check failed (sandbox code))"
    assert allinpay_refusal("4242", "").message() == "Allinpay refused: 4242 (unknown code)"
    assert allinpay_refusal("4242", "").details()["providerMessage"] is None


def test_unionpay_meanings_leave_out_its_chinese_msg():
    refusal = unionpay_refusal("BC0025", "验签失败 signature check failed")
    assert refusal.message() == "UnionPay refused: BC0025 (signature check failed)"
    assert refusal.details() == {"provider": "unionpay", "code": "BC0025",
                                 "providerMessage": "验签失败 signature check failed"}
    assert unionpay_refusal("S52172", None).message() == \
        "UnionPay refused: S52172 (illegal access-party code (activity mismatch))"
    assert unionpay_refusal("ZZ999", "?").message() == "UnionPay refused: ZZ999 (unknown code)"


def test_lottery_refusals_name_the_gateway_and_a_tickets_refusal_keeps_the_gateways_text_for_its_code():
    info = lottery_codes.describe("1304")
    error = lottery_ticket_refusal("1304").user_error(field=["input", "barCode"], refused_what="the ticket")
    assert error.message == f"The lottery gateway refused the ticket: 1304 ({info.meaning_en})"
    assert error.details == {"provider": "instant-lottery", "code": "1304", "providerMessage": info.meaning_zh}
    assert error.field == ["input", "barCode"]
    assert lottery_refusal("99999", "奇怪").message() == "The lottery gateway refused: 99999 (unknown code)"
