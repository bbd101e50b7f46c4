"""Step "result": the published result is the decryption of the tally; reported verified only if every step holds.

The partial decryptions are combined (Lagrange coefficients for a Pedersen group) and the
tally decrypted here: homomorphic counts by a bounded discrete logarithm, non-homomorphic
answers by decoding the embedded integers.
"""

from __future__ import annotations

from typing import Any

from ....i18n import msg
from ...account import STEP_IDS, StepStatus
from .. import fields as F
from ..decryption import decode, discrete_log, lagrange
from ..fields import FieldError
from ..setup import nest
from ..state import BoardState
from .common import canonical, parse
from .decryptions import flat_paths

MAX_DLOG_BOUND = 10**10


def _combined_factors(state: BoardState) -> list[list[Any]] | None:
    trustees = state.trustees
    assert trustees is not None and state.election is not None
    group = state.election.group
    factors = state.valid_factors
    if any(o not in factors for o in trustees.singles):
        return None
    tally = state.final_tally
    assert tally is not None
    combined = [[group.identity for _ in cts] for cts in tally]
    for trustee in trustees.singles:
        for qi, row in enumerate(factors[trustee]):
            for j, f in enumerate(row):
                combined[qi][j] = group.mul(combined[qi][j], f)
    for pgroup in trustees.pedersen:
        present = [o for o in pgroup.owners if o in factors][:pgroup.threshold]
        if len(present) < pgroup.threshold:
            return None
        members = {o: trustees.keys[o].member for o in present}
        lambdas = lagrange(list(members.values()), group.q)
        for trustee in present:
            coefficient = lambdas[members[trustee]]
            for qi, row in enumerate(factors[trustee]):
                for j, f in enumerate(row):
                    combined[qi][j] = group.mul(combined[qi][j], group.pow(f, coefficient))
    return combined


def check(state: BoardState) -> None:
    step = state.steps["result"]
    election = state.election
    if election is None or state.trustees is None:
        step.not_verifiable(msg("board.common.no_trustees"))
        return
    if state.result_record is None:
        step.not_verifiable(msg("board.result.not_yet"))
        return
    if state.final_tally is None:
        # a failed shuffle or an unreadable tally: nothing verified to decrypt (reported by its own step)
        step.not_verifiable(msg("board.result.no_verified_list"))
        return
    combined = _combined_factors(state)
    step.ran = True
    record = state.result_record
    value = parse(state, record, "result")
    published: list[Any] | None = None
    if value is not None:
        try:
            F.obj(value, "", ["result"])
            published = _parse_result(state, value["result"])
        except FieldError as exc:
            step.fail(record.label, exc.field, exc.message)
        else:
            canonical(state, record, value, "result", "result")
    if combined is None:
        step.not_verifiable(msg("board.result.not_decryptable"))
        return
    group = election.group
    decrypted: list[Any] = []
    bound = min(state.total_weight, MAX_DLOG_BOUND)
    for qi, (question, cts) in enumerate(zip(election.questions, state.final_tally or [])):
        plain = [group.div(b, f) for (_, b), f in zip(cts, combined[qi])]
        if question.homomorphic:
            counts: list[int | None] = []
            for j, m in enumerate(plain):
                claimed = published[qi][j] if published is not None else None
                if claimed is not None and group.g_table.pow(claimed % group.q) == m:
                    counts.append(claimed)
                    continue
                found = discrete_log(m, group, bound)
                counts.append(found)
                if published is not None:
                    step.fail(record.label, f"result[{qi}][{j}]", msg(
                        "board.result.count_differs", published=claimed, answer=j + 1, question=qi + 1,
                        decrypted=found if found is not None else msg("board.result.not_a_count")))
            decrypted.append(counts)
        else:
            rows = []
            malformed = 0
            for k, m in enumerate(plain):
                values, extra = decode(m, group, len(question.answers))
                malformed += extra
                rows.append(values)
                if published is not None and published[qi][k] != values:
                    step.fail(record.label, f"result[{qi}][{k}]", msg("board.result.ballot_differs",
                                                                      published=str(published[qi][k]),
                                                                      decrypted=str(values)))
            if malformed:
                step.notes.append(msg("board.result.note.malformed", question=qi + 1, count=malformed))
            decrypted.append(rows)
            step.count("non_homomorphic_plaintexts", len(rows))
    decrypted = [nest(values, q.lists) if q.lists else values for q, values in zip(election.questions, decrypted)]
    state.verification.election["decrypted"] = _jsonable(decrypted)
    if published is not None and step.status is StepStatus.PASS:
        if state.computed_tally is not None:
            step.describe(msg("board.result.summary"))
            state.decrypted_result = value["result"]  # reported as verified by verified(), at the very end
        else:
            step.describe(msg("board.result.summary_published"))
            step.notes.append(msg("board.result.note.not_recomputed"))


def verified(state: BoardState) -> None:
    """Report the result as verified only if it is the count of the voters' ballots, and only them.

    A stuffed credential, a replayed ballot, a revote counted twice or a ballot removed since a
    snapshot, once re-tallied, decrypt correctly too: the result step passes, but the result is
    not the voters'. Hence this runs after every step (the credential authority's included);
    only the timing is left out.
    """
    if state.decrypted_result is None:
        return
    failed = [s for s in STEP_IDS if s != "timing" and state.steps[s].status is StepStatus.FAIL]
    if failed:
        state.verification.result = None
        state.steps["result"].notes.append(msg("board.result.note.not_verified", steps=failed))
    else:
        state.verification.result = {"result": state.decrypted_result}


def _parse_result(state: BoardState, value: Any) -> list[Any]:
    assert state.election is not None and state.final_tally is not None
    out: list[Any] = []
    for qi, (question, cts, entry) in enumerate(zip(state.election.questions, state.final_tally,
                                                     F.lst(value, "result", length=len(state.election.questions)))):
        path = f"result[{qi}]"
        if question.homomorphic:
            out.append([F.weight(v, f"{path}{where}") for where, v in flat_paths(entry, path, len(cts),
                                                                                  question.lists)])
        else:
            rows = []
            for k, row in enumerate(F.lst(entry, path, length=len(cts))):
                rows.append([F.integer(v, f"{path}[{k}][{i}]", 0)
                             for i, v in enumerate(F.lst(row, f"{path}[{k}]", length=len(question.answers)))])
            out.append(rows)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if value is None:
        return None
    return int(value)
