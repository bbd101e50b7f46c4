"""Every seal result speaks French in the French report (COMMON: localisation of messages).

Run over every recorded observation of tests/seal/data/ (made by real seal runs): each
result carries a French message, different from the English one wherever the sentence
has words, and with no English prose left in it — except the verbatim diagnostic of a
broken seal or an unreadable source, which is quoted after « diagnostic : ».
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from expertise import catalogue
from expertise.seal.rules import RULES as SEAL_RULES
from expertise.domain import evaluate
from expertise.seal import french

from .test_rules import DATA, observation

ENGLISH = re.compile(
    r"\b(the|and|not|was|were|is|are|with|without|before|after|every|files?|paths?|sealed|verified|"
    r"identical|changes?|untracked|uncommitted|links?|loop|packages?|recorded|time-stamp|level|window|"
    r"earlier|check|none|records?|published|manual|eligible|differences?|added|removed|modified)\b"
)
IDENTIFIERS = re.compile(r"SHA256:[A-Za-z0-9+/]+|[0-9a-f]{12,}|[\w.-]+:[\w./-]+|\S*\d\S*|SHA256SUMS|seal\.tsa_ca_file")


def _words(text: str) -> str:
    """The sentence without identifiers (paths, digests, dates, key fingerprints)."""
    return IDENTIFIERS.sub(" ", text)


def _prose_fr(text: str) -> str:
    """The French sentence without the verbatim diagnostic it may quote."""
    return re.sub(r"\(diagnostic : .*\)$", "", text)


RECORDED = sorted(path.name for path in DATA.glob("*.json"))


@pytest.mark.parametrize("name", RECORDED)
def test_every_result_has_a_french_message(name: str) -> None:
    results = evaluate(SEAL_RULES, observation(name), catalogue.load())
    assert results
    for result in results:
        fr = result.messages.get("fr", "")
        assert fr.strip(), f"{result.check_id}: no French message"
        if re.search(r"[A-Za-z]{3,}", _words(result.text("en"))):
            assert fr != result.text("en"), f"{result.check_id}: French identical to English: {fr}"
        leftover = ENGLISH.findall(_words(_prose_fr(fr)))
        assert not leftover, f"{result.check_id}: English words {leftover} in {fr!r}"


def test_the_english_detector_catches_english() -> None:
    """The check above can fail: an untranslated sentence is caught."""
    assert ENGLISH.findall(_words("every path was read and sealed (2 files, 14 bytes)"))
    assert not ENGLISH.findall(_words("tous les chemins ont été lus et scellés (2 fichiers, 14 octets)"))


@pytest.mark.parametrize(
    "detail, gist",
    [
        ("/c/seal/SHA256SUMS.sig: bad signature of SHA256SUMS: mismatch", "signature OpenSSH (SSHSIG) de SHA256SUMS"),
        ("/c/seal/manifest.json.sig: bad signature of manifest.json: x", "signature OpenSSH (SSHSIG) du manifeste"),
        ("/c/seal/SHA256SUMS.ed25519: bad signature of SHA256SUMS (raw Ed25519)", "signature Ed25519 brute"),
        ("/c/seal/SHA256SUMS: line 3 is missing (file truncated?) for 'a'", "SHA256SUMS ne correspond pas"),
        ("/c/seal/manifest.json: merkle.root: the Merkle root of the entries is 00", "le manifeste est mal formé"),
        ("/c/seal/SHA256SUMS.tsr: the time-stamp token does not cover this", "jeton d’horodatage"),
        ("/c/seal/expert.pub: the seal is signed with key A, not with the expected key B", "une autre clé"),
        ("/c/seal: incomplete seal: SHA256SUMS.sig missing", "incomplet"),
        ("/c/seal/expert.pem: holds key A, expert.pub holds B", "expert.pem ne contient pas"),
    ],
)
def test_broken_seal_diagnostics_are_summed_up_in_french(detail: str, gist: str) -> None:
    text = french.broken(detail)
    assert gist in text and text.endswith(f"(diagnostic : {detail})")


def test_every_difference_kind_and_problem_kind_has_french_words() -> None:
    from expertise.seal.compare import CATEGORIES
    from expertise.seal.model import PROBLEM_KINDS, TYPES

    assert set(CATEGORIES) == set(french.DIFFERENCE_KINDS)
    assert set(PROBLEM_KINDS) == set(french.PROBLEMS)
    assert set(TYPES) == set(french.TYPES)


def test_recorded_data_is_here() -> None:
    assert len(RECORDED) >= 9 and Path(DATA).is_dir()
