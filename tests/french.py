"""What a French message must be: present, not the English sentence, and without English prose.

Shared by the domains' localisation tests. The word list is the English that our messages
are made of; identifiers (``mixed_paper``, ``no-referrer``, check ids) are not words here, nor is
anything quoted or a URL.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

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


def english_words(text: str) -> list[str]:
    """The English words of one rendered text, quoted values and URLs aside."""
    return [match.group(0) for match in ENGLISH.finditer(QUOTED.sub(" ", text))]
