"""A tiny signed-request client for driving the instant-lottery sandbox in tests (not the adapter)."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any

import httpx

from providers.instant_lottery.signing import beijing_timestamp, sign
from tests.support import served

__all__ = ["OTHER_STATION", "STATION", "Gateway", "served"]

STATION = "21010001"
OTHER_STATION = "21010002"


class Gateway:
    """Signs and sends gateway calls with the credentials of `/_control/config`, at the sandbox's time."""

    def __init__(self, http: httpx.AsyncClient, config: dict[str, Any]) -> None:
        self.http = http
        self.config = config
        self._serials = itertools.count(1)

    async def control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await (self.http.post(path, json=body) if body is not None else self.http.get(path))
        assert response.status_code == 200, response.text
        return response.json()

    async def now(self) -> datetime:
        return datetime.fromisoformat((await self.control("/_control/clock"))["now"])

    async def form(self, business: dict[str, Any], *, token: str | None = None,
                   changes: dict[str, str | None] | None = None, secret: str | None = None) -> dict[str, str]:
        """A signed form; `changes` set (or, with None, remove) common parameters before signing."""
        form = {"app_key": self.config["appKey"], "timestamp": beijing_timestamp(await self.now()),
                "format": "json", "v": "1.0", "param_json": json.dumps(business, ensure_ascii=False)}
        if token:
            form["access_token"] = token
        for name, value in (changes or {}).items():
            if value is None:
                form.pop(name, None)
            else:
                form[name] = value
        form["sign"] = sign(form, secret or self.config["appSecret"], form.get("sign_method", "MD5"))
        return form

    async def call(self, path: str, business: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        response = await self.http.post(path, data=await self.form(business or {}, **options))
        assert response.status_code == 200, response.text
        return response.json()

    async def login(self, station_id: str = STATION, clerk_id: str = "0", **changes: str) -> dict[str, Any]:
        station = next(s for s in self.config["stations"] if s["stationId"] == station_id)
        business = {"stationId": station_id, "clerkId": clerk_id, "password": station["password"],
                    "type": station["type"], "version": station["version"], "serialNo": station["serialNo"],
                    **changes}
        return await self.call("/proxy/station/login", business)

    async def token(self, station_id: str = STATION, clerk_id: str = "0") -> str:
        reply = await self.login(station_id, clerk_id)
        assert reply["ret"] == "10000", reply
        return str(reply["content"]["token"])

    def new_transac_id(self) -> str:
        return f"RL20261124120000{next(self._serials):06d}"

    def award_params(self, bar_code: str, user_id: str = "U0001", transac_id: str | None = None,
                     redemption_type: int = 1701) -> dict[str, Any]:
        return {"userId": user_id, "userRealIp": "127.0.0.1", "transacId": transac_id or self.new_transac_id(),
                "type": redemption_type, "barCode": bar_code}

    async def redeem(self, token: str, bar_code: str, user_id: str = "U0001", transac_id: str | None = None
                     ) -> dict[str, Any]:
        return await self.call("/proxy/validate/thirdAward", self.award_params(bar_code, user_id, transac_id),
                               token=token)

    async def ticket(self, bar_code: str, outcome: str = "WIN", prize_fen: int = 500, **extra: Any) -> None:
        await self.control("/_control/tickets", {"barCode": bar_code, "outcome": outcome,
                                                 "prizeAmountFen": prize_fen, **extra})

    async def rules(self, **changes: Any) -> dict[str, Any]:
        return dict(await self.control("/_control/rules", changes))

    async def set_clock(self, moment: str) -> None:
        await self.control("/_control/clock", {"set": moment})

    async def advance(self, seconds: float) -> None:
        await self.control("/_control/clock", {"advanceSeconds": seconds})
