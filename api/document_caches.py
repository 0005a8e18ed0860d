"""Each distinct document parsed and validated once, within the query limits, as one schema extension.

Strawberry offers this as four extensions (ParserCache, ValidationCache, MaxTokensLimiter, AddValidationRules),
and every extension costs every request its own object and a context manager per hook it has. One does the
same here: parsing with the token limit, and validation with the schema's rules and the limit rules, each
kept in an LRU keyed by the query text (parsing) and by the parsed document's identity (validation). The
rules are classes made once per schema, so the key stays the same from request to request, and a document
over a limit is refused however often it comes (its errors are what is kept).

Validation is keyed by identity, not by the document's value: the parser's cache hands the same document
object to every request with the same text, and an AST node's hash walks its whole tree (graphql-core's
nodes are frozen dataclasses), which cost a dashboard page more than the lookup saved.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from graphql import ASTValidationRule, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

CACHED_DOCUMENTS = 256  # distinct documents kept parsed and validated: every client's few, and GraphiQL's


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _parsed(query: str, options: tuple[tuple[str, Any], ...]) -> Any:
    return parse(query, **dict(options))


class _ValidationsByIdentity:
    """Validation errors by (schema, document, rules) identity, least recently used first out. Each entry keeps
    its schema and document alive, so their ids stay theirs while it is kept."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[int, int, tuple[type[ASTValidationRule], ...]], tuple[Any, Any, list[Any]]] = (
            OrderedDict())
        self.hits = 0

    def errors(self, schema: Any, document: Any, rules: tuple[type[ASTValidationRule], ...]) -> list[Any]:
        key = (id(schema), id(document), rules)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is schema and kept[1] is document:
            self._kept.move_to_end(key)
            self.hits += 1
            return kept[2]
        errors = validate_document(schema, document, rules)
        self._kept[key] = (schema, document, errors)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)
        return errors


_validated = _ValidationsByIdentity(CACHED_DOCUMENTS)


def parsed_document(query: str, max_tokens: int, parse_options: dict[str, Any] | None = None) -> Any:
    """The query parsed (once per distinct text); raises the parser's GraphQLError as parse does."""
    options = {**(parse_options or {}), "max_tokens": max_tokens}
    return _parsed(query, tuple(sorted(options.items())))


def validation_errors(schema: Any, document: Any, rules: tuple[type[ASTValidationRule], ...]) -> list[Any]:
    """The document's validation errors against the rules (once per parsed document and rules)."""
    return _validated.errors(schema, document, rules)


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
