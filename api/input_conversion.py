"""Input objects (a mutation's `input`) converted by a plan made once per type, through Strawberry's own hook.

Strawberry converts an input value field by field on every request: for each field it works out the field's
GraphQL name (camel-casing the Python name again), resolves the field's type annotation, and walks the type
to see whether it is a leaf. For grantReward's input that came to about 150 µs a request (bench/RESULTS.md),
as much as the rest of what GraphQL adds to a write. None of it depends on the request.

`StrawberryObjectDefinition.from_input` is the hook Strawberry offers to build an input value: set on each
input type of the schema, it converts with what was worked out once: each field's GraphQL name, Python name,
type, and whether its values pass as they are (scalars and enums, which graphql-core has already coerced; a
null). Anything else (a nested input, a list of inputs) is converted by Strawberry (InputContext.convert),
so the value is the one Strawberry would build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

from strawberry.types.arguments import InputContext, _is_leaf_type
from strawberry.types.base import StrawberryMaybe, StrawberryObjectDefinition, StrawberryOptional

FieldPlan = tuple[str, str, Any, bool]  # GraphQL name, Python name, type, values pass as they are


def plan_input_conversion(schema: Any) -> None:
    """Sets a planned `from_input` on every input type of the schema that has none of its own."""
    config, scalars = schema.config, schema.schema_converter.scalar_registry
    for entry in list(schema.schema_converter.type_map.values()):
        definition = getattr(entry, "definition", None)
        if isinstance(definition, StrawberryObjectDefinition) and definition.is_input and (
                definition.from_input is None or getattr(definition.from_input, "__planned__", False)):
            definition.from_input = _planned_from_input(definition, _plan(definition, config, scalars))


def _plan(definition: StrawberryObjectDefinition, config: Any, scalars: Any) -> list[FieldPlan]:
    plan = []
    for field in definition.fields:
        type_ = field.resolve_type(type_definition=definition)
        plan.append((config.name_converter.from_field(field), field.python_name, type_,
                     _passes_as_is(type_, scalars)))
    return plan


def _passes_as_is(type_: Any, scalars: Any) -> bool:
    """A leaf, or an optional leaf: convert_argument answers such a value unchanged. (A Maybe is wrapped in
    Some, so it is not one.)"""
    if isinstance(type_, StrawberryMaybe):
        return False
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    return _is_leaf_type(type_, scalars)


def _planned_from_input(definition: StrawberryObjectDefinition, plan: list[FieldPlan]
                        ) -> Callable[[type, Mapping[str, Any], InputContext], Any]:
    # As convert_argument does: a field with no default of its own is None unless the value has it.
    implicit = {field.python_name: None for field in definition.fields
                if field.default_value is MISSING and field.default_factory is MISSING}

    def from_input(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
        kwargs: dict[str, Any] = dict(implicit)
        for graphql_name, python_name, type_, as_is in plan:
            if graphql_name in value:
                given = value[graphql_name]
                kwargs[python_name] = given if as_is or given is None else context.convert(given, type_,
                                                                                           graphql_name)
        return cls(**kwargs)

    from_input.__planned__ = True  # type: ignore[attr-defined]  # replaced, not wrapped, by a later schema
    return from_input
