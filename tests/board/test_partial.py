"""The report partial of the board (chapter « Urne »), rendered the way `expertise report` renders partials.

The report builder passes ``lang``, ``sources`` and the helpers ``check``, ``status_label``,
``fmt_int`` and ``charts``; here the charts are stand-ins that record their calls (the real
ones belong to the report module), everything else is the real catalogue and a real journal.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from .boardkit import Board
from .helpers import sample
from markupsafe import Markup, escape

from expertise import journal
from expertise.board.collector import collect
from expertise.board.demo import prepare
from expertise.case import load_case
from expertise.report.render import render_section


class Charts:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list, str]] = []

    def bars(self, labels: list, values: list, title: str) -> Markup:  # type: ignore[type-arg]
        self.calls.append(("bars", list(zip(labels, values)), title))
        return Markup(f'<svg class="chart-bars" aria-label="{escape(title)}"></svg>')

    def timeline(self, points: list, title: str) -> Markup:  # type: ignore[type-arg]
        self.calls.append(("timeline", points, title))
        return Markup(f'<svg class="chart-timeline" aria-label="{escape(title)}"></svg>')


def render(case_dir: Path, lang: str) -> tuple[str, Charts]:
    charts = Charts()
    sources = []
    for entry, result_set in journal.latest_result_sets(case_dir):
        if result_set.producer == "board":
            sources.append(SimpleNamespace(source=result_set.source, summary=result_set.summary,
                                           results=[r.to_dict() for r in result_set.results], seq=entry["seq"],
                                           time=entry["time"]))
    return render_section("board", sources, lang, charts=charts), charts


def test_partial_shows_steps_counts_and_verified_result(demo_case: Path) -> None:
    with prepare(demo_case):
        collect(load_case(demo_case), [])
    html, charts = render(demo_case, "fr")
    assert "Rejeu indépendant de l’urne électronique" in html
    assert "BOARD-010" in html and "Le dépouillement chiffré publié est le produit des bulletins" in html
    assert "Liste C — Cadres et techniciens" in html and "(vote blanc)" in html
    assert "1\u202f850" in html  # listed credentials
    ((kind, bars, title),) = charts.calls
    assert kind == "bars" and [v for _, v in bars] == [10, 10, 11, 10, 23]
    assert "Conforme" in html and "Non conforme" not in html
    english, _ = render(demo_case, "en")
    assert "Independent replay of the electronic ballot box" in english and "Verified result" in english
    assert "identical to the published EncryptedTally" in english and "recalculé à partir" not in english
    assert "recalculé à partir du dernier bulletin" in html and "identical to the published" not in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_partial_escapes_what_the_board_says(demo_case: Path, tmp_path: Path, lang: str) -> None:
    board = Board.read(sample("small"))
    election = json.loads(board.steps[0].data[0])
    election["name"] = "<script>alert('urne')</script>"
    election["questions"][0]["answers"][0] = "<img src=x onerror=alert(1)>"
    board.steps[0].set_json(0, election)
    target = demo_case / "board" / "hostile.bel"
    board.write(target)
    text = (demo_case / "case.toml").read_text().replace('path = "board/dCRjH5o39RcAaH.bel"', 'path = "board/hostile.bel"')
    (demo_case / "case.toml").write_text(text)
    with prepare(demo_case):
        collect(load_case(demo_case), [])
    html, _ = render(demo_case, lang)
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "Non conforme" in html or lang == "en"
    # the findings read in the report's language
    if lang == "fr":
        assert "différente de celle de l’autorité de génération des accréditations" in html
        assert "differs from the credential authority" not in html and "enregistrement 3 (" in html
    else:
        assert "differs from the credential authority" in html
