"""The ``[board]`` section of ``case.toml``: the bulletin board to replay, and how.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..domain import Section


class Board(Section):
    """The public bulletin board to replay (`expertise board verify`), and how."""

    path: str = Field(min_length=1)
    format: Literal["auto", "belenios"] = "auto"
    credentials_fingerprint: str = Field(default="", description="as published by the credential authority")
    credentials_count: int = Field(default=0, ge=0, description="credentials issued; 0: the electorate")
    snapshots: list[str] = Field(default_factory=list)
    workers: int = Field(default=0, ge=0)
    scheduler: str = Field(default="", description="Dask scheduler address for national-scale boards")
    store_board: bool = Field(default=True, description="copy the board and snapshots into the evidence")
