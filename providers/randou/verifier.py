"""What the registry builds for a tenant: Randou is webhook-only, so the "adapter" checks and reads pushes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from ledger.ports import FlowNotSupported, Outcome, RewardSnapshot
from providers.randou.settings import PROVIDER, RandouSettings
from providers.randou.webhook import DrawPush, PushRefusal, check_age, check_push, parse_push


class RandouWebhookVerifier:
    name = PROVIDER

    def __init__(self, tenant_id: int, settings: RandouSettings, http: httpx.AsyncClient | None = None) -> None:
        self.tenant_id = tenant_id
        self.settings = settings
        self._http = http  # unused: Randou calls us, we never call it

    def check(self, params: dict[str, str]) -> PushRefusal | None:
        """Whether the push is authentic (see webhook.check_push)."""
        return check_push(params, self.settings)

    def parse(self, params: dict[str, str]) -> DrawPush:
        return parse_push(params)

    def check_age(self, push: DrawPush, now: datetime | None = None) -> PushRefusal | None:
        """Whether a push not yet recorded may still be recorded (see webhook.check_age)."""
        return check_age(push, self.settings, now or datetime.now(UTC))

    async def query_status(self, reward: RewardSnapshot) -> Outcome:
        raise FlowNotSupported(PROVIDER, "query_status")

    async def issue(self, *_: Any, **__: Any) -> Outcome:
        raise FlowNotSupported(PROVIDER, "issue")

    def __repr__(self) -> str:
        return f"RandouWebhookVerifier(tenant_id={self.tenant_id}, settings={self.settings!r})"
