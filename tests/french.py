"""What a French message must be: present, not the English sentence, and without English prose.

Shared by the domains' localisation tests. The word list is the English that our messages
are made of; identifiers (``mixed_paper``, ``no-referrer``, check ids) are not words here, nor is
anything quoted or a URL.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from expertise.i18n import Arg, Message

ENGLISH = re.compile(r"(?<![\w-])(the|is|are|of|and|not|no|with|without|could|check(s|ed)?|passed|failed|voters?|ballots?|"
                     r"signed|registered|declared|line|entry|entries|broken|chosen|below|above|found|missing|"
                     r"held|holders?|every|each|none|unanswered|justified|experience)(?![\w-])", re.IGNORECASE)
# Quoted values, URLs and header or directive names are data, not prose (no-referrer, 'none').
QUOTED = re.compile(r"'[^'\s]*'|\"[^\"]*\"|«[^»]*»|`[^`]*`|\w+://\S+")


def french_problems(results: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per result whose French message is missing, identical to the English or English."""
    problems = []
    for r in results:
        en = str(r.get("message", ""))
        fr = str((r.get("messages") or {}).get("fr", ""))
        name = f"{r.get('check_id', '?')} [{r.get('status', '?')}]"
        if not fr.strip():
            problems.append(f"{name}: no French message for {en!r}")
        elif fr == en and re.search(r"[a-z]{3,} [a-z]{3,}", en):
            problems.append(f"{name}: French message is the English one: {en!r}")
        elif english := ENGLISH.search(QUOTED.sub(" ", fr)):
            problems.append(f"{name}: English word {english.group(0)!r} in {fr!r}")
    return problems


FALLBACK = re.compile(r"\[[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\]")  # what i18n shows for a code without text


def words_only(value: Arg) -> Arg:
    """The message with its string arguments blanked: they are data (file names, ids, a tool's own
    error such as the system's "No such file or directory"), shown as they are in every language;
    the French check is about our words."""
    if isinstance(value, Message):
        if not FALLBACK.fullmatch(f"[{value.code}]"):  # not a code: sentences written whole, checked as they are
            return value
        return Message(value.code, {k: words_only(v) for k, v in value.args.items()})
    if isinstance(value, (list, tuple)):
        return [words_only(v) for v in value]
    return "x" if isinstance(value, str) else value


def language_problems(named: Iterable[tuple[str, Message]]) -> list[str]:
    """One line per message that lacks a text in a language or whose French holds English words."""
    problems: list[str] = []
    shown = []
    for name, message in named:
        for lang in ("en", "fr"):
            text = message.render(lang)
            if FALLBACK.search(text):
                problems.append(f"{name}: {message.code} has no {lang} text somewhere in {text!r}")
        words = words_only(message)
        assert isinstance(words, Message)
        shown.append({"check_id": name, "status": message.code, "message": words.render("en"),
                      "messages": {"fr": words.render("fr")}})
    return problems + french_problems(shown)


def results_named(results: Iterable[Any]) -> Iterable[tuple[str, Message]]:
    """Results as (check id and status, message), for :func:`language_problems`."""
    for result in results:
        yield f"{result.check_id} [{result.status.value}]", result.message
