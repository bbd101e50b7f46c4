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

from pydantic import Field, field_serializer, field_validator

from ..domain import Observation
from ..i18n import Message

CREATE, VERIFY, REUSE = "create", "verify", "reuse"


class SealObservation(Observation):
    name: str
    operation: Literal["create", "verify", "reuse"]
    header: dict[str, Any] = Field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    # a Message (typed Any: pydantic would otherwise derive a schema from the Message dataclass)
    integrity_error: Any = None  # the seal is broken: why
    timestamp: dict[str, Any] | None = None  # the verified token (see tsa.TokenInfo)
    vote_opens: datetime | None = None
    vote_closes: datetime | None = None
    verification: dict[str, Any] | None = None  # VerifyReport.to_json() of this operation
    verification_error: Any = None  # a Message: a source could not be read at all
    reuse: dict[str, Any] | None = None  # ReuseAssessment.to_json()

    @field_validator("integrity_error", "verification_error", mode="before")
    @classmethod
    def _message(cls, value: Any) -> Message | None:
        """A recorded observation keeps a message as ``{"code", "args"}``."""
        if isinstance(value, dict):
            return Message.from_dict(value)
        if value is None or isinstance(value, Message):
            return value
        raise ValueError("a message {code, args} is expected")

    @field_serializer("integrity_error", "verification_error")
    def _message_json(self, value: Message | None) -> dict[str, Any] | None:
        return value.to_dict() if value is not None else None

    @property
    def sources(self) -> list[dict[str, Any]]:
        return list(self.header.get("sources", []))

    @property
    def problems(self) -> list[dict[str, Any]]:
        return list(self.header.get("problems", []))
