"""Hand-written statements for the ledger's hot paths, where the ORM's per-statement work (building the
query, copying querysets, making model instances) costs more than the database's.

Statements are written once, with PostgreSQL's numbered parameters ($1, $2, ...); SQLite reads the same
numbers as ?1, ?2, ..., so one text serves both.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection


def current_connection() -> BaseDBAsyncClient:
    """Inside in_transaction(), the transaction's own connection."""
    return get_connection("default")


def is_postgres(db: BaseDBAsyncClient) -> bool:
    return db.capabilities.dialect == "postgres"


def for_dialect(db: BaseDBAsyncClient, statement: str) -> str:
    return statement if is_postgres(db) else statement.replace("$", "?")
