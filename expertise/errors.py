"""Errors that the CLI turns into clear messages and exit codes, never tracebacks.

Every error names where the problem is (a file, a field) because the user has to fix
it by hand, often in a document prepared by somebody else.
"""

from __future__ import annotations

from .i18n import Message, msg, render


class ExpertiseError(Exception):
    """Base class; ``exit_code`` is what the CLI returns.

    ``message`` is a :class:`~expertise.i18n.Message`, rendered in the console's or the report's
    language where it is shown; ``path`` and ``field`` say where to look.
    """

    exit_code = 2

    def __init__(self, message: Message, *, path: str | None = None, field: str | None = None) -> None:
        if not isinstance(message, Message):
            raise TypeError(f"an error says a Message, not {type(message).__name__}: {message!r}")
        self.path = path
        self.field = field
        self.message = message
        super().__init__(self.render("en"))

    @property
    def detail(self) -> str:
        return render(self.message, "en")

    def describe(self) -> Message:
        """The error as one message that says where (a file, a field): what the console prints,
        and what a collector's failure keeps as its reason for the report."""
        if self.path and self.field:
            return msg("core.error.at_field", path=str(self.path), field=str(self.field), problem=self.message)
        where = self.path or self.field
        return msg("core.error.at", where=str(where), problem=self.message) if where else self.message

    def render(self, lang: str = "en") -> str:
        return render(self.describe(), lang)

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        return {"error": type(self).__name__, **self.message.to_dict(), "message": self.render(lang),
                "path": self.path, "field": self.field}


class UsageError(ExpertiseError):
    """Bad command line, unreadable path, malformed case file: exit 2."""


class CaseError(UsageError):
    """The case folder or case.toml is missing or invalid."""


class NotACaseError(CaseError):
    """The folder holds no case.toml."""


class CatalogueError(ExpertiseError):
    """The shipped catalogue is inconsistent: a packaging or development defect."""

    exit_code = 3
