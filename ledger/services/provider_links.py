"""Which reward a provider's record belongs to: at most one, decided by the database.

A record that pays (a packet on the red-packet platform) must pay one reward. "The first record no other
reward has linked" is a read, and two rewards reading at once pick the same record; so a record becomes a
reward's only by inserting the link into `provider_references`, whose unique key (tenant, provider,
reference) lets exactly one insert win. Call these inside the write that records what the record means
(the status change that posts money), so no reward is paid for a record it does not hold: of two racing
writes, the second fails on the key, the unit of work runs it again, and it then sees the winner's link
and picks another record or stays unlinked.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledger.persistence.draw_models import ProviderReference


async def take(tenant_id: int, provider: str, reference: str, reward_id: int) -> bool:
    """Inside a write: links `reference` to the reward unless another reward holds it; True when it is the
    reward's now (or already was)."""
    holder = await holder_of(tenant_id, provider, reference)
    if holder is not None:
        return holder == reward_id
    # A concurrent insert of the same reference fails this one on the unique key; the retry sees it.
    await ProviderReference.create(tenant_id=tenant_id, provider=provider, reference=reference, reward_id=reward_id)
    return True


async def holder_of(tenant_id: int, provider: str, reference: str) -> int | None:
    """The reward the reference is linked to, if any."""
    link = await ProviderReference.get_or_none(tenant_id=tenant_id, provider=provider, reference=reference)
    return None if link is None else int(link.reward_id)  # type: ignore[attr-defined]


async def held_by_others(tenant_id: int, provider: str, references: Iterable[str], reward_id: int) -> set[str]:
    """Which of `references` other rewards hold. A hint for choosing only: `take` decides."""
    wanted = list(set(references))
    if not wanted:
        return set()
    rows = await ProviderReference.filter(tenant_id=tenant_id, provider=provider, reference__in=wanted) \
        .exclude(reward_id=reward_id).values_list("reference", flat=True)
    return {str(reference) for reference in rows}


async def reference_of(tenant_id: int, provider: str, reward_id: int, prefix: str) -> str | None:
    """The reward's own reference of one kind (`prefix`), if it holds one."""
    row = await ProviderReference.filter(tenant_id=tenant_id, provider=provider, reward_id=reward_id,
                                         reference__startswith=prefix).order_by("id").first()
    return None if row is None else row.reference


async def hand_over(tenant_id: int, provider: str, reference: str, from_reward_id: int, to_reward_id: int) -> bool:
    """Inside a write: moves the link from one reward to the next (a resent packet is the same record paying
    the new reward); False when another reward holds it (handed over already). A reference nobody holds
    (linked before links were kept here) is simply taken."""
    moved = await ProviderReference.filter(tenant_id=tenant_id, provider=provider, reference=reference,
                                           reward_id=from_reward_id).update(reward_id=to_reward_id)
    return moved == 1 or await take(tenant_id, provider, reference, to_reward_id)
