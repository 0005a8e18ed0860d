"""A tenant's settings for the UnionPay applet backend: parsed, validated, and masked for display.

The JSON shape is what the sandbox's `/_control/config` returns and what `configureProvider` takes:
{"baseUrl" (the `…/open/access/1.0` root; calls go to `<baseUrl>/qual.reduce`), "appId",
"privateKeyPem" (the merchant's RSA key, secret), "providerPublicKeyPem" (UnionPay's key, to check signed
answers), "symmetricKey" (secret; 48 hex characters, the 3DES key), "backendSecret"? (secret; the appId's
secret for backendToken, which qual.reduce itself does not need), "responseSignature"?: "if_present"
(default: no public source says the real answer is signed) | "required" | "off",
"replaySameTransNumber"?: false (default) | true, "connectTimeoutSeconds"?, "readTimeoutSeconds"?}

replaySameTransNumber: does UnionPay answer a repeated transNumber with the original draw? The seed says only
"流水号（确保唯一）" (a serial number, keep it unique) and PROTOCOLS.md §0 finds no source on duplicates, so the
default is no: a draw whose answer was lost is handed to a person (NEEDS_ATTENTION) instead of being sent
again, which could draw a second time and use a second qualification. A tenant who has it confirmed turns
it on; syncReward then re-sends the same transNumber (the sandbox replays, and its config says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from providers.http import Timeouts
from providers.settings import SettingsInvalid, masked_copy, require_text, timeouts_from
from providers.unionpay.crypto import symmetric_key_bytes
from providers.unionpay.signing import load_private_key, load_public_key

PROVIDER = "unionpay"
SECRET_FIELDS = ("privateKeyPem", "symmetricKey", "backendSecret")
# The keys read below; baseUrl, the timeouts and tlsCaBundle are every calling provider's (providers/settings.py).
SETTING_KEYS = frozenset({"appId", "privateKeyPem", "providerPublicKeyPem", "symmetricKey", "backendSecret",
                          "responseSignature", "replaySameTransNumber"})
PRODUCTION_BASE_URL = "https://open.95516.com/open/access/1.0"
RESPONSE_SIGNATURE_MODES = ("if_present", "required", "off")
_MAX_PEM_LENGTH = 20_000


@dataclass(frozen=True)
class UnionPaySettings:
    base_url: str
    app_id: str
    private_key_pem: str
    provider_public_key_pem: str
    symmetric_key: str
    backend_secret: str | None
    response_signature: str
    timeouts: Timeouts
    replay_same_trans_number: bool = False

    def __repr__(self) -> str:
        # The default repr would print the keys into any log line or traceback that shows us.
        return (f"UnionPaySettings(base_url={self.base_url!r}, app_id={self.app_id!r}, "
                f"response_signature={self.response_signature!r})")


def parse_settings(raw: dict[str, Any]) -> UnionPaySettings:
    base_url = require_text(raw, "baseUrl", 500).rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise SettingsInvalid("baseUrl", "must be an http(s) URL")
    private_key_pem = require_text(raw, "privateKeyPem", _MAX_PEM_LENGTH)
    try:
        load_private_key(private_key_pem)
    except ValueError as error:
        raise SettingsInvalid("privateKeyPem", f"must be an unencrypted RSA private key ({error})") from None
    public_key_pem = require_text(raw, "providerPublicKeyPem", _MAX_PEM_LENGTH)
    try:
        load_public_key(public_key_pem)
    except ValueError as error:
        raise SettingsInvalid("providerPublicKeyPem", f"must be UnionPay's RSA public key ({error})") from None
    symmetric_key = require_text(raw, "symmetricKey", 100).strip()
    try:
        symmetric_key_bytes(symmetric_key)
    except ValueError as error:
        raise SettingsInvalid("symmetricKey", str(error)) from None
    backend_secret = raw.get("backendSecret")
    if backend_secret is not None and (not isinstance(backend_secret, str) or len(backend_secret) > 200):
        raise SettingsInvalid("backendSecret", "a string of at most 200 characters")
    mode = str(raw.get("responseSignature") or "if_present")
    if mode not in RESPONSE_SIGNATURE_MODES:
        raise SettingsInvalid("responseSignature", f"must be one of {', '.join(RESPONSE_SIGNATURE_MODES)}")
    replay = raw.get("replaySameTransNumber")
    replay = False if replay is None else replay
    if not isinstance(replay, bool):
        raise SettingsInvalid("replaySameTransNumber", "must be true or false")
    return UnionPaySettings(
        base_url=base_url,
        app_id=require_text(raw, "appId", 64),
        private_key_pem=private_key_pem,
        provider_public_key_pem=public_key_pem,
        symmetric_key=symmetric_key,
        backend_secret=backend_secret or None,
        response_signature=mode,
        timeouts=timeouts_from(raw),
        replay_same_trans_number=replay,
    )


def mask_settings(raw: dict[str, Any]) -> dict[str, Any]:
    return masked_copy(raw, SECRET_FIELDS)

