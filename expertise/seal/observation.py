"""What the seal collector saw, for the rules: plain data, JSON-ready, no I/O.

One observation per seal operation: the creation of a seal, a verification of sources
against it, or a re-use assessment. The manifest header (sources, problems, time-stamp)
is carried as recorded, so a rule reads what the seal itself says; a seal that does not
verify, or a source that cannot be read, is carried as the error's message (a code and
its arguments), so the report names it in its own language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from ..domain import Observation
from ..i18n import Message

CREATE, VERIFY, REUSE = "create", "verify", "reuse"


class SealObservation(Observation):
    name: str
    operation: Literal["create", "verify", "reuse"]
    header: dict[str, Any] = Field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    integrity_error: Message | None = None  # the seal is broken: why
    timestamp: dict[str, Any] | None = None  # the verified token (see tsa.TokenInfo)
    vote_opens: datetime | None = None
    vote_closes: datetime | None = None
    verification: dict[str, Any] | None = None  # VerifyReport.to_json() of this operation
    verification_error: Message | None = None  # a source could not be read at all
    reuse: dict[str, Any] | None = None  # ReuseAssessment.to_json()

    @property
    def sources(self) -> list[dict[str, Any]]:
        return list(self.header.get("sources", []))

    @property
    def problems(self) -> list[dict[str, Any]]:
        return list(self.header.get("problems", []))
