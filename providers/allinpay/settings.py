"""A tenant's settings for the Allinpay gateway: parsed, validated, and masked for display.

The JSON shape is what the sandbox's `/_control/config` returns and what `configureProvider` takes:
{"baseUrl" (the gateway URL requests are POSTed to), "appId", "privateKeyPem" (the merchant's key, a
secret), "providerPublicKeyPem" (the gateway's public key or certificate, to verify answers),
"signVariant"?: "MD5_RSA" | "RSA", "version"?: "1.0", "connectTimeoutSeconds"?, "readTimeoutSeconds"?,
"refusedBeforeProcessingCodes"?: [int, ...] (the gateway codes that refuse a request before its order is
read, so the reward fails and its hold is released; default the sandbox's envelope codes, codes.py)}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from providers.allinpay.codes import BUSINESS_FAILURE, REFUSED_BEFORE_PROCESSING, SUCCESS
from providers.allinpay.signing import MD5_RSA, SIGN_VARIANTS, load_private_key, load_public_key
from providers.http import Timeouts
from providers.settings import SettingsInvalid, masked_copy, require_text, timeouts_from

PROVIDER = "allinpay"
SECRET_FIELDS = ("privateKeyPem",)
# The keys read below; baseUrl, the timeouts and tlsCaBundle are every calling provider's (providers/settings.py).
SETTING_KEYS = frozenset({"appId", "privateKeyPem", "providerPublicKeyPem", "signVariant", "version",
                          "refusedBeforeProcessingCodes"})
DEFAULT_VERSION = "1.0"
_MAX_PEM_LENGTH = 20_000  # a 4096-bit key or a certificate chain fits with room to spare
_MAX_REFUSAL_CODES = 50


@dataclass(frozen=True)
class AllinpaySettings:
    base_url: str
    app_id: str
    private_key_pem: str
    provider_public_key_pem: str
    sign_variant: str
    version: str
    timeouts: Timeouts
    refused_before_processing_codes: frozenset[int] = REFUSED_BEFORE_PROCESSING

    def __repr__(self) -> str:
        # The default repr would print the private key into any log line or traceback that shows us.
        return (f"AllinpaySettings(base_url={self.base_url!r}, app_id={self.app_id!r}, "
                f"sign_variant={self.sign_variant!r}, version={self.version!r})")


def parse_settings(raw: dict[str, Any]) -> AllinpaySettings:
    base_url = require_text(raw, "baseUrl", 500)
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise SettingsInvalid("baseUrl", "must be an http(s) URL")
    private_key_pem = require_text(raw, "privateKeyPem", _MAX_PEM_LENGTH)
    try:
        load_private_key(private_key_pem)
    except ValueError as error:
        raise SettingsInvalid("privateKeyPem", f"must be an unencrypted RSA private key in PEM ({error})") from None
    public_key_pem = require_text(raw, "providerPublicKeyPem", _MAX_PEM_LENGTH)
    try:
        load_public_key(public_key_pem)
    except ValueError as error:
        raise SettingsInvalid("providerPublicKeyPem",
                              f"must be the gateway's RSA public key or certificate in PEM ({error})") from None
    variant = str(raw.get("signVariant") or MD5_RSA).upper()
    if variant not in SIGN_VARIANTS:
        raise SettingsInvalid("signVariant", f"must be one of {', '.join(SIGN_VARIANTS)}")
    version = str(raw.get("version") or DEFAULT_VERSION)
    if len(version) > 10:
        raise SettingsInvalid("version", "at most 10 characters")
    return AllinpaySettings(
        base_url=base_url,
        app_id=require_text(raw, "appId", 64),
        private_key_pem=private_key_pem,
        provider_public_key_pem=public_key_pem,
        sign_variant=variant,
        version=version,
        timeouts=timeouts_from(raw),
        refused_before_processing_codes=_refusal_codes(raw),
    )


def _refusal_codes(raw: dict[str, Any]) -> frozenset[int]:
    """`refusedBeforeProcessingCodes`: whole numbers other than the seed's 0 (success) and 3 (its refusal
    with a reason, which is one already); absent means the sandbox's envelope codes."""
    value = raw.get("refusedBeforeProcessingCodes")
    if value is None:
        return REFUSED_BEFORE_PROCESSING
    if not isinstance(value, list) or len(value) > _MAX_REFUSAL_CODES or not all(
            isinstance(code, int) and not isinstance(code, bool) and code not in (SUCCESS, BUSINESS_FAILURE)
            for code in value):
        raise SettingsInvalid("refusedBeforeProcessingCodes",
                              f"a list of at most {_MAX_REFUSAL_CODES} whole numbers, none of them 0 or 3")
    return frozenset(value)


def mask_settings(raw: dict[str, Any]) -> dict[str, Any]:
    return masked_copy(raw, SECRET_FIELDS)

