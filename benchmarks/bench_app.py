"""The benchmark's server: the production app (GraphQL and all) plus the baseline routes, in one process.

    python -m benchmarks.bench_app       # DATABASE_URL from the environment; HOST/PORT as for `serve`

It runs the app the way `reward-ledger serve` does (uvicorn, one process), without the scheduler, whose
jobs would add their own load to the measurements.
"""

from __future__ import annotations

import os

import uvicorn
from litestar import Litestar

from api.app import create_app
from api.settings import Settings
from benchmarks import adapter_timing
from benchmarks.baseline import BASELINE_ROUTES


def create_bench_app() -> Litestar:
    adapter_timing.install()
    return create_app(Settings.from_env(dotenv=None), extra_routes=[*BASELINE_ROUTES, *adapter_timing.TIMING_ROUTES])


def main() -> None:
    settings = Settings.from_env(dotenv=None)
    # As `reward-ledger serve` runs it: uvicorn's defaults pick uvloop and httptools, which are dependencies.
    uvicorn.run(create_bench_app(), host=settings.host, port=int(os.environ["PORT"]), log_level="warning",
                log_config=None)


if __name__ == "__main__":
    main()
