"""Strict reading of the JSON records of a board, with errors that name the field.

A board is hostile input. Every value is checked for its type, its range and its canonical
spelling before it is used, and every error says which field of which record is wrong, so
that the expert can point at it in the report. Belenios writes every record in compact JSON
with its fields in the order of its ATD schema; a record spelt differently was not written by
Belenios (or was edited), which we report rather than silently accept.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from gmpy2 import mpz

from .groups import Group

MAX_DEPTH = 64
MAX_JSON_INT_DIGITS = 18  # heights, counts, sizes: far below 2^62


class FieldError(Exception):
    """A value of a record is missing, of the wrong type, out of range or not canonical."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field or '(record)'}: {message}")
        self.field = field or "(record)"
        self.message = message


class _TooDeep(Exception):
    pass


def _parse_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_JSON_INT_DIGITS:
        raise FieldError("", f"JSON number with {len(digits)} digits (at most {MAX_JSON_INT_DIGITS} expected)")
    return int(text)


def _parse_float(text: str) -> Any:
    raise FieldError("", f"JSON number {text[:40]!r} is not an integer (Belenios writes no fractions)")


def _parse_constant(text: str) -> Any:
    raise FieldError("", f"{text} is not valid JSON")


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise FieldError(key, "field appears twice in the same object")
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
        raise FieldError("", f"not valid UTF-8 (byte {exc.start})") from None
    try:
        value = _DECODER.decode(text)
    except FieldError:
        raise
    except RecursionError:
        raise FieldError("", f"JSON nested too deeply (more than {MAX_DEPTH} levels)") from None
    except ValueError as exc:
        raise FieldError("", f"not valid JSON ({exc})") from None
    try:
        _depth(value)
    except _TooDeep:
        raise FieldError("", f"JSON nested too deeply (more than {MAX_DEPTH} levels)") from None
    return value


def canonical(value: Any) -> str:
    """Compact JSON as Belenios (atdgen/yojson) writes it: no spaces, fields as given, UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("\x7f", "\\u007f")


def check_canonical(value: Any, text: str, what: str) -> None:
    if canonical(value) != text:
        raise FieldError("", f"{what} is not in canonical form (compact JSON as Belenios writes it: "
                             "no spaces, no escapes, fields in the specification's order)")


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def obj(value: Any, path: str, required: Sequence[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    """An object with exactly these fields, in this order (optional ones where the schema puts them).

    ``required`` lists every field in schema order; ``optional`` names those that may be absent.
    """
    if not isinstance(value, dict):
        raise FieldError(path, f"expected an object, found {type_name(value)}")
    optional = set(optional)
    keys = list(value)
    known = set(required)
    for key in keys:
        if key not in known:
            raise FieldError(_join(path, key), "unknown field")
    for key in required:
        if key not in value and key not in optional:
            raise FieldError(_join(path, key), "required field is missing")
    expected_order = [k for k in required if k in value]
    if keys != expected_order:
        raise FieldError(path, f"fields in the wrong order ({', '.join(keys)}; expected {', '.join(expected_order)})")
    return value


def lst(value: Any, path: str, length: int | None = None, min_length: int = 0) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError(path, f"expected a list, found {type_name(value)}")
    if length is not None and len(value) != length:
        raise FieldError(path, f"expected {length} item(s), found {len(value)}")
    if len(value) < min_length:
        raise FieldError(path, f"expected at least {min_length} item(s), found {len(value)}")
    return value


def string(value: Any, path: str, max_length: int = 1 << 20) -> str:
    if not isinstance(value, str):
        raise FieldError(path, f"expected a string, found {type_name(value)}")
    if len(value) > max_length:
        raise FieldError(path, f"string of {len(value)} characters (at most {max_length} expected)")
    return value


def integer(value: Any, path: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(path, f"expected an integer, found {type_name(value)}")
    if minimum is not None and value < minimum:
        raise FieldError(path, f"{value} is below {minimum}")
    return value


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(path, f"expected true or false, found {type_name(value)}")
    return value


def decimal(value: Any, path: str, max_digits: int) -> mpz:
    """A non-negative integer written as a JSON string in base 10, without sign or leading zero."""
    if not isinstance(value, str):
        raise FieldError(path, f"expected a decimal number in a string, found {type_name(value)}")
    if not value or not (value.isascii() and value.isdigit()):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise FieldError(path, f"{shown!r} is not a decimal number")
    if len(value) > max_digits:
        raise FieldError(path, f"number of {len(value)} digits, larger than the group allows ({max_digits} digits)")
    if len(value) > 1 and value[0] == "0":
        raise FieldError(path, "number written with a leading zero (not canonical)")
    return mpz(value)


def element(value: Any, path: str, group: Group) -> Any:
    """A group element in its canonical serialisation; membership of the subgroup is tested by the caller."""
    return group.parse(value, path)


def exponent(value: Any, path: str, group: Group) -> mpz:
    """An exponent (challenge, response): 0 <= x < q."""
    x = decimal(value, path, group.q_digits)
    if x >= group.q:
        raise FieldError(path, "value is not below q (not a valid exponent)")
    return x


def weight(value: Any, path: str) -> int:
    """A voter weight: a JSON integer, or a decimal string (Belenios writes strings above 2^30 - 1)."""
    if isinstance(value, bool):
        raise FieldError(path, "expected a weight, found a boolean")
    if isinstance(value, int):
        if value < 0:
            raise FieldError(path, f"negative weight {value}")
        return value
    return int(decimal(value, path, 30))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return _join(path, key)
