"""`expertise archive`: seal the case for the legal retention period, and check it later."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .console import emit_json, language, out, say, text
from .errors import UsageError
from .i18n import Message, msg

PATH = click.Path(path_type=Path)


def _line(label: Message, value: Message | str) -> None:
    """One aligned line of the summary: « Merkle root   ab12… »."""
    out.print(f"{text(label):<14}{text(value)}", markup=False, emoji=False, highlight=False, soft_wrap=True)


@click.group(name="archive")
def command() -> None:
    """Sealed archive of a case, kept until every appeal is exhausted.

    \b
    The recommendation asks that every supporting file be kept under seal until the
    appeal periods are exhausted, then destroyed. `archive create` copies the case (and
    the reports written outside it), seals the copy with the expert's key (SHA256SUMS,
    SSHSIG, raw Ed25519, optional RFC 3161 time-stamp, VERIFY.md with stock commands)
    and journals it; `archive verify` checks such a folder years later.
    """


@command.command()
@click.argument("case_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=PATH, required=True, help="Folder to create (never overwritten).")
@click.option("--key", "key_path", type=PATH, default=None,
              help="Expert's Ed25519 key (default: [seal] key of case.toml).")
@click.option("--tsa", "tsa_url", default=None, metavar="URL",
              help="RFC 3161 time-stamping authority (default: [seal] tsa of case.toml, if any).")
@click.option("--tsa-ca-file", type=PATH, default=None, help="Root certificate of the time-stamping authority.")
@click.option("--no-tsa", is_flag=True, help="No time-stamp, even when case.toml names an authority.")
@click.option("--report", "reports", type=PATH, multiple=True,
              help="A report file or folder written outside the case (e.g. report.pdf). Repeatable.")
@click.option("--retain-until", default=None, metavar="YYYY-MM-DD",
              help="End of the retention period, when known (recorded in the archive's README).")
@click.option("--json", "as_json", is_flag=True, help="Print what was archived as JSON.")
@click.option("--accept-changed", is_flag=True,
              help="Archive although an input changed since its results were collected: the acceptance is "
                   "journaled (and so archived) and stated. Without it: exit 1, naming each file.")
def create(case_dir: Path, out_dir: Path, key_path: Path | None, tsa_url: str | None, tsa_ca_file: Path | None,
           no_tsa: bool, reports: tuple[Path, ...], retain_until: str | None, as_json: bool,
           accept_changed: bool) -> None:
    """Copy CASE_DIR (and --report files) into --out and seal the copy.

    \b
    Private keys and special files found in the case are not archived, and are named.
    Exit 0: archived. 1: refused — the journal does not verify, an operation is still
    being written, or an input changed since its results were collected (see --accept-changed). 2: usage error (missing key, existing --out, unreadable file).
    """
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
@click.option("--expect-key", default=None, metavar="SHA256:…",
              help="Accept only an archive sealed with this key fingerprint.")
@click.option("--tsa-ca-file", type=PATH, default=None, help="Root certificate to check the time-stamp with.")
@click.option("--json", "as_json", is_flag=True, help="Print the verification as JSON.")
def verify(folder: Path, expect_key: str | None, tsa_ca_file: Path | None, as_json: bool) -> None:
    """Check an archive: its seal against its files, then the archived journal.

    \b
    Exit 0: intact. 1: a file differs from the seal, the archived journal does not
    verify, or an archived input differs from what the operation reading it recorded
    without the expert's recorded acceptance (each difference is listed). 2: the seal itself is broken or FOLDER is not an
    archive.
    """
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
@click.option("--case", "case_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The case folder: its [retention] section and its journal.")
@click.option("--out", "out_dir", type=PATH, required=True, help="Folder to create for the signed record.")
@click.option("--key", "key_path", type=PATH, default=None,
              help="Expert's Ed25519 key (default: [seal] key of case.toml).")
def destroy_record(archive: Path, case_dir: Path, out_dir: Path, key_path: Path | None) -> None:
    """Write the signed record of destruction of ARCHIVE for the electoral commission.

    \b
    Only once the appeal period of [retention] has ended with no action declared.
    Exit 0: written (and journaled). 1: the archive does not verify. 2: refused — the period
    has not ended (the date it ends is named), an action was brought or is not declared,
    no [retention], --out exists.
    """
    from .retention.record import write_destruction_record

    written = write_destruction_record(archive, case_dir, out_dir, key_path=key_path, lang=language(),
                                       argv=sys.argv)
    say(msg("retention.cli.written", folder=str(written.folder), ends=written.period_ended,
            root=written.merkle_root), to=out)
