"""Where the demo keeps its admin key: beside a SQLite file, or named after a server database's name."""

from __future__ import annotations

from pathlib import Path

from api.demo_key import key_file_for


def test_a_sqlite_database_keeps_its_key_beside_it():
    assert key_file_for("sqlite://reward-ledger.sqlite3") == Path("reward-ledger.sqlite3.demo-key")
    assert key_file_for("sqlite:///tmp/x/demo.sqlite3?journal_mode=wal") == Path("/tmp/x/demo.sqlite3.demo-key")


def test_an_in_memory_database_keeps_no_key():
    assert key_file_for("sqlite://:memory:") is None


def test_a_server_database_keeps_its_key_in_the_working_directory_named_after_the_database_alone():
    path = key_file_for("postgres://ledger:s3cret@db.internal:5432/reward_ledger?sslmode=require", Path("/work"))
    assert path == Path("/work/reward_ledger.demo-key")
    assert "s3cret" not in str(key_file_for("postgres://u:s3cret@h/odd/name", Path("/w")))
