"""The console's GraphQL documents (api/console/static/js/documents.js) are valid against the committed
schema: a renamed field fails here, not in an operator's browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS_JS = ROOT / "api" / "console" / "static" / "js" / "documents.js"
CONSTANT = re.compile(r'^const (\w+) = (?:"([^"]*)"|`([^`]*)`);', re.MULTILINE | re.DOTALL)
EXPORT = re.compile(r"^export const (\w+) = /\* GraphQL \*/ `([^`]*)`;", re.MULTILINE | re.DOTALL)


def console_documents() -> dict[str, str]:
    """Each exported document with the file's constant fragments (`${MONEY}`) put in, as the browser does."""
    source = DOCUMENTS_JS.read_text(encoding="utf-8")
    constants: dict[str, str] = {}
    for name, quoted, templated in CONSTANT.findall(source):
        constants[name] = _filled(quoted or templated, constants)
    return {name: _filled(text, constants) for name, text in EXPORT.findall(source)}


def _filled(text: str, constants: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda match: constants[match.group(1)], text)


DOCUMENTS = console_documents()


def test_the_file_holds_the_documents_the_console_needs():
    assert {"Viewer", "Overview", "Rewards", "RewardUpdates", "Reward", "ResolutionPreview", "ResolveDiscrepancy",
            "Operations", "ApiKeys"} <= DOCUMENTS.keys()
    assert all("${" not in text for text in DOCUMENTS.values())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_is_valid_against_the_schema(name: str):
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    assert validate(schema, parse(DOCUMENTS[name])) == []
