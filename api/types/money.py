from __future__ import annotations

import strawberry

from api.scalars import MinorUnits
from ledger.domain import money
from ledger.persistence import models

_new = object.__new__


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
        # As __init__ would make it, without the call through it (api/types/nodes.py, `_new`): a page makes one
        # per row. An amount is a MinorUnits, which is an int.
        money = _new(cls)
        money.amount, money.asset = amount, asset  # type: ignore[assignment]
        return money


@strawberry.type(description="Balances are credit-normal: money in is positive.")
class Balance:
    # Each amount is made only when asked for: a page usually asks for one of the three.
    account: strawberry.Private[models.Account]

    @strawberry.field(description="Posted credits minus posted debits.")
    def posted(self) -> Money:
        return Money.of(self.account.credits_posted - self.account.debits_posted, self.account.asset)

    @strawberry.field(description="Pending credits minus pending debits (holds in flight).")
    def pending(self) -> Money:
        return Money.of(self.account.credits_pending - self.account.debits_pending, self.account.asset)

    @strawberry.field(description="What can be spent now: posted credits minus posted and pending debits.")
    def available(self) -> Money:
        account = self.account
        return Money.of(account.credits_posted - account.debits_posted - account.debits_pending, account.asset)

    @classmethod
    def of(cls, account: models.Account) -> Balance:
        balance = _new(cls)
        balance.account = account
        return balance
