"""The CLI, run as a newcomer would: a separate process, configured by DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from api.ids import decode_id_of
from tests.support import GraphQLClient


def cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


async def test_create_tenant_and_create_api_key_print_only_the_value(database_url: str, gql: GraphQLClient):
    tenant = cli("create-tenant", "Initech", database_url=database_url)
    assert tenant.returncode == 0, tenant.stderr
    tenant_id = tenant.stdout.strip()
    assert tenant.stdout == tenant_id + "\n" and decode_id_of("Tenant", tenant_id)

    key = cli("create-api-key", "--tenant", tenant_id, "--role", "operator", database_url=database_url)
    assert key.returncode == 0, key.stderr
    assert key.stdout.count("\n") == 1

    viewer = await gql("{ viewer { role tenant { id name } } }", token=key.stdout.strip())
    assert viewer["viewer"] == {"role": "OPERATOR", "tenant": {"id": tenant_id, "name": "Initech"}}


async def test_create_api_key_refuses_a_bad_tenant_id_or_role(database_url: str):
    assert cli("create-api-key", "--tenant", "nope", "--role", "admin", database_url=database_url).returncode == 2
    assert cli("create-api-key", "--tenant", "VGVuYW50OjE=", "--role", "root",
               database_url=database_url).returncode == 2


def test_export_schema_prints_the_committed_sdl(database_url: str):
    result = cli("export-schema", database_url=database_url)
    assert result.stdout == (Path(__file__).resolve().parents[2] / "schema.graphql").read_text(encoding="utf-8")


async def test_migrate_builds_a_new_database_and_upgrades_it_again_without_losing_rows(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'fresh.sqlite3'}"
    assert cli("migrate", database_url=url).returncode == 0
    tenant_id = cli("create-tenant", "Kept", database_url=url).stdout.strip()
    second = cli("migrate", database_url=url)
    assert second.returncode == 0, second.stderr
    key = cli("create-api-key", "--tenant", tenant_id, "--role", "viewer", database_url=url)
    assert key.returncode == 0 and key.stdout.startswith("rl_key_")


async def test_audit_exits_zero_on_a_clean_ledger(database_url: str):
    result = cli("audit", database_url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stderr
