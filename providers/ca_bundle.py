"""`tlsCaBundle`: the certificates a provider's HTTPS endpoint must chain to, instead of the system's store.

Seed 003 §3.4 (CA 证书): the client must check the gateway's certificate, and the instant-lottery gateway
is reached over HTTPS, often by IP address, under the provider's own CA, which no system store holds.
Any provider that calls out takes the setting: the PEM text of one or more certificates. They are public
data, not secrets, but long, so settings show each certificate's subject and expiry instead of the text;
that summary sent back to `configureProvider` keeps the stored bundle, as a mask keeps a stored secret.
"""

from __future__ import annotations

import copy
import ssl
from typing import Any

from cryptography import x509

from providers.settings import CA_BUNDLE, SettingsInvalid

MAX_BUNDLE_CHARS = 64 * 1024
MAX_CERTIFICATES = 20


def validated_bundle(value: Any) -> str | None:
    """The bundle's PEM text, or None when it is unset (null or ""); SettingsInvalid naming the setting
    when it is not a bundle this service can trust."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise SettingsInvalid(CA_BUNDLE, "the PEM text of one or more CA certificates (the subjects and expiry "
                                         "dates shown keep the stored bundle only while they match it)")
    if len(value) > MAX_BUNDLE_CHARS:
        raise SettingsInvalid(CA_BUNDLE, f"at most {MAX_BUNDLE_CHARS // 1024} KiB of PEM")
    if "PRIVATE KEY-----" in value:
        # The bundle is stored and shown as public data; a key pasted with it would not be.
        raise SettingsInvalid(CA_BUNDLE, "holds a private key; only certificates belong here")
    certificates = _certificates(value)
    if len(certificates) > MAX_CERTIFICATES:
        raise SettingsInvalid(CA_BUNDLE, f"at most {MAX_CERTIFICATES} certificates")
    try:
        ssl_context(value)  # what parses for cryptography may still be refused by OpenSSL's trust store
    except (ssl.SSLError, ValueError) as error:
        raise SettingsInvalid(CA_BUNDLE, f"not usable to verify TLS certificates ({error})") from None
    return value


def ssl_context(bundle: str) -> ssl.SSLContext:
    """Trusts exactly the bundle's certificates; hostnames (and IP addresses, through subjectAltName)
    are still checked, as in any default context."""
    return ssl.create_default_context(cadata=bundle)


def summary(bundle: str) -> list[dict[str, str]]:
    """What settings show of a bundle: each certificate's subject and expiry (UTC)."""
    return [{"subject": certificate.subject.rfc4514_string(),
             "notAfter": certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")}
            for certificate in _certificates(bundle)]


def shown(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of `settings` with the bundle, if any, replaced by its summary."""
    bundle = settings.get(CA_BUNDLE)
    if not isinstance(bundle, str):
        return settings
    try:
        shown_bundle: Any = summary(bundle)
    except SettingsInvalid:  # stored before bundles were checked; configuring it again says what is wrong
        shown_bundle = "unreadable"
    return {**copy.copy(settings), CA_BUNDLE: shown_bundle}


def keep_stored_bundle(new: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """Settings read from `providerConfigs` and sent back carry the bundle's summary: keep the stored
    bundle then. A summary that does not match the stored bundle is left for validation to refuse."""
    sent, kept = new.get(CA_BUNDLE), (stored or {}).get(CA_BUNDLE)
    if not isinstance(sent, list) or not isinstance(kept, str):
        return new
    try:
        matches = sent == summary(kept)
    except SettingsInvalid:
        return new
    return {**new, CA_BUNDLE: kept} if matches else new


def _certificates(bundle: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(bundle.encode())
    except ValueError as error:
        raise SettingsInvalid(CA_BUNDLE, f"must be PEM certificates (-----BEGIN CERTIFICATE-----): {error}") from None
