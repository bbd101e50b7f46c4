"""What `expertise demo` adds for the registers domain: émargement times moved with the election.

The demo's election is dated from the day the demo runs (see :func:`expertise.demo.run_demo`),
so that no check fails by the calendar; the émargement register of the fixtures is written for
the fixtures' dates, and is moved by the same whole number of days, so that each signature keeps
its place in the voting period (the one signed before the opening stays a REG-003 finding).
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from ..case import load_case
from ..paths import demo_case_dir


@contextmanager
def prepare(case_dir: Path) -> Iterator[None]:
    case = load_case(case_dir)
    shift = case.data.election.opens - load_case(demo_case_dir()).data.election.opens
    emargements = {box.resolve(box.data.registers.emargement) for box in case.boxes()  # each ballot box's
                   if box.data.registers is not None and box.data.registers.emargement}
    for path in sorted(emargements) if shift else ():
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
        column = rows[0].index("time")
        for row in rows[1:]:
            if len(row) > column and row[column]:
                row[column] = (datetime.fromisoformat(row[column]) + shift).isoformat()
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    yield
