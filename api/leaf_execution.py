"""A shorter way through a document's leaves and lists, for pages of many nodes.

graphql-core executes every field the same way: it builds a resolve-info object, calls the resolver,
checks for an awaitable, and completes the value through its type. For a leaf that Strawberry resolves by
plain attribute access (a "basic" field: no resolver, no extension, no permission) all that comes down to
reading the attribute and coercing it to its scalar or enum. On a dashboard page most fields are such
leaves, and the generic path cost GraphQL more than everything else a request does (bench/RESULTS.md).

Here such a leaf is read and coerced directly, and such a field holding an object (an amount's Money) is
read and its sub-selection executed directly. Anything unusual (a field with arguments, a resolver
middleware, a null where the type forbids it, a value the type refuses, a missing attribute) takes
graphql-core's own path, which produces the same value or the same error it always did.

A list of objects goes further: its items are shaped through a selection compiled once per operation
(api/item_shapes.py), and only the fields a shape cannot answer on an item take the path above. A single
object (a mutation's payload, a connection, an amount) is shaped the same way once it passed its type check:
in one go when its shape answers every field, else its shaped fields at once and the rest as graphql-core's
execute_fields runs them, with the same errors at the same paths.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path, gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.item_shapes import ItemShape, ShapeCompiler, basic_attribute


@dataclass(frozen=True)
class BasicFieldPlan:
    """How to read one field that only reads an attribute, and what its value completes to."""
    read: Callable[[Any], Any]
    field_type: GraphQLOutputType
    nullable: bool
    coerce: Callable[[Any], Any] | None  # a leaf's coercion to its scalar or enum
    object_type: GraphQLObjectType | None  # an object's type, when it needs no is_type_of check


_UNPLANNED = object()


def _never(value: Any) -> bool:
    return False
# Per object type and field name. Types belong to a schema, which lives as long as the process.
_plans: dict[tuple[GraphQLObjectType, str], BasicFieldPlan | None] = {}


def _plan(schema: GraphQLSchema, parent_type: GraphQLObjectType, field_name: str) -> BasicFieldPlan | None:
    field = schema.get_field(parent_type, field_name)
    if field is None or field.args:
        return None
    attribute = basic_attribute(field)
    if attribute is None:
        return None
    nullable = not is_non_null_type(field.type)
    named = field.type if nullable else field.type.of_type  # type: ignore[union-attr]
    if is_leaf_type(named):
        return BasicFieldPlan(attrgetter(attribute), field.type, nullable, named.coerce_output_value, None)
    if is_object_type(named) and named.is_type_of is None:
        return BasicFieldPlan(attrgetter(attribute), field.type, nullable, None, named)
    return None


class LeafFastPathExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = _helpers_of(self)

    def execute_field(self, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Any,
                      position_context: Any) -> Any:
        node = field_details_list[0].node
        key = (parent_type, node.name.value)
        plan = _plans.get(key, _UNPLANNED)
        if plan is _UNPLANNED:
            plan = _plans[key] = _plan(self.schema, parent_type, node.name.value)
        if plan is None or node.arguments or not self._resolvers_unwrapped():
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        assert isinstance(plan, BasicFieldPlan)
        try:
            value = plan.read(source)
        except Exception:  # graphql-core's path below reports it, with its path and type
            value = _UNPLANNED
        if value is None and plan.nullable:
            return None
        if value is not None and value is not _UNPLANNED:
            if plan.coerce is not None:
                try:
                    coerced = plan.coerce(value)
                except Exception:  # reported by graphql-core's path below
                    coerced = None
                if coerced is not None and coerced is not Undefined:
                    return coerced
            elif plan.object_type is not None:
                return self._complete_object(plan.object_type, plan, value, field_details_list, path,
                                             position_context)
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _complete_object(self, object_type: GraphQLObjectType, plan: BasicFieldPlan, value: Any,
                         field_details_list: Any, path: Any, position_context: Any) -> Any:
        """What complete_object_value does for a type without is_type_of, with execute_field's error handling."""
        try:
            completed = self.collect_and_execute_subfields(object_type, field_details_list, path, value,
                                                           position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, plan.field_type, field_details_list, path)
                return None

        return await_completed()

    def _resolvers_unwrapped(self) -> bool:
        """No extension resolves fields as a middleware: a basic field's resolver is called as it is."""
        manager = self.middleware_manager
        return manager is None or not manager.middlewares

    # --- objects ---------------------------------------------------------------------------------------

    def collect_and_execute_subfields(self, return_type: GraphQLObjectType, field_details_list: Any, path: Path,
                                      result: Any, position_context: Any) -> Any:
        """An object's fields (a mutation's payload, a connection, an amount) through its compiled shape: in one
        go when every field is shaped, else the shaped ones at once and the rest as execute_fields runs them.
        The object passed its type check already (complete_object_value, _complete_object)."""
        shape = self._shape_of(return_type, field_details_list)
        if shape is None:
            return super().collect_and_execute_subfields(return_type, field_details_list, path, result,
                                                         position_context)
        if shape.complete:
            try:
                return shape.whole(result, self.context_value)
            except Exception:  # noqa: S110  field by field below, where each gives up on its own
                pass
        return self._execute_shaped_fields(shape, result, path, position_context)

    def _execute_shaped_fields(self, shape: ItemShape, source: Any, path: Path, position_context: Any) -> Any:
        """What execute_fields does for the shape's fields (errors reported by each field's execute_field,
        a non-null one's raised to the parent), with shaped fields read at once."""
        context, parent_type = self.context_value, shape.object_type
        results: dict[str, Any] = {}
        awaitable_names: list[str] = []
        try:
            for field in shape.fields:
                if field.shape is not None:
                    try:
                        results[field.response_name] = field.shape(source, context)
                        continue
                    except Exception:  # noqa: S112  the generic path below answers or reports it
                        pass
                value = self.execute_field(parent_type, source, field.details,
                                           Path(path, field.response_name, parent_type.name), position_context)
                if value is not Undefined:
                    results[field.response_name] = value
                    if self.is_awaitable(value):
                        awaitable_names.append(field.response_name)
        except Exception:
            if awaitable_names:  # settled, as execute_fields does, so that none is left unawaited
                self.settle_in_background([results[name] for name in awaitable_names])
            raise
        if not awaitable_names:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_names) == 1:
                name = awaitable_names[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[name] for name in awaitable_names))
                results.update(zip(awaitable_names, awaited, strict=True))
            return results

        return get_results()

    # --- lists of objects -------------------------------------------------------------------------------

    def complete_iterable_value(self, item_type: Any, field_details_list: Any, info: Any, path: Path,
                                items: Any, position_context: Any) -> Any:
        shape = self._list_item_shape(item_type, field_details_list)
        if shape is None or not isinstance(items, (list, tuple)) or self.get_stream_usage(field_details_list, path):
            return super().complete_iterable_value(item_type, field_details_list, info, path, items,
                                                   position_context)
        nullable_items = not is_non_null_type(item_type)
        is_its_type, context = shape.is_its_type, self.context_value
        # An item that passes Strawberry's own type check is an instance of the type, not an awaitable.
        is_awaitable = _never if shape.passes_only_instances else self.is_awaitable
        whole = shape.whole if shape.complete else None
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                if item is None and nullable_items:
                    completed.append(None)
                    continue
                if item is None or not is_its_type(item, info) or is_awaitable(item):
                    # graphql-core's own way with the item, as its complete_iterable_value goes
                    item_path = path.add_key(index, None)
                    if self.is_awaitable(item):
                        completed.append(self.complete_awaitable_list_item_value(
                            item, item_type, field_details_list, info, item_path, position_context))
                        awaitable_indices.append(index)
                    elif self.complete_list_item_value(item, completed, item_type, field_details_list, info,
                                                       item_path, position_context):
                        awaitable_indices.append(index)
                    continue
                if whole is not None:
                    try:
                        completed.append(whole(item, context))
                        continue
                    except Exception:  # noqa: S110  field by field below, where each gives up on its own
                        pass
                value = self._shape_item(shape, item, item_type, field_details_list, path.add_key(index, None),
                                         position_context)
                completed.append(value)
                if self.is_awaitable(value):
                    awaitable_indices.append(index)
        except Exception:
            if awaitable_indices:  # settled, as graphql-core does, so that none is left unawaited
                self.settle_in_background([completed[index] for index in awaitable_indices])
            raise
        if not awaitable_indices:
            return completed

        async def await_items() -> list[Any]:
            awaited = await gather_with_cancel(*(completed[index] for index in awaitable_indices))
            for index, value in zip(awaitable_indices, awaited, strict=True):
                completed[index] = value
            return completed

        return await_items()

    def _list_item_shape(self, item_type: Any, field_details_list: Any) -> ItemShape | None:
        named = item_type.of_type if is_non_null_type(item_type) else item_type
        return self._shape_of(named, field_details_list) if is_object_type(named) else None

    def _shape_of(self, object_type: GraphQLObjectType, field_details_list: Any) -> ItemShape | None:
        if not self._resolvers_unwrapped():
            return None
        compiler = self.__dict__.get("_shape_compiler")
        if compiler is None:
            compiler = self.__dict__["_shape_compiler"] = ShapeCompiler(self)
        return compiler.item_shape(object_type, field_details_list)

    def _shape_item(self, shape: ItemShape, item: Any, item_type: Any, field_details_list: Any, item_path: Path,
                    position_context: Any) -> Any:
        """One item's dict: its shaped fields at once, the rest through execute_field; errors as
        complete_list_item_value reports them."""
        try:
            fields = self._execute_shaped_fields(shape, item, item_path, position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, item_type, field_details_list, item_path)
            return None
        if not self.is_awaitable(fields):
            return fields

        async def await_fields() -> Any:
            try:
                return await fields
            except Exception as raw_error:
                self.handle_field_error(raw_error, item_type, field_details_list, item_path)
                return None

        return await_fields()


def _helpers_of(execution: Any) -> GraphQLResolveInfoHelpers:
    """The resolvers' async helpers, calling back into `execution` by weak reference.

    graphql-core hands resolvers the executor's own bound methods, which the executor holds: a cycle that made
    every request's executor, and the context, request and answer it holds, garbage only the cycle collector
    frees (~50 objects per grant in the server, a young collection every few hundred requests). The helpers
    are only called while the execution runs, when the executor is alive.
    """
    executor = weakref.ref(execution)

    def gather(values: Any) -> Any:
        return executor().gather_async_work(values)  # type: ignore[union-attr]

    def track(values: Any) -> None:
        executor().track_async_work(values)  # type: ignore[union-attr]

    return GraphQLResolveInfoHelpers(gather=gather, track=track)
