"""Loads the links a page of nodes is asked for in one query per link, and builds the nodes with them.

A list's link fields (a reward's campaign, a campaign's budget, an event's reward and transfer) then
resolve at once, without a DataLoader round or a coroutine per node: the statements a page costs are fixed
whatever its size, and only links the document asks for are loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from api.context import Info
from api.selection import asks_for_node_field
from api.types import nodes
from ledger.domain.access import Principal
from ledger.persistence import models
from ledger.services import reads


async def reward_nodes(info: Info, principal: Principal, rows: list[models.Reward]
                       ) -> Callable[[models.Reward], nodes.Reward]:
    if principal.is_member or not asks_for_node_field(info, "campaign"):  # members see no campaign
        return nodes.Reward.from_row
    campaigns = await reads.by_ids(models.Campaign, principal, (row.campaign_id for row in rows))  # type: ignore[attr-defined]
    return partial(nodes.Reward.from_row, page_campaigns=campaigns)


async def campaign_nodes(info: Info, principal: Principal, rows: list[models.Campaign]
                         ) -> Callable[[models.Campaign], nodes.Campaign]:
    if not asks_for_node_field(info, "budget"):
        return nodes.Campaign.from_row
    budgets = await reads.by_ids(models.Account, principal, (row.budget_account_id for row in rows))  # type: ignore[attr-defined]
    return partial(nodes.Campaign.from_row, page_budgets=budgets)


async def event_nodes(info: Info, principal: Principal, rows: list[models.Event]
                      ) -> Callable[[models.Event], nodes.Event]:
    rewards: dict[int, models.Reward] | None = None
    transfers: dict[int, models.Transfer] | None = None
    if asks_for_node_field(info, "reward"):
        rewards = await reads.by_ids(models.Reward, principal, (row.reward_id for row in rows))  # type: ignore[attr-defined]
    if asks_for_node_field(info, "transfer"):
        transfers = await reads.by_ids(models.Transfer, principal, (row.transfer_id for row in rows))  # type: ignore[attr-defined]
    return partial(nodes.Event.from_row, page_rewards=rewards, page_transfers=transfers)
