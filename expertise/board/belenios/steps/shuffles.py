"""Step "shuffles": each shuffle of the non-homomorphic answers re-encrypts and permutes the previous list, provably."""

from __future__ import annotations

from typing import Any

from ....i18n import msg
from ...account import WHOLE_BOARD, StepStatus
from .. import fields as F
from ..fields import FieldError
from ..shuffle import ShuffleCheck, parse_ciphertexts, parse_proof
from ..state import BoardState
from .common import canonical, member, owner, parse


def check(state: BoardState) -> None:
    step = state.steps["shuffles"]
    election = state.election
    if election is None:
        step.not_verifiable(msg("board.common.no_election"))
        return
    nh_questions = [qi for qi, q in enumerate(election.questions) if not q.homomorphic]
    base = state.computed_tally if state.computed_tally is not None else state.published_tally
    if not nh_questions:
        if state.shuffle_records:
            step.fail(state.shuffle_records[0][0].label, "(record)", msg("board.shuffle.without_question"))
        else:
            step.not_applicable(msg("board.shuffle.not_applicable"))
        state.final_tally = base
        return
    if state.tally_records is None:
        step.not_verifiable(msg("board.shuffle.no_tally_yet"))
        return
    if base is None:
        step.not_verifiable(msg("board.shuffle.no_base"))
        return
    step.ran = True
    current: dict[int, list[Any]] = {qi: list(base[qi]) for qi in nh_questions}
    if not state.shuffle_records:
        if state.decryption_records or state.event_counts.get("EndShuffles"):
            step.fail(WHOLE_BOARD, "Shuffle", msg("board.shuffle.missing"))
        else:
            step.not_verifiable(msg("board.shuffle.not_yet"))
        return
    owners: list[int] = []
    checker = ShuffleCheck(election.group, election.public_key, election.fingerprint, state.runner)
    for shuffle_record, owned_record in state.shuffle_records:
        trustee = owner(state, owned_record, "shuffles")
        if trustee is not None:
            if state.trustees is not None and trustee not in state.trustees.keys:
                step.fail(owned_record.label, "owner", msg("board.shuffle.not_a_trustee", owner=trustee))
            if trustee in owners:
                step.notes.append(msg("board.shuffle.note.twice", owner=trustee))
            owners.append(trustee)
        value = parse(state, shuffle_record, "shuffles")
        if value is None:
            return
        try:
            F.obj(value, "", ["ciphertexts", "proofs"])
            outputs = F.lst(value["ciphertexts"], "ciphertexts", length=len(nh_questions))
            proofs = F.lst(value["proofs"], "proofs", length=len(nh_questions))
            parsed = []
            for k, qi in enumerate(nh_questions):
                out = parse_ciphertexts(outputs[k], f"ciphertexts[{k}]", election.group, len(current[qi]))
                proof = parse_proof(proofs[k], f"proofs[{k}]", election.group, len(current[qi]))
                parsed.append((qi, out, proof))
        except FieldError as exc:
            step.fail(shuffle_record.label, exc.field, exc.message)
            return
        canonical(state, shuffle_record, value, "shuffles", "shuffle")
        label = shuffle_record.label
        for k, (qi, out, proof) in enumerate(parsed):
            members_ok = True
            for j, (alpha, beta) in enumerate(out):
                members_ok &= member(state, "shuffles", label, f"ciphertexts[{k}][{j}].alpha", alpha, "shuffles")
                members_ok &= member(state, "shuffles", label, f"ciphertexts[{k}][{j}].beta", beta, "shuffles")
            for name, x in proof.elements():
                members_ok &= member(state, "shuffles", label, f"proofs[{k}].{name}", x, "shuffles")
            if not members_ok:
                return
            failures = checker.verify(current[qi], out, proof)
            step.count("proofs")
            for failure in failures:
                step.fail(label, f"proofs[{k}]", msg("board.shuffle.proof", owner=trustee, equation=failure))
            current[qi] = out
    final = list(base)
    for qi in nh_questions:
        final[qi] = current[qi]
    state.final_tally = final
    if step.status is StepStatus.PASS:
        step.describe(msg("board.shuffle.summary", count=len(state.shuffle_records),
                          owners=", ".join(map(str, owners))))
