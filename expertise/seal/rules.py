"""Rules of the seal domain: from a seal operation (create, verify, reuse) to results.

Each rule is a pure function of :class:`SealObservation`; what it says is a message code
with its arguments (texts in ``locale/*.po``), so the report and ``--json`` read the same
facts in French and in English.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

from ..domain import Rule
from ..i18n import Message, msg
from ..results import Result, Status
from .model import SPECIAL_FILE, SYMLINK_LOOP, SYMLINK_OUTSIDE, UNSEALED_KINDS
from .names import CONDITION_STATUSES, CONDITIONS, DIFFERENCE_KINDS, VERDICTS, count_by_kind, named
from .observation import REUSE, VERIFY, SealObservation

LISTED = 10
NAMED = 5  # names quoted in a finding before "…"


def _result(obs: SealObservation, check_id: str, status: Status, message: Message,
            details: dict[str, Any] | None = None) -> Result:
    return Result(check_id, status, message, subject=f"seal:{obs.name}", evidence=obs.evidence,
                  details=details or {})


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _names(names: list[str], count: int | None = None) -> str:
    """Identifiers quoted as they are (paths, file names), the first few only."""
    total = len(names) if count is None else count
    return ", ".join(names[:NAMED]) + ("…" if total > NAMED else "")


def _listing(problems: list[dict[str, Any]]) -> Message | str:
    shown = ", ".join(f"{p['source']}:{p['path']}" for p in problems[:LISTED])
    more = len(problems) - LISTED
    return msg("seal.list.more", paths=shown, count=more) if more > 0 else shown


def _sealing(obs: SealObservation) -> bool:
    """Rules on the seal's content apply to creations and verifications of an intact seal."""
    return obs.operation != REUSE and obs.integrity_error is None and bool(obs.header)


def every_path_sealed(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    unsealed = [p for p in obs.problems if p.get("kind") in UNSEALED_KINDS]
    if unsealed:
        yield _result(obs, "SEAL-001", Status.FAIL,
                      msg("seal.seal_001.fail", count=len(unsealed), paths=_listing(unsealed)),
                      {"unsealed": unsealed[:200], "count": len(unsealed)})
    else:
        counts = obs.header.get("counts", {})
        yield _result(obs, "SEAL-001", Status.PASS,
                      msg("seal.seal_001.pass", files=msg("seal.count.files", count=counts.get("files", 0)),
                          bytes=msg("seal.count.bytes", count=counts.get("bytes", 0))),
                      {"counts": counts})


def _current(obs: SealObservation, name: str) -> dict[str, Any]:
    """A source as the latest verification found it (empty when this operation made the seal)."""
    for source in (obs.verification or {}).get("sources", []):
        if source.get("name") == name:
            return dict(source.get("current") or {})
    return {}


def _ignored(tree: dict[str, Any]) -> Message | str:
    """Files .gitignore hides: not a finding, but named, since they are beside the seal."""
    count = int(tree.get("ignored_count") or 0)
    if not count:
        return ""
    return msg("seal.seal_002.ignored", count=count, names=_names(tree.get("ignored", []), count))


def _dirty(source: dict[str, Any]) -> Message:
    tree = source.get("working_tree") or {}
    findings: list[Message] = []
    if not tree.get("at_sealed_commit", False):
        findings.append(msg("seal.seal_002.moved", head=str(tree.get("head"))[:12], commit=source["commit"][:12]))
    if tree.get("uncommitted_count"):
        findings.append(msg("seal.seal_002.uncommitted", count=tree["uncommitted_count"],
                            names=", ".join(tree.get("uncommitted", [])[:NAMED])))
    if tree.get("untracked_count"):
        findings.append(msg("seal.seal_002.untracked", count=tree["untracked_count"],
                            names=", ".join(tree.get("untracked", [])[:NAMED])))
    return msg("seal.seal_002.dirty_source", name=source["name"], findings=findings, ignored=_ignored(tree))


def git_tree_clean(obs: SealObservation) -> Iterator[Result]:
    """On a verification, the working tree as it is now; on a creation, as it was when sealed."""
    if not _sealing(obs):
        return
    gits = []
    for source in obs.sources:
        now = _current(obs, source["name"])
        if source.get("kind") == "git" and now.get("kind", "git") == "git":
            gits.append({**source, **{k: v for k, v in now.items() if k == "working_tree"}})
    if not gits:
        yield _result(obs, "SEAL-002", Status.NOT_APPLICABLE, msg("seal.seal_002.no_git"))
        return
    dirty = []
    unknown = []
    for source in gits:
        tree = source.get("working_tree") or {}
        if tree.get("bare"):
            unknown.append(source["name"])
        elif not tree.get("clean", False) or not tree.get("at_sealed_commit", False):
            dirty.append(source)
    if dirty:
        yield _result(obs, "SEAL-002", Status.FAIL, msg("seal.seal_002.fail", sources=[_dirty(s) for s in dirty]),
                      {"sources": [{"name": s["name"], "working_tree": s.get("working_tree")} for s in dirty]})
    elif unknown:
        yield _result(obs, "SEAL-002", Status.NOT_APPLICABLE, msg("seal.seal_002.bare", names=", ".join(unknown)))
    else:
        clean = [msg("seal.seal_002.clean_source", name=s["name"], commit=s["commit"][:12],
                     ignored=_ignored(s.get("working_tree") or {})) for s in gits]
        yield _result(obs, "SEAL-002", Status.PASS, msg("seal.seal_002.pass", sources=clean))


def no_special_files(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    special = [p for p in obs.problems if p.get("kind") == SPECIAL_FILE]
    if special:
        yield _result(obs, "SEAL-003", Status.FAIL,
                      msg("seal.seal_003.fail", count=len(special), paths=_listing(special)),
                      {"special": special[:200]})
    else:
        yield _result(obs, "SEAL-003", Status.PASS, msg("seal.seal_003.pass"))


def links_inside(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    loops = [p for p in obs.problems if p.get("kind") == SYMLINK_LOOP]
    outside = [p for p in obs.problems if p.get("kind") == SYMLINK_OUTSIDE]
    if loops or outside:
        findings = []
        if outside:
            findings.append(msg("seal.seal_004.outside", count=len(outside), paths=_listing(outside)))
        if loops:
            findings.append(msg("seal.seal_004.loops", count=len(loops), paths=_listing(loops)))
        yield _result(obs, "SEAL-004", Status.FAIL, msg("seal.seal_004.fail", findings=findings),
                      {"outside": outside[:200], "loops": loops[:200]})
    else:
        links = obs.header.get("counts", {}).get("symlinks", 0)
        yield _result(obs, "SEAL-004", Status.PASS,
                      msg("seal.seal_004.pass", count=links) if links else msg("seal.seal_004.pass_none"))


def seal_intact(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE:
        return
    if obs.integrity_error is not None:
        yield _result(obs, "SEAL-005", Status.FAIL, msg("seal.seal_005.fail", error=obs.integrity_error))
        return
    expert = obs.header.get("expert", {})
    merkle = obs.header.get("merkle", {})
    yield _result(obs, "SEAL-005", Status.PASS,
                  msg("seal.seal_005.pass", fingerprint=expert.get("fingerprint"), root=merkle.get("root")),
                  {"fingerprint": expert.get("fingerprint"), "merkle_root": merkle.get("root")})


def timestamped(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    token = obs.timestamp
    if token is None:
        yield _result(obs, "SEAL-006", Status.FAIL, msg("seal.seal_006.none"))
    elif token.get("chain_verified"):
        yield _result(obs, "SEAL-006", Status.PASS,
                      msg("seal.seal_006.pass", time=token.get("gen_time"), serial=token.get("serial")),
                      {"timestamp": token})
    else:
        yield _result(obs, "SEAL-006", Status.MANUAL, msg("seal.seal_006.unchecked", time=token.get("gen_time")),
                      {"timestamp": token})


def _not_run(note: Any) -> Message | str:
    """A command of the remote system that gave nothing (a seal before codes recorded a sentence)."""
    if not isinstance(note, dict):
        return str(note)
    command, status, stderr = repr(note.get("command", "")), note.get("status"), note.get("stderr") or ""
    if status is None:
        return msg("seal.ssh.command_not_run", command=command, stderr=stderr)
    if stderr:
        return msg("seal.ssh.command_failed_said", command=command, status=status, stderr=stderr)
    return msg("seal.ssh.command_failed", command=command, status=status)


_RECORDS = {"uname": msg("seal.seal_007.uname"), "packages": msg("seal.seal_007.packages")}


def remote_system_recorded(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    remotes = [s for s in obs.sources if s.get("kind") == "ssh"]
    if not remotes:
        yield _result(obs, "SEAL-007", Status.NOT_APPLICABLE, msg("seal.seal_007.no_remote"))
        return
    missing = []
    for source in remotes:
        system = source.get("system") or {}
        lacks = [_RECORDS[label] for label in ("uname", "packages") if label not in system]
        if lacks:
            notes = [_not_run(n) for n in system.get("not_recorded", [])[:2]]
            missing.append(msg("seal.seal_007.missing", name=source["name"], host=source.get("host"),
                               records=lacks, notes=notes)
                           if notes else
                           msg("seal.seal_007.missing_no_note", name=source["name"], host=source.get("host"),
                               records=lacks))
    if missing:
        yield _result(obs, "SEAL-007", Status.MANUAL, msg("seal.seal_007.manual", sources=missing),
                      {"sources": [s["name"] for s in remotes]})
        return
    found, changes = [], {}
    for source in remotes:
        packages = source["system"]["packages"]
        changed = _current(obs, source["name"]).get("packages_changed")
        drift: Message | str = ""
        if changed and changed.get("count"):
            changes[source["name"]] = changed
            examples = ", ".join((changed.get("added") or changed.get("removed") or [])[:3])
            drift = msg("seal.seal_007.drift", count=changed["count"], examples=examples)
        found.append(msg("seal.seal_007.system", name=source["name"], uname=str(source["system"]["uname"])[:80],
                         packages=msg("seal.seal_007.package_count", count=packages["count"],
                                      manager=packages["manager"]), drift=drift))
    yield _result(obs, "SEAL-007", Status.PASS, msg("seal.seal_007.pass", sources=found),
                  {"packages_changed": changes} if changes else {})


def _sealed_at(obs: SealObservation) -> tuple[datetime, str, Message] | Message:
    """When the seal was made, and on what that date rests; or why that time cannot be established.

    A verified time-stamp is the better evidence; the seal's own creation time the fallback. A
    token or header whose time cannot be read leaves SEAL-008 untested rather than failed.
    """
    token = obs.timestamp
    if token is not None and token.get("chain_verified"):
        try:
            return _when(str(token["gen_time"])), "timestamp", msg("seal.seal_008.basis_timestamp")
        except (KeyError, ValueError):
            return msg("seal.seal_008.unreadable_time", field="timestamp.gen_time", value=str(token.get("gen_time")))
    created = obs.header.get("created")
    if not created:
        return msg("seal.seal_008.undated", field="created")
    try:
        return _when(str(created)), "created", msg("seal.seal_008.basis_created")
    except ValueError:
        return msg("seal.seal_008.unreadable_time", field="created", value=str(created))


def sealed_before_vote(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    if obs.vote_opens is None:
        yield _result(obs, "SEAL-008", Status.NOT_APPLICABLE, msg("seal.seal_008.no_vote"))
        return
    sealed = _sealed_at(obs)
    if isinstance(sealed, Message):
        yield _result(obs, "SEAL-008", Status.ERROR, msg("seal.seal_008.untested", reason=sealed,
                                                         opens=obs.vote_opens.isoformat()))
        return
    when, basis, basis_text = sealed
    details = {"sealed_at": when.isoformat(), "basis": basis, "vote_opens": obs.vote_opens.isoformat()}
    args = {"sealed": when.isoformat(), "basis": basis_text, "opens": obs.vote_opens.isoformat()}
    if when < obs.vote_opens:
        yield _result(obs, "SEAL-008", Status.PASS, msg("seal.seal_008.pass", **args), details)
    else:
        yield _result(obs, "SEAL-008", Status.FAIL, msg("seal.seal_008.fail", **args), details)


def _difference(item: dict[str, Any]) -> Message:
    return msg("seal.seal_009.difference", kinds=[named(DIFFERENCE_KINDS, k) for k in item["kinds"]],
               path=f"{item['source']}:{item['path']}")


def unchanged(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE:
        return
    if obs.integrity_error is not None:
        yield _result(obs, "SEAL-009", Status.ERROR, msg("seal.seal_009.broken"))
        return
    if obs.verification_error is not None:
        yield _result(obs, "SEAL-009", Status.ERROR, msg("seal.seal_009.unreadable", error=obs.verification_error))
        return
    if obs.operation != VERIFY or obs.verification is None:
        yield _result(obs, "SEAL-009", Status.NOT_APPLICABLE, msg("seal.seal_009.not_yet"))
        return
    report = obs.verification
    verified = sum(s.get("verified_files", 0) for s in report.get("sources", []))
    if report.get("identical"):
        yield _result(obs, "SEAL-009", Status.PASS,
                      msg("seal.seal_009.pass", checked=report.get("checked_at"), count=verified),
                      {"counts": report.get("counts"), "verified_files": verified})
        return
    counts = {k: v for k, v in (report.get("counts") or {}).items() if v}
    yield _result(obs, "SEAL-009", Status.FAIL,
                  msg("seal.seal_009.fail", checked=report.get("checked_at"), counts=count_by_kind(counts),
                      differences=[_difference(d) for d in report.get("differences", [])[:LISTED]]),
                  {"counts": counts, "differences": report.get("differences", [])[:200]})


def verified_after_vote(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE or obs.integrity_error is not None:
        return
    if obs.vote_closes is None:
        yield _result(obs, "SEAL-010", Status.NOT_APPLICABLE, msg("seal.seal_010.no_vote"))
        return
    closes = obs.vote_closes.isoformat()
    report = obs.verification
    if obs.operation != VERIFY or report is None or obs.verification_error is not None:
        yield _result(obs, "SEAL-010", Status.MANUAL, msg("seal.seal_010.not_yet", closes=closes))
        return
    checked = _when(report["checked_at"])
    if checked <= obs.vote_closes:
        yield _result(obs, "SEAL-010", Status.MANUAL,
                      msg("seal.seal_010.too_early", checked=report["checked_at"], closes=closes))
    elif report.get("identical"):
        yield _result(obs, "SEAL-010", Status.PASS, msg("seal.seal_010.pass", checked=report["checked_at"],
                                                         closes=closes))
    else:
        yield _result(obs, "SEAL-010", Status.FAIL, msg("seal.seal_010.fail", checked=report["checked_at"],
                                                         closes=closes))


def _condition(item: dict[str, Any]) -> Message:
    return msg("seal.seal_011.condition", condition=named(CONDITIONS, item["id"]),
               status=named(CONDITION_STATUSES, item["status"]), reason=Message.from_dict(item))


def reuse_allowed(obs: SealObservation) -> Iterator[Result]:
    if obs.operation != REUSE or obs.reuse is None:
        return
    reuse = obs.reuse
    verdict = reuse.get("verdict", "")
    status = {"eligible": Status.PASS, "not_eligible": Status.FAIL}.get(verdict, Status.MANUAL)
    yield _result(obs, "SEAL-011", status,
                  msg("seal.seal_011.verdict", verdict=named(VERDICTS, verdict), level=reuse.get("level"),
                      conditions=[_condition(c) for c in reuse.get("conditions", [])]),
                  {"reuse": reuse})


RULES: tuple[Rule[Any], ...] = (
    Rule("SEAL-001", every_path_sealed),
    Rule("SEAL-002", git_tree_clean),
    Rule("SEAL-003", no_special_files),
    Rule("SEAL-004", links_inside),
    Rule("SEAL-005", seal_intact),
    Rule("SEAL-006", timestamped),
    Rule("SEAL-007", remote_system_recorded),
    Rule("SEAL-008", sealed_before_vote),
    Rule("SEAL-009", unchanged),
    Rule("SEAL-010", verified_after_vote),
    Rule("SEAL-011", reuse_allowed),
)
