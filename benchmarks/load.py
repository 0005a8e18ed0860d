"""The load generator: a separate process that sends HTTP/1.1 requests over keep-alive connections on
loopback, bounded in time and in count, and prints what it measured as one line of JSON.

It imports nothing of the project and speaks raw HTTP over asyncio streams, so it takes as little of the
machine's two cores as it can from the server it measures (an httpx client costs several times more CPU
per request than the server's cheapest route).

    python -m benchmarks.load SPEC.json

SPEC: {"port", "seconds", "max_operations", "concurrency", "run_id",
       "steps": [{"path", "headers": {...}, "body": "...", "extract": {"name": ["json", "path"]}}]}
An operation runs its steps in order; `@@N@@` in a body is the operation's number (unique in the run, with
`run_id` in front of it where keys must be unique across runs) and `@@name@@` a value an earlier step
extracted from its answer; `@@M@@` cycles through 500 member numbers. A step fails when the answer
is not 200, or carries top-level `errors` or non-empty `userErrors`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

try:  # the same event loop the server uses, when installed
    import uvloop
except ImportError:  # pragma: no cover - uvloop is a dependency; this only keeps the script standalone
    uvloop = None  # type: ignore[assignment]


MEMBERS = 500  # `@@M@@` cycles through this many members, so wallets are reused as in production


class Failed(Exception):
    pass


def _request(host: str, step: dict[str, Any], body: bytes) -> bytes:
    headers = "".join(f"{name}: {value}\r\n" for name, value in step.get("headers", {}).items())
    return (f"POST {step['path']} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n{headers}"
            f"content-length: {len(body)}\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise Failed("connection closed")
    status = int(status_line.split(b" ", 2)[1])
    length = 0
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = bytearray()
    while True:
        size = int((await reader.readline()).strip(), 16)
        if size == 0:
            await reader.readline()
            return status, bytes(body)
        body += await reader.readexactly(size)
        await reader.readline()


def _dig(document: Any, path: list[str]) -> Any:
    for key in path:
        document = document[key]
    return document


def _check(status: int, body: bytes) -> None:
    if status != 200 or b'"errors":' in body or b'"userErrors":[{' in body:
        raise Failed(f"HTTP {status}: {body[:300].decode(errors='replace')}")


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    host, port = spec.get("host", "127.0.0.1"), int(spec["port"])
    steps: list[dict[str, Any]] = spec["steps"]
    deadline = time.perf_counter() + float(spec["seconds"])
    budget = int(spec.get("max_operations", 10**9))
    prefix = str(spec.get("run_id", ""))
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(budget))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for number in counter:
                if time.perf_counter() >= deadline:
                    return
                values = {"N": f"{prefix}{number}", "M": str(number % MEMBERS)}
                started = time.perf_counter()
                try:
                    for step in steps:
                        body = step["body"]
                        for name, value in values.items():
                            body = body.replace(f"@@{name}@@", value)
                        writer.write(_request(host, step, body.encode()))
                        status, answer = await _read_response(reader)
                        _check(status, answer)
                        for name, path in step.get("extract", {}).items():
                            values[name] = str(_dig(json.loads(answer), path))
                except Failed as exc:
                    errors.append(str(exc))
                    if len(errors) > 20:
                        return
                    continue
                latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(int(spec["concurrency"]))))
    elapsed = time.perf_counter() - started
    return {"operations": len(latencies), "elapsed_s": elapsed, "errors": len(errors),
            "first_error": errors[0] if errors else None, "latencies_ms": [round(x * 1000, 3) for x in latencies]}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as spec_file:
        spec = json.load(spec_file)
    result = uvloop.run(run(spec)) if uvloop is not None else asyncio.run(run(spec))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
