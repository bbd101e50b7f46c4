"""`expertise seal`: keygen, create, verify, reuse."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..clihelp import HelpGroup
from ..console import emit_json, err, language, out, text
from ..errors import ExpertiseError, UsageError
from ..i18n import Message, msg
from .model import UNSEALED_KINDS, shown
from .names import CONDITION_STATUSES, CONDITIONS, DIFFERENCE_KINDS, count_by_kind, named

PATH = click.Path(path_type=Path)
JOBS = click.option(
    "--jobs", type=click.IntRange(min=1), default=None, metavar="N"
)


CASE = click.option("--case", "case_dir", type=click.Path(file_okay=False, path_type=Path), default=None)


def _say(message: Message) -> None:
    """A line of the command's answer (stdout), in the console's language; names are data."""
    out.print(text(message), markup=False, emoji=False, highlight=False, soft_wrap=True)


def _warn(message: Message) -> None:
    err.print(text(message), markup=False, emoji=False, highlight=False, soft_wrap=True)


def _ssh_options(known_hosts: Path | None, fingerprint: str | None, identity: Path | None):  # type: ignore[no-untyped-def]
    from .sources import SshOptions

    if fingerprint and not fingerprint.startswith("SHA256:"):
        raise UsageError(msg("seal.cli.fingerprint_form"), field="--host-key-fingerprint")
    return SshOptions(
        known_hosts=str(known_hosts or ""),
        host_key_fingerprint=fingerprint or "",
        identity=str(identity or ""),
    )


def ssh_options_decorator(func):  # type: ignore[no-untyped-def]
    func = click.option(
        "--identity",
        type=PATH,
        default=None,
    )(func)
    func = click.option(
        "--host-key-fingerprint",
        default=None,
        metavar="SHA256:…",
    )(func)
    func = click.option(
        "--known-hosts",
        type=PATH,
        default=None,
    )(func)
    return func


@click.group(name="seal", cls=HelpGroup)
def command() -> None:
    pass


@command.command()
@click.option(
    "--out", "out_path", type=PATH, required=True
)
@click.option("--comment", default="expert@expertise", show_default=True)
@click.option(
    "--ask-passphrase",
    is_flag=True,
)
@click.option("--json", "as_json", is_flag=True)
def keygen(out_path: Path, comment: str, ask_passphrase: bool, as_json: bool) -> None:
    from .keys import PASSPHRASE_ENV, generate

    passphrase = os.environ.get(PASSPHRASE_ENV) or None
    if ask_passphrase and not passphrase:
        passphrase = click.prompt("passphrase", hide_input=True, confirmation_prompt=True, err=True)
    public = generate(out_path, comment, passphrase)
    if as_json:
        emit_json(
            {
                "private_key": str(out_path),
                "public_key": f"{out_path}.pub",
                "fingerprint": public.fingerprint,
                "encrypted": bool(passphrase),
            }
        )
        return
    _say(msg("seal.cli.keygen_private", path=str(out_path)))
    _say(msg("seal.cli.keygen_public", path=f"{out_path}.pub", fingerprint=public.fingerprint))
    _warn(msg("seal.cli.keygen_publish"))


def _case(case_dir: Path | None):  # type: ignore[no-untyped-def]
    if case_dir is None:
        return None
    from ..case import load_case

    return load_case(case_dir)


def _print_problems(problems: list, limit: int = 50) -> None:  # type: ignore[type-arg]
    for index, (source, problem) in enumerate(problems):
        if index == limit:
            _warn(msg("seal.cli.problems_more", count=len(problems) - limit))
            break
        where = {"source": source, "path": shown(problem.path), "kind": problem.kind, "reason": problem.message}
        _warn(msg("seal.cli.not_sealed", **where) if problem.kind in UNSEALED_KINDS else msg("seal.cli.caveat", **where))


@command.command()
@click.option(
    "--key",
    "key_path",
    type=PATH,
    default=None,
)
@click.option(
    "--out",
    "out_path",
    type=PATH,
    default=None,
)
@click.option("--name", default=None)
@click.option(
    "--tsa", default=None, metavar="URL"
)
@click.option(
    "--tsa-ca-file",
    type=PATH,
    default=None,
)
@click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="GLOB",
)
@ssh_options_decorator
@JOBS
@CASE
@click.option("--json", "as_json", is_flag=True)
@click.argument("sources", nargs=-1, required=True)
def create(
    key_path: Path | None,
    out_path: Path | None,
    name: str | None,
    tsa: str | None,
    tsa_ca_file: Path | None,
    excludes: tuple[str, ...],
    known_hosts: Path | None,
    host_key_fingerprint: str | None,
    identity: Path | None,
    jobs: int | None,
    case_dir: Path | None,
    as_json: bool,
    sources: tuple[str, ...],
) -> None:
    from .create import create_seal
    from .keys import load_private
    from .sources import parse_source

    case = _case(case_dir)
    if case is not None:
        from .casework import case_settings

        settings = case_settings(case, key_path=key_path, tsa_url=tsa, tsa_ca_file=tsa_ca_file)
        key_path, tsa, tsa_ca_file = settings.key_path, settings.tsa_url, settings.tsa_ca_file
    if key_path is None:
        raise UsageError(msg("seal.cli.no_key"), field="--key")
    if out_path is None and case is None:
        raise UsageError(msg("seal.cli.no_out"), field="--out")
    ssh = _ssh_options(known_hosts, host_key_fingerprint, identity)
    specs = [parse_source(text, excludes=excludes, ssh=ssh) for text in sources]
    show = not as_json
    if case is not None:
        from .casework import create_in_case

        outcome = create_in_case(
            case,
            specs,
            key_path,
            sys.argv,
            name=name,
            out=out_path,
            tsa_url=tsa,
            tsa_ca_file=tsa_ca_file,
            jobs=jobs,
            show_progress=show,
        )
        created = outcome.created
        assert created is not None
        evidence = outcome.result_set.summary["seal_path"]
    else:
        assert out_path is not None
        created = create_seal(
            specs,
            load_private(key_path),
            out_path,
            name=name,
            tsa_url=tsa,
            tsa_ca_file=tsa_ca_file,
            jobs=jobs,
            show_progress=show,
        )
        evidence = None
    header = created.header
    if as_json:
        emit_json(
            {
                "folder": str(created.folder),
                "evidence": evidence,
                "complete": created.complete,
                "name": header["name"],
                "merkle_root": header["merkle"]["root"],
                "key_fingerprint": created.integrity.fingerprint,
                "counts": header["counts"],
                "timestamp": header.get("timestamp"),
                "sources": header["sources"],
                "problems": header["problems"],
            }
        )
    else:
        counts = header["counts"]
        _say(msg("seal.cli.sealed", files=msg("seal.count.files", count=counts["files"]),
                 bytes=msg("seal.count.bytes", count=counts["bytes"]),
                 folders=msg("seal.cli.count_folders", count=counts["directories"]),
                 links=msg("seal.cli.count_links", count=counts["symlinks"]),
                 special=msg("seal.cli.count_special", count=counts["special"]), folder=str(created.folder)))
        if evidence:
            _say(msg("seal.cli.kept", path=str(case.root / evidence if case else evidence)))
        _say(msg("seal.cli.merkle_root", root=header["merkle"]["root"]))
        _say(msg("seal.cli.expert_key", fingerprint=created.integrity.fingerprint))
        if header.get("timestamp"):
            stamp = header["timestamp"]
            _say(msg("seal.cli.timestamp_verified", time=stamp["gen_time"]) if stamp["chain_verified"]
                 else msg("seal.cli.timestamp_unchecked", time=stamp["gen_time"]))
        for source in header["sources"]:
            tree = source.get("working_tree") or {}
            if source["kind"] == "git" and not tree.get("bare") and not tree.get("clean", True):
                _warn(msg("seal.cli.dirty", name=source["name"],
                          uncommitted=msg("seal.cli.count_uncommitted", count=tree.get("uncommitted_count", 0)),
                          untracked=msg("seal.cli.count_untracked", count=tree.get("untracked_count", 0)),
                          commit=source["commit"]))
            if source["kind"] == "git" and tree.get("ignored_count"):
                _warn(msg("seal.cli.ignored", name=source["name"], count=tree["ignored_count"],
                          names=", ".join(tree.get("ignored", [])[:5])))
        _print_problems(created.problems)
        if not created.complete:
            _warn(msg("seal.cli.incomplete"))
    sys.exit(0 if created.complete else 1)


def _broken_json(seal: Path, exc: ExpertiseError) -> None:
    """With --json, a broken seal is still an answer on stdout (the message also goes to stderr)."""
    from .errors import located

    emit_json({"seal": str(seal), "identical": False, "broken": exc.render(language()),
               "broken_code": located(exc).to_dict()})


def _print_report(report, limit: int) -> None:  # type: ignore[no-untyped-def]
    integrity = report.integrity
    for note in integrity.notes:
        _warn(msg("seal.cli.note", note=note))
    if integrity.timestamp is not None:
        stamp = integrity.timestamp
        _say(msg("seal.cli.verify_timestamp_verified", time=stamp.gen_time) if stamp.chain_verified
             else msg("seal.cli.verify_timestamp_unchecked", time=stamp.gen_time))
    for comparison in report.comparisons:
        _say(msg("seal.cli.compared", source=comparison.source, origin=report.origins.get(comparison.source, ""),
                 files=msg("seal.cli.count_matched", count=comparison.verified_files),
                 differences=msg("seal.cli.count_differences", count=len(comparison.differences))))
    differences = report.differences
    for index, difference in enumerate(differences):
        if index == limit:
            _say(msg("seal.cli.differences_more", count=len(differences) - limit))
            break
        kinds = f"{', '.join(text(named(DIFFERENCE_KINDS, k)) for k in difference.kinds):<24}"
        where = f"{difference.source}: {shown(difference.path)}"
        _say(msg("seal.cli.difference", kinds=kinds, path=where, detail=difference.detail) if difference.detail
             else msg("seal.cli.difference_plain", kinds=kinds, path=where))
    if report.identical:
        _say(msg("seal.cli.identical", name=integrity.name, fingerprint=integrity.fingerprint))
    else:
        counts = {k: v for k, v in report.counts().items() if v}
        _say(msg("seal.cli.different", counts=count_by_kind(counts)))


@command.command()
@click.argument("seal", type=PATH)
@click.argument("sources", nargs=-1)
@click.option(
    "--expect-key",
    default=None,
    metavar="KEY|SHA256:…",
)
@click.option(
    "--tsa-ca-file",
    type=PATH,
    default=None,
)
@ssh_options_decorator
@JOBS
@CASE
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True)
def verify(
    seal: Path,
    sources: tuple[str, ...],
    expect_key: str | None,
    tsa_ca_file: Path | None,
    known_hosts: Path | None,
    host_key_fingerprint: str | None,
    identity: Path | None,
    jobs: int | None,
    case_dir: Path | None,
    limit: int,
    as_json: bool,
) -> None:
    from .errors import SealBroken
    from .keys import expected_fingerprint
    from .verify import verify_seal

    case = _case(case_dir)
    expected = expected_fingerprint(expect_key) if expect_key else None
    if case is not None:
        from .casework import case_settings

        settings = case_settings(case, expect=expected, tsa_ca_file=tsa_ca_file)
        expected, tsa_ca_file = settings.expected, settings.tsa_ca_file
    ssh = _ssh_options(known_hosts, host_key_fingerprint, identity)
    if case is not None:
        from .casework import verify_in_case

        outcome = verify_in_case(
            case,
            seal,
            sources,
            sys.argv,
            expect_fingerprint=expected,
            tsa_ca_file=tsa_ca_file,
            ssh=ssh,
            jobs=jobs,
            show_progress=not as_json,
        )
        if outcome.broken is not None:
            if as_json:
                _broken_json(seal, outcome.broken)
            raise outcome.broken
        if outcome.source_error is not None:
            raise outcome.source_error
        report = outcome.report
    else:
        try:
            report = verify_seal(
                seal,
                sources,
                expect_fingerprint=expected,
                tsa_ca_file=tsa_ca_file,
                ssh=ssh,
                jobs=jobs,
                show_progress=not as_json,
            )
        except SealBroken as exc:
            if as_json:
                _broken_json(seal, exc)
            raise
    assert report is not None
    if as_json:
        emit_json(report.to_json(lang=language()))
    else:
        _print_report(report, limit if limit else len(report.differences) + 1)
    sys.exit(0 if report.identical else 1)


@command.command()
@click.option("--previous", type=PATH, required=True)
@click.option("--current", type=PATH, required=True)
@click.option("--previous-date", required=True, metavar="YYYY-MM-DD")
@click.option(
    "--level",
    type=click.IntRange(1, 3),
    default=None,
)
@click.option(
    "--date",
    "reference",
    default=None,
    metavar="YYYY-MM-DD",
)
@click.option(
    "--osv",
    type=PATH,
    default=None,
)
@click.option(
    "--package",
    "packages",
    multiple=True,
)
@click.option(
    "--trusted-key",
    "trusted",
    multiple=True,
    metavar="KEY|SHA256:…",
)
@click.option("--tsa-ca-file", type=PATH, default=None)
@CASE
@click.option("--json", "as_json", is_flag=True)
def reuse(
    previous: Path,
    current: Path,
    previous_date: str,
    level: int | None,
    reference: str | None,
    osv: Path | None,
    packages: tuple[str, ...],
    trusted: tuple[str, ...],
    tsa_ca_file: Path | None,
    case_dir: Path | None,
    as_json: bool,
) -> None:
    from .keys import expected_fingerprint
    from ..catalogue import FRAMEWORK_ID
    from .reuse import ELIGIBLE, assess_reuse, parse_date

    case = _case(case_dir)
    if level is None:
        if case is None:
            raise UsageError(msg("seal.cli.no_level"), field="--level")
        level = case.level
    assessment = assess_reuse(
        previous,
        current,
        parse_date(previous_date, "--previous-date"),
        level,
        reference_date=parse_date(reference, "--date") if reference else None,
        osv_file=osv,
        packages=packages,
        trusted_keys=[expected_fingerprint(t) for t in trusted],
        tsa_ca_file=tsa_ca_file,
        framework_id=case.data.framework if case is not None else FRAMEWORK_ID,
    )
    if case is not None:
        from .casework import reuse_in_case

        reuse_in_case(case, assessment, sys.argv)
    if as_json:
        emit_json(assessment.to_json(language()))
    else:
        verdicts = {"eligible": msg("seal.cli.eligible"), "not_eligible": msg("seal.cli.not_eligible"),
                    "manual": msg("seal.cli.pending")}
        _say(msg("seal.cli.reuse_verdict", verdict=named(verdicts, assessment.verdict), level=level,
                 months=assessment.window_months))
        for condition in assessment.conditions:
            _say(msg("seal.cli.reuse_condition", status=named(CONDITION_STATUSES, condition.status),
                     condition=named(CONDITIONS, condition.id), reason=condition.reason))
    sys.exit(0 if assessment.verdict == ELIGIBLE else 1)
