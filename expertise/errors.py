"""Errors that the CLI turns into clear messages and exit codes, never tracebacks.

Every error names where the problem is (a file, a field) because the user has to fix
it by hand, often in a document prepared by somebody else.
"""

from __future__ import annotations


class ExpertiseError(Exception):
    """Base class; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None) -> None:
        self.path = path
        self.field = field
        self.detail = message
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = str(self.path)
            if self.field:
                where += f": {self.field}"
            where += ": "
        elif self.field:
            where = f"{self.field}: "
        return where + self.detail


class UsageError(ExpertiseError):
    """Bad command line, unreadable path, malformed case file: exit 2."""


class CaseError(UsageError):
    """The case folder or case.toml is missing or invalid."""


class NotACaseError(CaseError):
    """The folder holds no case.toml."""


class CatalogueError(ExpertiseError):
    """The shipped catalogue is inconsistent: a packaging or development defect."""

    exit_code = 3
