"""The expert's findings of a case, checked against its folder and the catalogue.

Checked when the case is assessed (not when case.toml is parsed) because the evidence files and
the SARIF files live in the case folder: a missing file is an error naming the finding and field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..hashing import sha256_file
from ..i18n import Arg, Message, msg
from ..results import Result, Severity, Status
from .model import ExpertFinding, Pentest
from .sarif import read_sarif, sarif_findings

if TYPE_CHECKING:
    from ..case import Case
    from ..catalogue import Catalogue


@dataclass(frozen=True)
class Evidence:
    ref: str
    sha256: str


@dataclass(frozen=True)
class Finding:
    """One expert's finding as the report, results.json and the assessment see it."""

    id: str
    title: str
    severity: str
    status: str
    source: str
    description: str
    recommendation: str
    objectives: tuple[str, ...]
    requirements: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    locations: tuple[str, ...] = ()  # file:line of an imported result (not files of the case)
    retested: str = ""
    accepted_by: str = ""
    imported_from: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "severity": self.severity, "status": self.status,
                "source": self.source, "description": self.description, "recommendation": self.recommendation,
                "objectives": list(self.objectives), "requirements": list(self.requirements),
                "evidence": [{"ref": e.ref, "sha256": e.sha256} for e in self.evidence],
                "locations": list(self.locations), "retested": self.retested, "accepted_by": self.accepted_by,
                "imported_from": self.imported_from}


@dataclass(frozen=True)
class PentestAnnex:
    date: str
    tester: str
    scope: str
    tools: tuple[str, ...]
    operations: Evidence


@dataclass
class ExpertFindings:
    findings: list[Finding] = field(default_factory=list)
    pentests: list[PentestAnnex] = field(default_factory=list)
    #: every file read (evidence, SARIF, pentest operations): journaled as inputs of the report
    inputs: list[tuple[Path, str]] = field(default_factory=list)


def _check_ids(ids: list[str], known: set[str], where: str, case: Case, kind: Message) -> None:
    unknown: list[Arg] = [*sorted(set(ids) - known)]
    if unknown:
        raise UsageError(msg("findings.case.unknown_ids", kind=kind, ids=unknown),
                         path=str(case.file), field=where)


def collect(case: Case, catalogue: Catalogue) -> ExpertFindings:
    """The findings declared and imported, each checked; raises :class:`UsageError` at the first problem."""
    from ..requirements import requirement_ids

    data = case.data
    declared: list[ExpertFinding] = list(getattr(data, "finding", []) or [])
    imports = list(getattr(getattr(data, "findings", None), "import_", []) or [])
    pentests: list[Pentest] = list(getattr(data, "pentest", []) or [])
    objectives = {o.id for o in catalogue.framework.objectives}
    requirements = requirement_ids(catalogue, [catalogue.framework.id, *data.related_frameworks])
    out = ExpertFindings()
    seen: set[str] = set()

    def claim(ident: str, where: str) -> None:
        if ident in catalogue.checks:
            raise UsageError(msg("findings.case.id_is_a_check", id=ident), path=str(case.file), field=where)
        if ident in seen:
            raise UsageError(msg("findings.case.duplicate_id", id=ident), path=str(case.file), field=where)
        seen.add(ident)

    for index, f in enumerate(declared):
        where = f"finding[{index}]"
        claim(f.id, f"{where}.id")
        _check_ids(f.objectives, objectives, f"{where}.objectives", case, msg("findings.kind.objectives"))
        _check_ids(f.requirements, requirements, f"{where}.requirements", case, msg("findings.kind.requirements"))
        if f.status == "fixed-retested" and f.retested is None:
            raise UsageError(msg("findings.case.retested_needed", id=f.id), path=str(case.file),
                             field=f"{where}.retested")
        if f.status == "accepted-risk" and not f.accepted_by.strip():
            raise UsageError(msg("findings.case.accepted_by_needed", id=f.id), path=str(case.file),
                             field=f"{where}.accepted_by")
        evidence = []
        for j, ref in enumerate(f.evidence):
            path = case.file_inside(ref, f"{where}.evidence[{j}] ({f.id})")
            evidence.append(Evidence(ref, sha256_file(path)))
            out.inputs.append((path, f"finding {f.id}"))
        out.findings.append(Finding(
            f.id, f.title, f.severity, f.status, f.source, f.description, f.recommendation, tuple(f.objectives),
            tuple(f.requirements), tuple(evidence), retested=f.retested.isoformat() if f.retested else "",
            accepted_by=f.accepted_by))

    for index, imp in enumerate(imports):
        where = f"findings.import[{index}]"
        _check_ids(imp.objectives, objectives, f"{where}.objectives", case, msg("findings.kind.objectives"))
        _check_ids(imp.requirements, requirements, f"{where}.requirements", case, msg("findings.kind.requirements"))
        path = case.file_inside(imp.sarif, f"{where}.sarif")
        log = read_sarif(path, imp.sarif)
        digest = sha256_file(path)
        out.inputs.append((path, "sarif import"))
        for raw in sarif_findings(log, imp.sarif):
            ident, n = raw["id"], 1
            while ident in seen or ident in catalogue.checks:
                n += 1
                ident = f"{raw['id']}#{n}"
            seen.add(ident)
            out.findings.append(Finding(
                ident, raw["title"], raw["severity"], "open", "tool import", raw["description"],
                raw["recommendation"], tuple(imp.objectives), tuple(imp.requirements),
                (Evidence(imp.sarif, digest),), tuple(raw["locations"]), imported_from=raw["tool"]))

    for index, p in enumerate(pentests):
        path = case.file_inside(p.operations, f"pentest[{index}].operations")
        out.inputs.append((path, "pentest operations"))
        out.pentests.append(PentestAnnex(p.date.isoformat(), p.tester, p.scope, tuple(p.tools),
                                         Evidence(p.operations, sha256_file(path))))
    return out


def results(found: ExpertFindings) -> list[Result]:
    """The findings as results, so that they count in the assessment of the objectives they name:
    an open finding is a failure at its severity; a fixed and re-tested one, or an accepted risk,
    is informational (stated in the report, not counted against the objective)."""
    out = []
    for f in found.findings:
        status = Status.FAIL if f.status == "open" else Status.INFORMATIONAL
        out.append(Result(f.id, status, msg("findings.result.expert", id=f.id, title=f.title),
                          subject=f.id, evidence=tuple(e.ref for e in f.evidence), severity=Severity(f.severity),
                          objectives=f.objectives, details={"expert_finding": True, "source": f.source,
                                                            "requirements": list(f.requirements)}))
    return out
