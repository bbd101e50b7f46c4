"""The ``[distribution]`` section of ``case.toml``: how the voting material reaches the voters.

CNIL opinion 2012-083 (§7b–7d) and the CNIL's 2022 questions-réponses judge a distribution by
*who* holds *which* part of the voting material and *how* it travels; the expert declares those
facts here, as the organiser's documents state them. Every fact the rules need is optional and
``None`` means "not declared": a rule then says "could not test", never "pass" — nothing is
assumed on the expert's behalf.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..domain import Section

MaterialKind = Literal["identifier", "password", "temporary_password", "one_time_link", "challenge_answer",
                       "scratch_card"]
Channel = Literal["post", "hand", "sms_work", "sms_personal", "email_work", "email_personal", "web"]
ActorRole = Literal["printer", "mailer", "sms_sender", "email_sender", "vendor", "organiser"]
SecondRound = Literal["none", "new_credentials", "same_credentials"]


class Material(Section):
    """One piece of voting material and how it travels to the voter."""

    name: str = Field(min_length=1, description="how the organiser's documents call it")
    kind: MaterialKind
    channel: Channel
    letter: str = Field(default="", description="the letter, SMS or e-mail it travels in (same value = same letter)")
    drawn_from: str = Field(default="", description="challenge answer: the voter data it is drawn from")
    at_voter_request: bool | None = Field(default=None, description="personal channel chosen by the voter")


class Actor(Section):
    """A party that receives part of the voting material (or the data to make it)."""

    name: str = Field(min_length=1)
    role: ActorRole
    receives: list[str] = Field(default_factory=list, description="names of the materials it receives")
    channels: list[Channel] = Field(default_factory=list, description="the channels it operates")
    destruction_record: str = Field(default="", description="traced destruction of the first part before the second")


class Alert(Section):
    """The voters' procedure to report stolen or compromised material (2012-083 §7d)."""

    procedure: bool
    published_in: list[str] = Field(default_factory=list, description="where it is published")
    revocation: bool | None = None
    reissue: bool | None = None


class Logs(Section):
    """The provider's exports read by the log checks (CSV or XLSX; see docs/distribution.md)."""

    delivery: str = Field(default="", description="SMS/e-mail delivery reports: voter, channel, status, time")
    reissues: str = Field(default="", description="credential reissues: voter, time, identity check")
    authentication: str = Field(default="", description="authentication log: voter, time, outcome, address")
    administration: str = Field(default="", description="administration log: time, account, action")
    timezone: str = Field(default="", description="IANA zone of times written without an offset")
    shared_address_minutes: int = Field(default=10, gt=0, description="window for voters sharing an address")
    shared_address_voters: int = Field(default=3, ge=2, description="distinct voters from one address to list")
    min_delivery_rate: float | None = Field(default=None, ge=0, le=1,
                                            description="lowest acceptable delivered share per channel")
    columns: dict[Literal["delivery", "reissues", "authentication", "administration"], dict[str, str]] = Field(
        default_factory=dict, description="per log, field → the header its export uses (when no usual name fits)")


class Distribution(Section):
    material: list[Material] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    public_list_fields: list[str] | None = Field(default=None, description="fields of the public electoral list")
    second_round: SecondRound | None = None
    alert: Alert | None = None
    logs: Logs | None = None
