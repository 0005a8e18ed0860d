"""Inbound provider webhooks. They carry no bearer credential: the provider's signature, appid, timestamp
window and nonce are the authentication, and the answer is the plain body the provider expects.

Randou pushes until it reads `success`, so the answer is `fail` only when a retry cannot help, always
with a 4xx and nothing recorded: not Randou's (401), not well-formed (400), or new but sent before the
accept window or with a nonce already used (401). A push already recorded gets `success` at any age.
"""

from __future__ import annotations

import logging

from litestar import Request, Response, route

from api.body_timeout import BodyReadTimeout
from api.ids import decode_id_of
from ledger.domain.clock import now
from ledger.domain.errors import LedgerError
from ledger.ports import ProviderNotConfigured
from ledger.services import randou_draws
from providers import registry
from providers.randou.push_body import is_json_content_type, params_from_json_body
from providers.randou.webhook import PushRefusal, check_age, check_push, merge_params, parse_push
from providers.secret_cipher import SecretUnreadable
from providers.settings import SettingsInvalid
from providers.stored_secrets import SecretsKeyMissing

log = logging.getLogger(__name__)
MAX_PARAMS = 100


def _reply(status: int, body: str) -> Response[str]:
    return Response(body, status_code=status, media_type="text/plain")


@route("/webhooks/randou/{tenant_id:str}", http_method=["GET", "POST"])
async def randou_webhook(request: Request, tenant_id: str) -> Response[str]:
    """Answers `success` only once the push is durably recorded; Randou retries anything else."""
    tenant = decode_id_of("Tenant", tenant_id)
    if tenant is None:
        return _reply(404, "fail")
    try:
        settings = await registry.parsed_settings(tenant, randou_draws.PROVIDER)
    except (ProviderNotConfigured, SettingsInvalid):
        return _reply(404, "fail")
    except (SecretUnreadable, SecretsKeyMissing) as exc:  # ours to fix; Randou retries until we can check it
        log.error("randou push not checked: the tenant's appSecret cannot be read (%s)", exc)
        return _reply(503, "fail")
    params = await _params(request)
    if params is None:
        return _reply(400, "fail")
    refusal = check_push(params, settings)
    if refusal is not None:
        log.info("randou push refused: %s", refusal.value)
        return _reply(400 if refusal is PushRefusal.MALFORMED else 401, "fail")
    try:
        push = parse_push(params)
        outcome = await randou_draws.record_push(
            tenant, push, within_accept_window=check_age(push, settings, now()) is None)
    except (ValueError, LedgerError) as exc:
        log.info("randou push refused: %s", str(exc)[:200])  # the message may quote a long field
        return _reply(400, "fail")
    if not outcome.accepted:
        log.info("randou push refused: %s", outcome.value)
        return _reply(401, "fail")
    return _reply(200, "success")


async def _params(request: Request) -> dict[str, str] | None:
    """The push's flat parameters: the query, and for a POST the body too (a form, or a JSON object)."""
    try:
        query = {str(k): str(v) for k, v in request.query_params.items()}
        if request.method == "GET":
            body: dict[str, str] = {}
        elif is_json_content_type(request.headers.get("content-type", "")):
            body = params_from_json_body(await request.body())
        else:
            body = {str(k): v for k, v in (await request.form()).items() if isinstance(v, str)}
    except BodyReadTimeout:
        raise  # answered 408: the body never arrived, which is not a malformed push
    except Exception:  # noqa: BLE001 - an unreadable body is a malformed push, not a server error
        return None
    if len(query) + len(body) > MAX_PARAMS:
        return None
    return merge_params(query, body)  # as the provider's own framework reads a request
