"""Coupons a provider issued: one row per coupon, so they can be listed and found again."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ledger.persistence.models import Reward, Tenant


class IssuedCoupon(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="issued_coupons", on_delete=fields.RESTRICT
    )
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="coupons", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    coupon_template_id = fields.CharField(max_length=64)
    # None when the coupons went to a QR code rather than a member.
    member_id = fields.CharField(max_length=64, null=True)
    coupon_no = fields.CharField(max_length=128, null=True)
    qr_code_context = fields.CharField(max_length=1024, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "issued_coupons"
        indexes = (("tenant_id", "member_id"), ("tenant_id", "coupon_template_id"))
