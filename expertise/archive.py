"""The sealed archive of a case, kept until every appeal is exhausted.

The recommendation asks that every supporting file be kept "sous scellés jusqu'à
l'épuisement des voies et délais de recours contentieux", then destroyed. The expert's
part of that is the case itself — evidence, journal, report — so the archive is a copy
of the case (and of reports written outside it) sealed with the same seal as the
components: SHA256SUMS, SSHSIG and raw Ed25519 signatures, an optional RFC 3161 token,
and VERIFY.md with the stock commands. Whoever keeps it can re-check it years later with
``sha256sum``, ``ssh-keygen`` and ``openssl`` alone.

Two things are never archived, and each is named: private keys (a key that signs seals
must not travel with what it signed) and the folders of an operation still being written
(``evidence/.pending-*``, refused outright: the case is then not in a stable state). A
journal that does not verify is refused too: sealing it would certify a tampered record.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from . import journal
from .case import load_case
from .errors import ExpertiseError, UsageError
from .i18n import Message, msg, render
from .journal import EVIDENCE_DIR

CASE_PART = "case"
REPORT_PART = "report"
SEAL_PART = "seal"
README = "README.md"
SUMMARY = "archive.json"
PRIVATE_KEY_MARKERS = (b"-----BEGIN OPENSSH PRIVATE KEY-----", b"PRIVATE KEY-----")
RETENTION_CLAUSE = (
    "Tous les fichiers supports (copies des codes sources et exécutables des programmes et du système "
    "sous-jacent, matériels de vote, fichiers d'émargement, de résultats, sauvegardes) doivent être "
    "conservés sous scellés jusqu'à l'épuisement des voies et délais de recours contentieux."
)


class ArchiveRefused(ExpertiseError):
    """The case cannot be sealed as it stands (journal broken): exit 1, nothing written."""

    exit_code = 1


@dataclass
class CreatedArchive:
    folder: Path
    merkle_root: str
    key_fingerprint: str
    files: int
    journal_entries: int
    journal_head: str
    left_out: list[Message] = field(default_factory=list)
    timestamped: bool = False

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "merkle_root": self.merkle_root,
            "key_fingerprint": self.key_fingerprint,
            "files": self.files,
            "journal_entries": self.journal_entries,
            "journal_head": self.journal_head,
            "left_out": [_left_out_json(item, lang) for item in self.left_out],
            "timestamped": self.timestamped,
        }


def _is_private_key(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(marker in head for marker in PRIVATE_KEY_MARKERS) and b"PUBLIC KEY" not in head.split(b"\n")[0]


def _left_out_json(item: Message, lang: str) -> dict[str, Any]:
    return {**item.to_dict(), "message": render(item, lang)}


def _copy_case(case_root: Path, target: Path) -> list[Message]:
    """Copy the case as it is, links as links; return what was left out, and why."""
    left_out: list[Message] = []

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped: set[str] = set()
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or path.is_dir():
                continue
            elif not path.is_file():
                # a FIFO or a device: reading it could block forever and it holds no record
                left_out.append(msg("archive.left_out.special_file", path=path.relative_to(case_root).as_posix()))
                skipped.add(name)
            elif _is_private_key(path):
                left_out.append(msg("archive.left_out.private_key", path=path.relative_to(case_root).as_posix()))
                skipped.add(name)
        return skipped

    try:
        shutil.copytree(case_root, target, symlinks=True, ignore=ignore)
    except shutil.Error as exc:
        unread = "; ".join(f"{source}: {why}" for source, _, why in exc.args[0][:10])
        raise UsageError(msg("archive.error.copy_failed", files=unread), path=str(case_root)) from None
    except OSError as exc:
        raise UsageError(msg("archive.error.copy_error", error=exc.strerror or str(exc)),
                         path=str(exc.filename or case_root)) from None
    return sorted(left_out, key=lambda item: str(item.args["path"]))


def _copy_reports(reports: Sequence[Path], target: Path) -> None:
    target.mkdir()
    for report in reports:
        destination = target / report.name
        if destination.exists():
            raise UsageError(msg("archive.error.same_name"), path=str(report), field="--report")
        if report.is_dir():
            shutil.copytree(report, destination, symlinks=True)
        else:
            shutil.copy2(report, destination)


def stock_commands(multi: bool) -> list[str]:
    """The checks anyone can run in the archive folder with Debian's coreutils and OpenSSH."""
    sums = ("sha256sum --strict --quiet -c seal/SHA256SUMS" if multi
            else f"(cd {CASE_PART} && sha256sum --strict --quiet -c ../seal/SHA256SUMS)")
    return [
        "ssh-keygen -lf seal/expert.pub",
        "ssh-keygen -Y verify -f seal/allowed_signers -I \"$(cut -d' ' -f1 seal/allowed_signers)\" "
        "-n expertise-seal -s seal/SHA256SUMS.sig < seal/SHA256SUMS",
        sums,
    ]


def _readme(summary: dict[str, Any]) -> str:
    until = summary.get("retain_until") or ""
    commands = ["```sh", *stock_commands(bool(summary["reports"])), "```"]
    left_out = [item["args"]["path"] for item in summary["left_out"]]
    keep_fr = (f"Conservation prévue jusqu'au {until} (date déclarée par l'expert)." if until else
               "Conservation jusqu'à l'épuisement des voies et délais de recours contentieux ; "
               "aucune date n'a été déclarée (option --retain-until).")
    keep_en = (f"Kept until {until} (date declared by the expert)." if until else
               "Kept until every appeal and appeal period is exhausted; no date was declared "
               "(option --retain-until).")
    lines = [
        f"# Archive scellée — {summary['election']}",
        "",
        "*(English below.)*",
        "",
        "Archive de l'expertise indépendante au titre de la délibération n° 2019-053 de la CNIL :",
        f"le dossier de l'expertise (`{CASE_PART}/` : case.toml, pièces, journal des opérations)"
        + (f" et les rapports (`{REPORT_PART}/`)" if summary["reports"] else "")
        + f", scellés dans `{SEAL_PART}/`.",
        "",
        f"> {RETENTION_CLAUSE}",
        "> — CNIL, délibération n° 2019-053 du 25 avril 2019",
        "",
        keep_fr,
        "",
        f"- Créée le : {summary['created']} par {summary['operator']} ({summary['tool']})",
        f"- Racine de Merkle : `{summary['merkle_root']}`",
        f"- Clé de l'expert : `{summary['key_fingerprint']}`",
        f"- Journal scellé : {summary['journal_entries']} entrées, tête `{summary['journal_head']}`",
        f"- Horodatage RFC 3161 : {'oui' if summary['timestamped'] else 'non'}",
    ]
    if left_out:
        lines.append("- Non archivé (clé privée ou fichier spécial) : " + ", ".join(f"`{p}`" for p in left_out))
    lines += [
        "",
        "Vérification : `expertise archive verify DOSSIER`, ou sans notre outil, dans ce dossier "
        "(l'empreinte de la clé affichée par la première commande doit être celle que publie le rapport ; "
        "la deuxième doit répondre « Good \"expertise-seal\" signature », la troisième ne rien afficher "
        f"et sortir avec le code 0 ; détail et horodatage : `{SEAL_PART}/VERIFY.md`) :",
        "",
        *commands,
        "",
        f"Ce fichier README n'est pas scellé ; `{SUMMARY}` non plus : ce qui fait foi est `{SEAL_PART}/`.",
        "",
        "---",
        "",
        f"# Sealed archive — {summary['election']}",
        "",
        "Archive of the independent expertise under CNIL deliberation 2019-053: the case folder "
        f"(`{CASE_PART}/`: case.toml, evidence, journal of operations)"
        + (f" and the reports (`{REPORT_PART}/`)" if summary["reports"] else "")
        + f", sealed in `{SEAL_PART}/`. The recommendation requires every supporting file to be kept "
        "under seal until every appeal and appeal period is exhausted, then destroyed.",
        "",
        keep_en,
        "",
        f"Merkle root `{summary['merkle_root']}`, expert key `{summary['key_fingerprint']}`, "
        f"journal of {summary['journal_entries']} entries ending at `{summary['journal_head']}`.",
    ]
    if left_out:
        lines.append("Not archived (private key or special file): " + ", ".join(f"`{p}`" for p in left_out))
    lines += [
        "",
        "To verify: `expertise archive verify FOLDER`, or without our tool, in this folder, the commands "
        "above (the key fingerprint the first prints must be the one the report publishes; the second must "
        "answer `Good \"expertise-seal\" signature`; the third must print nothing and exit 0; details and "
        f"the time-stamp: `{SEAL_PART}/VERIFY.md`). This README and `{SUMMARY}` are not sealed; "
        f"`{SEAL_PART}/` is what counts.",
        "",
    ]
    return "\n".join(lines)


def expert_key_path(case: Any, key_path: Path | None) -> Path:
    """The expert's signing key: ``--key``, else the ``[seal] key`` of ``case.toml`` (one place for
    the archive and the record of destruction, which are signed with the same key)."""
    seal_config = case.data.seal
    if key_path is None:
        if seal_config is None or not seal_config.key:
            raise UsageError(msg("archive.error.no_key"), field="--key")
        key_path = case.resolve(seal_config.key)
        if not key_path.is_file():
            raise UsageError(msg("archive.error.key_not_in_case", key=seal_config.key, path=str(key_path)),
                             path=str(case.file), field="seal.key")
    elif not Path(key_path).is_file():
        raise UsageError(msg("archive.error.no_key_file"), path=str(key_path), field="--key")
    return Path(key_path)


def create_archive(
    case_dir: Path,
    out: Path,
    *,
    key_path: Path | None = None,
    tsa_url: str | None = None,
    tsa_ca_file: Path | None = None,
    reports: Sequence[Path] = (),
    retain_until: date | None = None,
    argv: Sequence[str] | None = None,
    show_progress: bool = True,
    accept_changed: bool = False,
) -> CreatedArchive:
    from .seal.create import create_seal
    from .seal.keys import load_private
    from .seal.sources import parse_source

    case = load_case(Path(case_dir))
    journal.require_writable(case.root)  # the archive is journaled: a read-only case is refused before any work
    out = Path(out)
    seal_config = case.data.seal
    key_path = expert_key_path(case, key_path)
    if tsa_url is None and seal_config is not None and seal_config.tsa:
        tsa_url = seal_config.tsa
        if tsa_ca_file is None and seal_config.tsa_ca_file:
            tsa_ca_file = case.resolve(seal_config.tsa_ca_file)
    for report in reports:
        if not report.exists():
            raise UsageError(msg("archive.error.no_such_path"), path=str(report), field="--report")
    if out.exists():
        raise UsageError(msg("archive.error.exists"), path=str(out))
    if out.resolve().is_relative_to(case.root.resolve()):
        raise UsageError(msg("archive.error.inside_case"), path=str(out))
    pending = sorted(p.name for p in (case.root / EVIDENCE_DIR).glob(".pending-*"))
    if pending:
        raise ArchiveRefused(msg("archive.error.pending", names=", ".join(pending)), path=str(case.root / EVIDENCE_DIR))
    state = journal.verify(case.root)
    if not state.intact:
        raise ArchiveRefused(msg("archive.error.journal_broken", problem=state.problems[0].describe()),
                             path=str(case.root / journal.JOURNAL_NAME))
    # an input edited since its results were collected is never sealed as if it were what was examined
    journal.require_unchanged_inputs(case.root, accept=accept_changed, argv=argv, results_only=False)
    state = journal.verify(case.root)  # with the acceptance, when there was one to journal
    key = load_private(key_path)

    out.mkdir(parents=True)
    try:
        left_out = _copy_case(case.root, out / CASE_PART)
        specs = [parse_source(str(out / CASE_PART), name=CASE_PART)]
        if reports:
            _copy_reports(reports, out / REPORT_PART)
            specs.append(parse_source(str(out / REPORT_PART), name=REPORT_PART))
        created = create_seal(specs, key, out / SEAL_PART, name=f"archive-{case.root.name}", tsa_url=tsa_url,
                              tsa_ca_file=tsa_ca_file, show_progress=show_progress)
        unsealed = [f"{source}: {p.message}" for source, p in created.problems if p.unsealed]
        if unsealed:
            raise ArchiveRefused(msg("archive.error.unsealed", problems="; ".join(unsealed[:10])), path=str(out))
        header = created.header
        summary: dict[str, Any] = {
            "format": "expertise-archive/1",
            "election": case.data.election.name,
            "created": header["created"],
            "operator": journal.default_operator(case.root),
            "tool": header["tool"],
            "merkle_root": header["merkle"]["root"],
            "key_fingerprint": header["expert"]["fingerprint"],
            "files": header["counts"]["files"],
            "journal_entries": state.entries,
            "journal_head": state.head,
            "changed_inputs": [change.to_dict("en") for change in state.stale_inputs],
            "reports": [r.name for r in reports],
            "left_out": [_left_out_json(item, "en") for item in left_out],
            "retain_until": retain_until.isoformat() if retain_until else None,
            "timestamped": bool(tsa_url),
        }
        import json

        (out / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / README).write_text(_readme(summary), encoding="utf-8")
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    result = CreatedArchive(out, summary["merkle_root"], summary["key_fingerprint"], summary["files"],
                            state.entries, state.head, left_out, bool(tsa_url))
    with journal.operation(case.root, "archive", argv if argv is not None else sys.argv) as op:
        op.store_json(SUMMARY, {**summary, "folder": str(out.resolve())}, label="archive")
        op.notes["archive"] = str(out.resolve())
        op.notes["merkle_root"] = summary["merkle_root"]
    return result


@dataclass
class ArchiveCheck:
    folder: Path
    seal_identical: bool
    differences: list[dict[str, Any]]
    journal_intact: bool
    journal_problems: list[journal.JournalProblem]
    key_fingerprint: str
    merkle_root: str
    changed_inputs: list[journal.InputChange]

    @property
    def inputs_unchanged(self) -> bool:
        """No archived input differs from what its operation read, unless the expert accepted it."""
        return all(change.accepted_by is not None for change in self.changed_inputs)

    @property
    def ok(self) -> bool:
        return self.seal_identical and self.journal_intact and self.inputs_unchanged

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "ok": self.ok,
            "seal_identical": self.seal_identical,
            "differences": self.differences,
            "journal_intact": self.journal_intact,
            "journal_problems": [p.to_dict(lang) for p in self.journal_problems],
            "inputs_unchanged": self.inputs_unchanged,
            "changed_inputs": [change.to_dict(lang) for change in self.changed_inputs],
            "key_fingerprint": self.key_fingerprint,
            "merkle_root": self.merkle_root,
        }


def verify_archive(folder: Path, *, expect_fingerprint: str | None = None, tsa_ca_file: Path | None = None,
                   show_progress: bool = True) -> ArchiveCheck:
    """The seal against the archived files, then the archived journal's own chain."""
    from .seal.bundle import check_integrity
    from .seal.verify import verify_seal

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(msg("archive.error.no_folder"), path=str(folder))
    if not (folder / SEAL_PART).is_dir() or not (folder / CASE_PART).is_dir():
        raise UsageError(msg("archive.error.not_an_archive", seal=SEAL_PART, case=CASE_PART), path=str(folder))
    integrity = check_integrity(folder / SEAL_PART, expect_fingerprint=expect_fingerprint, tsa_ca_file=tsa_ca_file)
    names = [source["name"] for source in integrity.header["sources"]]
    unexpected = [n for n in names if n not in (CASE_PART, REPORT_PART)]
    if unexpected:
        raise UsageError(msg("archive.error.foreign_sources", names=", ".join(unexpected)),
                         path=str(folder / SEAL_PART))
    overrides = [f"{name}={folder / name}" for name in names]
    report = verify_seal(folder / SEAL_PART, overrides, integrity=integrity, show_progress=show_progress)
    state = journal.verify(folder / CASE_PART)
    return ArchiveCheck(
        folder=folder,
        seal_identical=report.identical,
        differences=[d.to_json() for d in report.differences],
        journal_intact=state.intact,
        journal_problems=list(state.problems),
        key_fingerprint=integrity.fingerprint,
        merkle_root=integrity.header["merkle"]["root"],
        changed_inputs=state.stale_inputs,
    )
