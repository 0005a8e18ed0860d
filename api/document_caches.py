"""Each distinct document parsed and validated once, within the query limits, as one schema extension.

Strawberry offers this as four extensions (ParserCache, ValidationCache, MaxTokensLimiter, AddValidationRules),
and every extension costs every request its own object and a context manager per hook it has. One does the
same here: parsing with the token limit, and validation with the schema's rules and the limit rules, each
kept in an LRU keyed by the query text (parsing) and by the parsed document (validation). The rules are
classes made once per schema, so the key stays the same from request to request, and a document over a
limit is refused however often it comes (its errors are what is kept).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from graphql import ASTValidationRule, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

CACHED_DOCUMENTS = 256  # distinct documents kept parsed and validated: every client's few, and GraphiQL's


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _parsed(query: str, options: tuple[tuple[str, Any], ...]) -> Any:
    return parse(query, **dict(options))


_validated: Callable[..., Any] = lru_cache(maxsize=CACHED_DOCUMENTS)(validate_document)


def parsed_document(query: str, max_tokens: int, parse_options: dict[str, Any] | None = None) -> Any:
    """The query parsed (once per distinct text); raises the parser's GraphQLError as parse does."""
    options = {**(parse_options or {}), "max_tokens": max_tokens}
    return _parsed(query, tuple(sorted(options.items())))


def validation_errors(schema: Any, document: Any, rules: tuple[type[ASTValidationRule], ...]) -> list[Any]:
    """The document's validation errors against the rules (once per distinct document and rules)."""
    return _validated(schema, document, rules)  # type: ignore[no-any-return]


class CachedDocuments(SchemaExtension):
    def __init__(self, limit_rules: Sequence[type[ASTValidationRule]], max_tokens: int) -> None:
        super().__init__()
        self._limit_rules = tuple(limit_rules)
        self._max_tokens = max_tokens

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = parsed_document(context.query or "", self._max_tokens,
                                                   dict(context.parse_options))
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        rules = (*context.validation_rules, *self._limit_rules)
        context.pre_execution_errors = validation_errors(context.schema._schema, context.graphql_document, rules)
        yield
