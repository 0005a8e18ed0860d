"""Encrypting provider secrets at rest with the keys in SECRETS_KEY (Fernet: AES-128-CBC and HMAC-SHA256).

SECRETS_KEY holds one or more Fernet keys, comma-separated, the current one first. Values are encrypted with
the current key and read with any of them (MultiFernet), so a key is rotated by putting a new one first,
running `reward-ledger rotate-secrets` (which re-encrypts every value with it) and only then dropping the old.

An encrypted value is stored as `enc:fernet:<token>`. A value without that prefix was stored before secrets
were encrypted: it is read as it is until rotate-secrets (or the provider's next configureProvider) encrypts
it, so a database from before this change keeps working the moment a key is set.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc:fernet:"
KEY_SEPARATOR = ","
GENERATE_HINT = "`reward-ledger generate-secrets-key` prints a new one"


class SecretsKeyInvalid(ValueError):
    """SECRETS_KEY is not a list of Fernet keys; the message never quotes a key."""


class SecretUnreadable(ValueError):
    """An encrypted value that none of the keys in SECRETS_KEY decrypts (a key dropped too soon, say)."""


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _ordinal(position: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(position, f"{position}th")


def parse_keys(text: str) -> list[Fernet]:
    """The keys of a SECRETS_KEY value, the current one first."""
    parts = [part.strip() for part in text.split(KEY_SEPARATOR)]
    if not any(parts):
        raise SecretsKeyInvalid(f"SECRETS_KEY holds no key; {GENERATE_HINT}")
    keys = []
    for position, part in enumerate(parts, start=1):
        try:
            keys.append(Fernet(part.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            raise SecretsKeyInvalid(f"the {_ordinal(position)} key in SECRETS_KEY is not a Fernet key (32 bytes, "
                                    f"url-safe base64); {GENERATE_HINT}") from None
    return keys


class SecretCipher:
    def __init__(self, keys: list[Fernet]) -> None:
        self._current = keys[0]
        self._any = MultiFernet(keys)

    @classmethod
    def from_setting(cls, text: str) -> SecretCipher:
        return cls(parse_keys(text))

    @staticmethod
    def is_encrypted(stored: str) -> bool:
        return stored.startswith(PREFIX)

    def encrypt(self, clear: str) -> str:
        return PREFIX + self._current.encrypt(clear.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        """The clear value; a value stored before encryption (no prefix) is returned as it is."""
        if not self.is_encrypted(stored):
            return stored
        try:
            return self._any.decrypt(self._token(stored)).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise SecretUnreadable("encrypted under a key SECRETS_KEY no longer holds") from None

    def is_current(self, stored: str) -> bool:
        """Encrypted under the current key: rotation has nothing to do for it."""
        if not self.is_encrypted(stored):
            return False
        try:
            self._current.decrypt(self._token(stored))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def reencrypt(self, stored: str) -> str:
        """The value encrypted under the current key, whichever key (or none) it was stored under."""
        return self.encrypt(self.decrypt(stored))

    @staticmethod
    def _token(stored: str) -> bytes:
        return stored[len(PREFIX):].encode("ascii")

    def __repr__(self) -> str:  # no key material in any log line or traceback
        return "SecretCipher(...)"
