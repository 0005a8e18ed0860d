"""RSA signing of Allinpay gateway requests and responses (PROTOCOLS.md §2), as pure functions.

Requests: the form parameters minus `sign`, `signType` and empty values, sorted by name and joined as
`name=value` with `&` (`presign_string`). Responses: the envelope minus `sign`, keys sorted recursively,
compact JSON with non-ASCII left as is (`response_sign_payload`). Either text is then signed with
SHA256withRSA (PKCS#1 v1.5) in one of two variants found in public clients:

- `MD5_RSA` (the default; two independent SDKs agree on it): the text's MD5, as raw bytes, is
  base64-encoded and that base64 *text* is what gets signed;
- `RSA`: the text itself is signed.

The signature travels as standard base64. PKCS#1 v1.5 is deterministic, so a key and a text always give
the same signature. Keys are PEM text; `generate_test_keypair` makes throwaway ones for tests and the
sandbox, never for real use.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MD5_RSA = "MD5_RSA"
RSA = "RSA"
SIGN_VARIANTS = (MD5_RSA, RSA)
SIGN_TYPE = "SHA256WithRSA"  # the gateway's name for both variants; it is not part of the signed text
_UNSIGNED_PARAMS = frozenset({"sign", "signType"})


def presign_string(params: Mapping[str, Any]) -> str:
    """The request text that gets signed: `sign`, `signType` and empty values dropped, sorted, `k=v&...`."""
    used = sorted((name, str(value)) for name, value in params.items()
                  if name not in _UNSIGNED_PARAMS and value is not None and value != "")
    return "&".join(f"{name}={value}" for name, value in used)


def md5_base64(text: str) -> str:
    """The MD5_RSA variant's pre-digest: MD5 of the UTF-8 text, raw bytes, as base64 text."""
    return base64.b64encode(hashlib.md5(text.encode("utf-8")).digest()).decode("ascii")


def sign_request(params: Mapping[str, Any], private_key_pem: str, variant: str = MD5_RSA) -> str:
    """The `sign` form value. Raises ValueError for an unknown variant or a key that is not an RSA private key."""
    return _sign_text(presign_string(params), private_key_pem, variant)


def verify_request(params: Mapping[str, Any], public_key_pem: str, variant: str = MD5_RSA) -> bool:
    """Whether `params["sign"]` is the key holder's signature of the other parameters."""
    return _verify_text(presign_string(params), params.get("sign"), public_key_pem, variant)


def response_sign_payload(obj: Mapping[str, Any]) -> str:
    """The response text that gets signed: `sign` removed, keys sorted at every depth, compact JSON.

    Non-ASCII stays unescaped and `null` is kept, as the gateway serialises it (PROTOCOLS.md §2)."""
    unsigned = {name: value for name, value in obj.items() if name != "sign"}
    return json.dumps(unsigned, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def sign_response(obj: Mapping[str, Any], private_key_pem: str, variant: str = MD5_RSA) -> str:
    """The `sign` of a response envelope (what the gateway, here the sandbox, adds)."""
    return _sign_text(response_sign_payload(obj), private_key_pem, variant)


def verify_response(obj: Mapping[str, Any], public_key_pem: str, variant: str = MD5_RSA) -> bool:
    """Whether the envelope's `sign` is the gateway's signature of the rest of it."""
    return _verify_text(response_sign_payload(obj), obj.get("sign"), public_key_pem, variant)


def generate_test_keypair(bits: int = 1024) -> tuple[str, str]:
    """A fresh (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM) pair for tests and the sandbox.

    1024 bits by default because the seed's own sample signature is RSA-1024 (172 base64 characters)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return private_pem, public_pem


@lru_cache(maxsize=64)
def load_private_key(private_key_pem: str) -> rsa.RSAPrivateKey:
    """An RSA private key from PEM (PKCS#8 or PKCS#1, unencrypted); ValueError otherwise.

    Cached because loading checks the key's consistency, which costs more than signing with it."""
    try:
        key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise ValueError("not an unencrypted PEM private key") from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA key")
    return key


@lru_cache(maxsize=64)
def load_public_key(public_key_pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from a PEM public key or a PEM certificate (Allinpay hands out `TLCert.cer`)."""
    data = public_key_pem.encode("ascii", errors="replace")
    key: object
    try:
        if b"BEGIN CERTIFICATE" in data:
            key = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as error:
        raise ValueError("not a PEM public key or certificate") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA key")
    return key


def _message(text: str, variant: str) -> bytes:
    if variant == MD5_RSA:
        return md5_base64(text).encode("ascii")
    if variant == RSA:
        return text.encode("utf-8")
    raise ValueError(f"unknown sign variant {variant!r}: use one of {', '.join(SIGN_VARIANTS)}")


def _sign_text(text: str, private_key_pem: str, variant: str) -> str:
    message = _message(text, variant)
    signature = load_private_key(private_key_pem).sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def _verify_text(text: str, claimed: Any, public_key_pem: str, variant: str) -> bool:
    message = _message(text, variant)
    key = load_public_key(public_key_pem)
    if not isinstance(claimed, str) or not claimed:
        return False
    try:
        signature = base64.b64decode(claimed, validate=True)
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
