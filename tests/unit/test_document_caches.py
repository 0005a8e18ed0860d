"""Documents are parsed and validated once (api/document_caches.py), and the query limits still refuse a
document over them every time it comes, from the cache too."""

from __future__ import annotations

from api.context import AppContext
from api.document_caches import _parsed, _validated
from api.schema import build_schema
from api.settings import Settings
from ledger.domain.access import Principal, Role

DEEP = "{ rewards(first: 1) { nodes { campaign { budget { balance { available { amount } } } } } } }"
ALIASES = "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"


async def _errors(schema, document: str) -> list[str]:  # type: ignore[no-untyped-def]
    viewer = Principal(tenant_id=1, role=Role.VIEWER)
    result = await schema.execute(document, context_value=AppContext(principal=viewer))
    return [error.message for error in result.errors or []]


async def test_a_repeated_document_is_parsed_and_validated_once() -> None:
    schema = build_schema()
    document = "{ __typename }"
    await _errors(schema, document)
    parsed, validated = _parsed.cache_info().hits, _validated.hits

    for _ in range(5):
        assert await _errors(schema, document) == []

    assert _parsed.cache_info().hits - parsed == 5
    assert _validated.hits - validated == 5


async def test_the_same_text_parsed_anew_is_validated_anew() -> None:
    """Validation is kept by the parsed document's identity: a document equal in value but parsed apart (after
    the parser's cache let it go) is validated, not taken for the kept one by a coincidence of ids."""
    schema = build_schema()
    document = "{ kind: __typename }"
    await _errors(schema, document)
    _parsed.cache_clear()
    validated = _validated.hits

    assert await _errors(schema, document) == []
    assert _validated.hits == validated
    assert await _errors(schema, document) == []
    assert _validated.hits == validated + 1


async def test_limits_refuse_from_the_cache_too() -> None:
    schema = build_schema(Settings(max_query_depth=4))
    first_deep, first_aliases = await _errors(schema, DEEP), await _errors(schema, ALIASES)
    validated = _validated.hits

    assert first_deep and "exceeds maximum operation depth" in first_deep[0]
    assert first_aliases and "aliases" in first_aliases[0].lower()
    assert await _errors(schema, DEEP) == first_deep
    assert await _errors(schema, ALIASES) == first_aliases
    assert _validated.hits - validated == 2  # both refusals came from the cache


async def test_the_token_limit_refuses_a_long_document() -> None:
    schema = build_schema()
    long_document = "{ " + " ".join("__typename" for _ in range(Settings().max_query_tokens + 10)) + " }"

    errors = await _errors(schema, long_document)

    assert errors and "token" in errors[0].lower()
