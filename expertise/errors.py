"""Errors that the CLI turns into clear messages and exit codes, never tracebacks.

Every error names where the problem is (a file, a field) because the user has to fix
it by hand, often in a document prepared by somebody else.
"""

from __future__ import annotations


class ExpertiseError(Exception):
    """Base class; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None,
                 fr: str | None = None) -> None:
        self.path = path
        self.field = field
        self.detail = message
        self.detail_fr = fr  # the same in French, for the French report (the CLI speaks English)
        super().__init__(self.render())

    def _where(self, colon: str) -> str:
        parts = [str(p) for p in (self.path, self.field) if p]
        return "".join(part + colon for part in parts)

    def render(self) -> str:
        return self._where(": ") + self.detail

    def render_fr(self) -> str:
        """The message for a French reader; the English one when no French text was given."""
        return self._where(" : ") + (getattr(self, "detail_fr", None) or self.detail)


class UsageError(ExpertiseError):
    """Bad command line, unreadable path, malformed case file: exit 2."""


class CaseError(UsageError):
    """The case folder or case.toml is missing or invalid."""


class NotACaseError(CaseError):
    """The folder holds no case.toml."""


class CatalogueError(ExpertiseError):
    """The shipped catalogue is inconsistent: a packaging or development defect."""

    exit_code = 3
