"""When the report is dated relative to the vote: only a report dated after the closing can be final.

A report written before or during the vote can describe the set-up, never the vote's conduct nor
its count; the cover says which kind of report the date allows. `report --kind pre-vote|final`
(issue 13) will refuse a "final" report for which this says otherwise.
"""

from __future__ import annotations

from datetime import datetime

from ..i18n import Message, msg


def report_timing(report_date: datetime, opens: datetime, closes: datetime) -> Message:
    """What a report dated ``report_date`` can be for a vote open from ``opens`` to ``closes``.

    The three datetimes must be timezone-aware (case.toml's are, and the report's date is UTC).
    """
    if report_date < opens:
        return msg("report.timing.before_opening", date=report_date, opens=opens)
    if report_date < closes:
        return msg("report.timing.during_vote", date=report_date, closes=closes)
    return msg("report.timing.after_closing", date=report_date, closes=closes)

