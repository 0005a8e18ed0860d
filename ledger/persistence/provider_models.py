"""Tables of the provider framework."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ledger.persistence.models import Reward, Tenant


class ProviderConfig(Model):
    """A tenant's settings for one provider (base URL, credentials, stations, options), as JSON.

    Secrets are stored encrypted (providers/stored_secrets.py), decrypted only to build the adapter, and only
    ever leave masked (see providers.*.settings).
    """

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="provider_configs", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    settings: dict = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "provider_configs"
        unique_together = (("tenant", "provider"),)


class ProviderSession(Model):
    """A login session shared by every instance: the gateway allows one session per station, so two
    instances logging in on their own would keep throwing each other out (code 1021)."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="provider_sessions", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    station_id = fields.CharField(max_length=64)
    token = fields.CharField(max_length=512)
    # The base URL of the host that issued the token: a token is only ever sent back there, so a provider
    # moved to another address (or an adapter still holding the old settings) never hands it to a new host.
    issuer = fields.CharField(max_length=500, default="")
    obtained_at = fields.DatetimeField()

    class Meta:
        table = "provider_sessions"
        unique_together = (("tenant", "provider", "station_id"),)


class StationLease(Model):
    """At most one call in flight per station, across instances: whoever holds an unexpired lease calls."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="station_leases", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    station_id = fields.CharField(max_length=64)
    holder = fields.CharField(max_length=64, null=True)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "station_leases"
        unique_together = (("tenant", "provider", "station_id"),)


class TicketLock(Model):
    """One redemption per ticket at a time: held while a redemption is in flight or UNKNOWN, kept for good
    once the ticket is redeemed, released when an attempt ends without redeeming it."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="ticket_locks", on_delete=fields.RESTRICT
    )
    bar_code = fields.CharField(max_length=64)
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="ticket_locks", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ticket_locks"
        unique_together = (("tenant", "bar_code"),)


class ProviderLastCall(Model):
    # The outcome of the last call made to each of a tenant's providers, for the operator console. One row
    # per provider, replaced on every call: it is a gauge, not history (the rewards and their events are).
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="provider_last_calls", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    operation = fields.CharField(max_length=64)  # the adapter's method, e.g. issue, query_status, day_records
    outcome = fields.CharField(max_length=24)  # ledger.services.provider_calls.CallOutcome
    code = fields.CharField(max_length=64, null=True)
    message = fields.CharField(max_length=300, null=True)
    called_at = fields.DatetimeField()

    class Meta:
        table = "provider_last_calls"
        unique_together = (("tenant", "provider"),)
