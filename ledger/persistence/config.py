"""Tortoise configuration from a database URL."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

# One module per area keeps each file small; all belong to the one Tortoise app "ledger".
MODEL_MODULES = [
    "ledger.persistence.models",
    "ledger.persistence.provider_models",
    "ledger.persistence.risk_models",
    "ledger.persistence.coupon_models",
    "ledger.persistence.red_packet_models",
    "ledger.persistence.draw_models",
    "ledger.persistence.scheduler_models",
    "ledger.persistence.resolution_models",
    "ledger.persistence.reconciliation_models",
]
MIGRATIONS_MODULE = "ledger.persistence.migrations"
APP_LABEL = "ledger"
DEFAULT_DATABASE_URL = "sqlite://reward-ledger.sqlite3"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
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


def _connection(url: str) -> str | dict[str, Any]:
    if is_sqlite(url):
        return _with_sqlite_pragmas(url)
    connection: dict[str, Any] = expand_db_url(url)
    if connection["engine"] != "tortoise.backends.asyncpg":
        return url
    connection["credentials"]["reset"] = _keep_session
    return connection


async def _keep_session(connection: Any) -> None:
    """What asyncpg's pool runs on a connection it takes back, instead of its default reset.

    Tortoise takes a pooled connection for each statement outside a transaction, and the default reset
    sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` after every one: a second
    round trip for each read. The ledger takes no advisory lock, opens no cursor outside a transaction,
    listens to nothing and changes no session setting, so there is nothing to reset. (The pool still
    rolls back a transaction left open before this runs.)"""


def _with_sqlite_pragmas(url: str) -> str:
    """A second process on the same SQLite file waits for the lock instead of failing at once."""
    if not url.startswith("sqlite://") or "busy_timeout" in url:
        return url
    return url + ("&" if "?" in url else "?") + "busy_timeout=10000"


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite://")


# For Tortoise's own CLI (`python -m tortoise -c ledger.persistence.config.TORTOISE_ORM makemigrations`).
TORTOISE_ORM = tortoise_config(DEFAULT_DATABASE_URL)
