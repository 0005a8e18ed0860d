"""Sealing personal data the ledger must keep only to send it again (a member's mobile number, say).

AES-SIV under a key derived (HKDF-SHA256) from one of the tenant's own provider secrets, as UnionPay's
qualification values are sealed under the tenant's 3DES key: the value can be replayed to the provider
that was sent it and read by no one without the tenant's secret. SIV is deterministic, so one value
always seals the same way under one key: the ledger compares requests (idempotency) by a digest of the
sealed form, never of the value, which a digest of something as small as a phone number would give away.
"""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "siv1:"
_KEY_BYTES = 64  # AES-256-SIV


class PersonalDataSealer:
    def __init__(self, key: bytes) -> None:
        self._siv = AESSIV(key)

    @classmethod
    def derived_from(cls, secret: bytes, purpose: str) -> PersonalDataSealer:
        """A sealer whose key is bound to the tenant's secret and to what it seals (`purpose`)."""
        key = HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None,
                   info=f"reward-ledger personal data: {purpose}".encode()).derive(secret)
        return cls(key)

    def seal(self, value: str) -> str:
        return PREFIX + base64.urlsafe_b64encode(self._siv.encrypt(value.encode("utf-8"), None)).decode("ascii")

    def unseal(self, sealed: str) -> str:
        """The value; ValueError if it was not sealed by this sealer's key."""
        if not sealed.startswith(PREFIX):
            raise ValueError("not a sealed value")
        try:
            return self._siv.decrypt(base64.urlsafe_b64decode(sealed[len(PREFIX):]), None).decode("utf-8")
        except (InvalidTag, ValueError, UnicodeDecodeError):
            raise ValueError("sealed under another key") from None

    def __repr__(self) -> str:  # no key material in any log line or traceback
        return "PersonalDataSealer(...)"
