"""The shared HTTP policy over TLS: a provider's own CA bundle is trusted, hostnames (IP addresses) are still
checked, and a handshake our side refuses is a request that never left, with the certificate problem named;
the adapters end a first send there (NeverSent) and leave a resend Unknown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from ledger.ports import NeverSent, RewardSnapshot, Unknown
from providers import http_clients
from providers.allinpay.client import AllinpayClient
from providers.allinpay.settings import parse_settings as allinpay_settings
from providers.http import ProviderHttp, ProviderTransportError, Timeouts, TransportFailure
from providers.unionpay.client import DrawOrder, UnionPayClient
from providers.unionpay.settings import parse_settings as unionpay_settings
from tests.allinpay_support import order as coupon_order
from tests.support import sandbox_config, served
from tests.tls_support import PrivateCa, issue_server_certificate, make_ca

UNTRUSTED = "TLS: certificate verify failed: unable to get local issuer certificate"


async def _hello(scope: dict, receive: object, send: object) -> None:
    """The smallest ASGI app: every request is answered `ok`."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


@pytest.fixture(scope="module")
def ca() -> PrivateCa:
    return make_ca()


@pytest_asyncio.fixture(scope="module")
async def servers(ca: PrivateCa, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, str]]:
    """HTTPS on 127.0.0.1 with a good certificate, one for another address, and an expired one."""
    folder: Path = tmp_path_factory.mktemp("tls")
    good = issue_server_certificate(ca, folder)
    other_address = issue_server_certificate(ca, folder, ip="10.9.9.9")
    expired = issue_server_certificate(ca, folder, expired=True)
    async with served(_hello, ssl_certfile=good[0], ssl_keyfile=good[1]) as good_url, \
            served(_hello, ssl_certfile=other_address[0], ssl_keyfile=other_address[1]) as other_url, \
            served(_hello, ssl_certfile=expired[0], ssl_keyfile=expired[1]) as expired_url:
        yield {"good": good_url, "other_address": other_url, "expired": expired_url}
    await http_clients.close_all()


def provider_http(ca_bundle: str | None) -> ProviderHttp:
    return ProviderHttp("test-provider", http_clients.client_for(ca_bundle), Timeouts(connect_s=2, read_s=2))


async def test_a_certificate_for_the_ip_address_issued_by_the_bundles_ca_is_trusted(servers, ca):
    response = await provider_http(ca.pem).post_form("hello", servers["good"] + "/x", {"a": "1"})
    assert response.status_code == 200 and response.text == "ok"


@pytest.mark.parametrize(("server", "trusted", "problem"), [
    ("good", False, "unable to get local issuer certificate"),  # the system store knows no private CA
    ("other_address", True, "IP address mismatch"),
    ("expired", True, "certificate has expired"),
])
async def test_a_refused_certificate_is_a_request_that_never_left_naming_the_problem(
        servers, ca, caplog, server, trusted, problem):
    caplog.set_level(logging.INFO, logger="providers.calls")
    with pytest.raises(ProviderTransportError) as raised:
        await provider_http(ca.pem if trusted else None).post_form("hello", servers[server] + "/secret-path", {})
    error = raised.value
    assert error.failure is TransportFailure.NOT_SENT and error.tls_refused
    assert error.reason.startswith("TLS: certificate verify failed: ") and problem in error.reason
    [line] = [record.getMessage() for record in caplog.records if record.name == "providers.calls"]
    assert problem in line and "secret-path" not in line  # the reason is logged, the URL never


async def test_clients_are_shared_per_distinct_bundle_and_closed_together(ca):
    other = make_ca("Another CA")
    first, again, second = http_clients.client_for(ca.pem), http_clients.client_for(ca.pem), \
        http_clients.client_for(other.pem)
    system = http_clients.client_for(None)
    assert first is again and first is not second and system not in (first, second)
    await http_clients.close_all()
    assert first.is_closed and second.is_closed and system.is_closed
    assert not http_clients.client_for(ca.pem).is_closed  # made again on next use


async def test_a_first_coupon_send_refused_by_tls_never_left_and_its_resend_stays_unknown(servers):
    config = {**await sandbox_config("allinpay"), "baseUrl": servers["good"] + "/gateway"}
    client = AllinpayClient(1, allinpay_settings(config), http_clients.client_for(None))
    request = coupon_order()
    sent = await client.send_coupons(request)
    assert isinstance(sent, NeverSent) and UNTRUSTED in sent.message
    reward = RewardSnapshot(id=1, tenant_id=1, member_id="m", amount=1, asset="COUPON:307", provider_refs={},
                            details={"request": request.biz_content()})
    resent = await client.query_status(reward)  # says nothing of an earlier send that may have arrived
    assert isinstance(resent, Unknown) and UNTRUSTED in resent.reason


async def test_a_first_draw_refused_by_tls_never_left_and_its_resend_stays_unknown(servers):
    config = {**await sandbox_config("unionpay"), "baseUrl": servers["good"]}
    client = UnionPayClient(1, unionpay_settings(config), http_clients.client_for(None))
    order = DrawOrder(trans_number="T-TLS-1", activity_number="ACT0001", qual_num="QP0001", qual_type="MOBILE",
                      qual_value="13800138000", member_id="m-1")
    drawn = await client.draw(order)
    assert isinstance(drawn, NeverSent) and UNTRUSTED in drawn.message
    reward = RewardSnapshot(id=1, tenant_id=1, member_id="m-1", amount=0, asset="CNY", provider_refs={},
                            details={"sealedRequest": client.sealed_request(order)})
    assert isinstance(await client.query_status(reward), Unknown)
