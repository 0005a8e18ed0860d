"""Python source for a shape's function, written line by line and compiled once per distinct source.

api/item_shapes.py writes each compiled selection out as one Python function: an item's fields read,
checked and put in a dict by straight-line code, not by a closure per field calling a closure per field
below it (on a page of fifty nodes the calls themselves cost more than the values they pass).

Nothing from a request reaches the source but GraphQL names (response keys, which the parser restricts to
`[_A-Za-z][_0-9A-Za-z]*`), and those only as `repr()` literals; everything else (readers, coercions, types)
is a constant in the function's namespace, named by a counter.
"""

from __future__ import annotations

import keyword
from collections import OrderedDict
from collections.abc import Callable
from operator import attrgetter
from types import CodeType
from typing import Any

_MAX_CODES = 512
_codes: OrderedDict[str, CodeType] = OrderedDict()  # by source: operations with @include share their code


class Source:
    """One function's body being written: its lines, and the namespace its names refer to."""

    def __init__(self, **names: Any) -> None:
        self.namespace: dict[str, Any] = dict(names)
        self._lines: list[str] = []
        self._count = 0

    def fresh(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def constant(self, value: Any, prefix: str = "k") -> str:
        """A name the function reads the value by."""
        name = self.fresh(prefix)
        self.namespace[name] = value
        return name

    def line(self, indent: int, text: str) -> None:
        self._lines.append("    " * indent + text)

    def function(self, name: str, parameters: str, result: str) -> Callable[..., Any]:
        """The written lines as the body of `def name(parameters)`, returning `result`."""
        text = "\n".join([f"def {name}({parameters}):", *self._lines, f"    return {result}", ""])
        code = _codes.get(text)
        if code is None:
            code = _codes[text] = compile(text, f"<shape {name}>", "exec")
            while len(_codes) > _MAX_CODES:
                _codes.popitem(last=False)
        else:
            _codes.move_to_end(text)
        namespace = dict(self.namespace)
        exec(code, namespace)  # noqa: S102  source written by this module's callers from the schema
        # Taken out of its own globals (it never calls itself by name): a function its namespace holds is a
        # cycle, and an operation with @include compiles its shapes on every request.
        return namespace.pop(name)  # type: ignore[no-any-return]


def attribute_access(source: Source, subject: str, path: str) -> str:
    """An expression reading a dotted attribute path of `subject`: plain attribute access when every part is
    an identifier, otherwise through an attrgetter constant."""
    parts = path.split(".")
    if all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        return f"{subject}.{path}"
    return f"{source.constant(attrgetter(path), 'get')}({subject})"
