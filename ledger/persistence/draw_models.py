"""Tables for draws reported by providers: which reward a provider reference names, which stages of a
draw were recorded, and which webhook nonces were seen."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ledger.persistence.models import Reward, Tenant

# Tortoise turns a model's docstring into a table comment and breaks SQLite migrations on quotes and
# semicolons, so these models are described by comments.


# A provider's own key for a reward (Randou's serialNo), so every later message finds the same reward.
class ProviderReference(Model):

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="provider_references", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    reference = fields.CharField(max_length=128)
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="provider_references", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "provider_references"
        unique_together = (("tenant", "provider", "reference"),)


# One stage of a draw (hit, receive, order result) as recorded. A repeated push finds it here.
class DrawStage(Model):

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="draw_stages", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    reference = fields.CharField(max_length=128)
    stage = fields.CharField(max_length=40)
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="draw_stages", on_delete=fields.RESTRICT
    )
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "draw_stages"
        unique_together = (("tenant", "provider", "reference", "stage"),)


# Nonces of webhook calls that recorded something new, so another call reusing one is refused. A row
# must be kept as long as a new call could still be accepted: for Randou its accept window plus the
# clock skew it allows (RandouSettings.nonce_retention_s, 24 h + 5 min by default); after that the call's
# timestamp refuses it anyway. A call repeating one already recorded is answered whatever its nonce.
class WebhookNonce(Model):

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="webhook_nonces", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    nonce = fields.CharField(max_length=128)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_nonces"
        unique_together = (("tenant", "provider", "nonce"),)
