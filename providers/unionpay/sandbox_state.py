"""The UnionPay sandbox's memory: its keys, clock, qualification and award pools, draws and faults.

One `SandboxState` per sandbox app; nothing here is global. The draw RNG is seeded, and re-seeded by
`/_control/reset`, so the same sequence of draws gives the same prizes.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from providers.sandbox_support import SIGNED_FAULT_MODES, Fault, FaultSlot, SandboxClock
from providers.sandbox_support import ControlInputError as ControlInputError
from providers.unionpay.crypto import generate_symmetric_key_hex
from providers.unionpay.signing import generate_test_keypair

DEFAULT_APP_ID = "a5949221470c4059b9b0b45a90c81527"  # made up, in the shape of a real appId
DEFAULT_SEED = 20240601
FAULT_MODES = SIGNED_FAULT_MODES
TOKEN_TTL_SECONDS = 7200


@dataclass(frozen=True)
class SandboxKeys:
    """Throwaway keys made at start: the merchant's RSA pair (the tenant signs, the sandbox verifies),
    UnionPay's RSA pair (the sandbox signs its answers), the 3DES key and the backendToken secret."""

    merchant_private_pem: str
    merchant_public_pem: str
    provider_private_pem: str
    provider_public_pem: str
    symmetric_key: str
    backend_secret: str

    @classmethod
    def generate(cls, bits: int = 2048) -> SandboxKeys:
        merchant_private, merchant_public = generate_test_keypair(bits)
        provider_private, provider_public = generate_test_keypair(bits)
        return cls(merchant_private, merchant_public, provider_private, provider_public,
                   generate_symmetric_key_hex(), secrets.token_hex(16))


@dataclass(frozen=True)
class Award:
    award_type: str  # "06" red packet (value in fen) | "07" mall coupon (value = number of coupons)
    award_value: int
    weight: int
    award_name: str
    ext_acct_id: str | None = None
    ext_acct_name: str | None = None
    goods_url: str | None = None


@dataclass
class Pool:
    activity_number: str
    qual_num: str
    qualifications: int  # per qualification value
    awards: list[Award]
    no_award_weight: int
    used: dict[str, int] = field(default_factory=dict)  # qualification value -> draws made


@dataclass(frozen=True)
class Draw:
    trans_number: str
    content: dict[str, str]  # the plaintext business fields, to tell a repeat from a different draw
    answer: dict[str, Any]  # the answer, unsigned, replayed for a repeat
    qual_value_masked: str


@dataclass
class SandboxState(FaultSlot):
    app_id: str
    keys: SandboxKeys
    seed: int = DEFAULT_SEED
    clock: SandboxClock = field(default_factory=SandboxClock)
    pools: dict[tuple[str, str], Pool] = field(default_factory=dict)
    draws: dict[str, Draw] = field(default_factory=dict)
    tokens: dict[str, datetime] = field(default_factory=dict)  # backendToken -> expiry
    fault: Fault | None = None
    calls: int = 0
    lenient: bool = False  # also accept ileapy's variant (ciphertext signed)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def reset(self) -> None:
        self.pools.clear()
        self.draws.clear()
        self.tokens.clear()
        self.fault = None
        self.calls = 0
        self.lenient = False
        self.clock = SandboxClock()
        self.rng = random.Random(self.seed)


def mask_value(value: str) -> str:
    """A qualification value as records show it: never in clear."""
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:3]}****{value[-2:]}"
