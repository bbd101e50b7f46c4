"""What `expertise demo` adds for the board domain.

The board itself and the [board] section are static (fixtures/demo/board/, fixtures/demo/case.toml).
The demo election is fictitious and dated from the day the demo runs (it opens the next day, see
:func:`expertise.demo.dated_from_today`); the demo plays an audit made the
day after its closing, so the hook sets the board verification's clock to that day (the
timing step says which clock it used). Without it, a tallied board read before the declared
closing would rightly fail BOARD-016. The demo's copy of the board taken during the vote
(fixtures/demo/board/snapshots/) is dated by its file's modification time, which copying the
fixtures sets to today: the hook dates it in the middle of the voting period, as a copy taken then
would be, so that BOARD-014 compares it with the board rather than setting it aside.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from ..case import load_case
from .clock import CLOCK_VARIABLE


@contextmanager
def prepare(case_dir: Path) -> Iterator[None]:
    case = load_case(case_dir)
    previous = os.environ.get(CLOCK_VARIABLE)
    for box in case.boxes():  # each ballot box's board (issue 13)
        if box.data.board is None:
            continue
        election = box.data.election
        os.environ[CLOCK_VARIABLE] = (election.closes + timedelta(days=1)).isoformat()
        middle = (election.opens + (election.closes - election.opens) / 2).timestamp()
        for snapshot in box.data.board.snapshots:
            path = box.resolve(snapshot)
            if path.is_file():
                os.utime(path, (middle, middle))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(CLOCK_VARIABLE, None)
        else:
            os.environ[CLOCK_VARIABLE] = previous
