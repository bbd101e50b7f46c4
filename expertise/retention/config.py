"""The ``[retention]`` section of ``case.toml``: how long the sealed archive must be kept.

CNIL 2019-053 (« La conservation des données… ») keeps every supporting file under seal « jusqu'à
l'épuisement des voies et délais de recours contentieux » and, when no action was brought, has
them destroyed under the electoral commission's control; how long that is depends on the election
(e.g. 2 years for public-service elections, CGFP R. 211-580; the code électoral's R. 179-1 for
the French abroad). The tool knows none of it by itself: the expert declares the date the
results were proclaimed, the period, its legal source, and whether an action was brought.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from pydantic import Field, model_validator

from ..case import invalid
from ..domain import Section
from ..i18n import msg


class Retention(Section):
    results_proclaimed: date
    period_days: int | None = Field(default=None, gt=0)
    period_months: int | None = Field(default=None, gt=0)
    legal_source: str = Field(min_length=1, description="the text that sets the period")
    litigation: bool | None = Field(default=None, description="an action was brought before the period ended")

    @model_validator(mode="after")
    def _one_period(self) -> "Retention":
        if (self.period_days is None) == (self.period_months is None):
            raise invalid(msg("retention.toml.one_period"))
        return self

    def period_ends(self) -> date:
        """The last day of the appeal period (destruction may be recorded from the day after)."""
        if self.period_days is not None:
            return self.results_proclaimed + timedelta(days=self.period_days)
        months = self.results_proclaimed.month - 1 + (self.period_months or 0)
        year, month = self.results_proclaimed.year + months // 12, months % 12 + 1
        day = min(self.results_proclaimed.day, calendar.monthrange(year, month)[1])
        return date(year, month, day)
