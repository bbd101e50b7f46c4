"""The ``[registers]`` section of ``case.toml``: the register files to cross-check and how to read them.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ..case import invalid
from ..domain import Section
from ..i18n import msg


class Registers(Section):
    """The registers cross-checked by `expertise registers check` (CSV or XLSX, one voter a row).

    The émargement list is the other half of the urn: the guarantee « la liste
    d'émargement ne comprend que la liste des électeurs ayant voté » is checked by
    comparing it with the voter list, the paper votes, the opening hours and the board.
    Column names are recognised among the usual French and English headers; ``columns`` maps
    any other (``"ROLE.FIELD" = "header"``, ROLE voters/emargement/paper, FIELD voter_id,
    voted_at, received_on, channel), ``encodings`` and ``sheets`` are by ROLE.
    """

    voters: str = Field(default="", description="CSV/XLSX of the electoral list (one voter a row)")
    emargement: str = Field(default="", description="CSV/XLSX of the internet émargement list: voter id and time")
    paper_votes: str = Field(default="", description="CSV/XLSX of the voters who voted on paper (mixed votes)")
    id_column: str = Field(default="", description="the voter-id header of every file (else recognised)")
    time_column: str = Field(default="", description="the émargement's time header (else recognised)")
    columns: dict[str, str] = Field(default_factory=dict)
    encodings: dict[str, str] = Field(default_factory=dict)
    sheets: dict[str, str] = Field(default_factory=dict)
    grace_minutes: int = Field(default=0, ge=0, description="minutes after the closing still accepted (0: none)")
    board_ballots: int | None = Field(default=None, ge=0,
                                      description="ballots counted, as the tally minutes state, when no replay")
    pseudonymise: bool = Field(default=True, description="the evidence copy names voters by a keyed hash")

    @model_validator(mode="after")
    def _something_declared(self) -> "Registers":
        if not (self.voters or self.emargement or self.paper_votes):
            raise invalid(msg("case.toml.registers.nothing_declared"))
        return self
