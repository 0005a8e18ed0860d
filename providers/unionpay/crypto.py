"""symmetricKey encryption of sensitive fields (qualValue, certId, mobile, cardNo), PROTOCOLS.md §0.

3DES (DESede) in ECB mode with PKCS#5 padding and no IV; the key is the tenant's `symmetricKey`, 48 hex
characters decoded to 24 bytes; the ciphertext travels as standard base64. ECB is what UnionPay uses; it
is deterministic, so the same value always gives the same ciphertext.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, modes

KEY_HEX_LENGTH = 48
_BLOCK_BITS = 64


def symmetric_key_bytes(symmetric_key_hex: str) -> bytes:
    """The 24-byte key; ValueError unless it is 48 hex characters."""
    text = symmetric_key_hex.strip() if isinstance(symmetric_key_hex, str) else ""
    if len(text) != KEY_HEX_LENGTH:
        raise ValueError(f"the symmetric key must be {KEY_HEX_LENGTH} hex characters")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValueError(f"the symmetric key must be {KEY_HEX_LENGTH} hex characters") from None


def encrypt_field(plain: str, symmetric_key_hex: str) -> str:
    """`plain` (UTF-8) encrypted with 3DES-ECB-PKCS5 under the hex key, as standard base64."""
    padder = padding.PKCS7(_BLOCK_BITS).padder()
    data = padder.update(plain.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(TripleDES(symmetric_key_bytes(symmetric_key_hex)), modes.ECB()).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


def decrypt_field(cipher_b64: str, symmetric_key_hex: str) -> str:
    """The inverse of `encrypt_field`; ValueError for bad base64, a wrong key (bad padding) or non-UTF-8."""
    try:
        data = base64.b64decode(cipher_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError("not base64") from None
    if not data or len(data) % (_BLOCK_BITS // 8):
        raise ValueError("not a whole number of 3DES blocks")
    decryptor = Cipher(TripleDES(symmetric_key_bytes(symmetric_key_hex)), modes.ECB()).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(_BLOCK_BITS).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ValueError("does not decrypt under this key") from None


def generate_symmetric_key_hex() -> str:
    """A fresh random key for tests and the sandbox."""
    return secrets.token_hex(KEY_HEX_LENGTH // 2)
