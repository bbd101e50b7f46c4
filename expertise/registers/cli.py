"""`expertise registers check CASE_DIR`: the registers of a case, cross-checked and journaled."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..console import emit_json, language, out, text
from ..results import Status


@click.group(name="registers")
def command() -> None:
    """Émargement list, voter list, paper votes and key holders, cross-checked.

    \b
    Reads the CSV files declared in case.toml [registers] and the [[actors]] holding
    decryption-key parts, and checks: every voter signed is on the electoral list, none
    twice, every émargement within the opening hours, nobody voted both on paper and by
    internet, as many voters signed as ballots counted on the last board replay, no more
    voters than registered, and key parts held one each by electoral-board members.
    """


@command.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results and the summary as JSON.")
def check(case_dir: Path, as_json: bool) -> None:
    """Cross-check the registers of CASE_DIR (journaled).

    \b
    Exit 0: no failing check. 1: at least one check fails. 2: not a case, invalid
    case.toml, nothing to check (no [registers], no actor with key_parts), or a register
    that cannot be read completely (missing column, bad time…: file, line and field named;
    the results are still journaled, as "could not test").
    """
    from ..case import load_case
    from ..errors import UsageError
    from ..i18n import msg
    from .collector import check as check_registers, declared

    case = load_case(case_dir)
    if not declared(case):
        raise UsageError(msg("registers.error.nothing_declared"), path=str(case.file), field="registers")
    checked = check_registers(case, sys.argv)
    results = checked.result_set.results
    if as_json:
        emit_json({**checked.result_set.to_dict(), "results": [r.to_dict(language()) for r in results]})
    else:
        for result in results:  # check id and status are identifiers, the same in every language
            out.print(f"{result.check_id:<8} {result.status.value:<15} {text(result.message)}", markup=False,
                      highlight=False, soft_wrap=True)
    if checked.unreadable is not None:  # the results are journaled ("could not test"); exit 2, file named
        raise UsageError(checked.unreadable)
    sys.exit(1 if any(r.status is Status.FAIL for r in results) else 0)
