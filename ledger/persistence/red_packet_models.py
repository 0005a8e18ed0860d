"""The platform's red-packet activities, as the ledger knows them: which campaign funds each."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from ledger.persistence.models import Campaign, Tenant


class RedPacketType(StrEnum):
    FIXED = "FIXED"
    RANDOM = "RANDOM"


class RedPacketActivity(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="red_packet_activities", on_delete=fields.RESTRICT
    )
    cash_redpack_id = fields.BigIntField()
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "ledger.Campaign", related_name="red_packet_activities", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200, default="")
    type = fields.CharEnumField(RedPacketType, max_length=16)
    min_fen = fields.BigIntField()
    max_fen = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "red_packet_activities"
        unique_together = (("tenant", "cash_redpack_id"),)
