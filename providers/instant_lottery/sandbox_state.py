"""The instant-lottery sandbox's memory: clock, rules, stations, sessions, tickets and redemptions.

One `SandboxState` per sandbox app; nothing here is global, so several sandboxes can run side by side.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from providers.instant_lottery.signing import BEIJING
from providers.sandbox_support import FAULT_MODES as FAULT_MODES
from providers.sandbox_support import ControlInputError as ControlInputError
from providers.sandbox_support import Fault, FaultSlot, SandboxClock

SEEDED_STATION_IDS = ("21010001", "21010002")
SEEDED_CLERK_IDS = ("0", "1")  # seed §8.2: every station gets clerks 0 and 1
INITIAL_PASSWORD = "123456"  # seed §8.3
TERMINAL_TYPE = "1"
CLIENT_VERSION = "1"
SOLD_CITY = "沈阳市"  # 2101xxxx: Liaoning (21), Shenyang (01)
TICKET_PRICE_YUAN = 10
FOREIGN_STATION_ID = "99999999"  # where REDEEMED tickets were cashed, outside this sandbox
TICKET_OUTCOMES = ("WIN", "LOSE", "UNSOLD", "REDEEMED", "OTHER_PROVINCE")


def serial_no_for(station_id: str) -> str:
    """The hardware serial number `/_control/config` hands out for a station."""
    return f"SANDBOX-SN-{station_id}"


def beijing_date(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


# ---- rules (seed §6 and the gateway's own limits) ----

_SERVICE_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def parse_service_hours(text: str) -> tuple[int, int]:
    """ "HH:MM-HH:MM" as (start, end) minutes of the Beijing day; end may be 24:00."""
    match = _SERVICE_HOURS.match(text)
    if not match:
        raise ControlInputError("serviceHours must look like 01:00-23:00")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if start_h > 23 or start_m > 59 or end_m > 59 or end > 24 * 60:
        raise ControlInputError("serviceHours has an impossible time")
    return start, end


@dataclass(frozen=True)
class Rules:
    enabled: bool = True
    service_hours: str = "01:00-23:00"  # seed §6: no service around midnight (settlement)
    min_interval_seconds: float = 15
    max_failures_per_day: int = 10
    max_tickets_per_day: int = 20
    max_amount_per_day_fen: int = 1_000_000
    blacklist: tuple[str, ...] = ()
    station_prize_limit_fen: int = 1_000_000
    latency_seconds: float = 0
    token_ttl_seconds: float = 30 * 86400  # seed §8: a token lives about a month


# JSON name -> (field name, kind); the kind picks the validation.
_RULE_FIELDS: dict[str, tuple[str, str]] = {
    "enabled": ("enabled", "bool"),
    "serviceHours": ("service_hours", "hours"),
    "minIntervalSeconds": ("min_interval_seconds", "seconds"),
    "maxFailuresPerDay": ("max_failures_per_day", "count"),
    "maxTicketsPerDay": ("max_tickets_per_day", "count"),
    "maxAmountPerDayFen": ("max_amount_per_day_fen", "count"),
    "blacklist": ("blacklist", "ids"),
    "stationPrizeLimitFen": ("station_prize_limit_fen", "count"),
    "latencySeconds": ("latency_seconds", "seconds"),
    "tokenTtlSeconds": ("token_ttl_seconds", "seconds"),
}


def rules_as_json(rules: Rules) -> dict[str, Any]:
    shown = {name: getattr(rules, attribute) for name, (attribute, _) in _RULE_FIELDS.items()}
    shown["blacklist"] = list(rules.blacklist)
    return shown


def updated_rules(rules: Rules, changes: dict[str, Any]) -> Rules:
    """`rules` with the given JSON keys changed; anything unknown or ill-typed is a ControlInputError."""
    unknown = sorted(set(changes) - set(_RULE_FIELDS))
    if unknown:
        raise ControlInputError(f"unknown rules {unknown}; known: {sorted(_RULE_FIELDS)}")
    values = {}
    for name, value in changes.items():
        attribute, kind = _RULE_FIELDS[name]
        values[attribute] = _checked_rule_value(name, kind, value)
    return replace(rules, **values)


def _checked_rule_value(name: str, kind: str, value: Any) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise ControlInputError(f"{name} must be true or false")
        return value
    if kind == "hours":
        if not isinstance(value, str):
            raise ControlInputError(f"{name} must be a string like 01:00-23:00")
        parse_service_hours(value)
        return value
    if kind == "ids":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ControlInputError(f"{name} must be a list of user ids")
        return tuple(value)
    is_number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not is_number or value < 0 or (kind == "count" and not isinstance(value, int)):
        wanted = "a whole number" if kind == "count" else "a number of seconds"
        raise ControlInputError(f"{name} must be {wanted}, 0 or more")
    if kind == "seconds" and value > 100 * 365 * 86400:
        raise ControlInputError(f"{name} is too large")
    return value


# ---- what the gateway remembers ----


@dataclass(frozen=True)
class TicketIdentity:
    """A ticket's printed numbers; the sandbox derives them from the bar code when not given."""

    game_no: str
    batch_no: str
    pack_no: str
    ticket_in_pack: str

    @property
    def ticket_no(self) -> str:
        """The seed's XXXXX-XXXXX-XXXXXXXXXXX: game, batch, then pack, ticket and a check digit."""
        check = sum(int(digit) for digit in self.pack_no + self.ticket_in_pack if digit.isdigit()) % 10
        return f"{self.game_no}-{self.batch_no}-{self.pack_no}{self.ticket_in_pack}{check}"


def identity_from_bar_code(bar_code: str, game_no: str | None = None, batch_no: str | None = None
                           ) -> TicketIdentity:
    digits = "".join(char for char in bar_code if char.isdigit())
    if len(digits) < 20:
        # Short test bar codes ("T-WIN-1") still need stable numbers: take them from a hash.
        digits = str(int(hashlib.sha256(bar_code.encode()).hexdigest(), 16))[:20]
    return TicketIdentity(game_no=game_no or digits[0:5], batch_no=batch_no or digits[5:10],
                          pack_no=digits[10:17], ticket_in_pack=digits[17:20])


@dataclass(frozen=True)
class Redemption:
    bar_code: str
    identity: TicketIdentity
    station_id: str
    clerk_id: str
    transac_id: str
    user_id: str
    prize_fen: int
    level: int
    time: datetime


@dataclass
class Ticket:
    bar_code: str
    outcome: str  # one of TICKET_OUTCOMES
    prize_fen: int
    level: int
    game_name: str
    identity: TicketIdentity
    price_yuan: int = TICKET_PRICE_YUAN
    redemption: Redemption | None = None  # set once redeemed (here, or elsewhere for REDEEMED)


@dataclass
class Session:
    token: str
    station_id: str
    clerk_id: str
    expires_at: datetime
    replaced: bool = False  # a newer login of the same station took over (1021)


@dataclass
class Station:
    station_id: str
    passwords: dict[str, str]  # clerk id -> password
    bound_serial_no: str | None = None  # bound by the first successful login (seed §8.2)
    balance_yuan: float = 0.0
    current_token: str | None = None


@dataclass
class ClerkCounter:
    """The per-clerk subtotal that getCount shows and resetCount zeroes (seed §8.5, §8.6)."""

    tickets: int = 0
    amount_yuan: int = 0


@dataclass
class UserActivity:
    """What the risk rules (seed §6) remember about one userId."""

    last_redemption_attempt: datetime | None = None
    failures_by_day: dict[date, int] = field(default_factory=dict)


def _seeded_stations() -> dict[str, Station]:
    return {station_id: Station(station_id, {clerk: INITIAL_PASSWORD for clerk in SEEDED_CLERK_IDS})
            for station_id in SEEDED_STATION_IDS}


@dataclass
class SandboxState(FaultSlot):
    app_key: str
    app_secret: str
    clock: SandboxClock = field(default_factory=SandboxClock)
    rules: Rules = field(default_factory=Rules)
    stations: dict[str, Station] = field(default_factory=_seeded_stations)
    sessions: dict[str, Session] = field(default_factory=dict)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    redemptions: list[Redemption] = field(default_factory=list)
    counters: dict[tuple[str, str], ClerkCounter] = field(default_factory=dict)
    users: dict[str, UserActivity] = field(default_factory=dict)
    used_transac_ids: set[str] = field(default_factory=set)
    busy_stations: set[str] = field(default_factory=set)
    fault: Fault | None = None
    overlaps: int = 0
    calls: int = 0

    def reset(self) -> None:
        """Forgets everything but the app credentials."""
        fresh = SandboxState(app_key=self.app_key, app_secret=self.app_secret)
        for item in fields(self):
            setattr(self, item.name, getattr(fresh, item.name))

    def counter(self, station_id: str, clerk_id: str) -> ClerkCounter:
        return self.counters.setdefault((station_id, clerk_id), ClerkCounter())

    def user(self, user_id: str) -> UserActivity:
        return self.users.setdefault(user_id, UserActivity())
