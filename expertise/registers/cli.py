"""`expertise registers check [CASE_DIR] [--voters L --emargement E …]`: the registers cross-checked."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..clihelp import HelpGroup
from ..console import emit_json, language, out, say, text
from ..results import Status


@click.group(name="registers", cls=HelpGroup)
def command() -> None:
    pass


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    from ..errors import UsageError
    from ..i18n import msg

    found: dict[str, str] = {}
    for value in values:
        key, sep, name = value.partition("=")
        if not sep or not key.strip() or not name.strip():
            raise UsageError(msg("registers.error.not_a_pair", value=value), field=option)
        found[key.strip()] = name.strip()
    return found


def _instant(value: str | None, option: str, zone: str | None, zone_option: str) -> Any:
    """A time given on the command line, read as the registers' times are (offset, or the zone)."""
    from ..errors import UsageError
    from ..tables import TableError, parse_times, zone_named

    if value is None:
        return None
    try:
        given = datetime.fromisoformat(value.strip())
        if given.tzinfo is not None:
            return given  # its own offset: the one the results show
    except ValueError:
        pass
    try:
        instant = parse_times([value], [1], file=option, field=option, zone=zone, zone_option=zone_option)[0]
    except TableError as exc:
        raise UsageError(exc.reason, field=option) from None
    return instant.astimezone(zone_named(zone, option=zone_option)) if zone else instant


@command.command()
@click.argument("case_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--voters", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--emargement", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--paper", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--board", "board_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--board-ballots", type=click.IntRange(min=0))
@click.option("--opens")
@click.option("--closes")
@click.option("--timezone", "zone")
@click.option("--column", "columns", multiple=True, metavar="ROLE.FIELD=NAME")
@click.option("--encoding", "encodings", multiple=True, metavar="ROLE=ENC")
@click.option("--sheet", "sheets", multiple=True, metavar="ROLE=NAME")
@click.option("--grace-minutes", type=click.IntRange(min=0))
@click.option("--identities", is_flag=True)
@click.option("--json", "json_out", is_flag=False, flag_value="-", default=None, metavar="[OUT]")
@click.option("--box", "box_id", metavar="ID", default=None)
def check(case_dir: Path | None, voters: Path | None, emargement: Path | None, paper: Path | None,
          board_file: Path | None, board_ballots: int | None, opens: str | None, closes: str | None,
          zone: str | None, columns: tuple[str, ...], encodings: tuple[str, ...], sheets: tuple[str, ...],
          grace_minutes: int | None, identities: bool, json_out: str | None, box_id: str | None) -> None:
    from ..errors import UsageError
    from ..i18n import msg
    from ..tables import zone_named
    from .collector import Settings, case_settings, check as check_case, check_files, declared, replayed_board, \
        stated_board
    from .evidence import findings
    from .reader import column_options, role_options

    if board_file is not None and board_ballots is not None:
        raise UsageError(msg("registers.error.board_twice"), field="--board")
    if zone:
        zone_named(zone)
    board = (replayed_board(board_file) if board_file is not None
             else stated_board(board_ballots) if board_ballots is not None else None)
    files = {k: p for k, p in (("voters", voters), ("emargement", emargement), ("paper_votes", paper)) if p}
    more: dict[str, Any] = {
        "files": files, "columns": column_options(_pairs(columns, "--column")),
        "encodings": role_options(_pairs(encodings, "--encoding"), "--encoding"),
        "sheets": role_options(_pairs(sheets, "--sheet"), "--sheet"), "zone": zone,
        "grace_minutes": grace_minutes, "board": board, "pseudonymise": False if identities else None}
    if case_dir is not None:
        from ..case import load_case, one_box

        case = one_box(load_case(case_dir), box_id)
        zone_option = "--timezone" if zone else "election.timezone"
        more["opens"] = _instant(opens, "--opens", zone or case.data.election.timezone or None, zone_option)
        more["closes"] = _instant(closes, "--closes", zone or case.data.election.timezone or None, zone_option)
        if not declared(case) and not files:
            raise UsageError(msg("registers.error.nothing_declared"), path=str(case.file), field="registers")
        checked = check_case(case, sys.argv, more)
    else:
        if box_id is not None:
            raise UsageError(msg("case.box.option_without_case"), field="--box")
        if not files:
            raise UsageError(msg("registers.error.no_file"), field="--emargement")
        for option, value in (("--opens", opens), ("--closes", closes)):
            if value is None:
                raise UsageError(msg("registers.error.option_required", option=option), field=option)
        start, end = _instant(opens, "--opens", zone, "--timezone"), _instant(closes, "--closes", zone, "--timezone")
        if end <= start:
            raise UsageError(msg("registers.error.closes_before_opens", opens=opens or "", closes=closes or ""),
                             field="--closes")
        settings = Settings(files=files, cited={k: str(p) for k, p in files.items()}, opens=start, closes=end,
                            zone=zone, encodings=more["encodings"], sheets=more["sheets"], columns=more["columns"],
                            grace_minutes=grace_minutes or 0, mixed_paper="paper_votes" in files, board=board)
        checked = check_files(settings)
    results = checked.result_set.results
    for read in (checked.observation.voters, checked.observation.emargement, checked.observation.paper):
        if read is not None and read.encoding_detected:  # stated, never silently assumed
            say(msg("registers.cli.encoding_assumed", file=read.file, encoding=read.encoding))
    if json_out is not None:
        payload = {**checked.result_set.to_dict(), "results": [r.to_dict(language()) for r in results],
                   **findings(checked.observation),
                   "annex": str(checked.annex) if checked.annex is not None else None}
        if json_out == "-":
            emit_json(payload)
        else:
            Path(json_out).write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n",
                                      encoding="utf-8")
    if json_out != "-":
        for result in results:  # check id and status are identifiers, the same in every language
            out.print(f"{result.check_id:<8} {result.status.value:<15} {text(result.message)}", markup=False,
                      highlight=False, soft_wrap=True)
    if checked.unreadable is not None:  # the results are given ("could not test"); exit 2, file named
        raise UsageError(checked.unreadable)
    sys.exit(1 if any(r.status is Status.FAIL for r in results) else 0)
