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
from .report.docx import PANDOC_PACKAGE
from .report.versions import VERSIONS_DIR
from .report.demo_pki import demo_signer


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
        if len(match[2]) == len("2026-12-01"):  # a TOML date stays a date
            return f"{match[1]} = {(date.fromisoformat(match[2]) + timedelta(days=days)).isoformat()}"
        return f"{match[1]} = {(datetime.fromisoformat(match[2]) + timedelta(days=days)).isoformat()}"

    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(opens|closes) = (\S+)$", moved, text, count=2, flags=re.M)
    # the expert's dated events ([[report.events]]), penetration tests and re-tests ([[pentest]], [[finding]])
    text = re.sub(r"^(date|retested) = (\S+)$", moved, text, flags=re.M)
    path.write_text(text, encoding="utf-8")


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
        # a DEMO certificate (not a real expert's) signs the demo reports (PAdES, issue 13)
        signer = demo_signer(out_dir / "demo-signature", location=load_case(case_dir).data.report.place)
        say(msg("report.signature.demo_certificate", file=str(signer.pkcs12)))
        # the demo runs the day before its opening: first the pre-vote report (version 1, warned as
        # sent less than 15 days before the vote); its final report would need a closed election,
        # which the demo does not pretend. Then the usual unnumbered draft, with the changes since.
        build_report(case_dir, lang=lang, out_dir=out_dir, pdf=True, collectors_state=outcome, kind="pre-vote",
                     signer=signer)
        written = build_report(case_dir, lang=lang, out_dir=out_dir, pdf=True, collectors_state=outcome,
                               docx=_docx_possible(), signer=signer)
        # sealed while the demo's time-stamping authority still runs; the expert key inside the
        # demo case is left out of the archive (and named), as any private key would be
        archived = create_archive(case_dir, archive_dir, reports=[p for p in written.values() if p.is_file()] + [out_dir / VERSIONS_DIR],
                                  argv=["expertise", "demo", "--out", str(out_dir)])
    for item in archived.left_out:
        say(msg("archive.not_archived", item=item))
    return {"case": case_dir, **written, "archive": archive_dir}


def _docx_possible() -> bool:
    """The demo writes the editable copy when pandoc is there, and says so when it is not."""
    if shutil.which("pandoc"):
        return True
    say(msg("demo.no_docx", package=PANDOC_PACKAGE))
    return False
