"""`expertise archive`: seal the case for the legal retention period, and check it later."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .clihelp import HelpGroup
from .console import emit_json, language, out, say, text
from .errors import UsageError
from .i18n import Message, msg

PATH = click.Path(path_type=Path)


def _line(label: Message, value: Message | str) -> None:
    """One aligned line of the summary: « Merkle root   ab12… »."""
    out.print(f"{text(label):<14}{text(value)}", markup=False, emoji=False, highlight=False, soft_wrap=True)


@click.group(name="archive", cls=HelpGroup)
def command() -> None:
    pass


@command.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=PATH, required=True)
@click.option("--key", "key_path", type=PATH, default=None)
@click.option("--tsa", "tsa_url", default=None, metavar="URL")
@click.option("--tsa-ca-file", type=PATH, default=None)
@click.option("--no-tsa", is_flag=True)
@click.option("--report", "reports", type=PATH, multiple=True)
@click.option("--retain-until", default=None, metavar="YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True)
@click.option("--accept-changed", is_flag=True)
def create(case_dir: Path, out_dir: Path, key_path: Path | None, tsa_url: str | None, tsa_ca_file: Path | None,
           no_tsa: bool, reports: tuple[Path, ...], retain_until: str | None, as_json: bool,
           accept_changed: bool) -> None:
    from .archive import create_archive

    until = None
    if retain_until:
        try:
            until = date.fromisoformat(retain_until)
        except ValueError:
            raise UsageError(msg("archive.error.not_a_date", value=repr(retain_until)), field="--retain-until") from None
    if no_tsa and tsa_url:
        raise UsageError(msg("archive.error.tsa_contradiction"), field="--no-tsa")
    archived = create_archive(case_dir, out_dir, key_path=key_path, tsa_url="" if no_tsa else tsa_url,
                              tsa_ca_file=tsa_ca_file,
                              reports=[Path(r) for r in reports], retain_until=until, argv=sys.argv,
                              show_progress=not as_json, accept_changed=accept_changed)
    if as_json:
        emit_json(archived.to_json(language()))
        return
    say(msg("archive.cli.archived", count=archived.files, folder=str(archived.folder)), to=out)
    _line(msg("archive.cli.merkle_root"), archived.merkle_root)
    _line(msg("archive.cli.expert_key"), archived.key_fingerprint)
    _line(msg("archive.cli.journal"), msg("archive.cli.journal_state", count=archived.journal_entries,
                                          head=archived.journal_head))
    _line(msg("archive.cli.timestamp"), msg("archive.cli.timestamped") if archived.timestamped
          else msg("archive.cli.not_timestamped"))
    for item in archived.left_out:
        say(msg("archive.not_archived", item=item))


@command.command()
@click.argument("folder", type=PATH)
@click.option("--expect-key", default=None, metavar="SHA256:…")
@click.option("--tsa-ca-file", type=PATH, default=None)
@click.option("--json", "as_json", is_flag=True)
def verify(folder: Path, expect_key: str | None, tsa_ca_file: Path | None, as_json: bool) -> None:
    from .archive import verify_archive

    if expect_key and not expect_key.startswith("SHA256:"):
        raise UsageError(msg("archive.error.key_format"), field="--expect-key")
    check = verify_archive(folder, expect_fingerprint=expect_key, tsa_ca_file=tsa_ca_file, show_progress=not as_json)
    if as_json:
        emit_json(check.to_json(language()))
    else:
        seal = (msg("archive.cli.seal_identical", key=check.key_fingerprint, root=check.merkle_root)
                if check.seal_identical else
                msg("archive.cli.seal_differs", key=check.key_fingerprint, root=check.merkle_root))
        _line(msg("archive.cli.seal"), seal)
        for difference in check.differences[:200]:
            out.print(f"  {', '.join(difference['kinds']):<14} {difference['source']}/{difference['path']}",
                      markup=False, emoji=False, highlight=False, soft_wrap=True)
        _line(msg("archive.cli.journal"), msg("archive.cli.journal_intact") if check.journal_intact
              else msg("archive.cli.journal_broken"))
        for problem in check.journal_problems[:50]:
            out.print("  " + text(problem.describe()), markup=False, emoji=False, highlight=False, soft_wrap=True)
        for change in check.changed_inputs[:50]:
            out.print("  " + text(change.describe()), markup=False, emoji=False, highlight=False, soft_wrap=True)
        say(msg("archive.cli.intact") if check.ok else msg("archive.cli.not_intact"), to=out)
    sys.exit(0 if check.ok else 1)


# --- the record of destruction (retention) ---
@command.command(name="destroy-record")
@click.argument("archive", type=PATH)
@click.option("--case", "case_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--out", "out_dir", type=PATH, required=True)
@click.option("--key", "key_path", type=PATH, default=None)
def destroy_record(archive: Path, case_dir: Path, out_dir: Path, key_path: Path | None) -> None:
    from .retention.record import write_destruction_record

    written = write_destruction_record(archive, case_dir, out_dir, key_path=key_path, lang=language(),
                                       argv=sys.argv)
    say(msg("retention.cli.written", folder=str(written.folder), ends=written.period_ended,
            root=written.merkle_root), to=out)
