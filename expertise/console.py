"""Console output shared by the commands: messages on stderr, data on stdout, progress bars."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


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
