from __future__ import annotations

import strawberry

from api.scalars import MinorUnits
from ledger.domain import money
from ledger.persistence import models


@strawberry.type(description="An amount of one asset, in its minor unit.")
class Money:
    amount: MinorUnits
    asset: str

    # Formatted only when asked: a page's amounts are shaped without a resolver call (api/item_shapes.py).
    @strawberry.field(description="For people: '¥1,234.56' for CNY, '3 COUPON:T1' for counted assets.")
    def formatted(self) -> str:
        return money.Money(self.amount, self.asset).formatted()

    @classmethod
    def of(cls, amount: int, asset: str) -> Money:
        return cls(amount=MinorUnits(amount), asset=asset)


@strawberry.type(description="Balances are credit-normal: money in is positive.")
class Balance:
    posted: Money = strawberry.field(description="Posted credits minus posted debits.")
    pending: Money = strawberry.field(description="Pending credits minus pending debits (holds in flight).")
    available: Money = strawberry.field(
        description="What can be spent now: posted credits minus posted and pending debits.")

    @classmethod
    def of(cls, account: models.Account) -> Balance:
        asset = account.asset
        return cls(
            posted=Money.of(account.credits_posted - account.debits_posted, asset),
            pending=Money.of(account.credits_pending - account.debits_pending, asset),
            available=Money.of(account.credits_posted - account.debits_posted - account.debits_pending, asset),
        )
