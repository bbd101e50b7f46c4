"""The time a board verification takes as "now" (the timing step compares it with the closing).

The real clock, unless EXPERTISE_BOARD_CLOCK gives another one: the demo uses it to play an
audit made after its fictitious vote; the timing step reports which clock it used.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from ..errors import UsageError

CLOCK_VARIABLE = "EXPERTISE_BOARD_CLOCK"


def now() -> tuple[datetime, bool]:
    """(now, simulated)."""
    value = os.environ.get(CLOCK_VARIABLE)
    if not value:
        return datetime.now(timezone.utc), False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{value!r} is not an ISO 8601 time", field=CLOCK_VARIABLE) from None
    if moment.tzinfo is None:
        raise UsageError("time has no time zone", field=CLOCK_VARIABLE)
    return moment, True
