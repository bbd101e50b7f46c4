"""The demo's report data speaks each language wholly: every message of every domain — results,
assessment notes, the collectors' states and whatever message a domain keeps in its summary (the
board's step accounts and findings) — renders in French without an English word and in English
without French typography, and none falls back to its bare ``[code]``.

It runs the whole demo, so it depends on every domain: it passes once the branches converting
them to message codes are all merged. It is deliberately not marked xfail: the French report must
not show English sentences, and this test is what says so for the whole demo at once.
"""

from __future__ import annotations

import json
import shutil
from contextlib import ExitStack
from typing import Any, Iterator

import pytest

from expertise.audit import run_collectors
from expertise.domains import all_domains
from expertise.i18n import Message, render
from expertise.paths import demo_case_dir
from expertise.report.build import build_report
from tests.french import message_problems

DOMAINS = ("case", "registers", "probe", "seal", "board")


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """results.json of the demo, built as `expertise demo` builds it (without the PDF and the archive)."""
    out = tmp_path_factory.mktemp("demo-fr")
    case_dir = out / "case"
    shutil.copytree(demo_case_dir(), case_dir)
    (case_dir / "evidence").mkdir(exist_ok=True)
    with ExitStack() as stack:
        for domain in all_domains():
            if domain.demo is not None:
                stack.enter_context(domain.demo(case_dir))
        outcome = run_collectors(case_dir, ["expertise", "demo"])
        written = build_report(case_dir, lang="fr", out_dir=out, pdf=False, collectors_state=outcome, argv=["test"])
    return json.loads(written["results"].read_text(encoding="utf-8"))


def messages_in(value: Any, where: str) -> Iterator[tuple[str, Message]]:
    """Every message kept in a piece of results.json (a dict with a ``code``), with where it is."""
    if isinstance(value, dict):
        if isinstance(value.get("code"), str):
            yield where, Message.from_dict(value)
            return
        for key, item in value.items():
            yield from messages_in(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from messages_in(item, f"{where}[{index}]")


def language_problems(found: Iterator[tuple[str, Message]]) -> list[str]:
    """The shared check of each message (both texts, no English in what the catalogue says — its
    string arguments are data: a server's ``Server:`` header stays as it came), and no French
    typography in the English rendering."""
    problems = []
    for where, message in found:
        problems += message_problems(message, where)
        english = render(message, "en")
        if "«" in english or "\u00a0:" in english:
            problems.append(f"{where}: French in the English rendering {english!r}")
    return problems


def _results_of(data: dict[str, Any], domain: str) -> list[dict[str, Any]]:
    if domain == "case":
        return list(data["case_results"])
    return [r for source in data["sources"] if source["producer"] == domain for r in source["results"]]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_result_of_the_demo_renders_in_both_languages(demo_results: dict[str, Any], domain: str) -> None:
    results = _results_of(demo_results, domain)
    assert results, f"the demo produced no {domain} result"
    assert all("code" in r and "args" in r for r in results), "results.json keeps each message's code and args"
    problems = language_problems(messages_in(results, domain))
    assert not problems, f"{len(problems)} problems in {len(results)} {domain} results:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("domain", DOMAINS[1:])
def test_the_messages_of_each_domain_summary_render_in_both_languages(demo_results: dict[str, Any],
                                                                      domain: str) -> None:
    """Step accounts, findings, reasons: whatever a domain keeps as a message in its summary."""
    summaries = [source["summary"] for source in demo_results["sources"] if source["producer"] == domain]
    problems = language_problems(messages_in(summaries, f"{domain}.summary"))
    assert not problems, "\n".join(problems[:40])


def test_assessment_notes_and_collector_states_render_in_both_languages(demo_results: dict[str, Any]) -> None:
    notes = [note for key in ("objectives", "guarantees", "elements") for row in demo_results[key]
             for note in row["notes"]]
    assert notes, "the demo assessment has no note to show"
    assert all(note["message"] == render(Message.from_dict(note), "fr") for note in notes)  # the report's language
    problems = language_problems(messages_in(notes, "notes"))
    problems += language_problems(messages_in(demo_results.get("collector_states", {}), "collectors"))
    assert not problems, "\n".join(problems)
