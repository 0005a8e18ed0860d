"""SECRETS_KEY from the command line: generate-secrets-key, rotate-secrets, one clear error at start when the
stored secrets cannot be read, and the demo's own key. Each runs as a separate process, as a person would."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from providers import registry, stored_secrets
from providers.secret_cipher import PREFIX, SecretCipher, generate_key
from providers.secret_fields import secret_slots
from tests.e2e.demo_support import running_demo
from tests.e2e.test_lottery_instances import start_service, wait_until_healthy
from tests.lottery_support import CONFIGURE
from tests.secrets_support import TEST_SECRETS_KEY, use_test_secrets_key
from tests.support import GraphQLClient, TenantFixture, sandbox_config

STARTS = [["serve", "--no-scheduler", "--port", "0"], ["worker"], ["run-job", "audit"]]


def run_cli(*args: str, database_url: str, secrets_key: str | None) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "SECRETS_KEY"}
    env["DATABASE_URL"] = database_url
    if secrets_key is not None:
        env["SECRETS_KEY"] = secrets_key
    return subprocess.run([sys.executable, "-m", "api.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


@pytest.fixture(autouse=True)
def _the_test_key_again_afterwards():
    yield
    use_test_secrets_key()


@pytest.fixture
async def configured(gql: GraphQLClient, tenant: TenantFixture) -> TenantFixture:
    config = await sandbox_config("instant-lottery")
    data = await gql(CONFIGURE, {"input": {"provider": "instant-lottery", "settings": config}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data
    return tenant


def test_generate_secrets_key_prints_a_new_key_alone(database_url: str):
    first, second = (run_cli("generate-secrets-key", database_url=database_url, secrets_key=None) for _ in "12")
    assert first.returncode == 0 and first.stdout.count("\n") == 1
    assert first.stdout != second.stdout
    SecretCipher.from_setting(first.stdout.strip())


@pytest.mark.parametrize("command", STARTS, ids=lambda c: c[0])
async def test_starting_without_the_key_of_stored_secrets_is_one_configuration_error(database_url, configured,
                                                                                    command):
    result = run_cli(*command, database_url=database_url, secrets_key=None)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("configuration error: SECRETS_KEY is not set"), result.stderr
    assert "Traceback" not in result.stderr

    other = run_cli(*command, database_url=database_url, secrets_key=generate_key())
    assert other.returncode == 2 and "cannot decrypt the stored secrets of 1 provider" in other.stderr, other.stderr
    assert TEST_SECRETS_KEY not in other.stderr + other.stdout


async def test_without_stored_secrets_serve_starts_and_storing_one_then_fails_clearly(database_url, tenant,
                                                                                     tmp_path: Path):
    env = {name: value for name, value in os.environ.items() if name != "SECRETS_KEY"}
    process, url = await start_service([], {**env, "DATABASE_URL": database_url}, tmp_path / "serve.log")
    try:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            await wait_until_healthy(http)
            config = await sandbox_config("instant-lottery")
            _, errors = await GraphQLClient(http).errors(
                CONFIGURE, {"input": {"provider": "instant-lottery", "settings": config}}, token=tenant.admin)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert [e["extensions"]["code"] for e in errors] == ["INTERNAL_SERVER_ERROR"]
    assert "SECRETS_KEY is not set" in (tmp_path / "serve.log").read_text()  # noqa: ASYNC240


async def test_rotate_secrets_re_encrypts_under_the_first_key_once_and_reports_counts(database_url, configured):
    new_key = generate_key()
    first = run_cli("rotate-secrets", database_url=database_url, secrets_key=f"{new_key},{TEST_SECRETS_KEY}")
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert counts["configs"] == 1 and counts["reencrypted"] > 0 and counts["unreadable"] == []
    again = run_cli("rotate-secrets", database_url=database_url, secrets_key=f"{new_key},{TEST_SECRETS_KEY}")
    assert json.loads(again.stdout) == {**counts, "reencrypted": 0, "wereClear": 0}

    stored_secrets.use_secrets_key(new_key)  # only the new key is needed now
    await registry.build_provider(configured.id, "instant-lottery")

    stale = run_cli("rotate-secrets", database_url=database_url, secrets_key=TEST_SECRETS_KEY)
    assert stale.returncode == 1 and json.loads(stale.stdout)["unreadable"], stale.stderr


def test_rotate_secrets_without_a_key_is_a_configuration_error(database_url: str):
    result = run_cli("rotate-secrets", database_url=database_url, secrets_key=None)
    assert result.returncode == 2 and result.stderr.startswith("configuration error: SECRETS_KEY is not set")


async def test_the_demo_without_a_key_makes_its_own_kept_beside_its_database(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SECRETS_KEY")
    database = tmp_path / "demo.sqlite3"
    async with running_demo(database, tmp_path):
        pass
    key_file = tmp_path / "demo.sqlite3.secrets-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    cipher = SecretCipher.from_setting(key)
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT provider, settings FROM provider_configs").fetchall()
    assert {provider for provider, _ in rows} == set(registry.provider_names())
    for provider, settings in rows:
        for slot in secret_slots(json.loads(settings), registry.module(provider).secret_fields):
            assert slot.value.startswith(PREFIX) and cipher.decrypt(slot.value)
    async with running_demo(database, tmp_path, name="again"):  # started again: the kept key is used again
        pass
    assert key_file.read_text().strip() == key
