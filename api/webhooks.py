"""Inbound provider webhooks. They carry no bearer credential: the provider's signature, appid, timestamp
window and nonce are the authentication, and the answer is the plain body the provider expects."""

from __future__ import annotations

import logging

from litestar import Request, Response, route

from api.ids import decode_id_of
from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.services import provider_configs, randou_draws
from providers.randou.settings import parse_settings
from providers.randou.webhook import PushRefusal, check_push, merge_params, parse_push
from providers.settings import SettingsInvalid

log = logging.getLogger(__name__)
MAX_PARAMS = 100


def _reply(status: int, body: str) -> Response[str]:
    return Response(body, status_code=status, media_type="text/plain")


@route("/webhooks/randou/{tenant_id:str}", http_method=["GET", "POST"])
async def randou_webhook(request: Request, tenant_id: str) -> Response[str]:
    """Answers `success` only once the push is durably recorded; Randou retries anything else."""
    tenant = decode_id_of("Tenant", tenant_id)
    raw_settings = await provider_configs.stored_settings(tenant, randou_draws.PROVIDER) if tenant else None
    if tenant is None or raw_settings is None:
        return _reply(404, "fail")
    try:
        settings = parse_settings(raw_settings)
    except SettingsInvalid:
        return _reply(404, "fail")
    params = await _params(request)
    if params is None:
        return _reply(400, "fail")
    refusal = check_push(params, settings, now())
    if refusal is not None:
        log.info("randou push refused: %s", refusal.value)
        return _reply(400 if refusal is PushRefusal.MALFORMED else 401, "fail")
    try:
        push = parse_push(params)
        await randou_draws.record_push(tenant, push)
    except ValueError:
        return _reply(400, "fail")
    except LedgerError as exc:
        return _reply(401 if exc.code is ErrorCode.NONCE_REUSED else 400, "fail")
    return _reply(200, "success")


async def _params(request: Request) -> dict[str, str] | None:
    """The push's flat parameters: the query, and for a POST the form body too."""
    try:
        query = {str(k): str(v) for k, v in request.query_params.items()}
        form = {} if request.method == "GET" else {
            str(k): v for k, v in (await request.form()).items() if isinstance(v, str)}
    except Exception:  # noqa: BLE001 - an unreadable body is a malformed push, not a server error
        return None
    if len(query) + len(form) > MAX_PARAMS:
        return None
    return merge_params(query, form)  # as the provider's own framework reads a request
