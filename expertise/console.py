"""Console output shared by the commands: messages on stderr, data on stdout, progress bars.

The console speaks one language per run (``--lang``, else the environment's locale): every
message shown to a person is a :class:`~expertise.i18n.Message` rendered here, in that language.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from rich.console import Console
from rich.markup import escape

from . import i18n
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


_language: list[str] = []


def set_language(lang: str | None) -> None:
    """The language of this run's console (``None``: the environment's)."""
    _language[:] = [lang] if lang else []


def language() -> str:
    return _language[0] if _language else i18n.language_from_environment()


def text(message: i18n.Message | str) -> str:
    """A message in the console's language (a plain string is data and is shown as it is)."""
    return i18n.render(message, language())


def say(message: i18n.Message | str, *, style: str = "", label: i18n.Message | None = None,
        to: Console | None = None) -> None:
    """Print a message for a person on stderr (or ``to``), optionally after a styled label such as
    « erreur : ». Arguments are data: markup in them is escaped, never interpreted."""
    console = to or err
    shown = escape(text(message))
    if label is not None:
        head = escape(text(label))
        shown = f"[{style}]{head}[/] {shown}" if style else f"{head} {shown}"
    elif style:
        shown = f"[{style}]{shown}[/]"
    console.print(shown, highlight=False, soft_wrap=True)


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


@contextmanager
def progress(description: str, total: int | None, enabled: bool = True) -> Iterator[Any]:
    """A progress bar on stderr; invisible when stderr is not a terminal or when disabled."""
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=err,
                   disable=not enabled or not err.is_terminal, transient=True)
    with bar:
        task = bar.add_task(description, total=total)

        class _Handle:
            def advance(self, amount: int = 1) -> None:
                bar.advance(task, amount)

            def update(self, **kwargs: Any) -> None:
                bar.update(task, **kwargs)

        yield _Handle()
