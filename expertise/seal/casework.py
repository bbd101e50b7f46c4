"""Seals inside a case: each operation journaled, the seal kept as evidence, results made.

A seal named N is the journal source ``seal:N``: its creation and every later
verification are operations on that source, and the newest one is what the report
shows. Every result set carries the path of the seal folder inside the case, so the
report (and the next verification) always finds the seal the results speak of.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .. import catalogue as catalogue_mod
from .. import journal
from ..domain import evaluate
from .rules import RULES
from ..case import Case
from ..journal import ResultSet
from ..results import Result
from .bundle import TSA_CA, Integrity, check_integrity
from .create import CreatedSeal, create_seal
from .errors import SealBroken, SourceError, existing_file, existing_key, located
from .keys import load_private
from .observation import CREATE, REUSE, VERIFY, SealObservation
from .reuse import ReuseAssessment
from .sources import SourceSpec, SshOptions
from .verify import VerifyReport, verify_seal
from .verifydoc import steps

PRODUCER = "seal"
DIFFERENCES_IN_SUMMARY = 50


def source_key(name: str) -> str:
    return f"seal:{name}"


@dataclass
class CaseOutcome:
    result_set: ResultSet
    created: CreatedSeal | None = None
    report: VerifyReport | None = None
    broken: SealBroken | None = None
    source_error: SourceError | None = None


def _vote(case: Case) -> tuple[Any, Any]:
    return case.data.election.opens, case.data.election.closes


def summary(
    integrity: Integrity,
    seal_path: str,
    operation: str,
    case: Case,
    report: VerifyReport | None = None,
    report_path: str | None = None,
) -> dict[str, Any]:
    header = integrity.header
    sources = []
    for source in header["sources"]:
        counts = source.get("counts", {})
        item = {
            "name": source["name"],
            "kind": source["kind"],
            "origin": source.get("origin", ""),
            "files": counts.get("files", 0),
            "bytes": counts.get("bytes", 0),
        }
        for key in ("commit", "tree", "host", "host_key_fingerprint"):
            if source.get(key):
                item[key] = source[key]
        sources.append(item)
    data: dict[str, Any] = {
        "operation": operation,
        "name": header["name"],
        "seal_path": seal_path,
        "created": header["created"],
        "key_fingerprint": integrity.fingerprint,
        "spki_sha256": header["expert"]["spki_sha256"],
        "merkle_root": header["merkle"]["root"],
        "sha256sums_sha256": header["sha256sums"]["sha256"],
        "timestamp": integrity.timestamp.to_json() if integrity.timestamp else None,
        "sources": sources,
        "counts": header.get("counts", {}),
        "problems": dict(Counter(p["kind"] for p in header.get("problems", []))),
        "commands": [
            s.to_json()
            for s in steps(
                header,
                has_timestamp=integrity.timestamp is not None,
                has_tsa_ca=(case.root / seal_path / TSA_CA).is_file(),
            )
        ],
        "vote": {
            "opens": case.data.election.opens.isoformat(),
            "closes": case.data.election.closes.isoformat(),
        },
        "verification": None,
    }
    if report is not None:
        verification = report.to_json(limit=DIFFERENCES_IN_SUMMARY)
        data["verification"] = {
            key: verification[key] for key in ("checked_at", "identical", "counts", "differences", "sources")
        }
        data["verification"]["report_path"] = report_path
        if "differences_truncated" in verification:
            data["verification"]["differences_truncated"] = verification["differences_truncated"]
    return data


def _evaluate(observation: SealObservation) -> list[Result]:
    return evaluate(RULES, observation, catalogue_mod.load())


def create_in_case(
    case: Case,
    specs: Sequence[SourceSpec],
    key_path: Path,
    argv: Sequence[str],
    *,
    name: str | None = None,
    out: Path | None = None,
    tsa_url: str | None = None,
    tsa_ca_file: Path | None = None,
    jobs: int | None = None,
    show_progress: bool = True,
) -> CaseOutcome:
    key = load_private(key_path)
    opens, closes = _vote(case)
    with journal.operation(case.root, "seal", argv) as op:
        if key_path.with_name(key_path.name + ".pub").is_file():
            op.add_input(key_path.with_name(key_path.name + ".pub"), label="expert public key")
        with tempfile.TemporaryDirectory(prefix="expertise-seal-") as scratch:
            target = out or Path(scratch) / "seal"
            created = create_seal(
                specs,
                key,
                target,
                name=name,
                tsa_url=tsa_url,
                tsa_ca_file=tsa_ca_file,
                jobs=jobs,
                show_progress=show_progress,
            )
            seal_path = op.store_tree("seal", created.folder, label="seal")
        op.notes["merkle_root"] = created.header["merkle"]["root"]
        integrity = created.integrity
        observation = SealObservation(
            name=created.header["name"],
            operation=CREATE,
            header=created.header,
            evidence=(seal_path,),
            timestamp=integrity.timestamp.to_json() if integrity.timestamp else None,
            vote_opens=opens,
            vote_closes=closes,
        )
        result_set = ResultSet(
            source_key(created.header["name"]),
            PRODUCER,
            _evaluate(observation),
            summary(integrity, seal_path, CREATE, case),
        )
        op.add_results(result_set)
    return CaseOutcome(result_set, created=created)


def _inside(case: Case, folder: Path) -> str | None:
    try:
        return Path(folder).resolve().relative_to(case.root).as_posix()
    except ValueError:
        return None


def verify_in_case(
    case: Case,
    folder: Path,
    overrides: Sequence[str],
    argv: Sequence[str],
    *,
    expect_fingerprint: str | None,
    tsa_ca_file: Path | None = None,
    ssh: SshOptions | None = None,
    jobs: int | None = None,
    show_progress: bool = True,
) -> CaseOutcome:
    """Verify and journal. A broken seal or an unreadable source is recorded as results
    (SEAL-005 failing, SEAL-009 in error), then handed back for the caller to report."""
    opens, closes = _vote(case)
    with journal.operation(case.root, "seal-verify", argv) as op:
        seal_path = _inside(case, folder)
        if seal_path is None:
            seal_path = op.store_tree("seal", Path(folder), label="copy of the seal verified")
        try:
            integrity = check_integrity(
                folder, expect_fingerprint=expect_fingerprint, tsa_ca_file=tsa_ca_file
            )
        except SealBroken as exc:
            name = Path(folder).name
            observation = SealObservation(
                name=name,
                operation=VERIFY,
                evidence=(seal_path,),
                integrity_error=located(exc),
                vote_opens=opens,
                vote_closes=closes,
            )
            result_set = ResultSet(
                source_key(name),
                PRODUCER,
                _evaluate(observation),
                {
                    "operation": VERIFY,
                    "name": name,
                    "seal_path": seal_path,
                    "broken": located(exc).to_dict(),
                },
            )
            op.add_results(result_set)
            return CaseOutcome(result_set, broken=exc)
        timestamp = integrity.timestamp.to_json() if integrity.timestamp else None
        try:
            report = verify_seal(
                folder, overrides, ssh=ssh, jobs=jobs, show_progress=show_progress, integrity=integrity
            )
        except SourceError as exc:
            observation = SealObservation(
                name=integrity.name,
                operation=VERIFY,
                header=integrity.header,
                evidence=(seal_path,),
                timestamp=timestamp,
                vote_opens=opens,
                vote_closes=closes,
                verification_error=located(exc),
            )
            data = summary(integrity, seal_path, VERIFY, case)
            data["verification_error"] = located(exc).to_dict()
            result_set = ResultSet(source_key(integrity.name), PRODUCER, _evaluate(observation), data)
            op.add_results(result_set)
            return CaseOutcome(result_set, source_error=exc)
        report_path = op.store_json("verification.json", report.to_json(), label="seal verification")
        observation = SealObservation(
            name=integrity.name,
            operation=VERIFY,
            header=integrity.header,
            evidence=(seal_path, report_path),
            timestamp=timestamp,
            vote_opens=opens,
            vote_closes=closes,
            verification=report.to_json(),
        )
        result_set = ResultSet(
            source_key(integrity.name),
            PRODUCER,
            _evaluate(observation),
            summary(integrity, seal_path, VERIFY, case, report, report_path),
        )
        op.add_results(result_set)
    return CaseOutcome(result_set, report=report)


def reuse_in_case(case: Case, assessment: ReuseAssessment, argv: Sequence[str]) -> ResultSet:
    with journal.operation(case.root, "seal-reuse", argv) as op:
        stored = op.store_json("reuse.json", assessment.to_json(), label="re-use assessment")
        name = assessment.current.name
        observation = SealObservation(
            name=name, operation=REUSE, evidence=(stored,), reuse=assessment.to_json()
        )
        result_set = ResultSet(
            f"seal-reuse:{name}",
            PRODUCER,
            _evaluate(observation),
            {"operation": REUSE, "name": name, "reuse": assessment.to_json()},
        )
        op.add_results(result_set)
    return result_set


@dataclass(frozen=True)
class CaseSettings:
    """What sealing in a case needs, from the case's ``[seal]`` section and the command line
    (an option given wins): the same for ``expertise seal create|verify --case`` and ``audit``."""

    key_path: Path | None
    expected: str | None  # the fingerprint the case's seals must carry
    tsa_url: str | None
    tsa_ca_file: Path | None


def case_settings(case: Case, *, key_path: Path | None = None, expect: str | None = None,
                  tsa_url: str | None = None, tsa_ca_file: Path | None = None) -> CaseSettings:
    """The case's seal configuration, every file it names checked to exist (and said where)."""
    config = case.data.seal
    where = str(case.file)
    if key_path is None and config is not None and config.key:
        key_path = existing_key(case.resolve(config.key), field="seal.key", where=where, shown=config.key)
    if tsa_url is None and config is not None and config.tsa:
        tsa_url = config.tsa
    if tsa_ca_file is None and config is not None and config.tsa_ca_file:
        tsa_ca_file = existing_file(case.resolve(config.tsa_ca_file), field="seal.tsa_ca_file", where=where,
                                    shown=config.tsa_ca_file)
    if expect is None and key_path is not None and key_path.is_file():
        expect = expected_key(key_path)
    return CaseSettings(key_path, expect, tsa_url, tsa_ca_file)


def latest_seal_folder(case: Case, name: str) -> Path | None:
    """The seal folder that the newest operation on ``seal:NAME`` refers to, if it still checks out."""
    for _, result_set in reversed(journal.latest_result_sets(case.root)):
        if result_set.source == source_key(name):
            path = result_set.summary.get("seal_path")
            if isinstance(path, str) and (case.root / path / "manifest.json").is_file():
                return case.root / path
            return None
    return None


def expected_key(key_path: Path) -> str:
    """The fingerprint a case's seals must carry: from KEY.pub, else from the private key."""
    from .keys import PublicKey, load_public

    public_file = key_path.with_name(key_path.name + ".pub")
    if public_file.is_file():
        return load_public(public_file).fingerprint
    return PublicKey(load_private(key_path).public_key()).fingerprint
