"""Rules of the seal domain: from a seal operation (create, verify, reuse) to results.

Every result says the same thing in English (``message``, for machines) and in French
(``messages["fr"]``, for the report); :func:`_result` takes both, so none is forgotten.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

from ..results import Result, Status
from ..seal import french
from ..wording import plural
from .model import SPECIAL_FILE, SYMLINK_LOOP, SYMLINK_OUTSIDE, UNSEALED_KINDS
from .observation import REUSE, VERIFY, SealObservation
from ..domain import Rule

LISTED = 10


def _result(
    obs: SealObservation,
    check_id: str,
    status: Status,
    message: str,
    message_fr: str,
    details: dict[str, Any] | None = None,
) -> Result:
    return Result(
        check_id,
        status,
        message,
        subject=f"seal:{obs.name}",
        evidence=obs.evidence,
        details=details or {},
        messages={"fr": message_fr},
    )


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _listing(problems: list[dict[str, Any]], lang: str = "en") -> str:
    shown = [f"{p['source']}:{p['path']}" for p in problems[:LISTED]]
    more = len(problems) - LISTED
    if more <= 0:
        return ", ".join(shown)
    return ", ".join(shown) + (f" et {more} autre(s)" if lang == "fr" else f" and {more} more")


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
            f"{plural(len(unsealed), 'chemin non scellé', 'chemins non scellés')} : "
            f"{_listing(unsealed, 'fr')}",
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
            f"tous les chemins ont été lus et scellés ({plural(counts.get('files', 0), 'fichier')}, "
            f"{plural(counts.get('bytes', 0), 'octet')})",
            {"counts": counts},
        )


def _current(obs: SealObservation, name: str) -> dict[str, Any]:
    """A source as the latest verification found it (empty when this operation made the seal)."""
    for source in (obs.verification or {}).get("sources", []):
        if source.get("name") == name:
            return dict(source.get("current") or {})
    return {}


def _ignored(tree: dict[str, Any]) -> tuple[str, str]:
    """Files .gitignore hides: not a finding, but named, since they are beside the seal."""
    count = int(tree.get("ignored_count") or 0)
    if not count:
        return "", ""
    names = ", ".join(tree.get("ignored", [])[:5]) + ("…" if count > 5 else "")
    return (
        f" ({count} file(s) ignored by .gitignore, not sealed: {names})",
        f" ({plural(count, 'fichier ignoré', 'fichiers ignorés')} par .gitignore, "
        f"{'non scellé' if count == 1 else 'non scellés'} : {names})",
    )


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
        yield _result(
            obs, "SEAL-002", Status.NOT_APPLICABLE, "no git source in this seal", "aucune source git dans ce scellé"
        )
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
        parts, parts_fr = [], []
        for source in dirty:
            tree = source.get("working_tree") or {}
            bits, bits_fr = [], []
            if not tree.get("at_sealed_commit", False):
                head, sealed = str(tree.get("head"))[:12], source["commit"][:12]
                bits.append(f"working tree at {head}, sealed commit {sealed}")
                bits_fr.append(f"copie de travail au commit {head}, commit scellé {sealed}")
            if tree.get("uncommitted_count"):
                names = ", ".join(tree.get("uncommitted", [])[:5])
                count = tree["uncommitted_count"]
                bits.append(f"{count} uncommitted change(s) ({names})")
                bits_fr.append(
                    f"{plural(count, 'modification non validée', 'modifications non validées')} "
                    f"({names})"
                )
            if tree.get("untracked_count"):
                names = ", ".join(tree.get("untracked", [])[:5])
                count = tree["untracked_count"]
                bits.append(f"{count} untracked file(s) ({names})")
                bits_fr.append(f"{plural(count, 'fichier non suivi', 'fichiers non suivis')} ({names})")
            ignored_en, ignored_fr = _ignored(tree)
            parts.append(f"{source['name']}: " + "; ".join(bits) + ignored_en)
            parts_fr.append(f"{source['name']} : " + " ; ".join(bits_fr) + ignored_fr)
        yield _result(
            obs,
            "SEAL-002",
            Status.FAIL,
            " | ".join(parts),
            " | ".join(parts_fr),
            {"sources": [{"name": s["name"], "working_tree": s.get("working_tree")} for s in dirty]},
        )
    elif unknown:
        yield _result(
            obs,
            "SEAL-002",
            Status.NOT_APPLICABLE,
            f"bare repository, no working tree: {', '.join(unknown)}",
            f"dépôt nu, sans copie de travail : {', '.join(unknown)}",
        )
    else:
        notes = [_ignored(s.get("working_tree") or {}) for s in gits]
        yield _result(
            obs,
            "SEAL-002",
            Status.PASS,
            "working tree clean and at the sealed commit: "
            + ", ".join(f"{s['name']} {s['commit'][:12]}{n[0]}" for s, n in zip(gits, notes)),
            "copie de travail propre et au commit scellé : "
            + ", ".join(f"{s['name']} {s['commit'][:12]}{n[1]}" for s, n in zip(gits, notes)),
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
            (
                "1 fichier spécial, scellé par son type et ses droits seulement"
                if len(special) == 1
                else f"{len(special)} fichiers spéciaux, scellés par leur type et leurs droits seulement"
            )
            + f" : {_listing(special, 'fr')}",
            {"special": special[:200]},
        )
    else:
        yield _result(
            obs,
            "SEAL-003",
            Status.PASS,
            "no FIFO, socket or device in the sealed components",
            "aucun tube nommé, socket ni périphérique dans les composants scellés",
        )


def links_inside(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    loops = [p for p in obs.problems if p.get("kind") == SYMLINK_LOOP]
    outside = [p for p in obs.problems if p.get("kind") == SYMLINK_OUTSIDE]
    if loops or outside:
        parts, parts_fr = [], []
        if outside:
            parts.append(f"{len(outside)} link(s) leave the sealed tree: {_listing(outside)}")
            parts_fr.append(
                f"{plural(len(outside), 'lien sort', 'liens sortent')} de l’arborescence scellée : "
                f"{_listing(outside, 'fr')}"
            )
        if loops:
            parts.append(f"{len(loops)} link(s) loop: {_listing(loops)}")
            parts_fr.append(
                f"{plural(len(loops), 'lien forme', 'liens forment')} une boucle : {_listing(loops, 'fr')}"
            )
        yield _result(
            obs,
            "SEAL-004",
            Status.FAIL,
            "; ".join(parts),
            " ; ".join(parts_fr),
            {"outside": outside[:200], "loops": loops[:200]},
        )
    else:
        links = obs.header.get("counts", {}).get("symlinks", 0)
        yield _result(
            obs,
            "SEAL-004",
            Status.PASS,
            f"{links} symbolic link(s), all inside the sealed tree, no loop",
            "aucun lien symbolique"
            if not links
            else f"{plural(links, 'lien symbolique', 'liens symboliques')}, "
            + ("dans" if links == 1 else "tous dans")
            + " l’arborescence scellée, sans boucle",
        )


def seal_intact(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE:
        return
    if obs.integrity_error is not None:
        yield _result(
            obs,
            "SEAL-005",
            Status.FAIL,
            f"the seal does not verify: {obs.integrity_error}",
            f"le scellé ne se vérifie pas : {french.broken(obs.integrity_error)}",
        )
        return
    expert = obs.header.get("expert", {})
    merkle = obs.header.get("merkle", {})
    yield _result(
        obs,
        "SEAL-005",
        Status.PASS,
        f"signatures, manifest and Merkle root verified; key {expert.get('fingerprint')}, Merkle root "
        f"{merkle.get('root')}",
        f"signatures, manifeste et racine de Merkle vérifiés ; clé {expert.get('fingerprint')}, racine "
        f"de Merkle {merkle.get('root')}",
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
            "aucun horodatage RFC 3161 : la date du scellé ne repose que sur la déclaration de l’expert et "
            "sur le journal",
        )
    elif token.get("chain_verified"):
        yield _result(
            obs,
            "SEAL-006",
            Status.PASS,
            f"time-stamped on {token.get('gen_time')} (serial "
            f"{token.get('serial')}), token verified against the authority's CA",
            f"horodaté le {token.get('gen_time')} (n° de série {token.get('serial')}), jeton vérifié avec "
            "le certificat de l’autorité d’horodatage",
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
            f"le jeton d’horodatage du {token.get('gen_time')} porte bien sur SHA256SUMS, mais sa "
            "signature n’a pas été vérifiée : déclarer le certificat racine de l’autorité (seal.tsa_ca_file)",
            {"timestamp": token},
        )


def remote_system_recorded(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    remotes = [s for s in obs.sources if s.get("kind") == "ssh"]
    if not remotes:
        yield _result(
            obs,
            "SEAL-007",
            Status.NOT_APPLICABLE,
            "no remote (ssh) source in this seal",
            "aucune source distante (ssh) dans ce scellé",
        )
        return
    missing, missing_fr = [], []
    for source in remotes:
        system = source.get("system") or {}
        lacks = [label for label in ("uname", "packages") if label not in system]
        if lacks:
            notes = system.get("not_recorded", [])[:2]
            missing.append(
                f"{source['name']} ({source.get('host')}): {', '.join(lacks)} not recorded"
                + (f" — {'; '.join(notes)}" if notes else "")
            )
            lacks_fr = " et ".join({"uname": "uname", "packages": "liste des paquets"}[label] for label in lacks)
            missing_fr.append(
                f"{source['name']} ({source.get('host')}) : {lacks_fr} non enregistré(s)"
                + (f" — {' ; '.join(french.command_note(n) for n in notes)}" if notes else "")
            )
    if missing:
        yield _result(
            obs,
            "SEAL-007",
            Status.MANUAL,
            "; ".join(missing),
            " ; ".join(missing_fr),
            {"sources": [s["name"] for s in remotes]},
        )
    else:
        parts, parts_fr, changes = [], [], {}
        for source in remotes:
            packages = source["system"]["packages"]
            uname = str(source["system"]["uname"])[:80]
            text = f"{source['name']}: {uname}, {packages['count']} {packages['manager']} packages"
            text_fr = (
                f"{source['name']} : {uname}, "
                f"{plural(packages['count'], 'paquet')} {packages['manager']}"
            )
            changed = _current(obs, source["name"]).get("packages_changed")
            if changed and changed.get("count"):
                changes[source["name"]] = changed
                examples = ", ".join((changed.get("added") or changed.get("removed") or [])[:3])
                text += f"; {changed['count']} package line(s) differ now (e.g. {examples})"
                text_fr += (
                    f" ; {plural(changed['count'], 'ligne', 'lignes')} de la liste des paquets "
                    f"diffère(nt) aujourd’hui (par exemple {examples})"
                )
            parts.append(text)
            parts_fr.append(text_fr)
        yield _result(
            obs,
            "SEAL-007",
            Status.PASS,
            "; ".join(parts),
            " ; ".join(parts_fr),
            {"packages_changed": changes} if changes else {},
        )


def _sealed_at(obs: SealObservation) -> tuple[datetime, str, str]:
    """When the seal was made, and on what that date rests (in English and in French)."""
    token = obs.timestamp
    if token is not None and token.get("chain_verified"):
        return _when(token["gen_time"]), "time-stamp", "horodatage"
    return (
        _when(obs.header["created"]),
        "seal's creation time (no verified time-stamp)",
        "date de création du scellé, sans horodatage vérifié",
    )


def sealed_before_vote(obs: SealObservation) -> Iterator[Result]:
    if not _sealing(obs):
        return
    if obs.vote_opens is None:
        yield _result(
            obs,
            "SEAL-008",
            Status.NOT_APPLICABLE,
            "the vote's opening time is not known (no case)",
            "l’heure d’ouverture du scrutin n’est pas connue (pas de dossier d’expertise)",
        )
        return
    when, basis, basis_fr = _sealed_at(obs)
    details = {"sealed_at": when.isoformat(), "basis": basis, "vote_opens": obs.vote_opens.isoformat()}
    if when < obs.vote_opens:
        yield _result(
            obs,
            "SEAL-008",
            Status.PASS,
            f"sealed on {when.isoformat()} ({basis}), before the vote opened on {obs.vote_opens.isoformat()}",
            f"scellé le {when.isoformat()} ({basis_fr}), avant l’ouverture du scrutin le "
            f"{obs.vote_opens.isoformat()}",
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
            f"scellé le {when.isoformat()} ({basis_fr}), après l’ouverture du scrutin le "
            f"{obs.vote_opens.isoformat()} : il ne prouve l’état des composants qu’à partir de cette date",
            details,
        )


def unchanged(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE:
        return
    if obs.integrity_error is not None:
        yield _result(
            obs,
            "SEAL-009",
            Status.ERROR,
            "cannot compare against a seal that does not verify",
            "comparaison impossible avec un scellé qui ne se vérifie pas",
        )
        return
    if obs.verification_error is not None:
        yield _result(
            obs,
            "SEAL-009",
            Status.ERROR,
            f"the sources could not be read: {obs.verification_error}",
            f"les sources n’ont pas pu être relues : {french.source_error(obs.verification_error)}",
        )
        return
    if obs.operation != VERIFY or obs.verification is None:
        yield _result(
            obs,
            "SEAL-009",
            Status.NOT_APPLICABLE,
            "seal just made; no verification yet",
            "le scellé vient d’être créé ; il n’a pas encore été vérifié",
        )
        return
    report = obs.verification
    verified = sum(s.get("verified_files", 0) for s in report.get("sources", []))
    if report.get("identical"):
        yield _result(
            obs,
            "SEAL-009",
            Status.PASS,
            f"identical on {report.get('checked_at')}: {verified} files read and matched",
            f"identiques le {report.get('checked_at')} : "
            f"{plural(verified, 'fichier relu et conforme', 'fichiers relus et conformes')}",
            {"counts": report.get("counts"), "verified_files": verified},
        )
        return
    counts = {k: v for k, v in (report.get("counts") or {}).items() if v}
    shown = report.get("differences", [])[:LISTED]
    listed = ", ".join(f"{' '.join(d['kinds'])} {d['source']}:{d['path']}" for d in shown)
    listed_fr = ", ".join(f"{d['source']}:{d['path']} {french.difference_kinds(d['kinds'])}" for d in shown)
    yield _result(
        obs,
        "SEAL-009",
        Status.FAIL,
        f"differences on {report.get('checked_at')}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f" — {listed}",
        f"différences le {report.get('checked_at')} : "
        + ", ".join(f"{french.difference_kinds([k])} : {v}" for k, v in counts.items())
        + f" — {listed_fr}",
        {"counts": counts, "differences": report.get("differences", [])[:200]},
    )


def verified_after_vote(obs: SealObservation) -> Iterator[Result]:
    if obs.operation == REUSE or obs.integrity_error is not None:
        return
    if obs.vote_closes is None:
        yield _result(
            obs,
            "SEAL-010",
            Status.NOT_APPLICABLE,
            "the vote's closing time is not known (no case)",
            "l’heure de clôture du scrutin n’est pas connue (pas de dossier d’expertise)",
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
            f"pas encore vérifié après le scrutin : vérifier de nouveau les composants après sa clôture le "
            f"{closes}",
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
            f"dernière vérification le {report['checked_at']}, avant la clôture du scrutin le {closes} : "
            "vérifier de nouveau après la clôture",
        )
    elif report.get("identical"):
        yield _result(
            obs,
            "SEAL-010",
            Status.PASS,
            f"verified identical on {report['checked_at']}, after the vote closed on {closes}",
            f"vérifiés identiques le {report['checked_at']}, après la clôture du scrutin le {closes}",
        )
    else:
        yield _result(
            obs,
            "SEAL-010",
            Status.FAIL,
            f"verified on {report['checked_at']}, after the vote closed on "
            f"{closes}: the components differ from the seal (see SEAL-009)",
            f"vérifiés le {report['checked_at']}, après la clôture du scrutin le {closes} : les composants "
            "diffèrent du scellé (voir SEAL-009)",
        )


def reuse_allowed(obs: SealObservation) -> Iterator[Result]:
    if obs.operation != REUSE or obs.reuse is None:
        return
    reuse = obs.reuse
    conditions = reuse.get("conditions", [])
    reasons = "; ".join(f"{c['id']}: {c['status']} — {c['reason']}" for c in conditions)
    reasons_fr = " ; ".join(
        f"{french.CONDITION_IDS.get(c['id'], c['id'])} : {french.CONDITION_STATUS.get(c['status'], c['status'])}"
        f" — {c.get('reason_fr') or c['reason']}"
        for c in conditions
    )
    verdict = reuse.get("verdict", "")
    status = {"eligible": Status.PASS, "not_eligible": Status.FAIL}.get(verdict, Status.MANUAL)
    verdict_fr = {"eligible": "reprise permise", "not_eligible": "reprise exclue"}.get(
        verdict, "reprise en attente de points à vérifier manuellement"
    )
    yield _result(
        obs,
        "SEAL-011",
        status,
        f"{reuse.get('verdict')} at level {reuse.get('level')}: {reasons}",
        f"{verdict_fr} au niveau {reuse.get('level')} : {reasons_fr}",
        {"reuse": reuse},
    )


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
