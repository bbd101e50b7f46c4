"""Steps "election", "group" and "trustees": the Setup records that define everything else.

They run while the board is read (a ballot can only be verified once the election, its group
and its key are known); :func:`conclude` gives the accounts of a board without a Setup.
"""

from __future__ import annotations

from typing import Any

from ....i18n import msg
from ...account import StepStatus
from ..archive import Record
from ..ballots import BallotContext, QuestionShape
from ..fields import FieldError
from ..proofs import Crypto, b64digest
from ..setup import Election, TrusteeChecks, parse_election
from ..state import BoardState
from .common import canonical, member, parse

NO_SETUP = msg("board.setup.no_setup")
NO_ELECTION = msg("board.setup.no_election")


def read_election(state: BoardState, record: Record) -> None:
    step = state.steps["election"]
    group_step = state.steps["group"]
    step.ran = True
    value = parse(state, record, "election")
    if value is None:
        return
    fingerprint = b64digest(record.digest)
    try:
        election = parse_election(value, record.digest, fingerprint)
    except FieldError as exc:
        (group_step if exc.field == "group" else step).fail(record.label, exc.field, exc.message)
        return
    state.election = election
    state.election_label = record.label
    state.verification.election = election.summary()
    step.describe(msg("board.election.summary", name=election.name, uuid=election.uuid, fingerprint=fingerprint,
                      count=len(election.questions)))
    step.counts.update(questions=len(election.questions))
    group = election.group
    group_step.ran = True
    group_step.describe(group.describe())
    group_step.counts.update(q_bits=group.q.bit_length())
    if getattr(group, "p", None) is not None:
        group_step.counts.update(p_bits=group.p.bit_length())
    if group.name == "Ed25519":
        state.verification.profile = "3.x"
    state.crypto = Crypto(group, election.public_key)


def read_trustees(state: BoardState, record: Record) -> None:
    assert state.election is not None and state.crypto is not None and state.election_label is not None
    step = state.steps["trustees"]
    step.ran = True
    value = parse(state, record, "trustees")
    member(state, "trustees", state.election_label, "public_key", state.election.public_key, "keys")
    if value is None:
        return
    checks = TrusteeChecks(state.election, state.crypto,
                           lambda f, m: step.fail(record.label, f, m),
                           lambda f, x: member(state, "trustees", record.label, f, x, "keys"))
    try:
        state.trustees = checks.run(value)
    except FieldError as exc:
        step.fail(record.label, exc.field, exc.message)
        return
    canonical(state, record, value, "trustees", "trustees")
    if checks.later_profile:
        later = any("signature" in vk for item in value if isinstance(item, list) and len(item) == 2
                    and item[0] == "Pedersen" and isinstance(item[1], dict)
                    for vk in item[1].get("verification_keys", []) if isinstance(vk, dict))
        state.verification.profile = "3.x" if later else "2.5.1+"
        step.notes.append(msg("board.trustees.note.signed_keys") if later else msg("board.trustees.note.later_profile"))
    summary = state.trustees.summary()
    parts: list[Any] = []
    if summary["singles"]:
        parts.append(msg("board.trustees.singles", count=summary["singles"]))
    for group in summary["pedersen"]:
        parts.append(msg("board.trustees.threshold_group", threshold=group["threshold"], members=group["members"]))
    step.describe(msg("board.trustees.summary", trustees=parts, proofs=checks.proofs_checked))
    step.counts.update(singles=summary["singles"], pedersen_members=sum(g["members"] for g in summary["pedersen"]),
                       proofs=checks.proofs_checked)
    state.verification.election["trustees"] = summary


def ballot_context(election: Election, batch: bool = True) -> BallotContext:
    """What a worker needs to verify the ballots of this election (small, picklable)."""
    return BallotContext(
        group=election.group.name, public_key=election.public_key_text, fingerprint=election.fingerprint,
        uuid=election.uuid,
        questions=tuple(QuestionShape(q.homomorphic, q.choices, q.minimum, q.maximum, q.blank, q.lists)
                        for q in election.questions), batch=batch)


def conclude(state: BoardState) -> None:
    """The setup steps of a board whose election could not be read, or that has no Setup at all."""
    steps = state.steps
    if state.election is None:
        for step_id in ("group", "trustees", "credentials", "credential_authority", "revotes", "duplicates",
                        "membership"):
            if steps[step_id].status is StepStatus.PASS and not steps[step_id].ran:
                steps[step_id].not_verifiable(NO_ELECTION)
    for step_id in ("election", "group", "trustees", "credentials"):
        step = steps[step_id]
        if step.status is StepStatus.PASS and not step.ran:
            step.not_verifiable(NO_SETUP)
