"""`python -m benchmarks.subscribers`: many live subscribers on one instance, each timed from a write to its update.

One `reward-ledger serve` process (on a SQLite file in a temporary folder, scheduler off) and, in this process,
BENCH_SUBSCRIBERS (default 1,000) WebSocket connections over loopback, each subscribed to `events`. Every round
grants one reward over HTTP; a subscriber's delivery latency is from the moment the grant was sent to the
moment the grant's first event reached it. Prints p50, p99 and the slowest over every subscriber and round
(BENCH_SUBSCRIBER_ROUNDS, default 5), beside the grant's own round trip. Bounded: at most
BENCH_SUBSCRIBER_TIMEOUT_S (default 120) seconds of waiting in all.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from benchmarks.stats import percentile
from ledger.domain.access import Role
from ledger.persistence.database import migrate, open_database
from ledger.services import access, campaigns

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "1000"))
ROUNDS = int(os.environ.get("BENCH_SUBSCRIBER_ROUNDS", "5"))
TIMEOUT_S = float(os.environ.get("BENCH_SUBSCRIBER_TIMEOUT_S", "120"))
CONNECTING_AT_ONCE = 50  # connections opened concurrently while setting up (a thundering herd measures nothing)
SUBSCRIBE = "subscription($after: Int) { events(after: $after) { sequence } }"
GRANT = """mutation($input: GrantRewardInput!) { grantReward(input: $input) { reward { id } userErrors { code } } }"""


async def seed(database_url: str) -> tuple[str, str, int]:
    """A tenant with a funded campaign; its operator key, the campaign's ID and the log's last sequence."""
    from api.ids import encode_id

    await migrate(database_url)
    async with open_database(database_url):
        tenant = await access.create_tenant("Bench")
        _, key = await access.create_api_key(tenant.id, Role.OPERATOR)
        campaign = await campaigns.create_campaign(tenant.id, "Live", "CNY", "bench-campaign")
        await campaigns.fund_campaign(tenant.id, campaign.id, 10**12, "bench-fund")
    return key, encode_id("Campaign", campaign.id), 3


@contextmanager
def service(database_url: str, log_path: Path) -> Iterator[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "INFO",
           "CONNECTIONS_PER_CREDENTIAL": str(SUBSCRIBERS + 10), "SUBSCRIPTION_QUEUE_SIZE": "1000"}
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--no-scheduler", "--port", "0"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", log_path.read_text())
            if found:
                yield f"127.0.0.1:{found.group(1)}"
                return
            if process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"the service did not start: {log_path.read_text()[-2000:]}")
    finally:
        process.terminate()
        process.wait(timeout=20)


class Subscribers:
    """The connections, and when each one's update for each sequence arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[int, list[float]] = {}
        self.connections: list[ClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []
        self.changed = asyncio.Event()

    async def open(self, address: str, key: str, after: int) -> None:
        connection = await connect(f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                   max_size=2**20, ping_interval=None)
        await connection.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}))
        if json.loads(await connection.recv())["type"] != "connection_ack":
            raise RuntimeError("the connection was not acknowledged")
        await connection.send(json.dumps({"id": "1", "type": "subscribe",
                                          "payload": {"query": SUBSCRIBE, "variables": {"after": after}}}))
        self.connections.append(connection)
        self.readers.append(asyncio.create_task(self._read(connection)))

    async def _read(self, connection: ClientConnection) -> None:
        async for raw in connection:
            arrived = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") == "next":
                self.arrivals.setdefault(message["payload"]["data"]["events"]["sequence"], []).append(arrived)
                self.changed.set()
            elif message.get("type") == "ping":
                await connection.send('{"type": "pong"}')

    async def all_have(self, sequence: int) -> None:
        while len(self.arrivals.get(sequence, ())) < len(self.connections):
            self.changed.clear()
            await self.changed.wait()

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(c.close() for c in self.connections), return_exceptions=True)


async def measure(address: str, key: str, campaign: str, log_end: int) -> None:
    subscribers = Subscribers()
    async with asyncio.timeout(TIMEOUT_S), httpx.AsyncClient(base_url=f"http://{address}", timeout=30) as http:
        started = time.perf_counter()
        for first in range(0, SUBSCRIBERS, CONNECTING_AT_ONCE):
            await asyncio.gather(*(subscribers.open(address, key, log_end)
                                   for _ in range(min(CONNECTING_AT_ONCE, SUBSCRIBERS - first))))
        print(f"{SUBSCRIBERS} subscribers connected in {time.perf_counter() - started:.1f} s", flush=True)

        async def grant(n: int) -> tuple[float, float]:
            sent = time.perf_counter()
            answer = await http.post("/graphql", headers={"Authorization": f"Bearer {key}"}, json={
                "query": GRANT, "variables": {"input": {"campaignId": campaign, "memberId": f"m-{n}", "amount": "1",
                                                        "idempotencyKey": f"bench-{n}"}}})
            answer.raise_for_status()
            return sent, time.perf_counter()

        sequence = log_end + 1
        await grant(0)  # warm-up: proves every subscription is live before anything is timed
        await subscribers.all_have(sequence)
        delivery_ms: list[float] = []
        write_ms: list[float] = []
        for n in range(1, ROUNDS + 1):
            sequence += 2  # a grant appends reward.created and transfer.posted
            sent, answered = await grant(n)
            await subscribers.all_have(sequence)
            delivery_ms += [(arrived - sent) * 1000 for arrived in subscribers.arrivals[sequence]]
            write_ms.append((answered - sent) * 1000)
        await subscribers.close()

    print(f"delivery latency over {SUBSCRIBERS} subscribers x {ROUNDS} writes, from the write sent to the update "
          f"received: p50 {percentile(delivery_ms, 0.5):.1f} ms, p99 {percentile(delivery_ms, 0.99):.1f} ms, "
          f"max {max(delivery_ms):.1f} ms")
    print(f"the write itself (grantReward round trip): p50 {percentile(write_ms, 0.5):.1f} ms, "
          f"max {max(write_ms):.1f} ms")


def main() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = SUBSCRIBERS + 256
    if soft < wanted <= hard or hard == resource.RLIM_INFINITY:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    with tempfile.TemporaryDirectory(prefix="bench-subscribers-") as folder:
        database_url = f"sqlite://{folder}/bench.sqlite3"
        key, campaign, log_end = asyncio.run(seed(database_url))
        print(f"== live subscribers: {SUBSCRIBERS} on one instance (SQLite, loopback)", flush=True)
        with service(database_url, Path(folder) / "service.log") as address:
            asyncio.run(measure(address, key, campaign, log_end))


if __name__ == "__main__":
    main()
