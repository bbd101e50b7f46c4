"""``expertise distribution``: the credential distribution of a case, checked and journaled."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..clihelp import HelpGroup
from ..console import emit_json, language, out, text
from ..i18n import msg
from ..results import Status


@click.group(name="distribution", cls=HelpGroup)
def command() -> None:
    pass


@command.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def check(case_dir: Path, as_json: bool) -> None:
    from ..case import load_case
    from ..errors import UsageError
    from .collector import collect

    case = load_case(case_dir)
    if case.data.distribution is None:
        raise UsageError(msg("distribution.cli.not_declared"), path=str(case.file), field="distribution")
    (result_set,) = collect(case, sys.argv)
    if as_json:
        emit_json([r.to_dict(language()) for r in result_set.results])
    else:
        for result in result_set.results:
            out.print(text(msg("distribution.cli.summary", check=result.check_id, status=result.status.value,
                               message=result.message)), markup=False)
    sys.exit(1 if any(r.status is Status.FAIL for r in result_set.results) else 0)
