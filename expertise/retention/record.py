"""The signed record of destruction of a sealed archive, for the electoral commission.

Written only once the appeal period declared in ``[retention]`` has ended and no action was
declared; the archive must still verify (the record names its Merkle root and key, so that the
commission destroys what was sealed). The record is a text in the case's language signed the way
the seal is (SSHSIG over Ed25519: ``ssh-keygen -Y verify`` checks it with stock tools), and the
operation is journaled in the case.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from .. import journal
from ..case import load_case
from ..errors import ExpertiseError, UsageError
from ..i18n import msg, render

NAMESPACE = "expertise-destruction"
RECORD = "destruction-record.txt"
FACTS = "destruction-record.json"


class DestructionRefused(ExpertiseError):
    """The archive does not verify: the record would name something other than what was sealed (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class WrittenRecord:
    folder: Path
    period_ended: date
    merkle_root: str
    key_fingerprint: str


def write_destruction_record(archive: Path, case_dir: Path, out: Path, *, key_path: Path | None = None,
                             today: date | None = None, lang: str | None = None,
                             argv: Sequence[str] | None = None) -> WrittenRecord:
    from ..archive import SUMMARY, expert_key_path, verify_archive
    from ..seal.keys import PRINCIPAL, PublicKey, load_private
    from ..seal.sshsig import sign_file

    case = load_case(Path(case_dir))
    retention = case.data.retention
    if retention is None:
        raise UsageError(msg("retention.error.not_declared"), path=str(case.file), field="retention")
    ends = retention.period_ends()
    today = today or datetime.now(timezone.utc).date()
    if today <= ends:
        raise UsageError(msg("retention.error.period_not_ended", ends=ends, source=retention.legal_source),
                         path=str(case.file), field="retention")
    if retention.litigation is None:
        raise UsageError(msg("retention.error.litigation_undeclared"), path=str(case.file), field="retention.litigation")
    if retention.litigation:
        raise UsageError(msg("retention.error.litigation"), path=str(case.file), field="retention.litigation")
    if Path(out).exists():
        raise UsageError(msg("retention.error.out_exists"), path=str(out), field="--out")
    key = load_private(expert_key_path(case, key_path))
    check = verify_archive(Path(archive), show_progress=False)
    if not check.ok:
        raise DestructionRefused(msg("retention.error.archive_not_intact"), path=str(archive))
    summary = json.loads((Path(archive) / SUMMARY).read_text(encoding="utf-8"))
    if summary.get("election") != case.data.election.name:
        raise UsageError(msg("retention.error.other_election", archived=str(summary.get("election")),
                             case=case.data.election.name), path=str(archive))
    public = PublicKey(key.public_key(), PRINCIPAL)
    lang = lang or case.data.language
    facts: dict[str, Any] = {
        "format": "expertise-destruction-record/1", "election": case.data.election.name,
        "organiser": case.data.election.organiser, "archive": str(Path(archive).resolve()),
        "archive_created": summary.get("created"), "merkle_root": check.merkle_root,
        "archive_key": check.key_fingerprint, "results_proclaimed": retention.results_proclaimed.isoformat(),
        "period_days": retention.period_days, "period_months": retention.period_months,
        "legal_source": retention.legal_source, "period_ended": ends.isoformat(), "litigation": False,
        "recorded_on": today.isoformat(), "expert": case.data.expert.name, "signer_key": public.fingerprint,
    }
    period = (msg("retention.record.days", count=retention.period_days) if retention.period_days is not None
              else msg("retention.record.months", count=retention.period_months or 0))
    lines = [
        msg("retention.record.title"),
        msg("retention.record.election", election=case.data.election.name, organiser=case.data.election.organiser),
        msg("retention.record.archive", folder=facts["archive"], created=str(summary.get("created")),
            root=check.merkle_root, key=check.key_fingerprint),
        msg("retention.record.verified"),
        msg("retention.record.period", proclaimed=retention.results_proclaimed, period=period,
            source=retention.legal_source, ends=ends),
        msg("retention.record.no_litigation"),
        msg("retention.record.destroy"),
        msg("retention.record.signed", expert=case.data.expert.name, on=today, key=public.fingerprint),
        msg("retention.record.how_to_verify", command=verify_command()),
    ]
    text = "\n\n".join(render(line, lang) for line in lines) + "\n"
    out = Path(out)
    out.mkdir(parents=True)
    (out / RECORD).write_text(text, encoding="utf-8")
    (out / FACTS).write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / (RECORD + ".sig")).write_text(sign_file(key, out / RECORD, NAMESPACE), encoding="ascii")
    (out / (FACTS + ".sig")).write_text(sign_file(key, out / FACTS, NAMESPACE), encoding="ascii")
    (out / "allowed_signers").write_text(public.allowed_signers_line(NAMESPACE), encoding="ascii")
    with journal.operation(case.root, "archive-destroy-record", argv if argv is not None else sys.argv) as op:
        for name in (RECORD, FACTS, RECORD + ".sig", FACTS + ".sig", "allowed_signers"):
            op.store_file(f"destruction/{name}", out / name, label=name)
        op.notes["archive"] = facts["archive"]
        op.notes["merkle_root"] = check.merkle_root
    return WrittenRecord(out, ends, check.merkle_root, check.key_fingerprint)


def verify_command(name: str = RECORD) -> str:
    """The stock command that checks a record (printed in the record and in docs/cli.md)."""
    return (f"ssh-keygen -Y verify -f allowed_signers -I expert -n {NAMESPACE} -s {name}.sig < {name}")
