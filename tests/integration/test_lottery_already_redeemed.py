"""What a 1307 (ticket already redeemed, seed §8.4) settles a lottery reward to, by the transaction it names
(`transacIdOrg`) and the station that redeemed it (`awardStation`): ledger/services/lottery_outcomes.py."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.domain.statuses import RewardKind, RewardStatus
from ledger.persistence.models import Reward, Transfer
from ledger.ports import Rejected
from ledger.services.access import create_tenant
from ledger.services.lottery_outcomes import PROVIDER, record_outcome, transaction_number

STATION, OTHER_STATION = "21010001", "21010002"
FOREIGN = "99202611241200000001"  # the seed's suggested form, from another system


async def lottery_reward(tenant_id: int, status: RewardStatus = RewardStatus.PENDING, attempts: int = 1) -> Reward:
    reward = await Reward.create(tenant_id=tenant_id, kind=RewardKind.LOTTERY_TICKET, status=status,
                                 provider=PROVIDER, member_id="m1", asset="CNY", amount=0,
                                 details={"barCode": "T-1", "stationId": STATION})
    numbers = [transaction_number(reward.id, attempt) for attempt in range(attempts)]
    reward.provider_refs = {"transacId": numbers[0], "transacIds": numbers}
    await reward.save(update_fields=["provider_refs"])
    return reward


def already_redeemed(transac_id_org: str, award_station: str = STATION, prize_fen: int | None = 5000) -> Rejected:
    details: dict[str, Any] = {"ret": "1307", "transacIdOrg": transac_id_org, "awardStation": award_station,
                               "prizeFen": prize_fen}
    return Rejected(code="1307", message="not redeemed: ticket already redeemed", retryable=False, details=details)


async def settle(reward: Reward, outcome: Rejected) -> Reward:
    settled, applied = await record_outcome(reward.tenant_id, reward.id, outcome)  # type: ignore[attr-defined]
    assert applied
    return settled


@pytest.fixture
async def tenant_id() -> int:
    return (await create_tenant("t")).id


@pytest.mark.parametrize("attempt", [0, 1])
async def test_naming_one_of_the_rewards_own_transactions_pays_the_prize_once(tenant_id: int, attempt: int) -> None:
    reward = await lottery_reward(tenant_id, RewardStatus.UNKNOWN, attempts=2)
    settled = await settle(reward, already_redeemed(reward.provider_refs["transacIds"][attempt]))
    assert (settled.status, settled.amount) == (RewardStatus.ISSUED, 5000)
    assert await Transfer.filter(reward_id=reward.id).count() == 1


async def test_ours_with_an_unreadable_prize_stays_unknown(tenant_id: int) -> None:
    reward = await lottery_reward(tenant_id, RewardStatus.UNKNOWN, attempts=2)
    settled = await settle(reward, already_redeemed(reward.provider_refs["transacIds"][0], prize_fen=None))
    assert settled.status is RewardStatus.UNKNOWN and await Transfer.all().count() == 0


@pytest.mark.parametrize(("other_status", "status"), [
    (RewardStatus.FAILED, RewardStatus.NEEDS_ATTENTION),  # the station was paid; our ledger paid nobody
    (RewardStatus.NOT_WON, RewardStatus.NEEDS_ATTENTION),
    (RewardStatus.ISSUED, RewardStatus.FAILED),  # the other reward has the prize
    (RewardStatus.UNKNOWN, RewardStatus.FAILED),  # the other reward's own sync will pay it
])
async def test_naming_another_reward_of_the_tenant(tenant_id: int, other_status: RewardStatus,
                                                   status: RewardStatus) -> None:
    other = await lottery_reward(tenant_id, other_status)
    reward = await lottery_reward(tenant_id)
    settled = await settle(reward, already_redeemed(other.provider_refs["transacId"]))
    assert (settled.status, settled.details["redeemedByRewardId"]) == (status, other.id)
    assert await Transfer.all().count() == 0


async def test_a_transaction_of_another_tenant_is_not_ours(tenant_id: int) -> None:
    elsewhere = await lottery_reward((await create_tenant("other")).id, RewardStatus.FAILED)
    reward = await lottery_reward(tenant_id)
    settled = await settle(reward, already_redeemed(elsewhere.provider_refs["transacId"], OTHER_STATION))
    assert settled.status is RewardStatus.FAILED and "redeemedByRewardId" not in settled.details


@pytest.mark.parametrize(("attempts", "award_station", "status"), [
    (2, STATION, RewardStatus.NEEDS_ATTENTION),  # ours went unanswered, and our station was credited
    (2, "", RewardStatus.NEEDS_ATTENTION),  # no station named: it may have been ours
    (2, OTHER_STATION, RewardStatus.FAILED),  # ours could only have redeemed it at our station
    (1, STATION, RewardStatus.FAILED),  # a first attempt: cashed before we ever asked
])
async def test_naming_a_transaction_not_ours(tenant_id: int, attempts: int, award_station: str,
                                             status: RewardStatus) -> None:
    reward = await lottery_reward(tenant_id, RewardStatus.UNKNOWN if attempts > 1 else RewardStatus.PENDING,
                                  attempts=attempts)
    settled = await settle(reward, already_redeemed(FOREIGN, award_station))
    assert settled.status is status and await Transfer.all().count() == 0
