"""What the demo tenant is given, so each provider can be tried at once (README, "Walk-through").

Ledger rows are made once per database: each write carries an idempotency key, so a restart replays it
instead of making another. The sandboxes live in memory and forget everything when the process ends, so
they are connected and seeded again on every start, through their own control routes.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar

from api.demo_sandbox_control import SandboxControl, sandbox_control, tenant_settings
from ledger.persistence.models import Tenant
from ledger.persistence.red_packet_models import RedPacketType
from ledger.services import access, campaigns, lottery_risk, red_packets
from providers import registry

DEMO_TENANT_NAME = "Demo"

# The README's walk-through uses these names: change them there too.
COUPON_TEMPLATE_ID = "DEMO-10OFF50"
COUPON_STOCK = 1_000
RED_PACKET_ACTIVITY_ID = 7001
RED_PACKET_FEN = 188
RED_PACKET_BUDGET_FEN = 100_000
UNIONPAY_ACTIVITY_NUMBER = "DEMO-ACT-1"
UNIONPAY_QUAL_NUM = "DEMO-Q1"
UNIONPAY_DRAWS_PER_VALUE = 1_000
UNIONPAY_AWARD_FEN = 888


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    asset: str
    amount: int  # what it is funded with, once
    key: str  # names its idempotency keys; the first demos used "demo:campaign" and "demo:funding"
    funding_key: str


WELCOME = DemoCampaign("Welcome bonus", "CNY", 1_000_000, "demo:campaign", "demo:funding")
COUPONS = DemoCampaign("Coupons: 10 off 50", f"COUPON:{COUPON_TEMPLATE_ID}", COUPON_STOCK,
                       "demo:coupon-campaign", "demo:coupon-funding")
RED_PACKETS = DemoCampaign("Red packets", "CNY", RED_PACKET_BUDGET_FEN, "demo:red-packet-campaign",
                           "demo:red-packet-funding")


async def seed_demo(sandboxes: dict[str, Litestar], mounted_under: str) -> Tenant:
    """Idempotent: safe on every start of the same database. `mounted_under` is the URL the sandboxes are
    mounted beneath (`<it>/<name>`), which is where the service will call them."""
    tenant = await _demo_tenant()
    await _funded_campaign(tenant.id, WELCOME)
    for name, app in sandboxes.items():
        async with sandbox_control(app) as control:
            settings = await tenant_settings(control, f"{mounted_under}/{name}")
            await registry.configure(tenant.id, name, settings)
            await _seed_provider(tenant.id, name, control)
    # The demo is for trying things at any hour: the seed's 01:00-23:00 window and real-name rule are off.
    await lottery_risk.set_rules(tenant.id, service_hours=None, require_real_name=False)
    return tenant


async def _demo_tenant() -> Tenant:
    tenant = await Tenant.filter(name=DEMO_TENANT_NAME).order_by("id").first()
    return tenant if tenant is not None else await access.create_tenant(DEMO_TENANT_NAME)


async def _funded_campaign(tenant_id: int, campaign: DemoCampaign) -> int:
    row = await campaigns.create_campaign(tenant_id, campaign.name, campaign.asset, campaign.key)
    await campaigns.fund_campaign(tenant_id, row.id, campaign.amount, campaign.funding_key)
    return row.id


async def _seed_provider(tenant_id: int, name: str, control: SandboxControl) -> None:
    """The instant-lottery sandbox takes its tickets from the walk-through (and is open all day), and Randou
    pushes what it is told to."""
    if name == "instant-lottery":
        await _open_the_gateway_all_day(control)
    elif name == "allinpay":
        await _seed_allinpay(tenant_id, control)
    elif name == "red-packet":
        await _seed_red_packet(tenant_id, control)
    elif name == "unionpay":
        await _seed_unionpay(control)


async def _open_the_gateway_all_day(control: SandboxControl) -> None:
    """The gateway, like the real one (seed §6), serves 01:00-23:00 Beijing time; the demo is for trying things
    at any hour, so its gateway never closes (a refusal outside the hours is 10032)."""
    await control.post("/_control/rules", {"serviceHours": "00:00-24:00"})


async def _seed_allinpay(tenant_id: int, control: SandboxControl) -> None:
    """A coupon template with stock at the gateway, and a campaign holding as many of its coupons."""
    await control.post("/_control/templates", {"couponTemplateId": COUPON_TEMPLATE_ID, "stock": COUPON_STOCK,
                                               "couponName": "满50减10"})
    await _funded_campaign(tenant_id, COUPONS)


async def _seed_red_packet(tenant_id: int, control: SandboxControl) -> None:
    """A fixed-amount activity on the platform, and the campaign that funds its packets in the ledger."""
    await control.post("/_control/activities", {"cashRedpackId": RED_PACKET_ACTIVITY_ID, "type": "FIXED",
                                                "minValue": RED_PACKET_FEN, "maxValue": RED_PACKET_FEN,
                                                "name": "演示红包"})
    campaign_id = await _funded_campaign(tenant_id, RED_PACKETS)
    await red_packets.define_activity(tenant_id, cash_redpack_id=RED_PACKET_ACTIVITY_ID, campaign_id=campaign_id,
                                      name="Demo red packet", packet_type=RedPacketType.FIXED,
                                      min_fen=RED_PACKET_FEN, max_fen=RED_PACKET_FEN)


async def _seed_unionpay(control: SandboxControl) -> None:
    """An activity whose every draw wins one red-packet award, so the walk-through's answer is the same each
    time. Draws need no campaign: UnionPay's prize pool account funds them."""
    await control.post("/_control/pools", {
        "activityNumber": UNIONPAY_ACTIVITY_NUMBER, "qualNum": UNIONPAY_QUAL_NUM,
        "qualifications": UNIONPAY_DRAWS_PER_VALUE,
        "awards": [{"awardType": "06", "awardValue": UNIONPAY_AWARD_FEN, "awardName": "8.88元红包"}]})
