"""A tenant's settings for the instant-lottery gateway: parsed, validated, and masked for display.

The JSON shape is what the sandbox's `/_control/config` returns and what `configureProvider` takes:
{"baseUrl", "appKey", "appSecret", "signMethod"?, "stations": [{"stationId", "clerkId", "password",
"type", "version", "serialNo"}], "defaultStationId"?, "paths"?, "connectTimeoutSeconds"?,
"readTimeoutSeconds"?, "merchantPrefix"?, "stationLeaseSeconds"?, "tlsCaBundle"? (the gateway's own CA, seed §3.4;
providers/ca_bundle.py)}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from providers.http import Timeouts
from providers.settings import SettingsInvalid, masked_copy, refuse_unknown_keys, require_text, timeouts_from

PROVIDER = "instant-lottery"

# Deployments differ in their path prefixes (PROTOCOLS.md §3), so each path can be overridden.
DEFAULT_PATHS = {
    "login": "/proxy/station/login",
    "password": "/proxy/station/password",
    "thirdAward": "/proxy/validate/thirdAward",
    "getCount": "/proxy/validate/getCount",
    "resetCount": "/proxy/validate/resetCount",
    "getPrize": "/proxy/validate/getPrize",
    "report.sales": "/migt/report/sales",
    "report.balance": "/migt/report/balance",
    "report.trace": "/migt/report/trace",
    "report.award": "/migt/report/award",
    "awardSummary": "/migt/account/awardSummary",
    "awardDetail": "/migt/account/awardDetail",
}
SECRET_FIELDS = ("appSecret", "stations[].password")
# The keys read below; baseUrl, the timeouts and tlsCaBundle are every calling provider's (providers/settings.py).
SETTING_KEYS = frozenset({"appKey", "appSecret", "signMethod", "stations", "defaultStationId", "paths",
                          "merchantPrefix", "stationLeaseSeconds"})
# How long a station's lease (one call in flight per station, ledger/services/station_lease.py) outlives its
# last renewal: what an instance that crashed mid-call costs the station. A live holder renews it every
# third of this while its call runs, however long the call takes.
DEFAULT_STATION_LEASE_S = 10.0
STATION_LEASE_RANGE_S = (1, 600)
STATION_KEYS = frozenset({"stationId", "clerkId", "password", "type", "version", "serialNo"})


@dataclass(frozen=True)
class Station:
    station_id: str
    clerk_id: str
    password: str
    terminal_type: str
    version: str
    serial_no: str


@dataclass(frozen=True)
class LotterySettings:
    base_url: str
    app_key: str
    app_secret: str
    sign_method: str
    stations: dict[str, Station]
    default_station_id: str
    paths: dict[str, str]
    timeouts: Timeouts
    merchant_prefix: str
    station_lease_s: float = DEFAULT_STATION_LEASE_S

    def url(self, flow: str) -> str:
        return self.base_url.rstrip("/") + self.paths[flow]

    @property
    def lease_ttl_s(self) -> float:
        """The station lease's time-to-live (`stationLeaseSeconds`); renewed while the call runs."""
        return self.station_lease_s


def parse_settings(raw: dict[str, Any]) -> LotterySettings:
    base_url = require_text(raw, "baseUrl", 500)
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise SettingsInvalid("baseUrl", "must be an http(s) URL")
    sign_method = str(raw.get("signMethod") or "MD5").upper()
    if sign_method not in ("MD5", "SHA-1"):
        raise SettingsInvalid("signMethod", "must be MD5 or SHA-1")
    stations = _parse_stations(raw.get("stations"))
    default_station = str(raw.get("defaultStationId") or next(iter(stations)))
    if default_station not in stations:
        raise SettingsInvalid("defaultStationId", "must be one of the stations")
    paths = {**DEFAULT_PATHS, **_parse_paths(raw.get("paths"))}
    prefix = str(raw.get("merchantPrefix") or "RL")
    if not (prefix.isalnum() and prefix.isascii() and 1 <= len(prefix) <= 4):
        raise SettingsInvalid("merchantPrefix", "1-4 letters or digits")
    return LotterySettings(
        base_url=base_url,
        app_key=require_text(raw, "appKey", 100),
        app_secret=require_text(raw, "appSecret", 200),
        sign_method=sign_method,
        stations=stations,
        default_station_id=default_station,
        paths=paths,
        timeouts=timeouts_from(raw),
        merchant_prefix=prefix,
        station_lease_s=_station_lease(raw.get("stationLeaseSeconds", DEFAULT_STATION_LEASE_S)),
    )


def _station_lease(value: Any) -> float:
    low, high = STATION_LEASE_RANGE_S
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise SettingsInvalid("stationLeaseSeconds", f"a number of seconds from {low} to {high}")
    return float(value)


def mask_settings(raw: dict[str, Any]) -> dict[str, Any]:
    return masked_copy(raw, SECRET_FIELDS)


def _parse_stations(value: Any) -> dict[str, Station]:
    if not isinstance(value, list) or not value or len(value) > 50:
        raise SettingsInvalid("stations", "a list of 1-50 stations")
    stations: dict[str, Station] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise SettingsInvalid(f"stations[{index}]", "must be an object")
        refuse_unknown_keys(item, STATION_KEYS, where=f"stations[{index}]")
        station = Station(
            station_id=require_text(item, "stationId", 64, where=f"stations[{index}]"),
            clerk_id=str(item.get("clerkId", "0")),
            password=require_text(item, "password", 100, where=f"stations[{index}]"),
            terminal_type=str(item.get("type", "1")),
            version=str(item.get("version", "1")),
            serial_no=require_text(item, "serialNo", 100, where=f"stations[{index}]"),
        )
        if station.station_id in stations:
            raise SettingsInvalid(f"stations[{index}].stationId", "is listed twice")
        stations[station.station_id] = station
    return stations


def _parse_paths(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(k in DEFAULT_PATHS and isinstance(v, str) and v.startswith("/")
                                              for k, v in value.items()):
        raise SettingsInvalid("paths", f"an object of flows ({', '.join(DEFAULT_PATHS)}) to paths starting with /")
    return dict(value)

