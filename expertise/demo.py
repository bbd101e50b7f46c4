"""`expertise demo`: the bundled case, every collector, the assessment and the report.

Each domain contributes a ``prepare`` hook (``expertise/<domain>/demo.py``) that sets up its
part in the copied case folder — a local server to probe, a board to replay, a tree to
seal — and tears it down afterwards; each domain declares its hook (``Domain.demo``).
The report is written, and the case with it sealed into ``archive/``, while they still run
(the seal's time-stamping authority is one of them).
"""

from __future__ import annotations

import re
import shutil
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path

from .archive import create_archive
from .audit import run_collectors
from .case import load_case
from .console import say
from .domains import all_domains
from .errors import UsageError
from .i18n import msg
from .paths import demo_case_dir
from .report.build import build_report


def dated_from_today(case_dir: Path, today: date | None = None) -> None:
    """Move the demo election so that it opens tomorrow, same hours, same length.

    The demo seals, probes and reports on the day it runs: with fixed dates, the seal would
    follow the opening (SEAL-008) and the probe's fresh certificate start after it (TLS-024) as
    soon as the calendar passed them. The shift is a whole number of days, so the domains' hooks
    move their own dated inputs by the same amount (the émargement times, the board's clock).
    """
    path = case_dir / "case.toml"
    opens = load_case(case_dir).data.election.opens
    days = ((today or date.today()) + timedelta(days=1) - opens.date()).days
    if days == 0:
        return

    def moved(match: re.Match[str]) -> str:
        return f"{match[1]} = {(datetime.fromisoformat(match[2]) + timedelta(days=days)).isoformat()}"

    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^(opens|closes) = (\S+)$", moved, text, count=2, flags=re.M), encoding="utf-8")


def with_two_boxes(case_dir: Path) -> None:
    """Give the demo case its two ballot boxes (issue 13): the ``[[box]]`` tables of ``boxes.toml`` in
    place of the single ``[board]`` and ``[registers]`` (the form the tests' copy of the case keeps)."""
    path = case_dir / "case.toml"
    single = re.sub(r"^\[(?:board|registers)\]\n(?:(?!\[)[^\n]*\n)*", "", path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(single.rstrip("\n") + "\n\n" + (case_dir / "boxes.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")


def run_demo(out_dir: Path, *, lang: str = "fr", force: bool = False) -> dict[str, Path]:
    out_dir = Path(out_dir)
    case_dir = out_dir / "case"
    archive_dir = out_dir / "archive"
    for previous in (case_dir, archive_dir):
        if previous.exists():
            if not force:
                raise UsageError(msg("demo.exists"), path=str(previous))
            shutil.rmtree(previous)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(demo_case_dir(), case_dir)
    (case_dir / "evidence").mkdir(exist_ok=True)
    with_two_boxes(case_dir)
    dated_from_today(case_dir)
    say(msg("demo.copied", folder=str(case_dir)))
    with ExitStack() as stack:
        for domain in all_domains():
            if domain.demo is not None:
                stack.enter_context(domain.demo(case_dir))
        outcome = run_collectors(case_dir, ["expertise", "demo", "--out", str(out_dir)])
        written = build_report(case_dir, lang=lang, out_dir=out_dir, pdf=True, collectors_state=outcome)
        # sealed while the demo's time-stamping authority still runs; the expert key inside the
        # demo case is left out of the archive (and named), as any private key would be
        archived = create_archive(case_dir, archive_dir, reports=[p for p in written.values() if p.is_file()],
                                  argv=["expertise", "demo", "--out", str(out_dir)])
    for item in archived.left_out:
        say(msg("archive.not_archived", item=item))
    return {"case": case_dir, **written, "archive": archive_dir}
