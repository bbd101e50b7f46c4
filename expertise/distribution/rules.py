"""Rules of the credential distribution domain (CNIL 2012-083 §7b–7d; checks DIST-*).

A fact the case does not declare gives "could not test" naming what is missing, never a pass."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any, Iterator

from ..domain import Rule
from ..i18n import Arg, Message, msg
from ..results import Result, Status
from .config import Material
from .observation import DistributionObservation

AUTHENTICATORS = frozenset({"password", "temporary_password", "one_time_link", "scratch_card"})
PERSONAL = frozenset({"sms_personal", "email_personal"})
PHYSICAL = frozenset({"post", "hand"})
DEFAULT_MIN_DELIVERY_RATE = 0.9  # below it a channel fails; at or above it the expert judges (manual)

_FIELDS = {
    "material": msg("distribution.field.material"),
    "actors": msg("distribution.field.actors"),
    "identifier": msg("distribution.field.identifier"),
    "authenticator": msg("distribution.field.authenticator"),
    "public_list_fields": msg("distribution.field.public_list_fields"),
    "second_round": msg("distribution.field.second_round"),
    "alert": msg("distribution.field.alert"),
    "revocation": msg("distribution.field.revocation"),
    "reissue": msg("distribution.field.reissue"),
    "published_in": msg("distribution.field.published_in"),
}


def _undeclared(check: str, field: str) -> Result:
    return Result(check, Status.ERROR, msg("distribution.not_declared", field=_FIELDS[field]), subject="case.toml")


def _parts(obs: DistributionObservation) -> tuple[list[Material], list[Material]]:
    material = obs.declared.material
    return ([m for m in material if m.kind == "identifier"], [m for m in material if m.kind in AUTHENTICATORS])


def _missing_parts(check: str, obs: DistributionObservation) -> Result | None:
    identifiers, authenticators = _parts(obs)
    if not obs.declared.material:
        return _undeclared(check, "material")
    if not identifiers:
        return _undeclared(check, "identifier")
    if not authenticators:
        return _undeclared(check, "authenticator")
    return None


def one_actor_both_parts(obs: DistributionObservation) -> Iterator[Result]:
    if (missing := _missing_parts("DIST-001", obs)) is not None:
        yield missing
        return
    if not obs.declared.actors:
        yield _undeclared("DIST-001", "actors")
        return
    identifiers, authenticators = _parts(obs)
    for actor in obs.declared.actors:
        def held(parts: list[Material]) -> list[str]:
            return [m.name for m in parts if m.name in actor.receives or m.channel in actor.channels]
        ids, auths = held(identifiers), held(authenticators)
        details = {"identifiers": ids, "authenticators": auths, "destruction_record": actor.destruction_record}
        if ids and auths and actor.destruction_record:
            yield Result("DIST-001", Status.PASS, msg("distribution.dist_001.destroyed", actor=actor.name,
                                                      record=actor.destruction_record),
                         subject=actor.name, details=details)
        elif ids and auths:
            yield Result("DIST-001", Status.FAIL, msg("distribution.dist_001.fail", actor=actor.name, identifiers=tuple(ids),
                                                      authenticators=tuple(auths)),
                         subject=actor.name, details=details)
        else:
            yield Result("DIST-001", Status.PASS, msg("distribution.dist_001.pass", actor=actor.name),
                         subject=actor.name, details=details)


def same_channel_or_letter(obs: DistributionObservation) -> Iterator[Result]:
    if (missing := _missing_parts("DIST-002", obs)) is not None:
        yield missing
        return
    identifiers, authenticators = _parts(obs)
    for ident in identifiers:
        for auth in authenticators:
            details = {"identifier": ident.name, "authenticator": auth.name, "channel": [ident.channel, auth.channel],
                       "letter": [ident.letter, auth.letter]}
            names: dict[str, Arg] = {"identifier": ident.name, "authenticator": auth.name}
            if ident.letter and ident.letter == auth.letter:
                status, message = Status.FAIL, msg("distribution.dist_002.same_letter", letter=ident.letter, **names)
            elif ident.channel != auth.channel:
                status, message = Status.PASS, msg("distribution.dist_002.pass", **names)
            elif ident.channel not in PHYSICAL:
                status, message = Status.FAIL, msg("distribution.dist_002.same_channel", channel=ident.channel, **names)
            elif ident.letter and auth.letter:
                status, message = Status.PASS, msg("distribution.dist_002.separate_letters", **names)
            else:
                status, message = Status.ERROR, msg("distribution.dist_002.letter_undeclared", **names)
            yield Result("DIST-002", status, message, subject=auth.name, details=details)


def password_in_clear(obs: DistributionObservation) -> Iterator[Result]:
    if (missing := _missing_parts("DIST-003", obs)) is not None:
        yield missing
        return
    _, authenticators = _parts(obs)
    clear = [m.name for m in authenticators if m.kind == "password" and m.channel.startswith("email_")]
    if clear:
        yield Result("DIST-003", Status.FAIL, msg("distribution.dist_003.fail", materials=tuple(clear)),
                     subject="case.toml", details={"materials": clear})
    else:
        yield Result("DIST-003", Status.PASS, msg("distribution.dist_003.pass",
                                                  count=len(authenticators)), subject="case.toml")


def challenge_from_public_list(obs: DistributionObservation) -> Iterator[Result]:
    challenges = [m for m in obs.declared.material if m.kind == "challenge_answer"]
    if not obs.declared.material:
        yield _undeclared("DIST-004", "material")
        return
    if not challenges:
        yield Result("DIST-004", Status.NOT_APPLICABLE, msg("distribution.dist_004.none"), subject="case.toml")
        return
    public = obs.declared.public_list_fields
    if public is None:
        yield _undeclared("DIST-004", "public_list_fields")
        return
    wanted = {field.strip().casefold() for field in public}
    for challenge in challenges:
        if not challenge.drawn_from:
            yield Result("DIST-004", Status.ERROR, msg("distribution.dist_004.source_undeclared",
                                                       material=challenge.name), subject=challenge.name)
        elif challenge.drawn_from.strip().casefold() in wanted:
            yield Result("DIST-004", Status.FAIL, msg("distribution.dist_004.fail", material=challenge.name,
                                                      field=challenge.drawn_from),
                         subject=challenge.name, details={"drawn_from": challenge.drawn_from, "public": public})
        else:
            yield Result("DIST-004", Status.PASS, msg("distribution.dist_004.pass", material=challenge.name,
                                                      field=challenge.drawn_from),
                         subject=challenge.name, details={"drawn_from": challenge.drawn_from, "public": public})


def personal_channel_unrequested(obs: DistributionObservation) -> Iterator[Result]:
    if not obs.declared.material:
        yield _undeclared("DIST-005", "material")
        return
    personal = [m for m in obs.declared.material if m.channel in PERSONAL]
    if not personal:
        yield Result("DIST-005", Status.PASS, msg("distribution.dist_005.none"), subject="case.toml")
        return
    for m in personal:
        if m.at_voter_request is None:
            yield Result("DIST-005", Status.ERROR, msg("distribution.dist_005.undeclared", material=m.name,
                                                       channel=m.channel), subject=m.name)
        elif m.at_voter_request:
            yield Result("DIST-005", Status.PASS, msg("distribution.dist_005.requested", material=m.name,
                                                      channel=m.channel), subject=m.name)
        else:
            yield Result("DIST-005", Status.FAIL, msg("distribution.dist_005.fail", material=m.name,
                                                      channel=m.channel), subject=m.name)


def second_round_credentials(obs: DistributionObservation) -> Iterator[Result]:
    verdicts: dict[str, tuple[Status, Message]] = {
        "same_credentials": (Status.FAIL, msg("distribution.dist_006.fail")),
        "new_credentials": (Status.PASS, msg("distribution.dist_006.pass")),
        "none": (Status.NOT_APPLICABLE, msg("distribution.dist_006.no_second_round")),
    }
    if obs.declared.second_round is None:
        yield _undeclared("DIST-006", "second_round")
        return
    status, message = verdicts[obs.declared.second_round]
    yield Result("DIST-006", status, message, subject="case.toml")


def alert_procedure(obs: DistributionObservation) -> Iterator[Result]:
    alert = obs.declared.alert
    if alert is None:
        yield _undeclared("DIST-007", "alert")
        return
    if not alert.procedure:
        yield Result("DIST-007", Status.FAIL, msg("distribution.dist_007.no_procedure"), subject="case.toml")
        return
    undeclared = [name for name in ("revocation", "reissue") if getattr(alert, name) is None]
    lacking = [name for name in ("revocation", "reissue") if getattr(alert, name) is False]
    if not alert.published_in:
        lacking.append("published_in")
    details: dict[str, Any] = {"published_in": alert.published_in, "lacking": lacking, "undeclared": undeclared}
    if lacking:
        yield Result("DIST-007", Status.FAIL, msg("distribution.dist_007.fail", lacking=[_FIELDS[n] for n in lacking]),
                     subject="case.toml", details=details)
    elif undeclared:
        yield Result("DIST-007", Status.ERROR, msg("distribution.not_declared", field=[_FIELDS[n] for n in undeclared]),
                     subject="case.toml", details=details)
    else:
        yield Result("DIST-007", Status.PASS, msg("distribution.dist_007.pass", places=tuple(alert.published_in)),
                     subject="case.toml", details=details)


def delivery_rates(obs: DistributionObservation) -> Iterator[Result]:
    """Delivered share per channel (and per hour in the evidence); never a pass on the default threshold."""
    logs = obs.declared.logs
    guard = _log_guard("DIST-101", logs.delivery if logs else "", obs.deliveries, obs.delivery_unread,
                       obs.delivery_file, msg("distribution.dist_101.no_log"))
    if guard is not None:
        yield guard
        return
    assert logs is not None and obs.deliveries is not None  # the guard saw both
    threshold = logs.min_delivery_rate if logs.min_delivery_rate is not None else DEFAULT_MIN_DELIVERY_RATE
    # per channel, and per round when the export names rounds (a second round's sending is its own)
    sent: Counter[tuple[str, str]] = Counter()
    delivered: Counter[tuple[str, str]] = Counter()
    per_hour: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    received: set[str] = set()
    everyone: set[str] = set()
    for row in obs.deliveries:
        key = (row.channel, row.round)
        sent[key] += 1
        delivered[key] += row.delivered
        hour = row.at.strftime("%Y-%m-%dT%H:00Z")
        per_hour[key][hour + (":delivered" if row.delivered else ":failed")] += 1
        everyone.add(row.voter)
        if row.delivered:
            received.add(row.voter)
    never = sorted(everyone - received)
    never_voted = sorted(set(never) - set(obs.voted)) if obs.voted is not None else None
    unreached = (msg("distribution.dist_101.never_received", count=len(never)) if never_voted is None
                 else msg("distribution.dist_101.never_received_did_not_vote", count=len(never),
                          not_voted=len(never_voted)))
    for key in sorted(sent):
        channel = key[0] if not key[1] else f"{key[0]} ({key[1]})"  # data as written: the round's own name
        rate = delivered[key] / sent[key]
        details: dict[str, Any] = {"sent": sent[key], "delivered": delivered[key], "rate": rate, "round": key[1],
                                   "threshold": threshold, "threshold_declared": logs.min_delivery_rate is not None,
                                   "per_hour": dict(sorted(per_hour[key].items())),
                                   "never_received": never, "never_received_did_not_vote": never_voted}
        args: dict[str, Arg] = {"channel": channel, "delivered": delivered[key], "sent": sent[key],
                                "rate": round(100 * rate, 1), "threshold": round(100 * threshold, 1),
                                "unreached": unreached}
        if rate < threshold:
            yield Result("DIST-101", Status.FAIL, msg("distribution.dist_101.fail", **args),
                         subject=channel, details=details)
        elif logs.min_delivery_rate is not None:
            yield Result("DIST-101", Status.PASS, msg("distribution.dist_101.pass", **args),
                         subject=channel, details=details)
        else:
            yield Result("DIST-101", Status.MANUAL, msg("distribution.dist_101.manual", **args),
                         subject=channel, details=details)


def reissues_checked(obs: DistributionObservation) -> Iterator[Result]:
    """Each reissue with its identity check recorded; a reissue after the voter voted is named."""
    logs = obs.declared.logs
    guard = _log_guard("DIST-102", logs.reissues if logs else "", obs.reissues, obs.reissues_unread,
                       obs.reissues_file, msg("distribution.dist_102.no_log"), empty_ok=True)  # no reissue at all is a fact
    if guard is not None:
        yield guard
        return
    assert obs.reissues is not None  # the guard saw it
    unchecked = [r for r in obs.reissues if not r.identity_checked]
    during = [r for r in obs.reissues if obs.opens <= r.at <= obs.closes]
    voted = obs.voted
    after_vote = None if voted is None else [r for r in obs.reissues if r.voter in voted and r.at > voted[r.voter]]
    details = {"reissues": len(obs.reissues), "during_vote": len(during),
               "unchecked": [{"voter": r.voter, "line": r.line, "at": r.at.isoformat()} for r in unchecked],
               "after_the_voter_voted": None if after_vote is None else
               [{"voter": r.voter, "line": r.line, "at": r.at.isoformat(), "checked": r.identity_checked}
                for r in after_vote]}
    if unchecked:
        yield Result("DIST-102", Status.FAIL, msg("distribution.dist_102.fail", count=len(unchecked),
                                                  total=len(obs.reissues), first_line=unchecked[0].line),
                     subject=obs.reissues_file, details=details)
    elif after_vote:
        yield Result("DIST-102", Status.MANUAL, msg("distribution.dist_102.after_vote", count=len(after_vote),
                                                    first_line=after_vote[0].line),
                     subject=obs.reissues_file, details=details)
    else:
        yield Result("DIST-102", Status.PASS, msg("distribution.dist_102.pass", count=len(obs.reissues)),
                     subject=obs.reissues_file, details=details)


def _log_guard(check: str, declared_path: str, rows: Any, unread: Message | None, file: str,
               no_log: Message, *, empty_ok: bool = False) -> Result | None:
    """"Could not test" when a log is not declared, not read whole, or empty; None when usable."""
    if not declared_path:
        return Result(check, Status.ERROR, no_log, subject="case.toml")
    if unread is not None or rows is None:
        return Result(check, Status.ERROR, msg("distribution.log.unread", reason=unread or msg("distribution.log.not_read")),
                      subject=file)
    if not rows and not empty_ok:
        return Result(check, Status.ERROR, msg("distribution.log.empty", file=file), subject=file)
    return None


def authentications(obs: DistributionObservation) -> Iterator[Result]:
    """Failures, lockouts, and addresses several voters authenticated from within minutes: listed
    for the expert (a workplace's shared address is ordinary), never a pass when something is listed."""
    logs = obs.declared.logs
    guard = _log_guard("DIST-103", logs.authentication if logs else "", obs.authentications,
                       obs.authentications_unread, obs.authentications_file, msg("distribution.dist_103.no_log"))
    if guard is not None:
        yield guard
        return
    assert logs is not None and obs.authentications is not None  # the guard saw both
    rows = obs.authentications
    window = timedelta(minutes=logs.shared_address_minutes)
    by_address: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.outcome == "success" and row.address:
            by_address[row.address].append(row)
    shared: list[dict[str, Any]] = []
    for address, hits in sorted(by_address.items()):
        hits.sort(key=lambda r: r.at)
        start = 0
        for end in range(len(hits)):
            while hits[end].at - hits[start].at > window:
                start += 1
            voters = {h.voter for h in hits[start:end + 1]}
            if len(voters) >= logs.shared_address_voters:
                shared.append({"address": address, "voters": sorted(voters), "from": hits[start].at.isoformat(),
                               "line": hits[end].line})
                break
    failures = sum(r.outcome == "failure" for r in rows)
    lockouts = [{"voter": r.voter, "line": r.line, "at": r.at.isoformat()} for r in rows if r.outcome == "lockout"]
    details = {"attempts": len(rows), "failures": failures, "lockouts": lockouts, "shared_addresses": shared,
               "window_minutes": logs.shared_address_minutes, "voters_per_address": logs.shared_address_voters}
    args = {"count": len(rows), "failures": failures, "lockouts": len(lockouts), "shared": len(shared),
            "voters": logs.shared_address_voters, "minutes": logs.shared_address_minutes}
    if shared or lockouts:
        yield Result("DIST-103", Status.MANUAL, msg("distribution.dist_103.manual", **args),
                     subject=obs.authentications_file, details=details)
    else:
        yield Result("DIST-103", Status.PASS, msg("distribution.dist_103.pass", **args),
                     subject=obs.authentications_file, details=details)


def interventions(obs: DistributionObservation) -> Iterator[Result]:
    """Administrative actions against the opening and closing: a change or a restart while the vote
    is open fails (it must be explained in the minutes); logins during the vote are listed."""
    logs = obs.declared.logs
    guard = _log_guard("DIST-104", logs.administration if logs else "", obs.interventions,
                       obs.interventions_unread, obs.interventions_file, msg("distribution.dist_104.no_log"))
    if guard is not None:
        yield guard
        return
    assert obs.interventions is not None  # the guard saw it
    during = [r for r in obs.interventions if obs.opens <= r.at <= obs.closes]
    listed = [{"line": r.line, "at": r.at.isoformat(), "account": r.account, "action": r.action, "written": r.written}
              for r in during]
    changes = [r for r in during if r.action in ("change", "restart")]
    others = [r for r in during if r.action not in ("change", "restart")]
    details = {"entries": len(obs.interventions), "during_vote": listed, "opens": obs.opens.isoformat(),
               "closes": obs.closes.isoformat()}
    if changes:
        first = changes[0]
        yield Result("DIST-104", Status.FAIL, msg("distribution.dist_104.fail", count=len(changes), at=first.at,
                                                  account=first.account, action=first.written, line=first.line),
                     subject=obs.interventions_file, details=details)
    elif others:
        yield Result("DIST-104", Status.MANUAL, msg("distribution.dist_104.manual", count=len(others),
                                                    first_line=others[0].line),
                     subject=obs.interventions_file, details=details)
    else:
        yield Result("DIST-104", Status.PASS, msg("distribution.dist_104.pass", count=len(obs.interventions)),
                     subject=obs.interventions_file, details=details)


RULES: tuple[Rule[Any], ...] = (
    Rule("DIST-001", one_actor_both_parts),
    Rule("DIST-002", same_channel_or_letter),
    Rule("DIST-003", password_in_clear),
    Rule("DIST-004", challenge_from_public_list),
    Rule("DIST-005", personal_channel_unrequested),
    Rule("DIST-006", second_round_credentials),
    Rule("DIST-007", alert_procedure),
    Rule("DIST-101", delivery_rates),
    Rule("DIST-102", reissues_checked),
    Rule("DIST-103", authentications),
    Rule("DIST-104", interventions),
)
