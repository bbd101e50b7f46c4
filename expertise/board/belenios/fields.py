"""Strict reading of the JSON records of a board, with errors that name the field.

A board is hostile input. Every value is checked for its type, its range and its canonical
spelling before it is used, and every error says which field of which record is wrong, so
that the expert can point at it in the report. Belenios writes every record in compact JSON
with its fields in the order of its ATD schema; a record spelt differently was not written by
Belenios (or was edited), which we report rather than silently accept.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from gmpy2 import mpz

from ...i18n import Message, msg
if TYPE_CHECKING:  # groups reads fields at import: the name is only an annotation here
    from .groups import Group

MAX_DEPTH = 64
MAX_JSON_INT_DIGITS = 18  # heights, counts, sizes: far below 2^62


class FieldError(Exception):
    """A value of a record is missing, of the wrong type, out of range or not canonical.

    Raised deep in the readers and reported as a discrepancy: it carries a message (code and
    arguments), rendered only if someone reads it.
    """

    def __init__(self, field: str, message: Message) -> None:
        super().__init__(field or "(record)", message)
        self.field = field or "(record)"
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class _TooDeep(Exception):
    pass


def _parse_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_JSON_INT_DIGITS:
        raise FieldError("", msg("board.json.too_many_digits", digits=len(digits), limit=MAX_JSON_INT_DIGITS))
    return int(text)


def _parse_float(text: str) -> Any:
    raise FieldError("", msg("board.json.fraction", value=repr(text[:40])))


def _parse_constant(text: str) -> Any:
    raise FieldError("", msg("board.json.constant", value=text))


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise FieldError(key, msg("board.json.duplicate_field"))
        obj[key] = value
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_object_pairs, parse_int=_parse_int,
                            parse_float=_parse_float, parse_constant=_parse_constant, strict=True)


def _depth(value: Any, limit: int = MAX_DEPTH) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise _TooDeep()
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def parse_json(body: bytes) -> Any:
    """Parse one record; FieldError (field "(record)") on invalid UTF-8 or JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FieldError("", msg("board.json.utf8", byte=exc.start)) from None
    try:
        value = _DECODER.decode(text)
    except FieldError:
        raise
    except RecursionError:
        raise FieldError("", msg("board.json.too_deep", limit=MAX_DEPTH)) from None
    except ValueError as exc:
        raise FieldError("", msg("board.json.invalid", error=str(exc))) from None
    try:
        _depth(value)
    except _TooDeep:
        raise FieldError("", msg("board.json.too_deep", limit=MAX_DEPTH)) from None
    return value


def canonical(value: Any) -> str:
    """Compact JSON as Belenios (atdgen/yojson) writes it: no spaces, fields as given, UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("\x7f", "\\u007f")



def type_name(value: Any) -> Message:
    """What a JSON value is, said to a person ("a string", "null"…)."""
    if value is None:
        return msg("board.json.type.null")
    if isinstance(value, bool):
        return msg("board.json.type.boolean")
    if isinstance(value, int):
        return msg("board.json.type.number")
    if isinstance(value, str):
        return msg("board.json.type.string")
    if isinstance(value, list):
        return msg("board.json.type.list")
    if isinstance(value, dict):
        return msg("board.json.type.object")
    return msg("board.json.type.other", name=type(value).__name__)


def obj(value: Any, path: str, required: Sequence[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    """An object with exactly these fields, in this order (optional ones where the schema puts them).

    ``required`` lists every field in schema order; ``optional`` names those that may be absent.
    """
    if not isinstance(value, dict):
        raise FieldError(path, msg("board.json.expected_object", found=type_name(value)))
    optional = set(optional)
    keys = list(value)
    known = set(required)
    for key in keys:
        if key not in known:
            raise FieldError(_join(path, key), msg("board.json.unknown_field"))
    for key in required:
        if key not in value and key not in optional:
            raise FieldError(_join(path, key), msg("board.json.missing_field"))
    expected_order = [k for k in required if k in value]
    if keys != expected_order:
        raise FieldError(path, msg("board.json.field_order", found=", ".join(keys), expected=", ".join(expected_order)))
    return value


def lst(value: Any, path: str, length: int | None = None, min_length: int = 0) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError(path, msg("board.json.expected_list", found=type_name(value)))
    if length is not None and len(value) != length:
        raise FieldError(path, msg("board.json.length", count=length, found=len(value)))
    if len(value) < min_length:
        raise FieldError(path, msg("board.json.min_length", count=min_length, found=len(value)))
    return value


def string(value: Any, path: str, max_length: int = 1 << 20) -> str:
    if not isinstance(value, str):
        raise FieldError(path, msg("board.json.expected_string", found=type_name(value)))
    if len(value) > max_length:
        raise FieldError(path, msg("board.json.string_length", length=len(value), limit=max_length))
    return value


def integer(value: Any, path: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(path, msg("board.json.expected_integer", found=type_name(value)))
    if minimum is not None and value < minimum:
        raise FieldError(path, msg("board.json.below", value=value, minimum=minimum))
    return value


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(path, msg("board.json.expected_boolean", found=type_name(value)))
    return value


def decimal(value: Any, path: str, max_digits: int) -> mpz:
    """A non-negative integer written as a JSON string in base 10, without sign or leading zero."""
    if not isinstance(value, str):
        raise FieldError(path, msg("board.json.expected_decimal", found=type_name(value)))
    if not value or not (value.isascii() and value.isdigit()):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise FieldError(path, msg("board.json.not_decimal", value=repr(shown)))
    if len(value) > max_digits:
        raise FieldError(path, msg("board.json.decimal_too_long", digits=len(value), limit=max_digits))
    if len(value) > 1 and value[0] == "0":
        raise FieldError(path, msg("board.json.leading_zero"))
    return mpz(value)


def element(value: Any, path: str, group: Group) -> Any:
    """A group element in its canonical serialisation; membership of the subgroup is tested by the caller."""
    return group.parse(value, path)


def exponent(value: Any, path: str, group: Group) -> mpz:
    """An exponent (challenge, response): 0 <= x < q."""
    x = decimal(value, path, group.q_digits)
    if x >= group.q:
        raise FieldError(path, msg("board.json.exponent_range"))
    return x


def weight(value: Any, path: str) -> int:
    """A voter weight: a JSON integer, or a decimal string (Belenios writes strings above 2^30 - 1)."""
    if isinstance(value, bool):
        raise FieldError(path, msg("board.json.weight_boolean"))
    if isinstance(value, int):
        if value < 0:
            raise FieldError(path, msg("board.json.negative_weight", value=value))
        return value
    return int(decimal(value, path, 30))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return _join(path, key)
