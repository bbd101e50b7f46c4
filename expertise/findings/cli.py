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

from ..console import emit_json, say
from ..errors import UsageError
from ..hashing import sha256_file
from ..i18n import msg
from .sarif import read_sarif, sarif_findings

#: where a SARIF file from outside the case folder is copied
IMPORT_FOLDER = "findings"


@click.group(name="findings")
def command() -> None:
    """The expert's own findings (pentest, code review, interview, document, SARIF import)."""


@command.command(name="import")
@click.argument("sarif_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--case", "case_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The case folder whose case.toml declares the import.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings the file gives as JSON.")
def import_command(sarif_file: Path, case_dir: Path, as_json: bool) -> None:
    """Check a SARIF 2.1.0 file and declare it in case.toml ([[findings.import]]).

    \b
    The file is checked against the SARIF 2.1.0 schema first: a broken file is refused naming
    the file and the JSON path (exit 2), and nothing is written. A file outside the case folder
    is copied into CASE/findings/. Each result becomes a finding (ruleId and tool → id, level or
    security-severity → severity) when the report is written; the file is journaled as its input.
    """
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
