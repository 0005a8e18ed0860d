"""The sandbox's `/_control` routes: the shared contract (config, faults, reset, records) and this
provider's own (pools, clock, lenient). Bad input is a ControlInputError, answered 400 `{"error": ...}`."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler

from providers.sandbox_support import clock_routes, config_route, fault_and_reset_routes, read_json
from providers.unionpay.sandbox_state import FAULT_MODES, Award, ControlInputError, Pool, SandboxState

MAX_QUALIFICATIONS = 1_000_000


def control_routes(state: SandboxState) -> list[HTTPRouteHandler]:
    @post("/_control/pools", status_code=200, include_in_schema=False)
    async def pools(request: Request) -> dict[str, Any]:
        pool = pool_from(await read_json(request))
        state.pools[(pool.activity_number, pool.qual_num)] = pool
        return {"activityNumber": pool.activity_number, "qualNum": pool.qual_num,
                "qualifications": pool.qualifications, "awards": len(pool.awards)}

    @get("/_control/records", include_in_schema=False)
    async def records() -> dict[str, Any]:
        draws = []
        for draw in state.draws.values():
            award = draw.answer.get("awardInfo") or {}
            draws.append({"transNumber": draw.trans_number, "activityNumber": draw.content["activityNumber"],
                          "qualNum": draw.content["qualNum"], "qualType": draw.content["qualType"],
                          "qualValue": draw.qual_value_masked, "awardType": award.get("awardType"),
                          "awardValue": int(award["awardValue"]) if award else None})
        return {"draws": draws, "calls": state.calls}

    @post("/_control/lenient", status_code=200, include_in_schema=False)
    async def lenient(request: Request) -> dict[str, Any]:
        value = (await read_json(request)).get("lenient")
        if not isinstance(value, bool):
            raise ControlInputError("lenient must be true or false")
        state.lenient = value
        return {"lenient": value}

    return [config_route(lambda base_url: tenant_settings(state, base_url)),
            *fault_and_reset_routes(state, FAULT_MODES), pools, records,
            *clock_routes(state, backwards=True, show=False), lenient]


def tenant_settings(state: SandboxState, base_url: str) -> dict[str, Any]:
    """The settings that connect a tenant to this sandbox (the shape `providers.unionpay.settings` reads)."""
    return {"baseUrl": base_url, "appId": state.app_id, "privateKeyPem": state.keys.merchant_private_pem,
            "providerPublicKeyPem": state.keys.provider_public_pem, "symmetricKey": state.keys.symmetric_key,
            "backendSecret": state.keys.backend_secret, "responseSignature": "required",
            "replaySameTransNumber": True}  # this sandbox answers a repeated transNumber with the original draw


def pool_from(data: dict[str, Any]) -> Pool:
    activity, qual_num = _name(data, "activityNumber"), _name(data, "qualNum")
    qualifications = data.get("qualifications", 1)
    if not _whole(qualifications) or not 0 <= qualifications <= MAX_QUALIFICATIONS:
        raise ControlInputError(f"qualifications must be a whole number from 0 to {MAX_QUALIFICATIONS}")
    no_award_weight = data.get("noAwardWeight", 0)
    if not _whole(no_award_weight) or no_award_weight < 0:
        raise ControlInputError("noAwardWeight must be a whole number, 0 or more")
    raw_awards = data.get("awards", [])
    if not isinstance(raw_awards, list) or len(raw_awards) > 100:
        raise ControlInputError("awards must be a list of at most 100 awards")
    awards = [_award(item, n) for n, item in enumerate(raw_awards)]
    return Pool(activity, qual_num, qualifications, awards, no_award_weight)


def _award(item: Any, n: int) -> Award:
    if not isinstance(item, dict):
        raise ControlInputError(f"awards[{n}] must be an object")
    award_type = item.get("awardType")
    if award_type not in ("06", "07"):
        raise ControlInputError(f'awards[{n}].awardType must be "06" or "07"')
    value: Any = item.get("awardValue")
    weight: Any = item.get("weight", 1)
    if not _whole(value) or not 1 <= value <= 100_000_000:
        raise ControlInputError(f"awards[{n}].awardValue must be a whole number from 1")
    if not _whole(weight) or weight < 0:
        raise ControlInputError(f"awards[{n}].weight must be a whole number, 0 or more")
    default_name = f"{value / 100:.2f}元红包" if award_type == "06" else f"商城券x{value}"
    name = item.get("awardName", default_name)
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ControlInputError(f"awards[{n}].awardName must be a non-empty string")
    ext_id = item.get("extAcctId", f"CPN{n:04d}" if award_type == "07" else None)
    goods_url = item.get("couponGoodsUrl", "https://example.invalid/goods/1" if award_type == "07" else None)
    return Award(award_type, value, weight, name, ext_acct_id=str(ext_id) if ext_id is not None else None,
                 ext_acct_name=item.get("extAcctName"), goods_url=goods_url)


def _name(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise ControlInputError(f"{name} must be a non-empty string of at most 64 characters")
    return value.strip()


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
