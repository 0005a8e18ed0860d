"""What a person decided about a reward no job could settle (resolveReward): one row per reward at most."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from ledger.persistence.models import ApiKey, Reward, Tenant


class Resolution(StrEnum):
    PAY = "PAY"
    VOID = "VOID"


# Tortoise turns a model's docstring into a table comment (and SQLite migrations break on some), so the
# model is described here: who (the admin key) settled which reward how (PAY with the amount posted, or
# VOID) and why (the note). The unique key on the reward makes a second resolution impossible.
class RewardResolution(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="reward_resolutions", on_delete=fields.RESTRICT
    )
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="resolutions", on_delete=fields.RESTRICT
    )
    resolution = fields.CharEnumField(Resolution, max_length=8)
    # What PAY posted to the member (or to where the hold pointed); null for VOID.
    amount = fields.BigIntField(null=True)
    note = fields.TextField()
    api_key: fields.ForeignKeyNullableRelation[ApiKey] = fields.ForeignKeyField(
        "ledger.ApiKey", related_name="reward_resolutions", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reward_resolutions"
        unique_together = (("tenant", "reward"),)
