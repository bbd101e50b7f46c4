"""The ``[registers]`` section of ``case.toml``: the register files to cross-check.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ..case import invalid
from ..domain import Section
from ..i18n import msg


class Registers(Section):
    """The registers cross-checked by `expertise registers check` (CSV files, one voter a row).

    The émargement list is the other half of the urn: the guarantee « la liste
    d'émargement ne comprend que la liste des électeurs ayant voté » is checked by
    comparing it with the voter list, the paper votes, the opening hours and the board.
    """

    voters: str = Field(default="", description="CSV of the electoral list (one voter a row)")
    emargement: str = Field(default="", description="CSV of the internet émargement list: voter id and time")
    paper_votes: str = Field(default="", description="CSV of the voters who voted on paper (mixed votes)")
    id_column: str = Field(default="voter_id", min_length=1)
    time_column: str = Field(default="time", min_length=1)

    @model_validator(mode="after")
    def _something_declared(self) -> "Registers":
        if not (self.voters or self.emargement or self.paper_votes):
            raise invalid(msg("case.toml.registers.nothing_declared"))
        return self
