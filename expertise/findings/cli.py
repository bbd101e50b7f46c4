"""`expertise findings import FILE.sarif --case DIR`: declare a scanner's SARIF file in case.toml.

The design (docs/findings.md): the findings of a case are what ``case.toml`` declares, so that
the report and its journal rest on one file; this command only checks the SARIF file whole,
copies it into the case folder when it is outside, and adds its ``[[findings.import]]`` entry.
Nothing is written when the file is refused."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import click

from ..clihelp import HelpGroup
from ..console import emit_json, say
from ..errors import UsageError
from ..hashing import sha256_file
from ..i18n import msg
from .sarif import read_sarif, sarif_findings

#: where a SARIF file from outside the case folder is copied
IMPORT_FOLDER = "findings"


@click.group(name="findings", cls=HelpGroup)
def command() -> None:
    pass


@command.command(name="import")
@click.argument("sarif_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--case", "case_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def import_command(sarif_file: Path, case_dir: Path, as_json: bool) -> None:
    from ..case import load_case

    case = load_case(case_dir)
    source = sarif_file.resolve()
    findings = sarif_findings(read_sarif(source, str(sarif_file)), str(sarif_file))
    if source.is_relative_to(case.root.resolve()):
        target = source
    else:
        target = case.root / IMPORT_FOLDER / source.name
        if target.exists() and sha256_file(target) != sha256_file(source):
            raise UsageError(msg("findings.cli.exists"), path=str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    ref = target.resolve().relative_to(case.root.resolve()).as_posix()
    declared = {entry.sarif for entry in case.data.findings.import_}
    if ref not in declared:
        with case.file.open("a", encoding="utf-8") as handle:
            handle.write(f'\n[[findings.import]]\nsarif = "{ref}"\n')
        load_case(case.root)  # still a valid case
    if as_json:
        emit_json({"sarif": ref, "declared_before": ref in declared, "findings": findings})
        return
    counts = Counter(f["severity"] for f in findings)
    say(msg("findings.cli.imported", count=len(findings), file=ref,
            severities=", ".join(f"{name} {counts[name]}" for name in ("critical", "high", "medium", "low", "info")
                                 if counts[name])))
    if ref in declared:
        say(msg("findings.cli.already"))
