"""The ``case.toml`` sections of the expert's own findings.

Kept apart from :mod:`expertise.case` so that the case model only lists them: what a finding is,
and how it is checked against the catalogue, lives here."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field

from ..domain import Section

#: the origin of a finding: the expert's own work, or a scanner's file imported
Source = Literal["pentest", "code-review", "interview", "document", "tool import"]
FindingStatus = Literal["open", "fixed-retested", "accepted-risk"]
SeverityName = Literal["critical", "high", "medium", "low", "info"]

#: an expert's finding id: letters, digits, dot, dash, underscore (it is an anchor and a journal label)
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ExpertFinding(Section):
    """One finding the tools cannot make. ``evidence`` are files of the case folder: hashed,
    journaled as inputs of the report, listed with their SHA-256."""

    id: str = Field(pattern=ID_PATTERN.pattern)
    title: str = Field(min_length=1)
    severity: SeverityName
    description: str = ""
    evidence: list[str] = Field(default_factory=list)
    recommendation: str = ""
    objectives: list[str] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list)
    status: FindingStatus = "open"
    retested: date | None = None
    accepted_by: str = ""
    source: Source


class FindingsImport(Section):
    """A scanner's SARIF 2.1.0 file of the case folder; each result becomes a finding."""

    sarif: str = Field(min_length=1)
    objectives: list[str] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list)


class FindingsSection(Section):
    """``[findings]``: files to import (``[[findings.import]]``)."""

    import_: list[FindingsImport] = Field(default_factory=list, alias="import")


class Pentest(Section):
    """One penetration test's operations, annexed to the report at levels 2 and 3."""

    date: date
    tester: str = Field(min_length=1)
    scope: str = Field(min_length=1)
    tools: list[str] = Field(default_factory=list)
    operations: str = Field(min_length=1)
