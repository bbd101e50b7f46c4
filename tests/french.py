"""What a message must be in each language: present, and in French without English prose.

The one English-word detector of the tests, shared by the domains' localisation tests. The word
list is the English that our messages are made of; identifiers (``mixed_paper``, ``no-referrer``,
check ids) are not words here, nor is anything quoted or a URL.

:func:`message_problems` checks a message the way the report shows it: rendered in both
languages without a ``[code]`` fallback, and, in French, no English word in the text we own —
its string arguments are data (a server banner, a tool's error, a file name) and are left out.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from expertise.i18n import Message, render

ENGLISH = re.compile(r"(?<![\w-])(the|is|are|of|and|not|no|with|without|could|check(s|ed)?|passed|failed|voters?|ballots?|"
                     r"signed|registered|declared|line|entry|entries|broken|chosen|below|above|found|missing|"
                     r"held|holders?|every|each|none|unanswered|justified|experience|"
                     r"only|accepts?|accepted|offered|received|refused|within|after|too|slow|server|header|redirect|"
                     r"answered|reached|any|listed)(?![\w-])", re.IGNORECASE)
# Quoted values, URLs and header or directive names are data, not prose (no-referrer, 'none').
QUOTED = re.compile(r"'[^'\s]*'|\"[^\"]*\"|«[^»]*»|`[^`]*`|\w+://\S+")
FALLBACK = re.compile(r"\[[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\]")  # what render() shows for a code without text


def english_words(text: str) -> list[str]:
    return [m.group(0) for m in ENGLISH.finditer(QUOTED.sub(" ", text))]


def _masked(value: Any) -> Any:
    """``value`` with every string argument replaced: what is left is the catalogues' text."""
    if isinstance(value, Message):
        return Message(value.code, {k: _masked(v) for k, v in value.args.items()})
    if isinstance(value, (list, tuple)):
        return [_masked(v) for v in value]
    return "X" if isinstance(value, str) else value


def message_problems(item: Message | Any, name: str = "") -> list[str]:
    """Why a message (a :class:`Message`, a result, or a result's dict with ``code``/``args``) does not
    read properly in both languages; empty when it does."""
    if isinstance(item, Mapping):
        name = name or f"{item.get('check_id', '?')} [{item.get('status', '?')}]"
        message = Message.from_dict(item)
    elif isinstance(item, Message):
        message = item
    else:
        name = name or f"{item.check_id} [{item.status.value}]"
        message = item.message
    where = f"{name} {message.code}".strip()
    problems = []
    for lang in ("en", "fr"):
        text = render(message, lang)
        if FALLBACK.search(text) or not text.strip():
            problems.append(f"{where}: no {lang} text: {text!r}")
    french = render(_masked(message), "fr")
    if words := english_words(french):
        problems.append(f"{where}: English words {words} in the French text {french!r}")
    return problems


def language_problems(named: Iterable[tuple[str, Message]]) -> list[str]:
    """:func:`message_problems` of each named message, in one list."""
    return [problem for name, message in named for problem in message_problems(message, name)]


def results_named(results: Iterable[Any]) -> Iterable[tuple[str, Message]]:
    """Results as (check id and status, message), for :func:`language_problems`."""
    for result in results:
        yield f"{result.check_id} [{result.status.value}]", result.message
