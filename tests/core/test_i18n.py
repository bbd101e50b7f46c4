"""Rendering a message: the one place where language and presentation are decided."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from expertise import i18n
from expertise.i18n import Message, msg, render
from expertise.typography import NBSP, NNBSP


def test_plural_forms_follow_each_language() -> None:
    """French puts 0 and 1 in the singular, English only 1 (each catalogue's Plural-Forms), and the
    form is chosen by the ``count`` argument."""
    french, english = i18n.catalogue("fr"), i18n.catalogue("en")
    assert [french.plural(n) for n in (0, 1, 2)] == [0, 0, 1]
    assert [english.plural(n) for n in (0, 1, 2)] == [1, 0, 1]
    code = next(c for c, t in french.texts.items() if isinstance(t, tuple) and t[0] != t[1])
    forms = french.texts[code]
    assert isinstance(forms, tuple)
    names = {"count": 0, **{k: "X" for k in ("first", "files", "voters", "ballots", "names")}}
    singular = render(Message(code, {**names, "count": 0}), "fr")
    plural = render(Message(code, {**names, "count": 2}), "fr")
    assert singular != plural


def test_numbers_dates_and_lists_are_written_the_languages_way() -> None:
    when = datetime(2026, 12, 1, 9, 5, tzinfo=timezone(timedelta(hours=1)))
    assert i18n.format_arg(1850, "fr") == f"1{NNBSP}850" and i18n.format_arg(1850, "en") == "1,850"
    assert i18n.format_arg(1.736, "fr") == "1,74" and i18n.format_arg(1.736, "en") == "1.74"
    assert i18n.format_arg(when, "fr").startswith("1er décembre 2026 à 09")
    assert i18n.format_arg(["a", "b", "c"], "fr") == "a, b et c"
    assert i18n.format_arg(["a", "b", "c"], "en") == "a, b, and c"
    assert i18n.format_arg(True, "fr") == "oui" and i18n.format_arg(False, "en") == "no"


def test_locators_are_never_grouped() -> None:
    """A line, an entry or a port is an address to look up: « ligne 12345 », not « 12 345 »."""
    assert render(msg("journal.where.line", line=12345), "fr") == "ligne 12345"
    assert "12,345" not in render(msg("journal.where.line", line=12345), "en")


def test_typography_applies_to_the_catalogue_not_to_the_arguments() -> None:
    """Arguments are data: a hostile or odd value is shown exactly as it came."""
    hostile = "a : b ; « c »"
    text = render(msg("core.error.at", where="f.csv", problem=msg("common.verbatim", text=hostile)), "fr")
    assert text == f"f.csv{NBSP}: {hostile}"
    assert render(msg("core.error.at", where="f.csv", problem=msg("common.verbatim", text=hostile)), "en") \
        == f"f.csv: {hostile}"


def test_nested_messages_render_in_the_same_language() -> None:
    inner = msg("common.yes")
    outer = msg("core.error.at", where="x", problem=inner)
    assert render(outer, "fr").endswith("oui") and render(outer, "en").endswith("yes")


def test_a_message_survives_json() -> None:
    when = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    original = msg("core.error.at", where="x", problem=msg("common.verbatim", text="y"))
    again = Message.from_dict(original.to_dict())
    assert again == original
    dated = Message("common.verbatim", {"text": when})
    assert Message.from_dict(dated.to_dict()).args["text"] == when


def test_a_code_without_text_shows_as_itself() -> None:
    """Never an exception that would cost the expert the whole report; the catalogue test fails instead."""
    assert render(Message("nowhere.to.be.found", {"n": 1}), "fr").startswith("[nowhere.to.be.found]")


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "fr_FR.UTF-8"}, "fr"), ({"LANG": "en_GB.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"), ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"), ({"EXPERTISE_LANG": "en", "LANG": "fr_FR"}, "en"),
])
def test_the_language_of_a_run_comes_from_the_environment(env: dict[str, str], lang: str) -> None:
    assert i18n.language_from_environment(env) == lang
