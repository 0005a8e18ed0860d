"""The Allinpay sandbox's memory: its keys, clock, coupon templates, issued orders and injected faults.

One `SandboxState` per sandbox app; nothing here is global, so several sandboxes can run side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from providers.allinpay.signing import MD5_RSA, generate_test_keypair
from providers.sandbox_support import SIGNED_FAULT_MODES, Fault, FaultSlot, SandboxClock
from providers.sandbox_support import ControlInputError as ControlInputError

DEFAULT_APP_ID = "1581648210684"  # made up, in the shape of a real (numeric) appId
FAULT_MODES = SIGNED_FAULT_MODES
TRAN_DATE_TIME_FORMATS = ("array", "string")


@dataclass(frozen=True)
class SandboxKeys:
    """Throwaway RSA keys made at start: the merchant's pair (the tenant signs with the private half, the
    sandbox verifies with the public one) and the gateway's pair (the sandbox signs its answers)."""

    merchant_private_pem: str
    merchant_public_pem: str
    gateway_private_pem: str
    gateway_public_pem: str

    @classmethod
    def generate(cls, bits: int = 1024) -> SandboxKeys:
        merchant_private, merchant_public = generate_test_keypair(bits)
        gateway_private, gateway_public = generate_test_keypair(bits)
        return cls(merchant_private, merchant_public, gateway_private, gateway_public)


@dataclass
class Template:
    template_id: str
    stock: int
    coupon_name: str


@dataclass(frozen=True)
class Order:
    """An issued couponSend order, kept to answer repeats of its orderId."""

    order_id: str
    biz: dict[str, Any]  # the bizContent as received, to tell a repeat from a different order
    tran_no: str
    issued_at: datetime
    template_id: str
    num: int
    id_type: str | None
    member_id: str | None
    entries: tuple[dict[str, Any], ...]  # the answer's `list`: a couponNo per coupon, or one QR code in all


@dataclass
class SandboxState(FaultSlot):
    app_id: str
    keys: SandboxKeys
    sign_variant: str = MD5_RSA
    tran_date_time_format: str = "array"  # how answers write tranDateTime
    clock: SandboxClock = field(default_factory=SandboxClock)
    templates: dict[str, Template] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    fault: Fault | None = None
    calls: int = 0
    last_serial: int = 0

    def reset(self) -> None:
        """Forgets everything but the appId and the keys."""
        fresh = SandboxState(app_id=self.app_id, keys=self.keys)
        for item in fields(self):
            setattr(self, item.name, getattr(fresh, item.name))

    def next_serial(self) -> int:
        self.last_serial += 1
        return self.last_serial
