"""`reward-ledger reconcile --provider P --date YYYY-MM-DD [--tenant ID]`: one provider's day reconciled now,
reported as one line of JSON like `run-job` (`job`, `status`, `counts`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date

from api.ids import decode_id_of
from scheduler.jobs import JobResult
from scheduler.provider_jobs import reconcile_day


def reconcile_command(args: argparse.Namespace, service_parts: Callable[[], AbstractAsyncContextManager[None]]) -> int:
    tenant_id = None
    if args.tenant is not None:
        tenant_id = decode_id_of("Tenant", args.tenant)
        if tenant_id is None:
            print(f"error: {args.tenant!r} is not a tenant ID (create-tenant prints one)", file=sys.stderr)
            return 2
    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        print(f"error: {args.date!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2

    async def run() -> JobResult:
        async with service_parts():
            return await reconcile_day(day, tenant_id=tenant_id, provider=args.provider)

    result = asyncio.run(run())
    print(json.dumps({"job": "reconcile", "status": result.status.value, "counts": result.counts,
                      **({"error": result.error} if result.error else {})}))
    return 1 if result.status.value == "FAILED" else 0
