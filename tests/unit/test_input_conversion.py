"""Inputs converted by the planned hook (api/input_conversion.py) are the values Strawberry's own conversion
builds, for every input type of the schema: with every field given, with none given (implicit Nones and
defaults), and with nulls."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.types.arguments import InputContext, convert_argument
from strawberry.types.base import StrawberryObjectDefinition

from api.input_conversion import _passes_as_is
from api.schema import build_schema

SCHEMA = build_schema()
INPUTS: list[StrawberryObjectDefinition] = [
    entry.definition for entry in SCHEMA.schema_converter.type_map.values()
    if isinstance(getattr(entry, "definition", None), StrawberryObjectDefinition) and entry.definition.is_input
]


def _strawberrys_own(definition: StrawberryObjectDefinition, value: dict[str, Any]) -> Any:
    planned, definition.from_input = definition.from_input, None
    try:
        return convert_argument(value, definition.origin, SCHEMA.schema_converter.scalar_registry, SCHEMA.config)
    finally:
        definition.from_input = planned


def _planned(definition: StrawberryObjectDefinition, value: dict[str, Any]) -> Any:
    assert definition.from_input is not None
    context = InputContext(info=None, config=SCHEMA.config, scalar_registry=SCHEMA.schema_converter.scalar_registry,
                           path=())
    return definition.from_input(definition.origin, value, context)


def _given(definition: StrawberryObjectDefinition, make: Any) -> dict[str, Any]:
    """A value for each field whose values pass as they are (scalars, enums); nested inputs left out."""
    scalars = SCHEMA.schema_converter.scalar_registry
    return {SCHEMA.config.name_converter.from_field(field): make(field.python_name)
            for field in definition.fields
            if _passes_as_is(field.resolve_type(type_definition=definition), scalars)}


def test_every_input_type_is_planned() -> None:
    assert len(INPUTS) > 20
    assert all(getattr(definition.from_input, "__planned__", False) for definition in INPUTS)


@pytest.mark.parametrize("definition", INPUTS, ids=lambda definition: definition.name)
@pytest.mark.parametrize("given", ["every field", "nothing", "nulls"])
def test_planned_conversion_builds_strawberrys_value(definition: StrawberryObjectDefinition, given: str) -> None:
    value = {"every field": _given(definition, lambda name: f"given {name}"), "nothing": {},
             "nulls": _given(definition, lambda name: None)}[given]

    planned, own = _planned(definition, value), _strawberrys_own(definition, value)

    assert type(planned) is type(own)
    assert vars(planned) == vars(own)
    if given == "every field" and value:
        assert any(v == f"given {k}" for k, v in vars(planned).items())  # the values were taken, not defaults
