"""The provider member account an issueCoupons names is personal data (idType 1 a mobile number, 2 a
member card, 3 an openid), kept as the draws keep qualification values (ledger/services/unionpay_draws.py).

The ledger needs it for one thing only, sending the same order again after a lost answer (the provider
answers a repeated orderId only if the content is identical), so it keeps it sealed by the adapter, under
the tenant's provider key; it shows it masked, logs it never, and compares requests for idempotency by a
digest of the sealed form. idType 5 is the ledger's own memberId, shown everywhere already, kept as it is.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any, Protocol

from ledger.ports import Outcome, Rejected

PERSONAL_ID_TYPES = frozenset({"1", "2", "3"})
# Reward.details keys. The API never shows a details key that starts with "sealed" (api/types/nodes.py).
SEALED = "sealedMemberAccount"
MASKED = "memberAccountMasked"
ORDER = "request"  # the order's fields, as the adapter sends them again (its member_account left out)


class Sealer(Protocol):
    def seal(self, value: str) -> str: ...

    def unseal(self, sealed: str) -> str: ...


def mask(value: str) -> str:
    """Enough to recognise a value, never enough to use it: 138****8000 for a mobile number."""
    if len(value) >= 11:
        return value[:3] + "****" + value[-4:]
    if len(value) > 6:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return "*" * len(value)


def _personal_account(order: dict[str, Any]) -> str | None:
    account = order.get("member_account")
    return account if order.get("id_type") in PERSONAL_ID_TYPES and account else None


def kept_details(order: dict[str, Any], sealer: Sealer) -> dict[str, Any]:
    """Reward.details for an order (`asdict` of it): a personal account only sealed and masked."""
    account = _personal_account(order)
    if account is None:
        return {ORDER: order}
    return {ORDER: {**order, "member_account": None}, SEALED: sealer.seal(account), MASKED: mask(account)}


def compared_request(request: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    """What idempotency compares (and digests) for a request: the sealed account's digest in its place."""
    sealed = details.get(SEALED)
    if sealed is None:
        return request
    return {**request, "provider_member_account": hashlib.sha256(sealed.encode()).hexdigest()}


def details_to_resend(details: dict[str, Any], sealer: Sealer) -> dict[str, Any]:
    """The details an adapter sends the order again from, the account unsealed (in memory only).
    ValueError if it was sealed under a key the tenant no longer has."""
    sealed = details.get(SEALED)
    if sealed is None:
        return details
    return {**details, ORDER: {**details[ORDER], "member_account": sealer.unseal(sealed)}}


def redacted(outcome: Outcome, order: dict[str, Any]) -> Outcome:
    """The outcome with a provider's refusal message masking the order's account, should it quote it."""
    account = _personal_account(order)
    if account is None or not isinstance(outcome, Rejected) or account not in outcome.message:
        return outcome
    return dataclasses.replace(outcome, message=outcome.message.replace(account, mask(account)))
