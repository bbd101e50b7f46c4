"""Step "decryptions": every partial decryption proven with its trustee's key, and enough trustees for the threshold."""

from __future__ import annotations

from typing import Any

from ....i18n import msg
from ...account import WHOLE_BOARD, StepStatus
from .. import fields as F
from ..decryption import decryption_slice
from ..fields import FieldError
from ..state import BoardState
from .common import NOT_A_MEMBER, canonical, owner, parse

SLICE = 64


def flat_paths(value: Any, path: str, length: int, lists: tuple[int, ...]) -> list[tuple[str, Any]]:
    """(sub-path, item) of a per-answer list, nested per candidate list for a lists question."""
    if not lists:
        return [(f"[{j}]", v) for j, v in enumerate(F.lst(value, path, length=length))]
    out = []
    for i, (row, size) in enumerate(zip(F.lst(value, path, length=len(lists)), lists)):
        out += [(f"[{i}][{j}]", v) for j, v in enumerate(F.lst(row, f"{path}[{i}]", length=size))]
    return out


def _flat(value: Any, path: str, length: int, lists: tuple[int, ...]) -> list[Any]:
    return [v for _, v in flat_paths(value, path, length, lists)]


def check(state: BoardState) -> None:
    steps = state.steps
    step = steps["decryptions"]
    election, trustees = state.election, state.trustees
    if election is None or trustees is None:
        step.not_verifiable(msg("board.common.no_trustees"))
        return
    if state.final_tally is None:
        if state.shuffle_records or steps["shuffles"].status is StepStatus.FAIL:
            step.not_verifiable(msg("board.decryption.no_verified_list"))
        else:
            step.not_verifiable(msg("board.decryption.no_tally_yet"))
        if state.decryption_records:
            step.status = StepStatus.NOT_VERIFIABLE
        return
    if not state.decryption_records:
        step.not_verifiable(msg("board.decryption.not_yet"))
        return
    # A failed shuffle is reported by its own step; the decryptions are still checked against
    # the list of ciphertexts we have.
    step.ran = True
    group = election.group
    tally = state.final_tally
    state.valid_factors = {}
    futures: list[Any] = []
    for decryption_record, owned_record in state.decryption_records:
        trustee = owner(state, owned_record, "decryptions")
        if trustee is None:
            continue
        key = trustees.keys.get(trustee)
        if key is None:
            step.fail(owned_record.label, "owner", msg("board.decryption.not_a_trustee", owner=trustee))
            continue
        if trustee in state.valid_factors or any(f[0] == trustee for f in futures):
            step.fail(owned_record.label, "owner", msg("board.decryption.second", owner=trustee))
            continue
        value = parse(state, decryption_record, "decryptions")
        if value is None:
            continue
        try:
            F.obj(value, "", ["decryption_factors", "decryption_proofs"])
            factors_raw = F.lst(value["decryption_factors"], "decryption_factors", length=len(tally))
            proofs_raw = F.lst(value["decryption_proofs"], "decryption_proofs", length=len(tally))
            factors: list[list[Any]] = []
            items = []
            for qi, cts in enumerate(tally):
                row = _flat(factors_raw[qi], f"decryption_factors[{qi}]", len(cts), election.questions[qi].lists)
                prow = _flat(proofs_raw[qi], f"decryption_proofs[{qi}]", len(cts), election.questions[qi].lists)
                fq = []
                for j, ((alpha, _), f, pr) in enumerate(zip(cts, row, prow)):
                    factor = F.element(f, f"decryption_factors[{qi}][{j}]", group)
                    F.obj(pr, f"decryption_proofs[{qi}][{j}]", ["challenge", "response"])
                    c = F.exponent(pr["challenge"], f"decryption_proofs[{qi}][{j}].challenge", group)
                    r = F.exponent(pr["response"], f"decryption_proofs[{qi}][{j}].response", group)
                    fq.append(factor)
                    items.append(((qi, j), alpha, factor, c, r))
                factors.append(fq)
        except FieldError as exc:
            step.fail(decryption_record.label, exc.field, exc.message)
            continue
        canonical(state, decryption_record, value, "decryptions", "decryption")
        steps["membership"].count("decryptions", len(items))
        slices = []
        for start in range(0, len(items), SLICE):
            part = [(i, a, f, c, r) for i, (_, a, f, c, r) in enumerate(items[start:start + SLICE], start)]
            slices.append(state.runner.submit(decryption_slice, group.name, election.public_key_text,
                                              election.fingerprint, key.public_key_text, part))
        futures.append((trustee, decryption_record, items, factors, slices))
    for trustee, record, items, factors, slices in futures:
        bad = False
        for future in slices:
            not_members, invalid = future.result()
            for index in not_members:
                (qi, j) = items[index][0]
                steps["membership"].fail(record.label, f"decryption_factors[{qi}][{j}]", NOT_A_MEMBER)
                step.fail(record.label, f"decryption_factors[{qi}][{j}]", NOT_A_MEMBER)
                bad = True
            for index in invalid:
                (qi, j) = items[index][0]
                step.fail(record.label, f"decryption_proofs[{qi}][{j}]", msg("board.decryption.proof", owner=trustee))
                bad = True
        step.count("proofs", len(items))
        if not bad:
            state.valid_factors[trustee] = factors
    # who must take part
    for trustee in [o for o in trustees.singles if o not in state.valid_factors]:
        step.fail(WHOLE_BOARD, "PartialDecryption", msg("board.decryption.mandatory_missing", owner=trustee))
    for pgroup in trustees.pedersen:
        present = [o for o in pgroup.owners if o in state.valid_factors]
        if len(present) < pgroup.threshold:
            step.fail(WHOLE_BOARD, "PartialDecryption", msg("board.decryption.below_threshold", count=len(present),
                                                            threshold=pgroup.threshold))
    if step.status is StepStatus.PASS:
        used = sorted(state.valid_factors)
        step.describe(msg("board.decryption.summary", count=len(used), owners=", ".join(map(str, used)),
                          proofs=step.counts.get("proofs", 0)))
