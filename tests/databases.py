"""Where the tests keep their data: a database they create for the run and drop afterwards.

The tests never use `DATABASE_URL`, the variable the app itself reads, so a run can never empty a
database a person cares about. SQLite (the default) lives in a temporary folder. For PostgreSQL,
`TEST_DATABASE_URL` names a server (any database on it the role may connect to, e.g.
`postgres://postgres@127.0.0.1:5432/postgres`); the run creates a database of its own there, with a
name no one else uses, and drops it when the run ends. Nothing else on the server is touched.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TEST_DATABASE_URL_VARIABLE = "TEST_DATABASE_URL"
CREATED_DATABASE_PREFIX = "reward_ledger_test_"


class TestServerUnreachable(RuntimeError):
    """The PostgreSQL server named by TEST_DATABASE_URL could not be used; the message says why."""


@dataclass(frozen=True)
class TestDatabase:
    url: str                        # what the app under test connects to
    server_url: str | None = None   # set when the run created a PostgreSQL database it must drop
    name: str | None = None

    @property
    def created_on_server(self) -> bool:
        return self.server_url is not None


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _asyncpg_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _describe(url: str) -> str:
    """The server's address without any password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    return f"{parts.username + '@' if parts.username else ''}{host}:{parts.port or 5432}"


async def _run_on_server(server_url: str, statement: str) -> None:
    import asyncpg

    try:
        connection = await asyncio.wait_for(asyncpg.connect(_asyncpg_dsn(server_url)), timeout=10)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = str(exc) or type(exc).__name__
        raise TestServerUnreachable(
            f"{TEST_DATABASE_URL_VARIABLE}: cannot use the PostgreSQL server at {_describe(server_url)}: "
            f"{reason}") from None
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_test_database(environ: dict[str, str] | None = None) -> TestDatabase:
    """SQLite in a temporary folder, or a new PostgreSQL database on TEST_DATABASE_URL's server."""
    env = os.environ if environ is None else environ
    server_url = env.get(TEST_DATABASE_URL_VARIABLE, "").strip()
    if not server_url:
        folder = Path(tempfile.mkdtemp(prefix="reward-ledger-tests-"))
        return TestDatabase(url=f"sqlite://{folder / 'test.sqlite3'}")
    if not server_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        raise TestServerUnreachable(f"{TEST_DATABASE_URL_VARIABLE} must be a postgres:// URL of a server")
    name = f"{CREATED_DATABASE_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_run_on_server(server_url, f'CREATE DATABASE "{name}"'))
    app_url = _with_database(server_url, name).replace("postgresql://", "postgres://", 1)
    return TestDatabase(url=app_url, server_url=server_url, name=name)


def drop_test_database(database: TestDatabase) -> None:
    """Drops only what create_test_database made; FORCE ends connections a killed helper left open."""
    if database.server_url is None or database.name is None:
        return
    assert database.name.startswith(CREATED_DATABASE_PREFIX)
    asyncio.run(_run_on_server(database.server_url, f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)'))
