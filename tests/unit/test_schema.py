"""schema.graphql is the exported schema, the client documents are valid against it, and the contract's
names and shapes are all there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from api.schema import export_sdl

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted((ROOT / "graphql").rglob("*.graphql"))
CONTRACT_CHECK = ROOT.parent / "shared" / "contract" / "check_schema.py"


def test_the_committed_schema_is_the_exported_one():
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == export_sdl(), "schema.graphql drifted: run `reward-ledger export-schema > schema.graphql`"


def test_there_are_client_documents():
    assert {p.parent.name for p in DOCUMENTS} >= {"dashboard", "mobile"}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_client_document_is_valid_against_the_schema(document: Path):
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    errors = validate(schema, parse(document.read_text(encoding="utf-8")))
    assert errors == [], [e.message for e in errors]


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="../shared/contract is not beside this checkout")
def test_the_schema_keeps_the_foundation_contract():
    result = subprocess.run([sys.executable, str(CONTRACT_CHECK), str(ROOT / "schema.graphql"),
                             "--only", "foundation,subscriptions"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
