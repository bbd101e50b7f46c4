"""What "a French message" means for the probe's results, shared by the tests.

Every result must carry ``messages["fr"]``: non-empty, different from the English sentence,
and free of the English words our own sentences are made of. Text that comes from the
platform or a tool (quoted values, URLs, algorithm names) may be anything, so quoted
strings (also « tool messages quoted in French ») and URLs are left out before looking for English words.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

# Function words and verbs of our English sentences; none is French, none is an identifier we print
# (not "unknown": nmap's name for an unrecognised service).
ENGLISH_WORDS = ("the", "could", "not", "with", "without", "only", "accepts", "accepted", "offered", "is", "are",
                 "and", "found", "received", "refused", "failed", "within", "after", "too", "slow",
                 "server", "header", "redirect", "answered", "reached", "every", "any", "listed")
_ENGLISH = re.compile(r"(?<![\w\-./=])(" + "|".join(ENGLISH_WORDS) + r")(?![\w\-./=])")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»|https?://\S+|ssh://\S+|tls://\S+")


def english_words(text: str) -> list[str]:
    return _ENGLISH.findall(_QUOTED.sub(" ", text))


def french_problem(result: Mapping[str, Any] | Any) -> str | None:
    """Why ``result`` (a Result or its dict) lacks a proper French message, or None."""
    data = result if isinstance(result, Mapping) else result.to_dict()
    english = data.get("message", "")
    french = (data.get("messages") or {}).get("fr", "")
    where = f"{data.get('check_id')} ({data.get('status')}): {english!r} / {french!r}"
    if not french.strip():
        return f"no French message: {where}"
    if french == english:
        return f"French message identical to the English one: {where}"
    if words := english_words(french):
        return f"English words {words} in the French message: {where}"
    return None
