"""The instant-lottery sandbox in a process of its own, timing how long it spends on gateway calls.

    PORT=8100 python -m benchmarks.sandbox_app

GET /_bench/timings answers the seconds spent answering gateway calls (not /_control) and their count;
POST /_bench/timings sets both back to zero.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import uvicorn

from providers.instant_lottery.sandbox import create_sandbox_app

Scope = dict[str, Any]


class TimedSandbox:
    """An ASGI wrapper: the time from a gateway request's arrival to its last byte sent."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seconds = 0.0
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/_control"):
            await self.app(scope, receive, send)
            return
        if path == "/_bench/timings":
            await self._timings(scope, send)
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1

    async def _timings(self, scope: Scope, send: Any) -> None:
        if scope["method"] == "POST":
            self.seconds, self.calls = 0.0, 0
        body = json.dumps({"seconds": self.seconds, "calls": self.calls}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def main() -> None:
    uvicorn.run(TimedSandbox(create_sandbox_app()), host="127.0.0.1", port=int(os.environ["PORT"]),
                log_level="warning", log_config=None)


if __name__ == "__main__":
    main()
