"""The `reward-ledger` command.

Configuration comes from the environment (DATABASE_URL, REDIS_URL, ...; see README). Commands that print
a value print it alone on stdout, so scripts can capture it; everything else goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, TypeVar

from api.ids import decode_id_of, encode_id
from api.logs import configure_logging
from api.secrets_check import check_secrets_key
from api.settings import Settings, SettingsError
from ledger.domain.access import Role
from ledger.domain.errors import LedgerError
from ledger.persistence.database import migrate, open_database

T = TypeVar("T")


def _with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        async with open_database(settings.database_url):
            return await work()

    return asyncio.run(run())


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    asyncio.run(migrate(settings.database_url))
    print("migrations applied", file=sys.stderr)
    return 0


def cmd_create_tenant(settings: Settings, args: argparse.Namespace) -> int:
    from ledger.services.access import create_tenant

    tenant = _with_database(settings, lambda: create_tenant(args.name))
    print(encode_id("Tenant", tenant.id))
    return 0


def cmd_create_api_key(settings: Settings, args: argparse.Namespace) -> int:
    from ledger.services.access import create_api_key

    tenant_id = decode_id_of("Tenant", args.tenant)
    if tenant_id is None:
        print(f"error: {args.tenant!r} is not a tenant ID (create-tenant prints one)", file=sys.stderr)
        return 2
    _, secret = _with_database(settings, lambda: create_api_key(tenant_id, Role(args.role.upper()), args.label))
    print(secret)
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.demo import demo_startup, sandbox_mounts

    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port  # 0 asks the OS for a free port
    run_scheduler = not args.no_scheduler
    if args.demo:
        settings = _with_demo_secrets_key(settings)
        mounts, sandboxes = sandbox_mounts()
        startup = demo_startup(host, port, sandboxes, settings.database_url)
        app = create_app(settings, migrate_on_start=True, on_startup=startup, extra_routes=mounts,
                         run_scheduler=run_scheduler)
    else:
        _check_secrets_key_at_start(settings)
        app = create_app(settings, run_scheduler=run_scheduler)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), log_config=None)
    return 0


@asynccontextmanager
async def _service_parts(settings: Settings) -> AsyncIterator[None]:
    """What a job needs without HTTP: the database, the event bus and the provider adapters."""
    from api.event_bus import event_bus_for
    from ledger.events import set_event_bus
    from ledger.ports import set_provider_factory
    from ledger.services import provider_calls
    from providers import registry

    set_provider_factory(provider_calls.recording(registry.build_provider))
    async with (open_database(settings.database_url),
                event_bus_for(settings.redis_url, settings.event_channel_prefix) as bus):
        await check_secrets_key(settings)  # installs the key, or stops with a configuration error
        set_event_bus(bus)
        try:
            yield
        finally:
            await registry.close_shared_http_client()


def _with_demo_secrets_key(settings: Settings) -> Settings:
    """The demo encrypts its provider secrets with SECRETS_KEY if set, else with a key of its own."""
    from api.demo_secrets_key import demo_secrets_key

    return settings if settings.secrets_key else replace(settings,
                                                         secrets_key=demo_secrets_key(settings.database_url))


def _check_secrets_key_at_start(settings: Settings) -> None:
    """A SettingsError if stored provider secrets would be unreadable; a database that cannot be opened is
    left for the start itself to report."""
    from tortoise.exceptions import DBConnectionError, OperationalError

    try:
        _with_database(settings, lambda: check_secrets_key(settings))
    except (DBConnectionError, OperationalError, OSError) as exc:
        print(f"stored provider secrets not checked: {type(exc).__name__}", file=sys.stderr)


def cmd_generate_secrets_key(_: Settings, __: argparse.Namespace) -> int:
    from providers.secret_cipher import generate_key

    print(generate_key())
    return 0


def cmd_rotate_secrets(settings: Settings, _: argparse.Namespace) -> int:
    from providers.secret_rotation import rotate_secrets
    from providers.stored_secrets import use_secrets_key

    if not settings.secrets_key:
        raise SettingsError("SECRETS_KEY is not set: rotate-secrets encrypts every stored provider secret with "
                            "its first key (README, \"Secrets\")")
    use_secrets_key(settings.secrets_key)
    report = _with_database(settings, rotate_secrets)
    print(json.dumps(report.counts()))
    for problem in report.unreadable:
        print(f"left as it was, no key in SECRETS_KEY decrypts it: {problem}", file=sys.stderr)
    return 1 if report.unreadable else 0


def cmd_worker(settings: Settings, _: argparse.Namespace) -> int:
    from api.scheduling import scheduler_running

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        async with _service_parts(settings), scheduler_running(settings):
            print("worker: scheduler running; stop with Ctrl-C or SIGTERM", file=sys.stderr, flush=True)
            await stop.wait()

    asyncio.run(run())
    return 0


def cmd_run_job(settings: Settings, args: argparse.Namespace) -> int:
    from api.scheduling import scheduler_settings
    from scheduler.runner import UnknownJob, run_job

    tenant_id = None
    if args.tenant is not None:
        tenant_id = decode_id_of("Tenant", args.tenant)
        if tenant_id is None:
            print(f"error: {args.tenant!r} is not a tenant ID (create-tenant prints one)", file=sys.stderr)
            return 2

    async def run() -> Any:
        async with _service_parts(settings):
            return await run_job(args.name, scheduler_settings(settings), tenant_id=tenant_id)

    try:
        finished = asyncio.run(run())
    except UnknownJob as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if finished is None:  # only if another process claimed this very instant's run
        print(json.dumps({"job": args.name, "status": "SKIPPED", "counts": {}}))
        return 0
    print(json.dumps({"job": finished.job, "status": finished.status.value, "counts": finished.counts}))
    return 1 if finished.status.value == "FAILED" else 0


def cmd_reconcile(settings: Settings, args: argparse.Namespace) -> int:
    from api.reconcile_command import reconcile_command

    return reconcile_command(args, lambda: _service_parts(settings))


def cmd_sandbox(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from providers import registry
    from providers.settings import SettingsInvalid

    try:
        app = registry.module(args.name).sandbox()
    except SettingsInvalid as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=args.host, port=args.port, log_level=settings.log_level.lower(), log_config=None)
    return 0


def cmd_export_schema(_: Settings, __: argparse.Namespace) -> int:
    from api.schema import export_sdl

    sys.stdout.write(export_sdl())
    return 0


def cmd_audit(settings: Settings, _: argparse.Namespace) -> int:
    from ledger.services.audit import audit

    report = _with_database(settings, audit)
    for problem in report.problems:
        print(problem)
    print(f"audit: {report.accounts_checked} accounts, {len(report.problems)} problems", file=sys.stderr)
    return 0 if report.ok else 1


def _command(commands: Any, name: str, summary: str, details: str = "") -> argparse.ArgumentParser:
    """A subcommand whose one-line summary shows in `reward-ledger --help` and, with details, in its own."""
    return commands.add_parser(name, help=summary, description=f"{summary[0].upper()}{summary[1:]}. {details}".strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reward-ledger", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _command(commands, "migrate", "apply the database migrations to DATABASE_URL",
             "Safe to repeat: only migrations not yet applied run. Run once per release, before any "
             "`serve`.").set_defaults(run=cmd_migrate)

    tenant = _command(commands, "create-tenant", "create a tenant; prints its ID alone on stdout")
    tenant.add_argument("name", help="the tenant's display name")
    tenant.set_defaults(run=cmd_create_tenant)

    key = _command(commands, "create-api-key", "create an operator API key; prints the key alone on stdout",
                   "The key is shown once: only its hash is stored.")
    key.add_argument("--tenant", required=True, help="the tenant ID create-tenant printed")
    key.add_argument("--role", required=True, choices=["viewer", "operator", "admin"], type=str.lower,
                     help="viewer reads; operator also grants and settles; admin also configures")
    key.add_argument("--label", default="", help="a note to tell keys apart")
    key.set_defaults(run=cmd_create_api_key)

    serve = _command(commands, "serve", "run the API (GraphQL at /graphql, health at /health)")
    serve.add_argument("--host", help="the address to listen on (default: HOST, else 127.0.0.1)")
    serve.add_argument("--port", type=int, help="the port to listen on (default: PORT, else 8000; 0 picks a free one)")
    serve.add_argument("--no-scheduler", action="store_true",
                       help="do not fire the scheduled jobs in this process (run `reward-ledger worker` instead)")
    serve.add_argument("--demo", action="store_true",
                       help="migrate, mount the provider sandboxes, seed a demo tenant connected to them "
                            "and print its admin key")
    serve.set_defaults(run=cmd_serve)

    _command(commands, "worker", "run the scheduled jobs without HTTP",
             "Any number of workers and API instances may fire the schedule against one database: each fire "
             "is claimed in the database and runs once.").set_defaults(run=cmd_worker)
    run_job_parser = _command(commands, "run-job", "run one job once now; prints one line of JSON (job, status, "
                              "counts)", "Exits 1 when the run FAILED (an audit that found a problem, say).")
    run_job_parser.add_argument("name", help="sync-rewards, expire-holds, number-events, reconcile, audit, "
                                "refresh-station-tokens or prune-webhook-nonces")
    run_job_parser.add_argument("--tenant", help="only this tenant's work (default: every tenant)")
    run_job_parser.set_defaults(run=cmd_run_job)

    reconcile = _command(commands, "reconcile", "reconcile one provider's day now; prints one line of JSON (job, "
                         "status, counts)", "The day is the provider's (Beijing time). A provider without a feed is "
                         "recorded as SKIPPED. Exits 1 when a run FAILED.")
    reconcile.add_argument("--provider", required=True, help="instant-lottery or red-packet (those with a feed)")
    reconcile.add_argument("--date", required=True, help="the day, YYYY-MM-DD")
    reconcile.add_argument("--tenant", help="only this tenant (default: every tenant that configured the provider)")
    reconcile.set_defaults(run=cmd_reconcile)

    sandbox = _command(commands, "sandbox", "run one provider's sandbox alone",
                       "GET /_control/config on it gives the settings that connect a tenant to it.")
    sandbox.add_argument("name", help="instant-lottery, allinpay, red-packet, unionpay or randou")
    sandbox.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8100, help="the port to listen on (default 8100)")
    sandbox.set_defaults(run=cmd_sandbox)

    _command(commands, "export-schema", "print the GraphQL schema (SDL) on stdout",
             "`make schema` writes it to schema.graphql; a test fails when the two differ."
             ).set_defaults(run=cmd_export_schema)
    _command(commands, "audit", "check the ledger's invariants; exits 1 and lists each problem if any",
             "Per asset, debits equal credits (posted and pending); every account's totals equal the sum of "
             "its transfers; event sequences have no gaps.").set_defaults(run=cmd_audit)
    _command(commands, "generate-secrets-key", "print a new key for SECRETS_KEY alone on stdout",
             "SECRETS_KEY encrypts the provider secrets stored in the database. To rotate it, put the new key "
             "first and the old one after it (comma-separated), restart, run rotate-secrets, then drop the old "
             "key.").set_defaults(run=cmd_generate_secrets_key)
    _command(commands, "rotate-secrets", "re-encrypt every stored provider secret with SECRETS_KEY's first key; "
             "prints the counts as JSON",
             "Secrets under an older key of SECRETS_KEY, or stored in clear before secrets were encrypted, are "
             "rewritten; the others are left, so it is safe to repeat. Exits 1 if a secret is under no key "
             "SECRETS_KEY holds.").set_defaults(run=cmd_rotate_secrets)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    try:
        return int(args.run(settings, args))
    except SettingsError as exc:  # found once the command looked (stored secrets and SECRETS_KEY, say)
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except LedgerError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
