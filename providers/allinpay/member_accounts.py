"""Sealing the member accounts of Allinpay orders (a mobile number, say) so the ledger can send an order
again without keeping the account in clear (providers/personal_data_sealing.py). The key derives from the
tenant's Allinpay private key, the one secret this adapter holds."""

from __future__ import annotations

from functools import lru_cache

from providers.allinpay.signing import load_private_key
from providers.personal_data_sealing import PersonalDataSealer

PURPOSE = "allinpay member account"


@lru_cache(maxsize=64)
def member_account_sealer(private_key_pem: str) -> PersonalDataSealer:
    numbers = load_private_key(private_key_pem).private_numbers()
    # The private exponent, not the PEM text: one key written as PKCS#1 or as PKCS#8 seals the same way.
    secret = numbers.d.to_bytes((numbers.d.bit_length() + 7) // 8, "big")
    return PersonalDataSealer.derived_from(secret, PURPOSE)
