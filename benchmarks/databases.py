"""The databases a benchmark run creates for itself and drops at its end; nothing else is touched."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = os.environ.get("BENCH_DATABASE_NAME", "reward_ledger_bench")
DEFAULT_POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _on_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


async def _execute(server_url: str, statement: str) -> None:
    import asyncpg

    dsn = urlunsplit(("postgresql", *urlsplit(server_url)[1:3], "", ""))
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def postgres_database(server_url: str | None = None) -> Iterator[str]:
    """A fresh `reward_ledger_bench` on the server (BENCH_POSTGRES_URL, else the local one)."""
    server = server_url or os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_SERVER
    drop = f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'
    asyncio.run(_execute(server, drop))
    asyncio.run(_execute(server, f'CREATE DATABASE "{BENCH_DATABASE}"'))
    try:
        yield _on_database(server, BENCH_DATABASE).replace("postgresql://", "postgres://", 1)
    finally:
        asyncio.run(_execute(server, drop))


@contextmanager
def sqlite_database() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="reward-ledger-bench-"))
    try:
        yield f"sqlite://{folder / 'bench.sqlite3'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
