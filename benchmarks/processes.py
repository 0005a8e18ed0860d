"""Starting the processes a benchmark needs, and watching their memory."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextmanager
def serving(module: str, env: dict[str, str], ready_path: str = "/health") -> Iterator[tuple[int, subprocess.Popen]]:
    """Runs `python -m module` with PORT set, until it answers `ready_path`; stops it after the block."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", module], cwd=ROOT,
                               env={**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1"})
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{module} exited with {process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{module} did not start")
            time.sleep(0.1)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def run_watched(command: list[str], watch_pid: int | None) -> tuple[str, float]:
    """Runs `command` to its end; returns its stdout and the most memory `watch_pid` (by default the
    command itself) held meanwhile."""
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    pid = watch_pid or process.pid
    peak = rss_mb(pid)
    reading = asyncio.ensure_future(process.communicate())
    while not reading.done():
        await asyncio.wait([reading], timeout=0.2)
        peak = max(peak, rss_mb(pid))
    stdout, _ = reading.result()
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}")
    return stdout.decode(), peak


def secrets_key_env() -> dict[str, str]:
    """A SECRETS_KEY for the server (provider settings hold secrets it must encrypt), unless one is set."""
    if os.environ.get("SECRETS_KEY"):
        return {}
    made = subprocess.run([str(Path(sys.executable).with_name("reward-ledger")), "generate-secrets-key"],
                          capture_output=True, text=True, cwd=ROOT)
    return {"SECRETS_KEY": made.stdout.strip()} if made.returncode == 0 and made.stdout.strip() else {}
