"""Provider login sessions, shared by every instance through the database."""

from __future__ import annotations

from datetime import datetime

from ledger.domain.clock import now
from ledger.persistence.provider_models import ProviderSession


async def current_token(tenant_id: int, provider: str, station_id: str, *, issuer: str) -> str | None:
    """The station's token, if the host at `issuer` (the adapter's base URL) issued it; another host's is
    never handed out, whatever the settings now say."""
    session = await ProviderSession.get_or_none(tenant_id=tenant_id, provider=provider, station_id=station_id)
    return session.token if session and session.issuer == issuer else None


async def store_token(tenant_id: int, provider: str, station_id: str, token: str, *, issuer: str) -> None:
    """Called under the station's lease, so no two instances store a token for one station at once."""
    updated = await ProviderSession.filter(tenant_id=tenant_id, provider=provider, station_id=station_id) \
        .update(token=token, issuer=issuer, obtained_at=now())
    if not updated:
        await ProviderSession.create(tenant_id=tenant_id, provider=provider, station_id=station_id, token=token,
                                     issuer=issuer, obtained_at=now())


async def forget_token(tenant_id: int, provider: str, station_id: str) -> None:
    await ProviderSession.filter(tenant_id=tenant_id, provider=provider, station_id=station_id).delete()


async def forget_all(tenant_id: int, provider: str) -> int:
    """Drops every session of the tenant's provider (it moved to another host); how many there were."""
    return int(await ProviderSession.filter(tenant_id=tenant_id, provider=provider).delete())


async def lapsing(tenant_id: int, provider: str, obtained_before: datetime, *, issuer: str) -> list[str]:
    """The stations whose session (issued by `issuer`) was obtained before the given time: due for renewal."""
    rows = await ProviderSession.filter(tenant_id=tenant_id, provider=provider, issuer=issuer,
                                        obtained_at__lt=obtained_before).order_by("station_id") \
        .values_list("station_id", flat=True)
    return [str(station_id) for station_id in rows]


async def with_sessions(tenant_id: int | None = None) -> list[tuple[int, str]]:
    """(tenant, provider) of every stored session, or of one tenant's: whose sessions may need renewing."""
    query = ProviderSession.all() if tenant_id is None else ProviderSession.filter(tenant_id=tenant_id)
    rows = await query.distinct().order_by("tenant_id", "provider").values_list("tenant_id", "provider")
    return [(int(tenant), str(provider)) for tenant, provider in rows]
