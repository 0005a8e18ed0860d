"""A provider's secrets as the database keeps them: encrypted with SECRETS_KEY's current key before they
are stored (providers/secret_cipher.py), and decrypted only where a tenant's adapter is built
(providers/registry.py), never for display: `providerConfigs` masks them whatever their form.

The process installs its key once at start (`use_secrets_key`, from Settings), as it installs its provider
factory: the ledger's services and the scheduler's jobs build adapters without knowing about keys.
"""

from __future__ import annotations

import copy
from typing import Any

from providers.secret_cipher import GENERATE_HINT, SecretCipher, SecretUnreadable
from providers.secret_fields import SecretSlot, secret_slots, with_secrets_changed

_installed: SecretCipher | None = None


class SecretsKeyMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"SECRETS_KEY is not set, so provider secrets can be neither stored nor read; "
                         f"{GENERATE_HINT}")


def use_secrets_key(text: str | None) -> None:
    """Installs the keys of a SECRETS_KEY value (validated by Settings); None removes them."""
    global _installed
    _installed = SecretCipher.from_setting(text) if text else None


def installed_cipher() -> SecretCipher:
    if _installed is None:
        raise SecretsKeyMissing()
    return _installed


def encrypted(settings: dict[str, Any], secret_fields: tuple[str, ...]) -> dict[str, Any]:
    """The settings to store: every secret encrypted under the current key."""
    return with_secrets_changed(settings, secret_fields, lambda slot: installed_cipher().encrypt(slot.value))


def decrypted(settings: dict[str, Any], secret_fields: tuple[str, ...]) -> dict[str, Any]:
    """The settings an adapter is built from. A value stored before encryption is taken as it is, so the key
    is needed only once something is encrypted; one no key decrypts raises SecretUnreadable naming it."""
    def clear(slot: SecretSlot) -> str:
        if not SecretCipher.is_encrypted(slot.value):
            return str(slot.value)
        try:
            return installed_cipher().decrypt(slot.value)
        except SecretUnreadable as exc:
            raise SecretUnreadable(f"{slot.path}: {exc}") from None

    return with_secrets_changed(settings, secret_fields, clear)


def readable(settings: dict[str, Any], secret_fields: tuple[str, ...]) -> dict[str, Any]:
    """Like `decrypted`, but a secret that cannot be read is left out, as if it had never been stored: for
    merging new settings, which may well replace it (the demo seeding its tenant again under a new key)."""
    result = copy.deepcopy(settings)
    for slot in list(secret_slots(result, secret_fields)):
        if isinstance(slot.value, str) and SecretCipher.is_encrypted(slot.value):
            try:
                slot.holder[slot.key] = installed_cipher().decrypt(slot.value)
            except (SecretUnreadable, SecretsKeyMissing):
                del slot.holder[slot.key]
    return result


def reencrypted(settings: dict[str, Any], secret_fields: tuple[str, ...]) -> tuple[dict[str, Any], int]:
    """The settings with every secret not yet under the current key encrypted under it, and how many changed.
    Raises SecretUnreadable (naming the value) if one is under no key SECRETS_KEY holds."""
    cipher = installed_cipher()
    changed = 0

    def current(slot: SecretSlot) -> str:
        nonlocal changed
        if cipher.is_current(slot.value):
            return str(slot.value)
        changed += 1
        try:
            return cipher.reencrypt(slot.value)
        except SecretUnreadable as exc:
            raise SecretUnreadable(f"{slot.path}: {exc}") from None

    return with_secrets_changed(settings, secret_fields, current), changed


def count_in_clear(settings: dict[str, Any], secret_fields: tuple[str, ...]) -> int:
    return sum(1 for slot in secret_slots(settings, secret_fields)
               if isinstance(slot.value, str) and not SecretCipher.is_encrypted(slot.value))
