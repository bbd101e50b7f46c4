"""Messages as data: a stable code with its arguments, rendered in a language only when shown.

A result, a step account, a collector's reason or an error never holds a sentence. It holds a
:class:`Message` — ``board.archive.parent_mismatch {found, expected}`` — and the sentences live in
gettext catalogues, one pair of files (``locale/en.po``, ``locale/fr.po``) in the core and in
each domain package. The same message therefore reads in French in the report, in English in
``--json``, and the expert can amend the wording in a ``.po`` file (Poedit, any text editor)
without touching Python. ``tests/core/test_catalogues.py`` extracts every code with Babel and
fails when one lacks its text in a language.

Rendering is the one place where presentation happens: numbers and dates in the language's
form (Babel), lists joined the language's way, nested messages rendered in turn, and French
typography (non-breaking spaces before « : ; ! ? », inside guillemets) applied to the
catalogue's text — never to the arguments, which are data and shown as they are.
"""

from __future__ import annotations

import gettext as _gettext
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Union

from babel.lists import format_list
from babel.messages.pofile import read_po

from . import typography

LANGUAGES = ("fr", "en")
# Arguments that locate something (a line of a file, an entry of the journal, a byte offset, a
# port): their digits are an address to look up, shown as they are, never grouped (« ligne 12345 »).
LOCATORS = frozenset({"line", "seq", "offset", "index", "byte", "port", "entry", "record", "height", "number",
                      "column", "year"})
DEFAULT_LANGUAGE = "en"
_PACKAGE = Path(__file__).resolve().parent

Arg = Union[str, int, float, bool, None, "Message", datetime, date, list["Arg"], tuple["Arg", ...]]


@dataclass(frozen=True)
class Message:
    """A message code and its arguments; ``str()`` is deliberately the code, never prose.

    ``count``, when the catalogue entry has plural forms, chooses among them.
    """

    code: str
    args: Mapping[str, Arg] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return render(self, lang)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "args": {k: _arg_to_json(v) for k, v in self.args.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Message":
        return cls(str(data["code"]), {str(k): _arg_from_json(v) for k, v in (data.get("args") or {}).items()})

    def __str__(self) -> str:
        return render(self, DEFAULT_LANGUAGE)

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: Any) -> Any:
        """In an observation model a message is itself, or its JSON form (a recorded observation)."""
        from pydantic_core import core_schema

        def coerce(value: Any) -> Message:
            if isinstance(value, Message):
                return value
            if isinstance(value, Mapping) and "code" in value:
                return Message.from_dict(value)
            raise ValueError("a message: {code, args}")

        return core_schema.no_info_plain_validator_function(
            coerce, serialization=core_schema.plain_serializer_function_ser_schema(lambda m: m.to_dict()))


def msg(code: str, /, **args: Arg) -> Message:
    """The one way code says something to a person: ``msg("seal.file.changed", path=p)``.

    Babel's extractor is told that ``msg``'s first argument is a message id, so every code the
    code can produce is found without running it.
    """
    return Message(code, args)


# -- arguments in JSON (results.json, --json) ------------------------------------------------

def _arg_to_json(value: Arg) -> Any:
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_arg_to_json(v) for v in value]
    return value


def _arg_from_json(value: Any) -> Arg:
    if isinstance(value, dict):
        if "code" in value:
            return Message.from_dict(value)
        if "datetime" in value:
            return datetime.fromisoformat(str(value["datetime"]))
        if "date" in value:
            return date.fromisoformat(str(value["date"]))
        return str(value)
    if isinstance(value, list):
        return [_arg_from_json(v) for v in value]
    return value  # type: ignore[no-any-return]


# -- catalogues --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Catalogue:
    """One language's texts: code → text, or code → plural forms and the language's rule."""

    lang: str
    texts: Mapping[str, str | tuple[str, ...]]
    plural: Any  # gettext.c2py: n -> index of the plural form
    files: Mapping[str, Path]


def catalogue_files(lang: str) -> list[Path]:
    """The core's ``locale/<lang>.po`` and each domain's, beside its code."""
    from .domains import all_domains

    folders = [_PACKAGE, *(d.package for d in all_domains() if d.package is not None)]
    return [folder / "locale" / f"{lang}.po" for folder in folders if (folder / "locale" / f"{lang}.po").is_file()]


@lru_cache(maxsize=None)
def catalogue(lang: str) -> Catalogue:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    texts: dict[str, str | tuple[str, ...]] = {}
    files: dict[str, Path] = {}
    plural: Any = None
    for path in catalogue_files(lang):
        with open(path, "rb") as handle:
            po = read_po(handle, locale=lang)
        plural = plural or _gettext.c2py(po.plural_expr)
        for entry in po:
            if not entry.id:
                continue
            code = str(entry.id[0] if isinstance(entry.id, (tuple, list)) else entry.id)
            if code in texts:
                raise ValueError(f"{path}: message {code} is already defined in {files[code]}")
            value = entry.string
            texts[code] = tuple(value) if isinstance(value, (tuple, list)) else str(value or "")
            files[code] = path
    return Catalogue(lang, texts, plural or (lambda n: int(n != 1)), files)


def has_text(code: str, lang: str) -> bool:
    text = catalogue(lang).texts.get(code)
    return bool(text) and all(text if isinstance(text, tuple) else (text,))


# -- rendering ---------------------------------------------------------------------------------

def render(message: Message | str, lang: str) -> str:
    """The message in ``lang``; a code missing from the catalogue shows as ``[code]`` (and fails
    the catalogue test), never as an exception that would cost the expert the whole report."""
    if isinstance(message, str):  # already text: a value from the outside world, shown as it is
        return message
    cat = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    entry = cat.texts.get(message.code)
    if isinstance(entry, tuple):
        count = message.args.get("count", 1)
        index = cat.plural(int(count) if isinstance(count, (int, float)) else 1)
        text = entry[min(index, len(entry) - 1)]
    else:
        text = entry or ""
    if not text:
        return f"[{message.code}]" + (" " + ", ".join(f"{k}={v!r}" for k, v in message.args.items())
                                      if message.args else "")
    template = _typeset(text, cat.lang)
    values = {name: str(value) if name in LOCATORS and type(value) is int else format_arg(value, cat.lang)
              for name, value in message.args.items()}
    try:
        return template.format_map(_Missing(values))
    except (ValueError, IndexError):  # a stray brace in an amended catalogue: show it, do not crash
        return template


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=4096)
def _typeset(text: str, lang: str) -> str:
    return typography.french(text) if lang == "fr" else text


def format_arg(value: Arg, lang: str) -> str:
    """An argument as the language writes it; strings are data and are never changed."""
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, bool):
        return render(msg("common.yes") if value else msg("common.no"), lang)
    if isinstance(value, int):
        return typography.fmt_int(value, lang)
    if isinstance(value, float):
        return typography.fmt_decimal(value, lang)
    if isinstance(value, datetime):
        return typography.fmt_datetime(value, lang)
    if isinstance(value, date):
        return typography.fmt_date(value, lang)
    if isinstance(value, (list, tuple)):
        return format_list([format_arg(v, lang) for v in value], locale=lang) if value else "—"
    if value is None:
        return "—"
    return str(value)


# -- the language of a run ---------------------------------------------------------------------

def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """French for a French locale, English otherwise — as gettext reads the locale variables."""
    env = os.environ if environ is None else environ
    for name in ("EXPERTISE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            first = value.split(":")[0].lower()
            if first.startswith("fr"):
                return "fr"
            if first.startswith("en") or first not in ("c", "posix", "c.utf-8"):
                return "en"
    return DEFAULT_LANGUAGE
