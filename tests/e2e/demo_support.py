"""Starting `reward-ledger serve --demo` as `make demo` does, on a SQLite file of the test's own."""

from __future__ import annotations

import os
import random
import re
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.test_lottery_instances import start_service, wait_until_healthy


@dataclass(frozen=True)
class RunningDemo:
    url: str
    key: str
    log: str  # what the process printed while starting


@asynccontextmanager
async def running_demo(database: Path, log_dir: Path, name: str = "demo") -> AsyncIterator[RunningDemo]:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{database}"}
    # The demo tells its tenant where the mounted sandboxes live, so it needs its port before it starts:
    # try a few random high ports rather than 0. Only a port in use is worth another try.
    for attempt in range(5):
        log_path = log_dir / f"{name}-{attempt}.log"
        try:
            process, url = await start_service(["--demo"], env, log_path, port=random.randint(20000, 60000))
            break
        except RuntimeError as exc:
            if "address already in use" not in str(exc).lower():
                raise AssertionError(str(exc)) from None
    else:
        raise AssertionError("the demo did not start on any port tried")
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            await wait_until_healthy(http)  # the key is printed during start-up, before the port listens
        log = log_path.read_text()  # noqa: ASYNC240 - a small file, read once
        yield RunningDemo(url=url, key=printed_key(log), log=log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


def printed_key(log: str) -> str:
    """The key is printed during start-up, before uvicorn reports its port, so it is in the log by now."""
    found = re.search(r"admin API key \([^)]*\): (rl_key_[A-Za-z0-9_\-]+)", log)
    assert found, "the demo printed no API key"
    return found.group(1)
