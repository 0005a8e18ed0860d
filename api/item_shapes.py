"""A list's items shaped in one pass: the selection compiled into a function per field.

graphql-core completes a list item by item and field by field, and for every field it builds a path, looks
the field up, builds a resolve-info object, calls the resolver through Strawberry's wrappers and completes
the value through its type. On a dashboard page of fifty nodes that is most of what GraphQL costs a request
(bench/RESULTS.md). Most of those fields need none of it: an attribute, a resolver of the node alone, a
link loaded with the page.

So for a list of objects each selected field is compiled into code that reads the item and the request's
context and answers the field's completed value:
- a basic field (no resolver, no extension): the attribute, coerced to its scalar or enum;
- a resolver of the node alone (sync, no info, no arguments, no extension);
- a resolver marked `answers_at_once`, through its shortcut, which sees the request's context and answers
  `NOT_AT_ONCE` when it cannot (a link not loaded with the page);
- an object, a list or a non-null wrapper of any of these, when every field below is shaped too.

An item's fields are written out as one Python function (api/shape_source.py), the fields of objects below
it inline: the calls between closures cost a page more than the values they passed.

Anything else, and any field whose shape gives up on an item (`NOT_AT_ONCE`, a null where the type forbids
one, a value its type refuses, any exception), goes through graphql-core's own `execute_field` for that item:
that path answers the same value, or reports the same error, as it always did. Shapes only read, so running
a field's generic path after its shape gave up repeats nothing that matters.

Shapes are compiled once per operation and kept with it (the parser cache hands every request of a document
the same nodes), unless the operation has @skip or @include, whose selections depend on the variables.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
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

from api.shape_source import Source, attribute_access

F = TypeVar("F", bound=Callable[..., Any])
ValueShape = Callable[[Any, Any], Any]  # (value, request context) -> the value completed through its type
# Writes the lines that compute a field's value from the item named `subject`, at the given indent, into
# `source`; answers the expression that then holds it. The lines may `raise GiveUp`.
FieldCode = Callable[[Source, int, str], str]

NOT_AT_ONCE = object()  # what a shortcut answers when only its resolver can
_INT_RANGE = range(-(2**31), 2**31)
_MAX_INLINE_INDENT = 24  # objects nested deeper are shaped by functions of their own


class GiveUp(Exception):
    """This field of this item takes graphql-core's own path."""


def answers_at_once(shortcut: Callable[[Any, Any], Any]) -> Callable[[F], F]:
    """Marks a resolver that usually needs no resolve-info: `shortcut(node, context)` answers what the resolver
    would, or NOT_AT_ONCE. The resolver should call the shortcut itself, so the two cannot disagree."""
    def mark(resolver: F) -> F:
        resolver.__answer_at_once__ = shortcut  # type: ignore[attr-defined]
        return resolver
    return mark


def _new_source() -> Source:
    return Source(GiveUp=GiveUp, NOT_AT_ONCE=NOT_AT_ONCE, Undefined=Undefined)


@dataclass(frozen=True)
class SelectedField:
    response_name: str
    code: FieldCode | None  # None: always graphql-core's path
    details: Any  # graphql-core's field details list, for that path

    @cached_property
    def shape(self) -> Callable[[Any, Any], Any] | None:
        """The field alone as a function of (item, context), for an item whose fields are taken one by one."""
        if self.code is None:
            return None
        source = _new_source()
        return source.function("shaped_field", "item, context", self.code(source, 1, "item"))


@dataclass(frozen=True)
class ItemShape:
    object_type: GraphQLObjectType
    fields: tuple[SelectedField, ...]

    @property
    def complete(self) -> bool:
        return all(field.code is not None for field in self.fields)

    @cached_property
    def whole(self) -> Callable[[Any, Any], dict[str, Any]]:
        """The item's dict in one go, when every field is shaped (the type check is the caller's)."""
        source = _new_source()
        return source.function("shaped_item", "item, context", self.write_dict(source, 1, "item"))

    def write_dict(self, source: Source, indent: int, subject: str) -> str:
        """Writes the item's fields; answers the dict literal that holds them."""
        values = [(field.response_name, field.code(source, indent, subject)) for field in self.fields]  # type: ignore[misc]
        return "{" + ", ".join(f"{name!r}: {value}" for name, value in values) + "}"

    @cached_property
    def is_its_type(self) -> Callable[[Any, Any], bool]:
        """graphql-core's is_type_of check. For Strawberry's own check, an instance of the very class (and not
        cast to another type) passes at once."""
        is_type_of = self.object_type.is_type_of
        if is_type_of is None:
            return lambda item, info: True
        origin = self._strawberry_origin
        if origin is None:
            return lambda item, info: is_type_of(item, info) is True

        def strawberry_check(item: Any, info: Any) -> bool:
            if type(item) is origin and getattr(item, TYPE_CAST_ATTRIBUTE, None) is None:
                return True
            return is_type_of(item, info) is True
        return strawberry_check

    def type_check(self, source: Source, value: str) -> str | None:
        """An expression true when `value` passes is_its_type; None when everything does."""
        if self.object_type.is_type_of is None:
            return None
        check = f"{source.constant(self.is_its_type, 'is_its_type')}({value}, None)"
        origin = self._strawberry_origin
        if origin is None:
            return check
        cast = source.constant(TYPE_CAST_ATTRIBUTE, "cast")
        exact = f"type({value}) is {source.constant(origin, 'type')} and getattr({value}, {cast}, None) is None"
        return f"({exact} or {check})"

    @property
    def passes_only_instances(self) -> bool:
        """is_its_type is Strawberry's own check, which only instances of the type pass (no awaitable)."""
        return self.object_type.is_type_of is not None and self._strawberry_origin is not None

    @cached_property
    def _strawberry_origin(self) -> type | None:
        """The class of Strawberry's own is_type_of check (an isinstance of it), if that is the check."""
        definition = (self.object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if definition is None or definition.is_type_of is not None:
            return None
        return getattr(definition, "origin", None)


ShapeKey = tuple[GraphQLObjectType, tuple[int, ...]]  # the type and the ids of the selection's field nodes


class _OperationShapes:
    """The shapes compiled for one operation; the entry keeps the operation, so the node ids stay its own."""

    def __init__(self, operation: OperationDefinitionNode, conditional: bool) -> None:
        self.operation = operation
        self.conditional = conditional  # its selections depend on variables: shapes are not kept
        self.shapes: dict[ShapeKey, ItemShape | None] = {}


_MAX_OPERATIONS = 256  # as many as the parser cache keeps documents
_by_operation: OrderedDict[int, _OperationShapes] = OrderedDict()


class ShapeCompiler:
    """Compiles selections against one execution: its schema, fragments and variables (collect_subfields)."""

    def __init__(self, execution: Any) -> None:
        # The compiler lives in its execution's __dict__: a strong reference back would make every request's
        # executor (and the request, context and answer it holds) cyclic garbage, freed only when the cycle
        # collector runs instead of when the request ends.
        self._execution_ref = weakref.ref(execution)
        self._shapes = _shapes_of(execution)

    @property
    def _execution(self) -> Any:
        return self._execution_ref()

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
        fields = tuple(SelectedField(name, self._field_code(object_type, field_details), field_details)
                       for name, field_details in grouped.items())
        return ItemShape(object_type, fields)

    def _field_code(self, parent_type: GraphQLObjectType, details: Any) -> FieldCode | None:
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            type_name = parent_type.name
            return lambda source, indent, subject: source.constant(type_name, "typename")
        field = self._execution.schema.get_field(parent_type, name)
        if field is None or field.args or node.arguments:
            return None
        read = _read_code(field)
        if read is None:
            return None
        non_null = is_non_null_type(field.type)
        named = field.type.of_type if non_null else field.type
        if is_leaf_type(named):
            return _leaf_code(read, named, non_null)
        if is_object_type(named):
            shape = self.item_shape(named, details)
            if shape is None or not shape.complete:
                return None
            return _object_code(read, shape, non_null)
        complete = self._value_shape(field.type, details)
        if complete is None:
            return None

        def completed(source: Source, indent: int, subject: str) -> str:
            value = source.fresh("v")
            raw = read(source, indent, subject)
            source.line(indent, f"{value} = {source.constant(complete, 'complete')}({raw}, context)")
            return value
        return completed

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
            return _completion(type_)
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
    else:
        entry = _by_operation[id(operation)] = _OperationShapes(
            operation, _has_conditions(operation, execution.fragments))
        while len(_by_operation) > _MAX_OPERATIONS:
            _by_operation.popitem(last=False)
    return {} if entry.conditional else entry.shapes


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


def _leaf_code(read: FieldCode, leaf_type: Any, non_null: bool) -> FieldCode:
    """A leaf read and completed through its type; GiveUp where graphql-core's path would report an error (a
    null where the type forbids one, a value the type refuses). A value its type passes unchanged (a str for
    a String or an ID, a bool for a Boolean: most of a page's fields) is not coerced at all."""
    coerce, as_is = _coercion(leaf_type), _passes_as_is(leaf_type)

    def write(source: Source, indent: int, subject: str) -> str:
        value = source.fresh("v")
        source.line(indent, f"{value} = {read(source, indent, subject)}")
        if as_is is not None:
            source.line(indent, f"if type({value}) is not {source.constant(as_is, 'type')}:")
            indent += 1
        source.line(indent, f"if {value} is None:")
        source.line(indent + 1, "raise GiveUp" if non_null else "pass")
        source.line(indent, "else:")
        source.line(indent + 1, f"{value} = {source.constant(coerce, 'coerce')}({value})")
        source.line(indent + 1, f"if {value} is None or {value} is Undefined:")
        source.line(indent + 2, "raise GiveUp")
        return value
    return write


def _completion(leaf_type: Any) -> ValueShape:
    """A leaf value of a list, not null (the caller answers a null), completed as _leaf_code completes one."""
    coerce = _coercion(leaf_type)

    def complete(value: Any, context: Any) -> Any:
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise GiveUp
        return coerced
    return complete


def _object_code(read: FieldCode, shape: ItemShape, non_null: bool) -> FieldCode:
    """An object-valued field (an amount, a link) read, checked, and its fields written inline below it."""
    def write(source: Source, indent: int, subject: str) -> str:
        value = source.fresh("v")
        source.line(indent, f"{value} = {read(source, indent, subject)}")
        source.line(indent, f"if {value} is None:")
        source.line(indent + 1, "raise GiveUp" if non_null else "pass")  # graphql-core's path reports the null
        source.line(indent, "else:")
        check = shape.type_check(source, value)
        if check is not None:
            source.line(indent + 1, f"if not {check}:")
            source.line(indent + 2, "raise GiveUp")
        if indent < _MAX_INLINE_INDENT:
            source.line(indent + 1, f"{value} = {shape.write_dict(source, indent + 1, value)}")
        else:  # a function of its own: Python refuses a function indented 100 levels deep
            source.line(indent + 1, f"{value} = {source.constant(shape.whole, 'shaped')}({value}, context)")
        return value
    return write


def _passes_as_is(leaf_type: Any) -> type | None:
    """The Python type whose values this scalar's coercion returns unchanged."""
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return str
    if leaf_type is GraphQLBoolean:
        return bool
    return None


def basic_attribute(field: Any) -> str | None:
    """The attribute a field reads, if that is all it does: a basic field's own (read with getattr), or
    `row.<attribute>` for a resolver that answers its node's row's attribute (marked `__reads_row__`)."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.extensions:
        return None
    if definition.base_resolver is not None:
        row_attribute = getattr(definition.base_resolver.wrapped_func, "__reads_row__", None)
        return None if row_attribute is None or field.args else f"row.{row_attribute}"
    if (definition.default_resolver is not getattr
            or getattr(field.resolve, "__name__", "") != "_get_basic_result"):
        return None
    return str(definition.python_name)


def _coercion(leaf_type: Any) -> Callable[[Any], Any]:
    """The leaf type's output coercion. An enum's is a lookup: Strawberry's walks the values for each one."""
    coerce: Callable[[Any], Any] = leaf_type.coerce_output_value
    if leaf_type is GraphQLInt:
        def int_value(value: Any) -> Any:
            return value if type(value) is int and value in _INT_RANGE else coerce(value)
        return int_value
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if not isinstance(leaf_type, GraphQLEnumType) or wrapped is None:
        return coerce
    names: dict[Any, str] = {}
    for name, value in leaf_type.values.items():
        names.setdefault(value.value, name)  # the first name of a value, as the walk finds it
    # By member name: an enum member's `value` is a descriptor, its `_name_` a plain attribute.
    by_member = {member._name_: names[member.value] for member in wrapped if member.value in names}

    def enum_name(value: Any) -> Any:
        if isinstance(value, wrapped):
            name = by_member.get(value._name_)
            if name is not None:
                return name
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


def _read_code(field: Any) -> FieldCode | None:
    """Reads a field's raw value from its source, as its resolver would; None if only the resolver can."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.extensions:
        return None
    attribute = basic_attribute(field)
    if attribute is not None:
        return lambda source, indent, subject: attribute_access(source, subject, attribute)
    resolver = definition.base_resolver
    if resolver is None:
        if getattr(field.resolve, "__name__", "") != "_get_basic_result":
            return None
        default_resolver, name = definition.default_resolver, definition.python_name
        return lambda source, indent, subject: (f"{source.constant(default_resolver, 'resolve')}"
                                                f"({subject}, {source.constant(name, 'name')})")
    if resolver.arguments or resolver.root_parameter or resolver.parent_parameter:
        return None
    shortcut = getattr(resolver.wrapped_func, "__answer_at_once__", None)
    if shortcut is not None:  # the resolver itself may be async: the shortcut never is
        def at_once(source: Source, indent: int, subject: str) -> str:
            value = source.fresh("v")
            source.line(indent, f"{value} = {source.constant(shortcut, 'shortcut')}({subject}, context)")
            source.line(indent, f"if {value} is NOT_AT_ONCE:")
            source.line(indent + 1, "raise GiveUp")
            return value
        return at_once
    if resolver.is_async or resolver.info_parameter is not None or resolver.self_parameter is None:
        return None
    method = resolver.wrapped_func
    return lambda source, indent, subject: f"{source.constant(method, 'resolver')}({subject})"


def _is_type_of_ignores_info(object_type: GraphQLObjectType) -> bool:
    """A type check that reads the value alone: none, or the one Strawberry makes for a type with interfaces
    (a type with its own `is_type_of` might read the resolve-info, which a shape does not have)."""
    if object_type.is_type_of is None:
        return True
    definition = (object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return definition is not None and definition.is_type_of is None
