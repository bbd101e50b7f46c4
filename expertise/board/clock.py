"""The time a board verification takes as "now" (the timing step compares it with the closing).

The real clock, unless EXPERTISE_BOARD_CLOCK gives another one: the demo uses it to play an
audit made after its fictitious vote; the timing step reports which clock it used.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from ..errors import UsageError
from ..i18n import msg

CLOCK_VARIABLE = "EXPERTISE_BOARD_CLOCK"


def parse_moment(value: str, field: str) -> datetime:
    """An ISO 8601 time with its offset (a time without zone would be read in the machine's zone)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(msg("board.clock.not_iso", value=repr(value)), field=field) from None
    if moment.tzinfo is None:
        raise UsageError(msg("board.clock.no_zone"), field=field)
    return moment


def now() -> tuple[datetime, bool]:
    """(now, simulated)."""
    value = os.environ.get(CLOCK_VARIABLE)
    if not value:
        return datetime.now(timezone.utc), False
    return parse_moment(value, CLOCK_VARIABLE), True
