"""A provider's refusal as the API reports it: a message in English naming the provider, its code and what
the code means, with the provider's own words kept untranslated in `details`.

The English comes from each provider's code table (providers/<name>/codes.py), never from the provider's
text, which is mostly Chinese: a code the table does not know reads "unknown code" rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.scalars import JSON

from api.errors import ApiErrorCode, UserError
from providers.allinpay import codes as allinpay_codes
from providers.instant_lottery import codes as lottery_codes
from providers.unionpay import codes as unionpay_codes

UNKNOWN_CODE = "unknown code"


@dataclass(frozen=True)
class ProviderRefusal:
    provider: str  # the provider's registry name, as `configureProvider` takes it
    speaker: str  # who refused, as the message names it
    code: str
    meaning_en: str
    provider_message: str | None  # the provider's own words, untranslated

    def message(self, refused_what: str = "") -> str:
        refused = f"refused {refused_what}" if refused_what else "refused"
        return f"{self.speaker} {refused}: {self.code} ({self.meaning_en})"

    def details(self) -> dict[str, Any]:
        return {"provider": self.provider, "code": self.code, "providerMessage": self.provider_message}

    def user_error(self, field: list[str] | None = None, refused_what: str = "") -> UserError:
        return UserError(field=field, code=ApiErrorCode.PROVIDER_REJECTED.value,
                         message=self.message(refused_what), details=JSON(self.details()))


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def allinpay_refusal(code: object, msg: object) -> ProviderRefusal:
    """A couponSend refusal: code 3 names its reason only in msg, so that msg is what gets translated."""
    code_text, msg_text = _text(code), _text(msg)
    known = allinpay_codes.describe(code_text).table != "unknown"
    meaning = allinpay_codes.meaning_en(code_text, msg_text) if known else UNKNOWN_CODE
    return ProviderRefusal("allinpay", "Allinpay", code_text, meaning, msg_text or None)


def unionpay_refusal(code: object, msg: object) -> ProviderRefusal:
    code_text = _text(code)
    info = unionpay_codes.describe(code_text)
    meaning = info.meaning_en if info.table != "unknown" else UNKNOWN_CODE
    return ProviderRefusal("unionpay", "UnionPay", code_text, meaning, _text(msg) or None)


def lottery_refusal(code: object, msg: object) -> ProviderRefusal:
    """A refusal the lottery gateway answered just now, with its msg."""
    code_text = _text(code)
    info = lottery_codes.describe(code_text)
    meaning = info.meaning_en if info.table != "unknown" else UNKNOWN_CODE
    return ProviderRefusal("instant-lottery", "The lottery gateway", code_text, meaning, _text(msg) or None)


def lottery_ticket_refusal(code: object) -> ProviderRefusal:
    """A redemption refusal read back from its reward, which keeps the gateway's code but not its msg. The
    gateway's msg for a code is the seed's Chinese text for it (§5, what the sandbox answers too), so that
    text stands in; a code the table lacks has none."""
    code_text = _text(code)
    info = lottery_codes.describe(code_text)
    return lottery_refusal(code_text, info.meaning_zh if info.table != "unknown" else None)
