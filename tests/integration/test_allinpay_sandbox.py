"""The Allinpay sandbox behaves like the gateway of seed 002 and keeps the shared `/_control` contract."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from ledger.ports import Accepted
from providers import registry
from providers.allinpay import codes
from providers.allinpay.client import AllinpayClient, CouponSendRequest
from providers.allinpay.sandbox import create_sandbox_app
from providers.allinpay.settings import parse_settings
from providers.allinpay.signing import sign_request
from providers.allinpay.wire import request_form
from tests.allinpay_support import TEMPLATE, AllinpaySandbox, coupon_biz
from tests.support import served


@pytest.fixture(autouse=True)
def _start_from_an_empty_database() -> None:
    """Overrides the directory's autouse fixture: these tests talk to the sandbox only, not the database."""


@pytest_asyncio.fixture(scope="module")
async def sandbox_url() -> AsyncIterator[str]:
    async with served(create_sandbox_app()) as url:
        yield url


@pytest_asyncio.fixture
async def sandbox(sandbox_url: str) -> AsyncIterator[AllinpaySandbox]:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as http:
        sandbox = AllinpaySandbox(http)
        await sandbox.reset()
        await sandbox.template(stock=10)
        yield sandbox


@pytest_asyncio.fixture
async def config(sandbox: AllinpaySandbox) -> dict[str, Any]:
    return await sandbox.config()


# ---- the control contract ----


async def test_config_connects_a_tenant_to_this_sandbox(config: dict[str, Any], sandbox_url: str) -> None:
    assert set(config) == {"baseUrl", "appId", "privateKeyPem", "providerPublicKeyPem", "signVariant", "version"}
    assert config["baseUrl"] == f"{sandbox_url}/gateway"
    assert (config["appId"], config["signVariant"], config["version"]) == ("1581648210684", "MD5_RSA", "1.0")
    assert config["privateKeyPem"].startswith("-----BEGIN PRIVATE KEY-----")
    assert config["providerPublicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert parse_settings(config).base_url == config["baseUrl"]


@pytest.mark.parametrize(("path", "body"), [
    ("/_control/faults", {"mode": "meteor"}),
    ("/_control/faults", {"mode": "http500", "count": 0}),
    ("/_control/faults", {"mode": "timeout", "delaySeconds": -1}),
    ("/_control/faults", ["not", "an", "object"]),
    ("/_control/templates", {"couponTemplateId": "", "stock": 1}),
    ("/_control/templates", {"couponTemplateId": "307", "stock": -1}),
    ("/_control/templates", {"couponTemplateId": "307", "stock": "many"}),
    ("/_control/templates", {"couponTemplateId": "307", "stock": 1, "couponName": 5}),
    ("/_control/sign-variant", {"variant": "SHA1"}),
    ("/_control/clock", {"advanceSeconds": "soon"}),
    ("/_control/clock", {}),
    ("/_control/answer-format", {"tranDateTime": "epoch"}),
])
async def test_bad_control_input_is_a_400_with_a_json_error(sandbox: AllinpaySandbox, path: str, body: Any) -> None:
    response = await sandbox.http.post(path, json=body)
    assert response.status_code == 400 and "error" in response.json()
    garbled = await sandbox.http.post(path, content=b"{not json")
    assert garbled.status_code == 400 and "error" in garbled.json()


async def test_reset_forgets_orders_templates_faults_and_switches_but_keeps_the_keys(
        sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    assert await sandbox.code_of(config, coupon_biz("O-1")) == 0
    await sandbox.faults("http500", count=5)
    await sandbox.sign_variant("RSA")
    await sandbox.tran_date_time_as("string")
    await sandbox.reset()
    assert await sandbox.records() == {"orders": [], "calls": 0}
    after = await sandbox.config()
    assert after == config  # same keys and appId; the variant is back to MD5_RSA
    refused = await sandbox.raw_answer(after, coupon_biz("O-2"))  # no fault left, and no template either
    assert refused is not None and (refused.code, refused.msg) == (3, "券模板不存在")


async def test_records_list_issued_orders_and_count_every_gateway_call(sandbox: AllinpaySandbox,
                                                                       config: dict[str, Any]) -> None:
    await sandbox.raw_answer(config, coupon_biz("O-1", 2, idType="3", memberId="openid-1"))
    await sandbox.raw_answer(config, coupon_biz("O-2", 99))  # refused: not recorded, but counted
    await sandbox.faults("html")
    await sandbox.raw_answer(config, coupon_biz("O-3"))
    records = await sandbox.records()
    assert records["calls"] == 3
    [recorded] = records["orders"]
    assert {k: v for k, v in recorded.items() if k not in ("tranNo", "list")} == {
        "orderId": "O-1", "couponTemplateId": TEMPLATE, "num": 2, "memberId": "openid-1", "idType": "3"}
    assert len(recorded["tranNo"]) == 20 and recorded["tranNo"].isdigit()
    assert [sorted(c) for c in recorded["list"]] == [["couponName", "couponNo", "qrCodeContext", "templateId"]] * 2
    assert recorded["list"][0]["templateId"] == 307


async def test_a_fault_lasts_count_calls_and_none_clears_it(sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    await sandbox.faults("http500", count=2)
    assert await sandbox.raw_answer(config, coupon_biz("O-1")) is None
    assert await sandbox.raw_answer(config, coupon_biz("O-1")) is None
    assert await sandbox.code_of(config, coupon_biz("O-1")) == 0
    await sandbox.faults("html", count=3)
    await sandbox.faults("none")
    assert await sandbox.code_of(config, coupon_biz("O-1")) == 0


async def test_templates_set_the_stock(sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    await sandbox.template(stock=0)
    refused = await sandbox.raw_answer(config, coupon_biz("O-1"))
    assert refused is not None and refused.msg == "券库存不足"
    await sandbox.template("A-9", stock=1, couponName="满100减10")
    issued = await sandbox.raw_answer(config, {**coupon_biz("O-2"), "couponTemplateId": "A-9"})
    assert issued is not None and issued.data["list"][0]["couponName"] == "满100减10"
    assert issued.data["list"][0]["templateId"] == "A-9"  # not a number, so kept as text


# ---- the envelope ----


async def test_every_answer_is_signed_by_the_gateway_even_a_refusal(sandbox: AllinpaySandbox,
                                                                    config: dict[str, Any]) -> None:
    refused = await sandbox.raw_answer(config, coupon_biz("O-1"), appId="someone-else")
    assert refused is not None and refused.code == codes.APP_ID_INVALID  # verified, so it is the gateway's


@pytest.mark.parametrize(("changes", "code"), [
    ({"method": "allinpay.shopoint.couponService.couponQuery"}, codes.METHOD_UNKNOWN),
    ({"version": "2.0"}, codes.PARAMS_INVALID),
    ({"format": "XML"}, codes.PARAMS_INVALID),
    ({"signType": "RSA"}, codes.PARAMS_INVALID),
    ({"bizContent": "[1, 2]"}, codes.PARAMS_INVALID),
    ({"bizContent": "{not json"}, codes.PARAMS_INVALID),
    ({"timestamp": "2026/11/24 12:00"}, codes.TIMESTAMP_INVALID),
])
async def test_envelope_refusals(sandbox: AllinpaySandbox, config: dict[str, Any], changes: dict[str, str],
                                 code: int) -> None:
    answer = await sandbox.raw_answer(config, coupon_biz("O-1"), **changes)
    assert answer is not None and answer.code == code and answer.msg
    assert (await sandbox.records())["orders"] == []


async def test_a_missing_or_changed_sign_is_refused(sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    form = request_form(parse_settings(config), coupon_biz("O-1"), datetime.now(UTC))
    unsigned = {name: value for name, value in form.items() if name != "sign"}
    changed = {**form, "bizContent": form["bizContent"].replace('"num":"1"', '"num":"5"')}
    for bad in (unsigned, changed):
        answer = await sandbox.post_form(config, bad)
        assert answer is not None and answer.code == codes.SIGNATURE_INVALID
    assert (await sandbox.records())["orders"] == []


@pytest.mark.parametrize(("skew_s", "accepted"), [(0, True), (9 * 60, True), (-9 * 60, True), (11 * 60, False),
                                                  (-11 * 60, False)])
async def test_timestamp_window_is_ten_minutes_of_the_sandbox_clock(sandbox: AllinpaySandbox, config: dict[str, Any],
                                                                    skew_s: int, accepted: bool) -> None:
    await sandbox.advance_clock(3600)  # the window follows the sandbox's clock, not the wall clock
    moment = datetime.now(UTC) + timedelta(seconds=3600 + skew_s)
    answer = await sandbox.raw_answer(config, coupon_biz("O-1"), moment=moment)
    assert answer is not None and answer.code == (0 if accepted else codes.TIMESTAMP_INVALID)


@pytest.mark.parametrize(("extra", "reason"), [
    ({"memberId": "13800138000"}, "memberId须与idType同时输入"),
    ({"idType": "4", "memberId": "x"}, "会员账号类型错误: 1-手机号 2-会员卡号 3-Openid 5-外部ID"),
    ({"sourceType": "1"}, "sourceType存在时sourceValue必填"),
    ({"couponType": "3"}, "券类型错误: 1-电子券 2-纸质券"),
    ({"num": "1.5"}, "发券数量必须为正整数"),
    ({"num": "1001"}, "单次发券数量不能超过1000"),
    ({"operUserId": ""}, "缺少必填参数operUserId"),
])
async def test_more_code_3_rules(sandbox: AllinpaySandbox, config: dict[str, Any], extra: dict[str, str],
                                 reason: str) -> None:
    answer = await sandbox.raw_answer(config, coupon_biz("O-1", **extra))
    assert answer is not None and (answer.code, answer.msg) == (3, reason)


async def test_the_rsa_variant_signs_answers_in_rsa_too(sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    await sandbox.sign_variant("RSA")
    rsa_config = {**config, "signVariant": "RSA"}
    assert await sandbox.code_of(rsa_config, coupon_biz("O-1")) == 0
    form = request_form(parse_settings(rsa_config), coupon_biz("O-2"), datetime.now(UTC))
    form["sign"] = sign_request(form, config["privateKeyPem"], "RSA")
    response = await sandbox.http.post(config["baseUrl"], data=form)
    assert response.status_code == 200 and response.json()["code"] == 0
    assert await sandbox.post_form(config, form) is None  # an MD5_RSA reader cannot verify an RSA answer


# ---- where it runs ----


async def test_the_registry_knows_the_provider() -> None:
    assert "allinpay" in registry.provider_names()
    module = registry.module("allinpay")
    assert (module.name, module.secret_fields, module.build) == ("allinpay", ("privateKeyPem",), AllinpayClient)
    assert isinstance(module.sandbox(), Litestar)


async def test_mounted_like_the_demo_it_answers_at_the_mount_root_and_at_gateway() -> None:
    from api.demo import sandbox_mounts  # the demo's own mounting, so this test follows it

    handlers, _ = sandbox_mounts()
    host = Litestar(route_handlers=handlers, openapi_config=None, logging_config=None)
    async with served(host) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        config = (await http.get("/sandboxes/allinpay/_control/config")).json()
        assert config["baseUrl"] == f"{url}/sandboxes/allinpay/gateway"
        await http.post("/sandboxes/allinpay/_control/templates", json={"couponTemplateId": "307", "stock": 5})
        request = CouponSendRequest(order_id="O-1", coupon_template_id="307", num=1, coupon_type="1",
                                    oper_user_id="1", shop_id="1")
        for base_url in (config["baseUrl"], f"{url}/sandboxes/allinpay"):  # the demo configures the mount root
            client = AllinpayClient(1, parse_settings({**config, "baseUrl": base_url}), http)
            assert isinstance(await client.send_coupons(request), Accepted)
