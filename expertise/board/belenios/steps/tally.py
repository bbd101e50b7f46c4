"""Steps "tally" and "revotes": the encrypted tally recomputed from the ballots and compared.

Homomorphic questions: the product of every ballot (returned by the scheduler's chunks),
divided by the superseded ballots (usually few), re-read by offset. Non-homomorphic ones: the
list of the counted ballots' ciphertexts. The published EncryptedTally and its sized record are
then compared with what we computed, not taken from the board.
"""

from __future__ import annotations

import hashlib
from typing import Any

from gmpy2 import mpz

from ....i18n import msg
from ...account import StepStatus
from .. import fields as F
from ..archive import Record
from ..ballots import superseded_share
from ..fields import FieldError
from ..shuffle import parse_ciphertexts
from ..state import BallotRef, BoardState
from .common import canonical, member, parse

NO_ELECTION = msg("board.common.no_election")
SUPERSEDED_BATCH = 256


def _read_body(state: BoardState, ref: BallotRef) -> bytes | None:
    with open(state.path, "rb") as stream:
        stream.seek(ref.offset + 512)
        body = stream.read(ref.size)
    return body if hashlib.sha256(body).hexdigest() == ref.digest else None


def check(state: BoardState) -> None:
    steps = state.steps
    step = steps["tally"]
    revotes = steps["revotes"]
    election = state.election
    if election is None or state.context is None:
        step.not_verifiable(NO_ELECTION)
        revotes.not_verifiable(NO_ELECTION)
        return
    group = election.group
    # homomorphic: product of every ballot, divided by the superseded ones (re-read by offset)
    readable_superseded = [ref for ref in state.superseded if ref.ordinal not in state.unreadable]
    superseded_products: dict[int, list[list[mpz]]] = {}
    batch: list[tuple[bytes, int]] = []
    unreadable_again = 0

    def absorb(products: dict[int, list[list[mpz]]]) -> None:
        for qi, slots in products.items():
            mine = superseded_products.setdefault(qi, [[group.identity, group.identity] for _ in slots])
            for slot, (alpha, beta) in zip(mine, slots):
                slot[0] = group.mul(slot[0], alpha)
                slot[1] = group.mul(slot[1], beta)

    for ref in readable_superseded:
        body = _read_body(state, ref)
        if body is None:
            unreadable_again += 1
            continue
        batch.append((body, ref.weight if ref.weight is not None else 1))
        if len(batch) >= SUPERSEDED_BATCH:
            absorb(superseded_share(state.context, batch))
            batch = []
    if batch:
        absorb(superseded_share(state.context, batch))
    counted = list(state.last_by_credential.values())
    counted_unreadable = [ref.ordinal for ref in counted if ref.ordinal in state.unreadable]
    computed: list[Any] | None = []
    all_ballots: list[Any] = []
    for qi, question in enumerate(election.questions):
        if question.homomorphic:
            empty = [[group.identity, group.identity] for _ in range(question.choices)]
            mine = state.products.get(qi) or empty
            minus = superseded_products.get(qi) or empty
            computed.append([(group.div(a, ma), group.div(b, mb)) for (a, b), (ma, mb) in zip(mine, minus)])
            all_ballots.append([(a, b) for a, b in mine])
        else:
            key = group.sort_key
            entries = sorted(((alpha, beta) for ref in counted for qj, alpha, beta in state.nh.get(ref.ordinal, ())
                              if qj == qi), key=lambda ct: (key(ct[0]), key(ct[1])))
            computed.append(entries)
            all_ballots.append(None)
    if counted_unreadable or unreadable_again:
        computed = None
    state.computed_tally = computed
    revotes.ran = True
    revotes.describe(msg("board.revotes.summary", count=state.ballots, credentials=state.num_tallied,
                         superseded=len(state.superseded)))
    if state.tally_records is None:
        step.not_verifiable(msg("board.tally.not_yet"))
        if computed is not None:
            state.verification.tally = {"num_tallied": state.num_tallied, "total_weight": state.total_weight}
        return
    step.ran = True
    tally_record, sized_record = state.tally_records
    sized = parse(state, sized_record, "tally")
    published_value = parse(state, tally_record, "tally")
    published: list[Any] | None = None
    if published_value is not None:
        try:
            published = _parse_tally(state, tally_record, published_value)
        except FieldError as exc:
            step.fail(tally_record.label, exc.field, exc.message)
        else:
            canonical(state, tally_record, published_value, "tally", "tally")
    state.published_tally = published
    num_tallied = total_weight = None
    if sized is not None:
        try:
            F.obj(sized, "", ["num_tallied", "total_weight", "encrypted_tally"])
            num_tallied = F.integer(sized["num_tallied"], "num_tallied", 0)
            total_weight = F.weight(sized["total_weight"], "total_weight")
            F.string(sized["encrypted_tally"], "encrypted_tally", 64)
        except FieldError as exc:
            step.fail(sized_record.label, exc.field, exc.message)
        else:
            canonical(state, sized_record, sized, "tally", "sized_tally")
    state.verification.tally = {"num_tallied": state.num_tallied, "total_weight": state.total_weight,
                                "published_num_tallied": num_tallied, "published_total_weight": total_weight}
    if num_tallied is not None and num_tallied != state.num_tallied:
        step.fail(sized_record.label, "num_tallied", msg("board.tally.num_tallied", published=num_tallied,
                                                         computed=state.num_tallied))
        if num_tallied == state.ballots and state.superseded:
            revotes.fail(sized_record.label, "num_tallied", msg("board.revotes.all_counted", count=num_tallied))
    if total_weight is not None and total_weight != state.total_weight:
        step.fail(sized_record.label, "total_weight", msg("board.tally.total_weight", published=total_weight,
                                                          computed=state.total_weight))
    if computed is None:
        step.not_verifiable(msg("board.tally.unreadable", count=len(counted_unreadable) + unreadable_again))
        return
    if published is None:
        return
    mismatched = []
    for qi, (mine, theirs) in enumerate(zip(computed, published)):
        if mine != theirs:
            mismatched.append(qi)
            step.fail(tally_record.label, f"[{qi}]", msg("board.tally.differs", question=qi + 1))
            everything = all_ballots[qi]
            if everything is not None and everything == theirs and state.superseded:
                revotes.fail(tally_record.label, f"[{qi}]", msg("board.revotes.counted_twice"))
    if not mismatched and step.status is StepStatus.PASS:
        step.describe(msg("board.tally.summary", count=state.num_tallied, weight=state.total_weight))
    step.counts.update(num_tallied=state.num_tallied, total_weight=state.total_weight)


def _parse_tally(state: BoardState, record: Record, value: Any) -> list[Any]:
    assert state.election is not None
    group = state.election.group
    out: list[Any] = []
    for qi, (question, entries) in enumerate(zip(state.election.questions,
                                                 F.lst(value, "", length=len(state.election.questions)))):
        length = question.choices if question.homomorphic else None
        if question.lists:
            rows = F.lst(entries, f"[{qi}]", length=len(question.lists))
            cts = [ct for i, (row, size) in enumerate(zip(rows, question.lists))
                   for ct in parse_ciphertexts(row, f"[{qi}][{i}]", group, size)]
        else:
            cts = parse_ciphertexts(entries, f"[{qi}]", group, length)
        for j, (alpha, beta) in enumerate(cts):
            member(state, "tally", record.label, f"[{qi}][{j}].alpha", alpha, "tally")
            member(state, "tally", record.label, f"[{qi}][{j}].beta", beta, "tally")
        out.append(cts)
    return out
