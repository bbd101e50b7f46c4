"""Rules of the seal domain: from a seal operation (create, verify, reuse) to results."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

from ..results import Result, Status
from ..seal.model import SPECIAL_FILE, SYMLINK_LOOP, SYMLINK_OUTSIDE, UNSEALED_KINDS
from ..seal.observation import REUSE, VERIFY, SealObservation
from .registry import Rule

LISTED = 10


def _result(
    obs: SealObservation, check_id: str, status: Status, message: str, details: dict[str, Any] | None = None
) -> Result:
    return Result(
        check_id, status, message, subject=f"seal:{obs.name}", evidence=obs.evidence, details=details or {}
    )


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _listing(problems: list[dict[str, Any]]) -> str:
    shown = [f"{p['source']}:{p['path']}" for p in problems[:LISTED]]
    return ", ".join(shown) + (f" and {len(problems) - LISTED} more" if len(problems) > LISTED else "")


def _sealing(obs: SealObservation) -> bool:
    """Rules on the seal's content apply to creations and verifications of an intact seal."""
    return obs.operation != REUSE and obs.integrity_error is None and bool(obs.header)


def every_path_sealed(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    unsealed = [p for p in obs.problems if p.get("kind") in UNSEALED_KINDS]
    if unsealed:
        yield _result(
            obs,
            "SEAL-001",
            Status.FAIL,
            f"{len(unsealed)} path(s) not sealed: {_listing(unsealed)}",
            {"unsealed": unsealed[:200], "count": len(unsealed)},
        )
    else:
        counts = obs.header.get("counts", {})
        yield _result(
            obs,
            "SEAL-001",
            Status.PASS,
            f"every path was read and sealed ({counts.get('files', 0)} "
            f"files, {counts.get('bytes', 0)} bytes)",
            {"counts": counts},
        )


def _current(obs: SealObservation, name: str) -> dict[str, Any]:
    """A source as the latest verification found it (empty when this operation made the seal)."""
    for source in (obs.verification or {}).get("sources", []):
        if source.get("name") == name:
            return dict(source.get("current") or {})
    return {}


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
        yield _result(obs, "SEAL-002", Status.NOT_APPLICABLE, "no git source in this seal")
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
        parts = []
        for source in dirty:
            tree = source.get("working_tree") or {}
            bits = []
            if not tree.get("at_sealed_commit", False):
                bits.append(
                    f"working tree at {str(tree.get('head'))[:12]}, sealed commit {source['commit'][:12]}"
                )
            if tree.get("uncommitted_count"):
                bits.append(
                    f"{tree['uncommitted_count']} uncommitted change(s) ("
                    + ", ".join(tree.get("uncommitted", [])[:5])
                    + ")"
                )
            if tree.get("untracked_count"):
                bits.append(
                    f"{tree['untracked_count']} untracked file(s) ("
                    + ", ".join(tree.get("untracked", [])[:5])
                    + ")"
                )
            parts.append(f"{source['name']}: " + "; ".join(bits))
        yield _result(
            obs,
            "SEAL-002",
            Status.FAIL,
            " | ".join(parts),
            {"sources": [{"name": s["name"], "working_tree": s.get("working_tree")} for s in dirty]},
        )
    elif unknown:
        yield _result(
            obs, "SEAL-002", Status.NOT_APPLICABLE, f"bare repository, no working tree: {', '.join(unknown)}"
        )
    else:
        yield _result(
            obs,
            "SEAL-002",
            Status.PASS,
            "working tree clean and at the sealed commit: "
            + ", ".join(f"{s['name']} {s['commit'][:12]}" for s in gits),
        )


def no_special_files(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    special = [p for p in obs.problems if p.get("kind") == SPECIAL_FILE]
    if special:
        yield _result(
            obs,
            "SEAL-003",
            Status.FAIL,
            f"{len(special)} special file(s), sealed by type and mode only: {_listing(special)}",
            {"special": special[:200]},
        )
    else:
        yield _result(obs, "SEAL-003", Status.PASS, "no FIFO, socket or device in the sealed components")


def links_inside(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    loops = [p for p in obs.problems if p.get("kind") == SYMLINK_LOOP]
    outside = [p for p in obs.problems if p.get("kind") == SYMLINK_OUTSIDE]
    if loops or outside:
        parts = []
        if outside:
            parts.append(f"{len(outside)} link(s) leave the sealed tree: {_listing(outside)}")
        if loops:
            parts.append(f"{len(loops)} link(s) loop: {_listing(loops)}")
        yield _result(
            obs, "SEAL-004", Status.FAIL, "; ".join(parts), {"outside": outside[:200], "loops": loops[:200]}
        )
    else:
        links = obs.header.get("counts", {}).get("symlinks", 0)
        yield _result(
            obs, "SEAL-004", Status.PASS, f"{links} symbolic link(s), all inside the sealed tree, no loop"
        )


def seal_intact(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE:
        return
    if obs.integrity_error is not None:
        yield _result(obs, "SEAL-005", Status.FAIL, f"the seal does not verify: {obs.integrity_error}")
        return
    expert = obs.header.get("expert", {})
    merkle = obs.header.get("merkle", {})
    yield _result(
        obs,
        "SEAL-005",
        Status.PASS,
        f"signatures, manifest and Merkle root verified; key {expert.get('fingerprint')}, Merkle root "
        f"{merkle.get('root')}",
        {"fingerprint": expert.get("fingerprint"), "merkle_root": merkle.get("root")},
    )


def timestamped(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    token = obs.timestamp
    if token is None:
        yield _result(
            obs,
            "SEAL-006",
            Status.FAIL,
            "no RFC 3161 time-stamp: the seal's date rests on the expert's statement and the journal only",
        )
    elif token.get("chain_verified"):
        yield _result(
            obs,
            "SEAL-006",
            Status.PASS,
            f"time-stamped on {token.get('gen_time')} (serial "
            f"{token.get('serial')}), token verified against the authority's CA",
            {"timestamp": token},
        )
    else:
        yield _result(
            obs,
            "SEAL-006",
            Status.MANUAL,
            f"time-stamp token of {token.get('gen_time')} covers "
            "SHA256SUMS, but its signature was not checked: declare the authority's CA "
            "(seal.tsa_ca_file)",
            {"timestamp": token},
        )


def remote_system_recorded(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    remotes = [s for s in obs.sources if s.get("kind") == "ssh"]
    if not remotes:
        yield _result(obs, "SEAL-007", Status.NOT_APPLICABLE, "no remote (ssh) source in this seal")
        return
    missing = []
    for source in remotes:
        system = source.get("system") or {}
        lacks = [label for label in ("uname", "packages") if label not in system]
        if lacks:
            missing.append(
                f"{source['name']} ({source.get('host')}): {', '.join(lacks)} not recorded"
                + (
                    f" — {'; '.join(system.get('not_recorded', [])[:2])}"
                    if system.get("not_recorded")
                    else ""
                )
            )
    if missing:
        yield _result(
            obs, "SEAL-007", Status.MANUAL, "; ".join(missing), {"sources": [s["name"] for s in remotes]}
        )
    else:
        parts, changes = [], {}
        for source in remotes:
            text = (
                f"{source['name']}: {str(source['system']['uname'])[:80]}, "
                f"{source['system']['packages']['count']} "
                f"{source['system']['packages']['manager']} packages"
            )
            changed = _current(obs, source["name"]).get("packages_changed")
            if changed and changed.get("count"):
                changes[source["name"]] = changed
                text += (
                    f"; {changed['count']} package line(s) differ now (e.g. "
                    + ", ".join((changed.get("added") or changed.get("removed") or [])[:3])
                    + ")"
                )
            parts.append(text)
        yield _result(
            obs, "SEAL-007", Status.PASS, "; ".join(parts), {"packages_changed": changes} if changes else {}
        )


def _sealed_at(obs: SealObservation) -> tuple[datetime, str]:
    token = obs.timestamp
    if token is not None and token.get("chain_verified"):
        return _when(token["gen_time"]), "time-stamp"
    return _when(obs.header["created"]), "seal's creation time (no verified time-stamp)"


def sealed_before_vote(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    if obs.vote_opens is None:
        yield _result(
            obs, "SEAL-008", Status.NOT_APPLICABLE, "the vote's opening time is not known (no case)"
        )
        return
    when, basis = _sealed_at(obs)
    details = {"sealed_at": when.isoformat(), "basis": basis, "vote_opens": obs.vote_opens.isoformat()}
    if when < obs.vote_opens:
        yield _result(
            obs,
            "SEAL-008",
            Status.PASS,
            f"sealed on {when.isoformat()} ({basis}), before the vote opened on {obs.vote_opens.isoformat()}",
            details,
        )
    else:
        yield _result(
            obs,
            "SEAL-008",
            Status.FAIL,
            f"sealed on {when.isoformat()} ({basis}), after the vote "
            f"opened on {obs.vote_opens.isoformat()}: it proves the components' state from that date "
            "only",
            details,
        )


def unchanged(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE:
        return
    if obs.integrity_error is not None:
        yield _result(obs, "SEAL-009", Status.ERROR, "cannot compare against a seal that does not verify")
        return
    if obs.verification_error is not None:
        yield _result(
            obs, "SEAL-009", Status.ERROR, f"the sources could not be read: {obs.verification_error}"
        )
        return
    if obs.operation != VERIFY or obs.verification is None:
        yield _result(obs, "SEAL-009", Status.NOT_APPLICABLE, "seal just made; no verification yet")
        return
    report = obs.verification
    verified = sum(s.get("verified_files", 0) for s in report.get("sources", []))
    if report.get("identical"):
        yield _result(
            obs,
            "SEAL-009",
            Status.PASS,
            f"identical on {report.get('checked_at')}: {verified} files read and matched",
            {"counts": report.get("counts"), "verified_files": verified},
        )
        return
    counts = {k: v for k, v in (report.get("counts") or {}).items() if v}
    listed = ", ".join(
        f"{' '.join(d['kinds'])} {d['source']}:{d['path']}" for d in report.get("differences", [])[:LISTED]
    )
    yield _result(
        obs,
        "SEAL-009",
        Status.FAIL,
        f"differences on {report.get('checked_at')}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f" — {listed}",
        {"counts": counts, "differences": report.get("differences", [])[:200]},
    )


def verified_after_vote(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE or obs.integrity_error is not None:
        return
    if obs.vote_closes is None:
        yield _result(
            obs, "SEAL-010", Status.NOT_APPLICABLE, "the vote's closing time is not known (no case)"
        )
        return
    closes = obs.vote_closes.isoformat()
    report = obs.verification
    if obs.operation != VERIFY or report is None or obs.verification_error is not None:
        yield _result(
            obs,
            "SEAL-010",
            Status.MANUAL,
            f"not verified after the vote yet: verify the components again after it closes on {closes}",
        )
        return
    checked = _when(report["checked_at"])
    if checked <= obs.vote_closes:
        yield _result(
            obs,
            "SEAL-010",
            Status.MANUAL,
            f"last verified on {report['checked_at']}, before the vote "
            f"closes on {closes}: verify again after the close",
        )
    elif report.get("identical"):
        yield _result(
            obs,
            "SEAL-010",
            Status.PASS,
            f"verified identical on {report['checked_at']}, after the vote closed on {closes}",
        )
    else:
        yield _result(
            obs,
            "SEAL-010",
            Status.FAIL,
            f"verified on {report['checked_at']}, after the vote closed on "
            f"{closes}: the components differ from the seal (see SEAL-009)",
        )


def reuse_allowed(obs: SealObservation) -> Iterator[Result]:
    if obs.operation != REUSE or obs.reuse is None:
        return
    reuse = obs.reuse
    reasons = "; ".join(f"{c['id']}: {c['status']} — {c['reason']}" for c in reuse.get("conditions", []))
    status = {"eligible": Status.PASS, "not_eligible": Status.FAIL}.get(
        reuse.get("verdict", ""), Status.MANUAL
    )
    yield _result(
        obs,
        "SEAL-011",
        status,
        f"{reuse.get('verdict')} at level {reuse.get('level')}: {reasons}",
        {"reuse": reuse},
    )


RULES: tuple[Rule, ...] = (
    Rule("SEAL-001", "seal", every_path_sealed),
    Rule("SEAL-002", "seal", git_tree_clean),
    Rule("SEAL-003", "seal", no_special_files),
    Rule("SEAL-004", "seal", links_inside),
    Rule("SEAL-005", "seal", seal_intact),
    Rule("SEAL-006", "seal", timestamped),
    Rule("SEAL-007", "seal", remote_system_recorded),
    Rule("SEAL-008", "seal", sealed_before_vote),
    Rule("SEAL-009", "seal", unchanged),
    Rule("SEAL-010", "seal", verified_after_vote),
    Rule("SEAL-011", "seal", reuse_allowed),
)
