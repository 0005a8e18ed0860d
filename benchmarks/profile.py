"""Profiles the server while one scenario's GraphQL variant runs: a py-spy flame graph under bench/.

    python -m benchmarks.profile "read: issue document" [postgres|sqlite] [seconds] [flamegraph|raw] [graphql|baseline]

`py-spy record` (pip install py-spy) samples the server's process; the load is the scenario's, as `make bench`
sends it. The SVG shows where a request's time goes, by Python function.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import uuid
from pathlib import Path

from benchmarks.__main__ import DATABASES
from benchmarks.harness import run_module
from benchmarks.processes import ROOT, serving
from benchmarks.scenarios import HTTP_SCENARIOS
from benchmarks.seed import seed
from ledger.persistence.database import migrate, open_database


async def _seed(url: str):  # type: ignore[no-untyped-def]
    await migrate(url)
    async with open_database(url):
        return await seed()


def main() -> None:
    name = sys.argv[1]
    database = sys.argv[2] if len(sys.argv) > 2 else "postgres"
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 15
    form = sys.argv[4] if len(sys.argv) > 4 else "flamegraph"  # raw: collapsed stacks, for tools and grep
    variant = sys.argv[5] if len(sys.argv) > 5 else "graphql"  # baseline: the plain route, to compare with
    scenario = next(s for s in HTTP_SCENARIOS if s.name == name)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    suffix = "" if variant == "graphql" else f"-{variant}"
    output = ROOT / "bench" / f"flame-{slug}-{database}{suffix}.{'svg' if form == 'flamegraph' else 'txt'}"
    with DATABASES[database]() as url:
        seeded = asyncio.run(_seed(url))
        with serving("benchmarks.bench_app", {"DATABASE_URL": url}) as (port, server):
            steps = scenario.spec(seeded, variant == "graphql")
            spec = {"port": port, "concurrency": scenario.concurrency, "steps": steps,
                    "seconds": seconds + 2, "max_operations": 10**6, "run_id": f"{uuid.uuid4().hex[:10]}-"}
            profiler = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                                         str(server.pid), "--rate", "200", "--duration", str(int(seconds)),
                                         "--format", form, "-o", str(output)])
            result, _ = asyncio.run(run_module("benchmarks.load", spec, server.pid))
            profiler.wait()
            print(f"{result['operations'] / result['elapsed_s']:.1f} operations/s while profiled")
    print(f"wrote {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
