"""Every seal result reads in French and in English (COMMON: localisation of messages).

Run over every recorded observation of tests/seal/data/ (made by real seal runs): each result
renders in both languages from the catalogues, without a ``[code]`` fallback, and the French
rendering holds no English word (the one check of tests/french.py); its string arguments —
identifiers, digests, paths, a tool's own error such as "Connection refused" — are data, not words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from expertise import catalogue
from expertise.domain import evaluate
from expertise.seal.rules import RULES as SEAL_RULES

from tests.french import english_words, message_problems
from .test_rules import DATA, observation

RECORDED = sorted(path.name for path in DATA.glob("*.json"))


@pytest.mark.parametrize("name", RECORDED)
def test_every_result_reads_in_both_languages(name: str) -> None:
    results = evaluate(SEAL_RULES, observation(name), catalogue.load())
    assert results
    for result in results:
        assert result.message.code.startswith("seal."), result.message
        english, french = result.text("en"), result.text("fr")
        for text in (english, french):
            assert text.strip() and "[seal." not in text, f"{result.check_id}: {text!r}"
        assert french != english, f"{result.check_id}: French identical to English: {french!r}"
        assert not message_problems(result), message_problems(result)


def test_the_english_detector_catches_english() -> None:
    """The check above can fail: an untranslated sentence is caught."""
    assert english_words("every path was read and sealed (2 files, 14 bytes)")
    assert not english_words("tous les chemins ont été lus et scellés (2 fichiers, 14 octets)")


def test_every_difference_kind_problem_kind_and_type_has_a_message() -> None:
    from expertise.seal.compare import CATEGORIES
    from expertise.seal.model import PROBLEM_KINDS, TYPES
    from expertise.seal.names import DIFFERENCE_KINDS, PROBLEM_KINDS as PROBLEMS, TYPES as TYPE_NAMES

    assert set(CATEGORIES) == set(DIFFERENCE_KINDS)
    assert set(PROBLEM_KINDS) == set(PROBLEMS)
    assert set(TYPES) == set(TYPE_NAMES)
    for table in (DIFFERENCE_KINDS, PROBLEMS, TYPE_NAMES):
        for message in table.values():
            assert not message.render("fr").startswith("[") and not message.render("en").startswith("[")


def test_recorded_data_is_here() -> None:
    assert len(RECORDED) >= 9 and Path(DATA).is_dir()
