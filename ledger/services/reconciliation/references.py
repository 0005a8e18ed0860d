"""Which reward a provider's reference names, and the reference a reward is known by at its provider.

A reference is linked to its reward in `provider_references` (provider_links.py) under a name: the reference
itself by default (Randou's serialNo, and every record a discrepancy's acceptance adopted), "record:<id>"
for a red packet's platform record. The lottery gateway's transacIds are not linked there: ours carry the
reward's id (lottery_outcomes.transaction_number) and the reward lists every number it sent, which is as
good as a link and costs no row per redemption.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.persistence.draw_models import ProviderReference
from ledger.persistence.models import Reward
from ledger.services import lottery_outcomes
from ledger.services.red_packet_gateway import PROVIDER as RED_PACKET
from ledger.services.red_packet_settling import record_reference

LOTTERY = lottery_outcomes.PROVIDER
# What matching reads of a reward (and shows as the ledger's evidence): a page's rewards load nothing else.
COMPARED = ("id", "tenant_id", "provider", "kind", "status", "member_id", "asset", "amount", "provider_refs",
            "created_at")


def link_name(provider: str, reference: str) -> str:
    """The name a provider's reference is linked under in provider_references."""
    return record_reference(reference) if provider == RED_PACKET else reference


def reference_of(reward: Reward) -> str:
    """The provider's own id for a reward: what its feed would list it by (a discrepancy's reference)."""
    refs = reward.provider_refs
    own = refs.get("transacId") or refs.get("recordId") or refs.get("reference")
    return str(own) if own else f"reward:{reward.id}"


async def rewards_named(tenant_id: int, provider: str, references: Sequence[str]) -> dict[str, Reward]:
    """The tenant's rewards of this provider that the references name, by reference (one query or two for a
    page, whatever its size)."""
    wanted = {link_name(provider, reference): reference for reference in references}
    links = await ProviderReference.filter(tenant_id=tenant_id, provider=provider,
                                           reference__in=list(wanted)).values_list("reference", "reward_id")
    reward_of = {wanted[str(name)]: int(reward_id) for name, reward_id in links}
    numbered: dict[str, int] = {}
    if provider == LOTTERY:
        for reference in references:
            reward_id = lottery_outcomes.reward_id_in(reference)
            if reward_id is not None and reference not in reward_of:
                numbered[reference] = reward_id
    ids = set(reward_of.values()) | set(numbered.values())
    found_rows = await Reward.filter(tenant_id=tenant_id, provider=provider, id__in=list(ids)).only(*COMPARED)
    rows = {row.id: row for row in found_rows}
    found = {reference: rows[reward_id] for reference, reward_id in reward_of.items() if reward_id in rows}
    for reference, reward_id in numbered.items():
        reward = rows.get(reward_id)
        # The number must be one the reward really sent: the form alone could be forged or reused.
        if reward is not None and reference in reward.provider_refs.get("transacIds", []):
            found[reference] = reward
    return found
