"""`expertise report-diff`: what changed between two versions of the report, without writing one.

The versions and their results.json are the journal's (expertise.report.versions); nothing is
written or journaled, so the command works on a read-only case too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Mapping

import click

from ..clihelp import HelpCommand
from ..console import emit_json, out, say, text
from ..errors import UsageError
from ..i18n import Message, msg
from . import labels, versions

#: how the console names a status of the diff (None: the version had no result for it)
_STATUS = {**labels.STATUS, versions.PENDING: msg("report.version.status.pending")}


def _named(table: Mapping[str, Message], value: str | None) -> str:
    return text(msg("report.version.status.absent") if value is None else labels.name(table, value))


@click.command(name="report-diff", cls=HelpCommand)
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "from_number", type=int, default=None)
@click.option("--to", "to_number", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
def command(case_dir: Path, from_number: int | None, to_number: int | None, as_json: bool) -> None:
    from .. import journal

    case_dir = journal.require_case(case_dir)
    every = versions.versions(case_dir)
    after = versions.find_version(case_dir, to_number, every) if to_number is not None else (every[-1] if every else None)
    if after is None:
        raise UsageError(msg("report.version.diff_needs_two"), path=str(case_dir / journal.JOURNAL_NAME))
    if from_number is not None:
        before = versions.find_version(case_dir, from_number, every)
    else:
        earlier = [v for v in every if v.number < after.number]
        if not earlier:
            raise UsageError(msg("report.version.diff_needs_two"), path=str(case_dir / journal.JOURNAL_NAME))
        before = earlier[-1]
    changes = versions.diff(versions.load_results(case_dir, before), versions.load_results(case_dir, after))
    if as_json:
        emit_json(changes)
        return
    say(msg("report.version.diff_header", before=before.number, after=after.number), to=out)
    for row in changes["checks"]:
        out.print(f"{row['check_id']:<12} {_named(_STATUS, row['before'])} → {_named(_STATUS, row['after'])}",
                  markup=False, highlight=False, soft_wrap=True)
    for row in changes["subjects"]:
        out.print(f"{row['check_id']:<12} {text(msg('report.colon', label=row['subject']))} {_named(_STATUS, row['before'])} → "
                  f"{_named(_STATUS, row['after'])}", markup=False, highlight=False, soft_wrap=True)
    for row in changes["conclusions"]:
        out.print(f"{row['id']:<12} {_named(labels.CONCLUSION, row['before'])} → "
                  f"{_named(labels.CONCLUSION, row['after'])}", markup=False, highlight=False, soft_wrap=True)
    if changes["findings_added"]:
        say(msg("report.version.diff_added", checks=changes["findings_added"]), to=out)
    if changes["findings_resolved"]:
        say(msg("report.version.diff_resolved", checks=[f["check_id"] for f in changes["findings_resolved"]]), to=out)
    if not (changes["checks"] or changes["subjects"] or changes["conclusions"]):
        out.print(text(msg("report.version.changes.none")), markup=False, highlight=False)
    sys.exit(0)
