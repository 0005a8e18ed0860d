"""Tortoise configuration from a database URL."""

from __future__ import annotations

from typing import Any

# One module per area keeps each file small; all belong to the one Tortoise app "ledger".
MODEL_MODULES = [
    "ledger.persistence.models",
    "ledger.persistence.provider_models",
    "ledger.persistence.risk_models",
    "ledger.persistence.coupon_models",
    "ledger.persistence.red_packet_models",
    "ledger.persistence.draw_models",
    "ledger.persistence.scheduler_models",
]
MIGRATIONS_MODULE = "ledger.persistence.migrations"
APP_LABEL = "ledger"
DEFAULT_DATABASE_URL = "sqlite://reward-ledger.sqlite3"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _with_sqlite_pragmas(database_url)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _with_sqlite_pragmas(url: str) -> str:
    """A second process on the same SQLite file waits for the lock instead of failing at once."""
    if not url.startswith("sqlite://") or "busy_timeout" in url:
        return url
    return url + ("&" if "?" in url else "?") + "busy_timeout=10000"


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite://")


# For Tortoise's own CLI (`python -m tortoise -c ledger.persistence.config.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config(DEFAULT_DATABASE_URL)
