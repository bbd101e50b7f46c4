"""What the distribution rules read: the declared distribution and what the provider's logs say."""

from __future__ import annotations

from datetime import datetime

from ..domain import Observation
from ..i18n import Message
from .config import Distribution


class Delivery(Observation):
    """One delivery report row: who, by which channel, delivered or not, when (UTC)."""

    voter: str
    channel: str
    delivered: bool
    at: datetime
    line: int
    round: str = ""  # as written in the export's round column ("" when it has none)


class Reissue(Observation):
    """One credential reissue: who, when (UTC), whether the identity check is recorded."""

    voter: str
    at: datetime
    identity_checked: bool
    line: int


class Authentication(Observation):
    """One authentication attempt: who, when (UTC), its outcome, from which address."""

    voter: str
    at: datetime
    outcome: str  # "success", "failure" or "lockout"
    address: str
    line: int


class Intervention(Observation):
    """One line of the administration log: when (UTC), which account, what kind of action."""

    at: datetime
    account: str
    action: str  # "login", "change", "restart" or "other"
    written: str  # the action as the log writes it
    line: int


class DistributionObservation(Observation):
    declared: Distribution
    opens: datetime
    closes: datetime
    deliveries: tuple[Delivery, ...] | None = None  # None: no delivery log declared
    delivery_unread: Message | None = None
    delivery_file: str = ""
    reissues: tuple[Reissue, ...] | None = None
    reissues_unread: Message | None = None
    reissues_file: str = ""
    authentications: tuple[Authentication, ...] | None = None
    authentications_unread: Message | None = None
    authentications_file: str = ""
    interventions: tuple[Intervention, ...] | None = None
    interventions_unread: Message | None = None
    interventions_file: str = ""
    voted: dict[str, datetime] | None = None  # first émargement time per voter, when [registers] has one read
