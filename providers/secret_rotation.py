"""`reward-ledger rotate-secrets`: every stored provider secret re-encrypted under SECRETS_KEY's current key.

Values under an older key of SECRETS_KEY, and values stored in clear before secrets were encrypted, are
rewritten; values already under the current key are left as they are, so a second run changes nothing. Once
a run reports nothing unreadable, the older keys can be dropped from SECRETS_KEY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger.services import provider_configs
from providers import registry, stored_secrets
from providers.secret_cipher import SecretUnreadable


@dataclass
class RotationReport:
    configs: int = 0  # provider configs looked at
    reencrypted: int = 0  # secrets written under the current key
    were_clear: int = 0  # of those, how many had been stored in clear
    unreadable: list[str] = field(default_factory=list)  # "tenant 3 unionpay symmetricKey: ..." (left as they were)

    def counts(self) -> dict[str, Any]:
        return {"configs": self.configs, "reencrypted": self.reencrypted, "wereClear": self.were_clear,
                "unreadable": self.unreadable}


async def rotate_secrets() -> RotationReport:
    stored_secrets.installed_cipher()  # SecretsKeyMissing before anything is read
    report = RotationReport()
    for tenant_id, name in await provider_configs.configured():
        if name not in registry.provider_names():
            continue
        report.configs += 1
        secret_fields = registry.module(name).secret_fields

        def rotated(settings: dict[str, Any], tenant_id: int = tenant_id, name: str = name,
                    secret_fields: tuple[str, ...] = secret_fields) -> dict[str, Any] | None:
            try:
                new, changed = stored_secrets.reencrypted(settings, secret_fields)
            except SecretUnreadable as exc:  # the whole config is left as it was, and reported
                report.unreadable.append(f"tenant {tenant_id} {name} {exc}")
                return None
            report.were_clear += stored_secrets.count_in_clear(settings, secret_fields)
            report.reencrypted += changed
            return new if changed else None

        await provider_configs.rewrite_settings(tenant_id, name, rotated)
    return report
