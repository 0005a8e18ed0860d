"""A Randou push sent as a JSON body, read into the flat text parameters a form push carries, so that it is
checked, signed and parsed exactly like one (webhook.py).

The body is one flat JSON object with the form's fields. Each value becomes the text the form would carry:

- a string: its text (a nested object may come this way, as JSON text, like in the form);
- a number: its literal as written (`10`), as the form's digits;
- an object (`drawinggame_detail`, `prize`): its JSON text exactly as it appears in the body. That text is
  what the sender serialized and signed; serializing the parsed object again could change spacing, key
  order or escapes (PHP escapes `/` and non-ASCII by default) and break a good signature;
- null: the empty text, as PHP joins a null into the signed string (`receive=`).

Arrays, true/false and a name given twice are refused: a form cannot carry them, so there is no telling
what was signed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

MAX_BODY_BYTES = 256 * 1024  # a push is about 1 KB; its two nested objects at most 20,000 characters each
MAX_MEMBERS = 100
_DECODER = json.JSONDecoder()
_JSON_WHITESPACE = " \t\n\r"


def is_json_content_type(content_type: str) -> bool:
    """`application/json`, or any `+json` type, whatever its parameters (`; charset=utf-8`)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def params_from_json_body(body: bytes) -> dict[str, str]:
    """The body's members as flat text parameters. ValueError says why the body cannot be read."""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError(f"the body is over {MAX_BODY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
        document = json.loads(text)  # validates the whole body, so the scan below may trust its structure
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ValueError(f"the body is not UTF-8 JSON: {error}") from None
    if not isinstance(document, dict):
        raise ValueError("the body must be a JSON object")
    if len(document) > MAX_MEMBERS:
        raise ValueError(f"the body has over {MAX_MEMBERS} fields")
    params: dict[str, str] = {}
    for name, value, source in _top_level_members(text):
        if name in params:
            raise ValueError(f"{name}: given twice")
        params[name] = _as_form_text(name, value, source)
    return params


def _as_form_text(name: str, value: Any, source: str) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool | list):
        raise ValueError(f"{name}: a form cannot carry {source[:20]!r}; send text, a number or an object")
    return source  # a number or an object: exactly as written, which is what was signed


def _top_level_members(text: str) -> Iterator[tuple[str, Any, str]]:
    """(name, value, the value's source text) of each member of the body's object, in order. The body was
    already validated as a JSON object, so this only walks it."""
    position = _skip_whitespace(text, 0) + 1  # past "{"
    position = _skip_whitespace(text, position)
    if text[position] == "}":
        return
    while True:
        name, position = _DECODER.raw_decode(text, position)
        position = _skip_whitespace(text, _skip_whitespace(text, position) + 1)  # past ":"
        start = position
        value, position = _DECODER.raw_decode(text, position)
        yield name, value, text[start:position]
        position = _skip_whitespace(text, position)
        if text[position] == "}":
            return
        position = _skip_whitespace(text, position + 1)  # past ","


def _skip_whitespace(text: str, position: int) -> int:
    while text[position] in _JSON_WHITESPACE:
        position += 1
    return position
