"""How a list is ordered. Lists page by id, which grows with creation time, so one order serves them all."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Which way a list runs.")
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="The order items were made in: ASC (the default) oldest first, DESC newest first.")
class CreationOrder:
    direction: OrderDirection = OrderDirection.ASC


def newest_first(order_by: CreationOrder | None) -> bool:
    return order_by is not None and order_by.direction is OrderDirection.DESC
