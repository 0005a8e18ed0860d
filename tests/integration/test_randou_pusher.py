"""The Randou pusher sandbox against a tiny receiver served over real HTTP: it sends the seed's samples
(tests/fixtures/seeds/randou/) in the seed's shape, every tamper mode produces a push the verifier
refuses, a non-`success` reply is retried, and GET, a POSTed form and a POSTed JSON body all arrive signed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar, Request, Response, route

from providers.randou.push_body import is_json_content_type, params_from_json_body
from providers.randou.sandbox import create_sandbox_app
from providers.randou.settings import parse_settings
from providers.randou.webhook import PushRefusal, check_age, check_push, merge_params, parse_push
from tests.randou_support import COMMON_PARAMS, as_text, seed_push, seed_push_names
from tests.support import served

CREDITS_WON = seed_push("credits-received")


@pytest.fixture(autouse=True)
def _start_from_an_empty_database() -> None:
    """Overrides the directory's autouse fixture: these tests use no database."""


@dataclass
class Receiver:
    """A developer's webhook: checks each push like the ledger would, and answers as scripted."""

    settings: Any = None
    fail_first: int = 0
    got: list[dict[str, Any]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)

    def app(self) -> Litestar:
        @route("/hook", http_method=["GET", "POST"], status_code=200)
        async def hook(request: Request) -> Response:
            if request.method == "GET":
                body: dict[str, Any] = {}
            elif is_json_content_type(request.headers.get("content-type", "")):
                body = params_from_json_body(await request.body())
            else:
                body = dict(await request.form())
            params = merge_params(dict(request.query_params), body)
            refusal: str | None = check_push(params, self.settings)
            if refusal is None:  # every push here is new to this receiver, so its age counts
                refusal = check_age(parse_push(params), self.settings, datetime.now(UTC))
            nonce = params.get("nonce_str", "")
            if refusal is None and nonce in self.nonces:
                refusal = "REUSED_NONCE"
            self.got.append({"method": request.method, "params": params, "refusal": refusal,
                             "contentType": request.headers.get("content-type", "")})
            if refusal is not None:
                return Response("fail", status_code=400, media_type="text/plain")
            self.nonces.add(nonce)
            if self.fail_first > 0:
                self.fail_first -= 1
                return Response("fail", status_code=200, media_type="text/plain")
            return Response("success", status_code=200, media_type="text/plain")

        return Litestar(route_handlers=[hook], openapi_config=None, logging_config=None)


@pytest_asyncio.fixture(scope="module")
async def pusher_url() -> AsyncIterator[str]:
    async with served(create_sandbox_app()) as url:
        yield url


@pytest_asyncio.fixture(scope="module")
async def receiver_served() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    async with served(receiver.app()) as url:
        yield receiver, url + "/hook"


@pytest_asyncio.fixture
async def pusher(pusher_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=pusher_url, timeout=20) as http:
        assert (await http.post("/_control/reset")).status_code == 200
        yield http


@pytest_asyncio.fixture
async def receiver(receiver_served: tuple[Receiver, str], pusher: httpx.AsyncClient) -> Receiver:
    receiver = receiver_served[0]
    receiver.settings = parse_settings((await pusher.get("/_control/config")).json())
    receiver.fail_first = 0
    receiver.got.clear()
    receiver.nonces.clear()
    return receiver


@pytest.fixture
def hook_url(receiver_served: tuple[Receiver, str]) -> str:
    return receiver_served[1]


async def send(pusher: httpx.AsyncClient, hook_url: str, **body: Any) -> dict[str, Any]:
    response = await pusher.post("/_control/push", json={"webhookUrl": hook_url, "params": CREDITS_WON,
                                                         "backoffSeconds": 0.01, **body})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_config_connects_a_tenant(pusher: httpx.AsyncClient) -> None:
    config = (await pusher.get("/_control/config")).json()
    assert set(config) == {"appId", "appSecret", "acceptWindowSeconds", "timestampWindowSeconds"}
    assert (config["acceptWindowSeconds"], config["timestampWindowSeconds"]) == (86_400, 300)
    assert parse_settings(config).app_id == config["appId"]


@pytest.mark.parametrize("name", seed_push_names())
@pytest.mark.parametrize(("method", "body"), [("POST", "form"), ("POST", "json"), ("GET", "form")])
async def test_each_seed_sample_is_sent_in_the_seeds_shape(pusher: httpx.AsyncClient, receiver: Receiver,
                                                           hook_url: str, name: str, method: str, body: str) -> None:
    sample = seed_push(name)
    answer = await send(pusher, hook_url, params=sample, method=method, body=body)
    assert answer["delivered"], answer
    [got] = receiver.got
    assert set(answer["sent"]) == set(sample) | COMMON_PARAMS
    assert set(got["params"]) == set(sample) | COMMON_PARAMS and got["refusal"] is None
    assert {field: got["params"][field] for field in sample} == {field: as_text(sample[field]) for field in sample}
    assert ("json" in got["contentType"]) is (body == "json")
    parse_push(got["params"])  # well-formed by the webhook's own reading


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_signed_push_arrives_and_parses(pusher: httpx.AsyncClient, receiver: Receiver, hook_url: str,
                                                method: str) -> None:
    answer = await send(pusher, hook_url, method=method)
    assert (answer["status"], answer["body"], answer["attempts"], answer["delivered"]) == (200, "success", 1, True)
    [got] = receiver.got
    assert got["method"] == method and got["refusal"] is None
    assert len(got["params"]["nonce_str"]) == 20 and got["params"]["appid"] == receiver.settings.app_id
    draw = parse_push(got["params"])
    assert (draw.serial_no, draw.stage, draw.prize_type, draw.credits, draw.credits_gain) == (
        "I388364710157766657", "receive", "CREDITS", 10, 100)
    assert draw.raw["drawinggame_detail"]["title"] == "春季抽奖"


async def test_retries_with_a_fresh_nonce_until_success(pusher: httpx.AsyncClient, receiver: Receiver,
                                                        hook_url: str) -> None:
    receiver.fail_first = 2
    answer = await send(pusher, hook_url)
    assert (answer["status"], answer["body"], answer["attempts"]) == (200, "success", 3)
    assert [got["refusal"] for got in receiver.got] == [None, None, None]
    assert len({got["params"]["nonce_str"] for got in receiver.got}) == 3


async def test_gives_up_after_the_attempts_run_out(pusher: httpx.AsyncClient, receiver: Receiver,
                                                   hook_url: str) -> None:
    receiver.fail_first = 10
    answer = await send(pusher, hook_url, maxAttempts=2)
    assert (answer["status"], answer["body"], answer["attempts"], answer["delivered"]) == (200, "fail", 2, False)
    records = (await pusher.get("/_control/records")).json()["pushes"]
    assert [r["attempts"] for r in records] == [2]


@pytest.mark.parametrize("tamper, refusal", [
    ("bad_sign", PushRefusal.BAD_SIGN),
    ("wrong_appid", PushRefusal.WRONG_APPID),
    ("no_nonce", PushRefusal.MISSING_NONCE),
    ("stale", PushRefusal.STALE),
])
async def test_each_tamper_is_refused_on_every_attempt(pusher: httpx.AsyncClient, receiver: Receiver, hook_url: str,
                                                       tamper: str, refusal: PushRefusal) -> None:
    answer = await send(pusher, hook_url, tamper=tamper, method="GET" if tamper == "stale" else "POST")
    assert (answer["status"], answer["body"], answer["attempts"]) == (400, "fail", 3)
    assert [got["refusal"] for got in receiver.got] == [refusal] * 3


async def test_a_reused_nonce_is_caught_by_the_receiver(pusher: httpx.AsyncClient, receiver: Receiver,
                                                        hook_url: str) -> None:
    first = await send(pusher, hook_url)
    again = await send(pusher, hook_url, tamper="reused_nonce", maxAttempts=1)
    assert first["delivered"] and (again["status"], again["attempts"]) == (400, 1)
    assert again["sent"]["nonce_str"] == first["sent"]["nonce_str"]
    assert [got["refusal"] for got in receiver.got] == [None, "REUSED_NONCE"]


async def test_a_webhook_that_is_down_is_an_attempt_without_a_status(pusher: httpx.AsyncClient) -> None:
    async with served(Litestar(route_handlers=[], openapi_config=None, logging_config=None)) as url:
        dead = url
    answer = await send(pusher, dead + "/hook", maxAttempts=2)
    assert answer["status"] is None and answer["attempts"] == 2 and answer["body"]


@pytest.mark.parametrize("body", [
    {"params": {}},
    {"webhookUrl": "ftp://127.0.0.1/hook"},
    {"webhookUrl": "http://example.com/hook"},
    {"webhookUrl": "http://127.0.0.1:1/hook", "method": "PUT"},
    {"webhookUrl": "http://127.0.0.1:1/hook", "body": "xml"},
    {"webhookUrl": "http://127.0.0.1:1/hook", "method": "GET", "body": "json"},
    {"webhookUrl": "http://127.0.0.1:1/hook", "tamper": "loud"},
    {"webhookUrl": "http://127.0.0.1:1/hook", "tamper": "reused_nonce"},
    {"webhookUrl": "http://127.0.0.1:1/hook", "params": []},
    {"webhookUrl": "http://127.0.0.1:1/hook", "params": {"hit": None}},
    {"webhookUrl": "http://127.0.0.1:1/hook", "maxAttempts": 0},
    {"webhookUrl": "http://127.0.0.1:1/hook", "backoffSeconds": -1},
])
async def test_bad_control_input_is_a_400(pusher: httpx.AsyncClient, body: dict[str, Any]) -> None:
    response = await pusher.post("/_control/push", json=body)
    assert response.status_code == 400 and "error" in response.json()


async def test_bad_json_faults_and_reset(pusher: httpx.AsyncClient) -> None:
    assert (await pusher.post("/_control/push", content=b"{nope")).status_code == 400
    assert (await pusher.post("/_control/push", content=b"[1]")).status_code == 400
    faults = await pusher.post("/_control/faults", json={"mode": "timeout"})
    assert faults.status_code == 200 and faults.json()["mode"] == "none"
    assert (await pusher.post("/_control/faults", content=b"nope")).status_code == 400
    assert (await pusher.post("/_control/reset")).json() == {"reset": True}
    assert (await pusher.get("/_control/records")).json() == {"pushes": []}
