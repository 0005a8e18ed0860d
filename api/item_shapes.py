"""A list's items shaped in one pass: the selection compiled into a function per field.

graphql-core completes a list item by item and field by field, and for every field it builds a path, looks
the field up, builds a resolve-info object, calls the resolver through Strawberry's wrappers and completes
the value through its type. On a dashboard page of fifty nodes that is most of what GraphQL costs a request
(bench/RESULTS.md). Most of those fields need none of it: an attribute, a resolver of the node alone, a
link loaded with the page.

So for a list of objects each selected field is compiled into a `FieldShape`, a function of the item and
the request's context that answers the field's completed value:
- a basic field (no resolver, no extension): the attribute, coerced to its scalar or enum;
- a resolver of the node alone (sync, no info, no arguments, no extension);
- a resolver marked `answers_at_once`, through its shortcut, which sees the request's context and answers
  `NOT_AT_ONCE` when it cannot (a link not loaded with the page);
- an object, a list or a non-null wrapper of any of these, when every field below is shaped too.

Anything else, and any field whose shape gives up on an item (`NOT_AT_ONCE`, a null where the type forbids
one, a value its type refuses, any exception), goes through graphql-core's own `execute_field` for that item:
that path answers the same value, or reports the same error, as it always did. Shapes only read, so running
a field's generic path after its shape gave up repeats nothing that matters.

Shapes are compiled once per operation and kept with it (the parser cache hands every request of a document
the same nodes), unless the operation has @skip or @include, whose selections depend on the variables.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    OperationDefinitionNode,
    Undefined,
    Visitor,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    visit,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

F = TypeVar("F", bound=Callable[..., Any])
FieldShape = Callable[[Any, Any], Any]  # (source, request context) -> the field's completed value
ValueShape = Callable[[Any, Any], Any]  # (value, request context) -> the value completed through its type
Read = Callable[[Any, Any], Any]  # (source, request context) -> the field's value, as its resolver answers it

NOT_AT_ONCE = object()  # what a shortcut answers when only its resolver can


class GiveUp(Exception):
    """This field of this item takes graphql-core's own path."""


def answers_at_once(shortcut: Callable[[Any, Any], Any]) -> Callable[[F], F]:
    """Marks a resolver that usually needs no resolve-info: `shortcut(node, context)` answers what the resolver
    would, or NOT_AT_ONCE. The resolver should call the shortcut itself, so the two cannot disagree."""
    def mark(resolver: F) -> F:
        resolver.__answer_at_once__ = shortcut  # type: ignore[attr-defined]
        return resolver
    return mark


@dataclass(frozen=True)
class SelectedField:
    response_name: str
    shape: FieldShape | None  # None: always graphql-core's path
    details: Any  # graphql-core's field details list, for that path


@dataclass(frozen=True)
class ItemShape:
    object_type: GraphQLObjectType
    fields: tuple[SelectedField, ...]

    @property
    def complete(self) -> bool:
        return all(field.shape is not None for field in self.fields)

    @cached_property
    def whole(self) -> Callable[[Any, Any], dict[str, Any]]:
        """The item's dict in one go, when every field is shaped (the type check is the caller's)."""
        fields = tuple((field.response_name, field.shape) for field in self.fields)
        return lambda item, context: {name: shape(item, context) for name, shape in fields}  # type: ignore[misc]

    @cached_property
    def is_its_type(self) -> Callable[[Any, Any], bool]:
        """graphql-core's is_type_of check. For Strawberry's own check, an instance of the very class (and not
        cast to another type) passes at once."""
        is_type_of = self.object_type.is_type_of
        if is_type_of is None:
            return lambda item, info: True
        definition = (self.object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        origin = getattr(definition, "origin", None)
        if origin is None or definition is None or definition.is_type_of is not None:
            return lambda item, info: is_type_of(item, info) is True

        def strawberry_check(item: Any, info: Any) -> bool:
            if type(item) is origin and getattr(item, TYPE_CAST_ATTRIBUTE, None) is None:
                return True
            return is_type_of(item, info) is True
        return strawberry_check


ShapeKey = tuple[GraphQLObjectType, tuple[int, ...]]  # the type and the ids of the selection's field nodes


class _OperationShapes:
    """The shapes compiled for one operation; the entry keeps the operation, so the node ids stay its own."""

    def __init__(self, operation: OperationDefinitionNode) -> None:
        self.operation = operation
        self.shapes: dict[ShapeKey, ItemShape | None] = {}


_MAX_OPERATIONS = 256  # as many as the parser cache keeps documents
_by_operation: OrderedDict[int, _OperationShapes] = OrderedDict()


class ShapeCompiler:
    """Compiles selections against one execution: its schema, fragments and variables (collect_subfields)."""

    def __init__(self, execution: Any) -> None:
        self._execution = execution
        self._shapes = _shapes_of(execution)

    def item_shape(self, object_type: GraphQLObjectType, details: Any) -> ItemShape | None:
        """How to shape objects of this type for this selection; None when graphql-core must do it all."""
        key = (object_type, tuple(id(field.node) for field in details))
        if key in self._shapes:
            return self._shapes[key]
        shape = self._shapes[key] = self._compile_item(object_type, details)
        return shape

    def _compile_item(self, object_type: GraphQLObjectType, details: Any) -> ItemShape | None:
        if not _is_type_of_ignores_info(object_type):
            return None
        grouped, defer_usages, _forbidden = self._execution.collect_subfields(object_type, details)
        if defer_usages:
            return None
        fields = tuple(SelectedField(name, self._field_shape(object_type, field_details), field_details)
                       for name, field_details in grouped.items())
        return ItemShape(object_type, fields)

    def _field_shape(self, parent_type: GraphQLObjectType, details: Any) -> FieldShape | None:
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            type_name = parent_type.name
            return lambda source, context: type_name
        field = self._execution.schema.get_field(parent_type, name)
        if field is None or field.args or node.arguments:
            return None
        read = _reader(field)
        if read is None:
            return None
        non_null = is_non_null_type(field.type)
        named = field.type.of_type if non_null else field.type
        if is_leaf_type(named):
            attribute = _basic_attribute(field)
            if attribute is not None:
                return _attribute_leaf(attribute, _coercion(named), _passes_as_is(named), non_null)
            return _leaf_field(read, _coercion(named), non_null)
        if is_object_type(named):
            shape = self.item_shape(named, details)
            if shape is None or not shape.complete:
                return None
            return _object_field(read, _basic_attribute(field), shape, non_null)
        complete = self._value_shape(field.type, details)
        if complete is None:
            return None
        return lambda source, context: complete(read(source, context), context)

    def _value_shape(self, type_: GraphQLOutputType, details: Any) -> ValueShape | None:
        if is_non_null_type(type_):
            inner = self._nullable_shape(type_.of_type, details)  # type: ignore[attr-defined]
            if inner is None:
                return None

            def non_null(value: Any, context: Any) -> Any:
                if value is None:
                    raise GiveUp  # graphql-core's path reports the null
                return inner(value, context)
            return non_null
        nullable = self._nullable_shape(type_, details)
        if nullable is None:
            return None
        return lambda value, context: None if value is None else nullable(value, context)

    def _nullable_shape(self, type_: GraphQLOutputType, details: Any) -> ValueShape | None:
        if is_leaf_type(type_):
            coerce = _coercion(type_)

            def leaf(value: Any, context: Any) -> Any:
                coerced = coerce(value)
                if coerced is None or coerced is Undefined:
                    raise GiveUp  # graphql-core's path reports the refusal
                return coerced
            return leaf
        if is_list_type(type_):
            assert isinstance(type_, GraphQLList)
            item = self._value_shape(type_.of_type, details)
            if item is None:
                return None

            def items(value: Any, context: Any) -> Any:
                if not isinstance(value, (list, tuple)):
                    raise GiveUp
                return [item(v, context) for v in value]
            return items
        if is_object_type(type_):
            assert isinstance(type_, GraphQLObjectType)
            shape = self.item_shape(type_, details)
            if shape is None or not shape.complete:
                return None
            return _object_shape(shape)
        return None  # interfaces and unions: graphql-core resolves their type


def _shapes_of(execution: Any) -> dict[ShapeKey, ItemShape | None]:
    """The operation's kept shapes; a fresh dict for an operation whose selections depend on variables."""
    operation = execution.operation
    entry = _by_operation.get(id(operation))
    if entry is not None and entry.operation is operation:
        _by_operation.move_to_end(id(operation))
        return entry.shapes
    if _has_conditions(operation, execution.fragments):
        return {}
    entry = _by_operation[id(operation)] = _OperationShapes(operation)
    while len(_by_operation) > _MAX_OPERATIONS:
        _by_operation.popitem(last=False)
    return entry.shapes


class _Conditions(Visitor):
    found = False

    def enter_directive(self, node: Any, *_: Any) -> None:
        if node.name.value in ("skip", "include"):
            self.found = True


def _has_conditions(operation: OperationDefinitionNode, fragments: dict[str, Any]) -> bool:
    conditions = _Conditions()
    for node in (operation, *(fragment.definition for fragment in fragments.values())):
        visit(node, conditions)
    return conditions.found


def _leaf_field(read: Read, coerce: Callable[[Any], Any], non_null: bool) -> FieldShape:
    """A leaf's read and coercion in one function: a page calls it once per node."""
    return lambda source, context: _completed_leaf(read(source, context), coerce, non_null)


def _attribute_leaf(attribute: str, coerce: Callable[[Any], Any], as_is: type | None, non_null: bool) -> FieldShape:
    """_leaf_field for a field that reads an attribute (or a dotted path), and a value its type passes unchanged
    (a str for a String or an ID, a bool for a Boolean) not coerced at all: most of a page's fields."""
    get = attrgetter(attribute)

    def leaf(source: Any, context: Any) -> Any:
        value = get(source)
        if type(value) is as_is:
            return value
        return _completed_leaf(value, coerce, non_null)
    return leaf


def _completed_leaf(value: Any, coerce: Callable[[Any], Any], non_null: bool) -> Any:
    if value is None:
        if non_null:
            raise GiveUp  # graphql-core's path reports the null
        return None
    coerced = coerce(value)
    if coerced is None or coerced is Undefined:
        raise GiveUp  # graphql-core's path reports the refusal
    return coerced


def _object_field(read: Read, attribute: str | None, shape: ItemShape, non_null: bool) -> FieldShape:
    """An object-valued field (an amount, a link) read, checked and shaped in one function."""
    is_its_type = shape.is_its_type
    fields = tuple((field.response_name, field.shape) for field in shape.fields)
    get = attrgetter(attribute) if attribute is not None else None

    def object_field(source: Any, context: Any) -> Any:
        value = get(source) if get is not None else read(source, context)
        if value is None:
            if non_null:
                raise GiveUp  # graphql-core's path reports the null
            return None
        if not is_its_type(value, None):
            raise GiveUp
        return {name: field_shape(value, context) for name, field_shape in fields}  # type: ignore[misc]
    return object_field


def _passes_as_is(leaf_type: Any) -> type | None:
    """The Python type whose values this scalar's coercion returns unchanged."""
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return str
    if leaf_type is GraphQLBoolean:
        return bool
    return None


def _basic_attribute(field: Any) -> str | None:
    """The attribute a field reads, if that is all it does: a basic field's own (read with getattr), or
    `row.<attribute>` for a resolver that answers its node's row's attribute (marked `__reads_row__`)."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.extensions:
        return None
    if definition.base_resolver is not None:
        row_attribute = getattr(definition.base_resolver.wrapped_func, "__reads_row__", None)
        return None if row_attribute is None else f"row.{row_attribute}"
    if (definition.default_resolver is not getattr
            or getattr(field.resolve, "__name__", "") != "_get_basic_result"):
        return None
    return str(definition.python_name)


def _coercion(leaf_type: Any) -> Callable[[Any], Any]:
    """The leaf type's output coercion. An enum's is a lookup: Strawberry's walks the values for each one."""
    coerce: Callable[[Any], Any] = leaf_type.coerce_output_value
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if not isinstance(leaf_type, GraphQLEnumType) or wrapped is None:
        return coerce
    names: dict[Any, str] = {}
    for name, value in leaf_type.values.items():
        names.setdefault(value.value, name)  # the first name of a value, as the walk finds it

    def enum_name(value: Any) -> Any:
        if isinstance(value, wrapped):
            try:
                return names[value.value]
            except (KeyError, TypeError):
                pass
        return coerce(value)
    return enum_name


def _object_shape(shape: ItemShape) -> ValueShape:
    """An object's fields, every one of them shaped (a give-up anywhere gives the whole value up)."""
    is_its_type, whole = shape.is_its_type, shape.whole

    def shaped(value: Any, context: Any) -> dict[str, Any]:
        if not is_its_type(value, None):  # a check that reads the value alone (_is_type_of_ignores_info)
            raise GiveUp
        return whole(value, context)
    return shaped


def _reader(field: Any) -> Read | None:
    """Reads a field's raw value from its source, as its resolver would; None if only the resolver can."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.extensions:
        return None
    resolver = definition.base_resolver
    if resolver is None:
        if getattr(field.resolve, "__name__", "") != "_get_basic_result":
            return None
        attribute, default_resolver = definition.python_name, definition.default_resolver
        if default_resolver is getattr:
            return lambda source, context: getattr(source, attribute)
        return lambda source, context: default_resolver(source, attribute)
    if resolver.arguments or resolver.root_parameter or resolver.parent_parameter:
        return None
    shortcut = getattr(resolver.wrapped_func, "__answer_at_once__", None)
    if shortcut is not None:  # the resolver itself may be async: the shortcut never is
        def at_once(source: Any, context: Any) -> Any:
            answer = shortcut(source, context)
            if answer is NOT_AT_ONCE:
                raise GiveUp
            return answer
        return at_once
    if resolver.is_async or resolver.info_parameter is not None or resolver.self_parameter is None:
        return None
    method = resolver.wrapped_func
    return lambda source, context: method(source)


def _is_type_of_ignores_info(object_type: GraphQLObjectType) -> bool:
    """A type check that reads the value alone: none, or the one Strawberry makes for a type with interfaces
    (a type with its own `is_type_of` might read the resolve-info, which a shape does not have)."""
    if object_type.is_type_of is None:
        return True
    definition = (object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return definition is not None and definition.is_type_of is None
