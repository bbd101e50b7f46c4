"""A report dated before the closing cannot be the final report, and says so (issue 10)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from expertise.report.timing import report_timing
from tests.french import message_problems

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
CLOSES = datetime(2026, 12, 8, 17, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(("date", "code"), [
    (OPENS - timedelta(days=3), "report.timing.before_opening"),
    (OPENS + timedelta(hours=1), "report.timing.during_vote"),
    (CLOSES - timedelta(seconds=1), "report.timing.during_vote"),
    (CLOSES, "report.timing.after_closing"),
    (CLOSES + timedelta(days=2), "report.timing.after_closing"),
])
def test_report_timing_names_what_the_date_allows(date: datetime, code: str) -> None:
    message = report_timing(date, OPENS, CLOSES)
    assert message.code == code
    assert message.args["date"] == date
    assert message_problems(message) == []


def test_a_report_before_the_closing_says_it_cannot_be_final() -> None:
    during = report_timing(CLOSES - timedelta(hours=2), OPENS, CLOSES)
    assert "cannot be the final report" in during.render("en")
    assert "ne peut pas être le rapport final" in during.render("fr")
    after = report_timing(CLOSES.astimezone(timezone.utc) + timedelta(minutes=1), OPENS, CLOSES)
    assert "final" not in after.render("en")


def test_the_report_cover_states_its_timing(demo_case, tmp_path) -> None:
    from expertise.report.build import build_report

    written = build_report(demo_case, lang="en", out_dir=tmp_path / "out", pdf=False, argv=["report"])
    html = written["html"].read_text(encoding="utf-8")
    assert "Report timing" in html
    assert "report dated" in html
