"""Signing for the UnionPay applet backend (PROTOCOLS.md §0), as pure functions.

- qual.reduce requests: SHA256withRSA (PKCS#1 v1.5) with the merchant's private key over the parameters
  sorted by name and joined as `name=value` with `&`, `signature` and `symmetricKey` left out and empty
  values kept (zingson's `containNilVal=true`: optional fields take part as ""). Sensitive fields are
  signed in plaintext and encrypted afterwards. Standard base64 in the `signature` field.
- backendToken requests: SHA-256, lowercase hex, of the sorted `appId, nonceStr, secret, timestamp` string.
- Answers: no public source says the qual.reduce answer is signed. ASSUMPTION (the sandbox does it, the
  adapter checks it as settings say): a top-level `signature`, SHA256withRSA with the provider's key over
  the envelope minus `signature` as compact JSON with keys sorted at every depth.
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

_UNSIGNED = frozenset({"signature", "symmetricKey"})


def sign_string(params: Mapping[str, Any]) -> str:
    """The text that is signed: `signature`/`symmetricKey` dropped, None dropped, "" kept, sorted, `k=v&...`."""
    used = sorted((name, str(value)) for name, value in params.items() if name not in _UNSIGNED and value is not None)
    return "&".join(f"{name}={value}" for name, value in used)


def sign_request(params: Mapping[str, Any], private_key_pem: str) -> str:
    return _sign(sign_string(params).encode("utf-8"), private_key_pem)


def verify_request(params: Mapping[str, Any], public_key_pem: str) -> bool:
    """Whether `params["signature"]` signs the other parameters (as given: decrypt sensitive fields first)."""
    return _verify(sign_string(params).encode("utf-8"), params.get("signature"), public_key_pem)


def response_sign_payload(envelope: Mapping[str, Any]) -> str:
    unsigned = {name: value for name, value in envelope.items() if name != "signature"}
    return json.dumps(unsigned, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def sign_response(envelope: Mapping[str, Any], private_key_pem: str) -> str:
    return _sign(response_sign_payload(envelope).encode("utf-8"), private_key_pem)


def verify_response(envelope: Mapping[str, Any], public_key_pem: str) -> bool:
    return _verify(response_sign_payload(envelope).encode("utf-8"), envelope.get("signature"), public_key_pem)


def backend_token_signature(app_id: str, nonce_str: str, secret: str, timestamp: str | int) -> str:
    """The backendToken request's `signature`: sha256 hex of `appId=…&nonceStr=…&secret=…&timestamp=…`."""
    text = sign_string({"appId": app_id, "nonceStr": nonce_str, "secret": secret, "timestamp": str(timestamp)})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generate_test_keypair(bits: int = 2048) -> tuple[str, str]:
    """A throwaway (private PKCS#8 PEM, public PEM) pair for tests and the sandbox; never for real use."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return private_pem, public_pem


@lru_cache(maxsize=64)
def load_private_key(private_key_pem: str) -> rsa.RSAPrivateKey:
    """An RSA private key from PEM (PKCS#8 or PKCS#1) or bare base64 PKCS#8 DER, as UnionPay hands them out."""
    text = private_key_pem.strip()
    try:
        if text.startswith("-----BEGIN"):
            key: object = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            key = serialization.load_der_private_key(base64.b64decode("".join(text.split()), validate=True),
                                                     password=None)
    except (ValueError, TypeError, UnicodeEncodeError, binascii.Error) as error:
        raise ValueError("not an unencrypted PEM (or base64 DER) private key") from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA key")
    return key


@lru_cache(maxsize=64)
def load_public_key(public_key_pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from PEM, a PEM certificate, or bare base64 SubjectPublicKeyInfo DER."""
    text = public_key_pem.strip()
    key: object
    try:
        if "BEGIN CERTIFICATE" in text:
            key = x509.load_pem_x509_certificate(text.encode("ascii")).public_key()
        elif text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = serialization.load_der_public_key(base64.b64decode("".join(text.split()), validate=True))
    except (ValueError, TypeError, UnicodeEncodeError, binascii.Error) as error:
        raise ValueError("not a PEM public key or certificate") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA key")
    return key


def _sign(message: bytes, private_key_pem: str) -> str:
    signature = load_private_key(private_key_pem).sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def _verify(message: bytes, claimed: Any, public_key_pem: str) -> bool:
    if not isinstance(claimed, str) or not claimed:
        return False
    try:
        key = load_public_key(public_key_pem)
        key.verify(base64.b64decode(claimed, validate=True), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
