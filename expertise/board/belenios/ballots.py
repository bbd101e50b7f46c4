"""Verification of ballots, one chunk at a time, in a worker process or a Dask worker.

This is the hot path: a 3-candidate BELENIOS-2048 ballot costs six membership tests and
fifteen proof exponentiations with a variable base. Everything a worker needs travels in a
small picklable :class:`BallotContext`; the fixed-base tables derived from it are built once
per process and cached. A chunk returns compact outcomes (first failure per ballot) and its
share of the homomorphic tally (the weighted product of its ballots' ciphertexts), so the
main process never holds the ballots themselves.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from gmpy2 import mpz

from ...i18n import Message, msg
from . import fields as F
from .fields import FieldError
from .groups import get_group
from .proofs import Crypto, b64hash

BALLOT_FIELDS = ["election_uuid", "election_hash", "credential", "answers", "signature"]
NOT_A_MEMBER = msg("board.group.not_a_member")


@dataclass(frozen=True)
class QuestionShape:
    homomorphic: bool  # counted by multiplying ciphertexts (homomorphic and lists questions)
    choices: int
    minimum: int
    maximum: int
    blank: bool
    lists: tuple[int, ...] = ()  # a lists question (Belenios 3.0): entries of each list


@dataclass(frozen=True)
class BallotContext:
    group: str
    public_key: str
    fingerprint: str
    uuid: str
    questions: tuple[QuestionShape, ...]
    batch: bool = True  # membership tested in one batch per chunk (False: one element at a time)


@dataclass(frozen=True)
class BallotItem:
    ordinal: int  # 1-based position among the board's ballots
    where: tuple[int, str, int]  # its record: index, short name, offset (a message only if it fails)
    body: bytes
    credential: str | None  # as read by the main process from the canonical prefix
    weight: int | None  # None when the credential is not in the public credentials


@dataclass
class ChunkOutcome:
    ballots: int = 0
    valid: int = 0
    # ordinal, where, field, message, kind ("ballot" or "membership")
    failures: list[tuple[int, tuple[int, str, int], str, Message, str]] = field(default_factory=list)
    invalid: list[int] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)  # ciphertexts not usable for the tally
    products: dict[int, list[list[Any]]] = field(default_factory=dict)  # question -> [[alpha, beta] per choice]
    # weight -> question -> [([alphas], [betas]) per choice]: the chunk's ciphertexts, multiplied and raised
    # to their weight once per chunk by settle_products (empty when the outcome leaves the worker)
    pending: dict[int, dict[int, list[tuple[list[Any], list[Any]]]]] = field(default_factory=dict)
    nh: list[tuple[int, int, Any, Any]] = field(default_factory=list)  # ordinal, question, alpha, beta
    alpha_keys: list[tuple[int, int]] = field(default_factory=list)  # ordinal, 64-bit digest of an alpha
    members: int = 0
    proofs: int = 0


class _Prepared:
    def __init__(self, context: BallotContext) -> None:
        group = get_group(context.group)
        if group is None:  # the main process only builds contexts for known groups
            raise ValueError(context.group)
        self.group = group
        self.context = context
        self.crypto = Crypto(group, group.parse(context.public_key, "public_key"))


_CACHE: dict[BallotContext, _Prepared] = {}
_LOCK = threading.Lock()


def prepared(context: BallotContext) -> _Prepared:
    with _LOCK:
        ready = _CACHE.get(context)
        if ready is None:
            _CACHE.clear()
            ready = _CACHE[context] = _Prepared(context)
        return ready


class _Invalid(Exception):
    def __init__(self, field_name: str, message: Message, kind: str = "ballot") -> None:
        super().__init__(field_name, message)
        self.field = field_name
        self.message = message
        self.kind = kind


_DECODER = json.JSONDecoder(parse_float=F._parse_float, parse_constant=F._parse_constant)


def verify_chunk(context: BallotContext, items: list[BallotItem]) -> ChunkOutcome:
    """Verify a chunk of ballots; never raises on bad input (each ballot gets its own verdict).

    Three passes, so that the group membership of every element of the chunk is tested at
    once (one batch, see :meth:`Group.non_members`): read every ballot's structure; test the
    membership of all their elements; check the rest (tally share, form, signature, proofs)
    of the ballots whose elements are all members. Each ballot's verdict, and the order of the
    lists returned, are those of checking the ballots one after another.
    """
    ready = prepared(context)
    outcome = ChunkOutcome()
    readable: list[tuple[BallotItem, _Read]] = []
    for item in items:
        outcome.ballots += 1
        read = _attempt(outcome, item, _read, ready, item, outcome)
        if read is not None:
            readable.append((item, read))
    for item, read in _members(ready, readable, outcome):
        if _attempt(outcome, item, _check, ready, item, read, outcome) is not None:
            outcome.valid += 1
    settle_products(ready.group, outcome)
    outcome.failures.sort(key=lambda failure: failure[0])
    outcome.invalid.sort()
    outcome.unreadable.sort()
    return outcome


def _attempt(outcome: ChunkOutcome, item: BallotItem, step: Any, *args: Any) -> Any:
    """step(*args), or None with the ballot's failure recorded (a crafted ballot never stops the replay)."""
    try:
        return step(*args)
    except _Invalid as exc:
        failure = (exc.field, exc.message, exc.kind)
    except FieldError as exc:
        failure = (exc.field, exc.message, "ballot")
    except Exception as exc:  # defensive
        failure = ("(ballot)", msg("board.ballot.unverifiable", error=type(exc).__name__, detail=str(exc)), "ballot")
    outcome.invalid.append(item.ordinal)
    outcome.failures.append((item.ordinal, item.where, *failure))
    return None


def _ciphertext(value: Any, path: str, group) -> tuple[Any, Any, str, str]:  # type: ignore[no-untyped-def]
    F.obj(value, path, ["alpha", "beta"])
    alpha = F.element(value["alpha"], path + ".alpha", group)
    beta = F.element(value["beta"], path + ".beta", group)
    return alpha, beta, value["alpha"], value["beta"]


def _proofs(value: Any, path: str, group, length: int) -> list[tuple[mpz, mpz]]:  # type: ignore[no-untyped-def]
    out = []
    for i, proof in enumerate(F.lst(value, path, length=length)):
        out.append(_proof(proof, f"{path}[{i}]", group))
    return out


def _proof(value: Any, path: str, group) -> tuple[mpz, mpz]:  # type: ignore[no-untyped-def]
    F.obj(value, path, ["challenge", "response"])
    return (F.exponent(value["challenge"], path + ".challenge", group),
            F.exponent(value["response"], path + ".response", group))


def _read(ready: _Prepared, item: BallotItem, outcome: ChunkOutcome) -> "_Read":
    """Decode a ballot and read its structure; a ballot that cannot be read is unusable for the tally."""
    context = ready.context
    group = ready.group
    try:
        text = item.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        outcome.unreadable.append(item.ordinal)
        raise _Invalid("(ballot)", msg("board.json.utf8", byte=exc.start)) from None
    try:
        ballot = _DECODER.decode(text)
    except FieldError as exc:
        outcome.unreadable.append(item.ordinal)
        raise _Invalid("(ballot)", exc.message) from None
    except (ValueError, RecursionError) as exc:
        outcome.unreadable.append(item.ordinal)
        raise _Invalid("(ballot)", msg("board.json.invalid", error=str(exc)[:120])) from None

    # Structure first, so that the tally can use the ciphertexts even if a proof fails below.
    try:
        F.obj(ballot, "", BALLOT_FIELDS)
        credential_text = ballot["credential"]
        credential = F.element(credential_text, "credential", group)
        answers = F.lst(ballot["answers"], "answers", length=len(context.questions))
        parsed: list[Any] = []
        for qi, (shape, answer) in enumerate(zip(context.questions, answers)):
            path = f"answers[{qi}]"
            if shape.lists:
                parsed.append(_parse_lists_answer(answer, path, group, shape.lists))
            elif shape.homomorphic:
                fields = ["choices", "individual_proofs", "overall_proof", "blank_proof"]
                F.obj(answer, path, fields, optional=[] if shape.blank else ["blank_proof"])
                if not shape.blank and "blank_proof" in answer:
                    raise FieldError(path + ".blank_proof", msg("board.ballot.blank_not_allowed"))
                choices = [_ciphertext(c, f"{path}.choices[{j}]", group)
                           for j, c in enumerate(F.lst(answer["choices"], path + ".choices", length=shape.choices))]
                individual = [_proofs(pr, f"{path}.individual_proofs[{j}]", group, 2)
                              for j, pr in enumerate(F.lst(answer["individual_proofs"], path + ".individual_proofs",
                                                           length=shape.choices))]
                overall_length = shape.maximum - shape.minimum + (2 if shape.blank else 1)
                overall = _proofs(answer["overall_proof"], path + ".overall_proof", group, overall_length)
                blank = _proofs(answer["blank_proof"], path + ".blank_proof", group, 2) if shape.blank else None
                paths = [f"{path}.choices[{j}]" for j in range(len(choices))]
                parsed.append((choices, individual, overall, blank, None, paths))
            else:
                F.obj(answer, path, ["choices", "proof"])
                choice = _ciphertext(answer["choices"], path + ".choices", group)
                proof = _proof(answer["proof"], path + ".proof", group)
                parsed.append((choice, proof))
        signature = F.obj(ballot["signature"], "signature", ["hash", "proof"])
        signature_hash = F.string(signature["hash"], "signature.hash", 64)
        signature_proof = _proof(signature["proof"], "signature.proof", group)
        election_uuid = F.string(ballot["election_uuid"], "election_uuid", 200)
        election_hash = F.string(ballot["election_hash"], "election_hash", 200)
    except FieldError as exc:
        outcome.unreadable.append(item.ordinal)
        raise _Invalid(exc.field, exc.message) from None
    return _Read(text, ballot, credential_text, credential, parsed, signature_hash, signature_proof, election_uuid,
                 election_hash)


@dataclass
class _Read:
    text: str
    ballot: Any
    credential_text: str
    credential: Any
    parsed: list[Any]
    signature_hash: str
    signature_proof: tuple[mpz, mpz]
    election_uuid: str
    election_hash: str


def _elements(context: BallotContext, parsed: list[Any]) -> list[tuple[str, Any]]:
    """A ballot's group elements and their fields, in the order they are tested (the credential
    was tested with the public credentials)."""
    elements: list[tuple[str, Any]] = []
    for qi, (shape, answer) in enumerate(zip(context.questions, parsed)):
        if shape.homomorphic:
            for where, c in zip(answer[5], answer[0]):
                elements += [(where + ".alpha", c[0]), (where + ".beta", c[1])]
            if answer[4] is not None:  # the non-zero proof's commitment is a group element too
                elements.append((f"answers[{qi}].nonzero_proof.commitment", answer[4][1][0]))
        else:
            elements += [(f"answers[{qi}].choices.alpha", answer[0][0]), (f"answers[{qi}].choices.beta", answer[0][1])]
    return elements


def _members(ready: _Prepared, readable: list[tuple[BallotItem, _Read]],
             outcome: ChunkOutcome) -> list[tuple[BallotItem, _Read]]:
    """Group membership of every element of the chunk's readable ballots, before any arithmetic.

    A value outside the group makes the ballot unusable for the tally. One batched test for the
    whole chunk (``--no-batch``: one by one); a ballot fails on its first non-member, and the
    count of elements tested is the one a test stopping there gives.
    """
    per_ballot = [_elements(ready.context, read.parsed) for _, read in readable]
    values = [x for elements in per_ballot for _, x in elements]
    bad = set(ready.group.non_members(values, batch=ready.context.batch))
    members: list[tuple[BallotItem, _Read]] = []
    start = 0
    for (item, read), elements in zip(readable, per_ballot):
        first = next((k for k in range(len(elements)) if start + k in bad), None)
        start += len(elements)
        if first is None:
            outcome.members += len(elements)
            members.append((item, read))
            continue
        outcome.members += first + 1
        outcome.unreadable.append(item.ordinal)
        outcome.invalid.append(item.ordinal)
        outcome.failures.append((item.ordinal, item.where, elements[first][0], NOT_A_MEMBER, "membership"))
    return members


def _check(ready: _Prepared, item: BallotItem, read: _Read, outcome: ChunkOutcome) -> bool:
    """Everything else of a readable ballot whose elements are members: tally share, form, signature, proofs."""
    context = ready.context
    group = ready.group
    crypto = ready.crypto
    text, ballot, parsed = read.text, read.ballot, read.parsed
    credential_text, credential = read.credential_text, read.credential
    signature_hash, signature_proof = read.signature_hash, read.signature_proof
    election_uuid, election_hash = read.election_uuid, read.election_hash
    weight = item.weight if item.weight is not None else 1
    _tally_share(ready, item, parsed, weight, outcome)

    if F.canonical(ballot) != text:
        raise _Invalid("(ballot)", msg("board.ballot.not_canonical"))
    if election_uuid != context.uuid:
        raise _Invalid("election_uuid", msg("board.ballot.other_election", found=repr(election_uuid[:40]),
                                            expected=repr(context.uuid)))
    if election_hash != context.fingerprint:
        raise _Invalid("election_hash", msg("board.ballot.other_fingerprint"))
    if item.credential != credential_text:
        raise _Invalid("credential", msg("board.ballot.credential_inconsistent"))
    if item.weight is None:
        raise _Invalid("credential", msg("board.ballot.unknown_credential"))

    # Signature over the ballot without its signature field (canonical, so a suffix cut is exact).
    signature_json = F.canonical(ballot["signature"])
    unsigned = text[: len(text) - len(signature_json) - len(',"signature":') - 1] + "}"
    if b64hash(unsigned.encode("utf-8")) != signature_hash:
        raise _Invalid("signature.hash", msg("board.ballot.hash_mismatch"))
    outcome.proofs += 1
    if not crypto.verify_ballot_signature(signature_hash, credential, *signature_proof):
        raise _Invalid("signature.proof", msg("board.ballot.signature"))

    s0 = f"{context.fingerprint}|{credential_text}"
    for qi, (shape, answer) in enumerate(zip(context.questions, parsed)):
        path = f"answers[{qi}]"
        if not shape.homomorphic:
            (alpha, beta, alpha_text, beta_text), proof = answer
            outcome.proofs += 1
            if not crypto.verify_raweg(s0, alpha, alpha_text, beta_text, *proof):
                raise _Invalid(path + ".proof", msg("board.ballot.raweg_proof"))
            continue
        choices, individual, overall, blank, lists, paths = answer
        for where, (alpha, beta, alpha_text, beta_text), proofs in zip(paths, choices, individual):
            outcome.proofs += 1
            if not crypto.verify_iproof(s0, alpha, beta, alpha_text, beta_text, proofs, (0, 1)):
                raise _Invalid(where.replace(".choices", ".individual_proofs"), msg("board.ballot.individual_proof"))
        s = s0 + "|" + ",".join(f"{c[2]},{c[3]}" for c in choices)
        if lists is not None:
            _verify_lists(crypto, s, path, choices, overall, lists, shape.lists, outcome)
            continue
        counted = choices[1:] if shape.blank else choices
        alpha_sum = group.product(c[0] for c in counted)
        beta_sum = group.product(c[1] for c in counted)
        outcome.proofs += 1
        if shape.blank:
            alpha0, beta0 = choices[0][0], choices[0][1]
            if not crypto.verify_blank_proof(s, alpha0, beta0, alpha_sum, beta_sum, blank):
                raise _Invalid(path + ".blank_proof", msg("board.ballot.blank_proof"))
            if not crypto.verify_blank_overall(s, alpha0, beta0, alpha_sum, beta_sum, overall, shape.minimum):
                raise _Invalid(path + ".overall_proof", msg("board.ballot.blank_overall_proof", minimum=shape.minimum,
                                                            maximum=shape.maximum))
        else:
            plaintexts = range(shape.minimum, shape.maximum + 1)
            if not crypto.verify_iproof(s, alpha_sum, beta_sum, group.text(alpha_sum), group.text(beta_sum), overall,
                                        plaintexts):
                raise _Invalid(path + ".overall_proof", msg("board.ballot.overall_proof", minimum=shape.minimum,
                                                            maximum=shape.maximum))
    if item.weight != 1 and any(not shape.homomorphic for shape in context.questions):
        raise _Invalid("credential", msg("board.ballot.weighted_non_homomorphic", weight=item.weight))
    return True


def _parse_lists_answer(answer: Any, path: str, group, sizes: tuple[int, ...]) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    """choices and individual proofs per list, one overall proof, one list proof per list, a non-zero proof."""
    F.obj(answer, path, ["choices", "individual_proofs", "overall_proof", "list_proofs", "nonzero_proof"])
    rows = F.lst(answer["choices"], path + ".choices", length=len(sizes))
    proof_rows = F.lst(answer["individual_proofs"], path + ".individual_proofs", length=len(sizes))
    choices, individual, paths = [], [], []
    for i, (size, row, proof_row) in enumerate(zip(sizes, rows, proof_rows)):
        F.lst(row, f"{path}.choices[{i}]", length=size)
        F.lst(proof_row, f"{path}.individual_proofs[{i}]", length=size)
        for j, (c, pr) in enumerate(zip(row, proof_row)):
            choices.append(_ciphertext(c, f"{path}.choices[{i}][{j}]", group))
            individual.append(_proofs(pr, f"{path}.individual_proofs[{i}][{j}]", group, 2))
            paths.append(f"{path}.choices[{i}][{j}]")
    overall = [_proof(answer["overall_proof"], path + ".overall_proof", group)]
    list_proofs = [_proofs(pr, f"{path}.list_proofs[{i}]", group, 2)
                   for i, pr in enumerate(F.lst(answer["list_proofs"], path + ".list_proofs", length=len(sizes)))]
    nonzero = F.obj(answer["nonzero_proof"], path + ".nonzero_proof", ["commitment", "challenge", "response"])
    response = F.lst(nonzero["response"], path + ".nonzero_proof.response", length=2)
    nonzero_values = (F.element(nonzero["commitment"], path + ".nonzero_proof.commitment", group),
                      F.exponent(nonzero["challenge"], path + ".nonzero_proof.challenge", group),
                      F.exponent(response[0], path + ".nonzero_proof.response[0]", group),
                      F.exponent(response[1], path + ".nonzero_proof.response[1]", group))
    return choices, individual, overall, None, (list_proofs, nonzero_values), paths


def _verify_lists(crypto: Crypto, s: str, path: str, choices: list[Any], overall: list[tuple[mpz, mpz]],
                  lists: tuple[Any, Any], sizes: tuple[int, ...], outcome: ChunkOutcome) -> None:
    """Lists answers (spec 3.x): exactly one list chosen; a list's candidates only if it is chosen; one at least."""
    group = crypto.group
    list_proofs, (commitment, challenge, t1, t2) = lists
    heads, bodies, start = [], [], 0
    for size in sizes:
        heads.append(choices[start])
        bodies.append(choices[start + 1:start + size])
        start += size
    alpha_l = group.product(c[0] for c in heads)
    beta_l = group.product(c[1] for c in heads)
    outcome.proofs += 1
    if not crypto.verify_iproof(s, alpha_l, beta_l, group.text(alpha_l), group.text(beta_l), overall, (1,)):
        raise _Invalid(path + ".overall_proof", msg("board.ballot.one_list_proof"))
    for i, (head, body, proofs) in enumerate(zip(heads, bodies, list_proofs)):
        outcome.proofs += 1
        alpha = group.product(c[0] for c in body)
        beta = group.product(c[1] for c in body)
        if not crypto.verify_list_proof(s, head[0], head[1], alpha, beta, proofs):
            raise _Invalid(f"{path}.list_proofs[{i}]", msg("board.ballot.list_proof", list=i + 1))
    outcome.proofs += 1
    alpha = group.product(c[0] for body in bodies for c in body)
    beta = group.product(c[1] for body in bodies for c in body)
    if not crypto.verify_nonzero(s, alpha, beta, commitment, challenge, t1, t2):
        raise _Invalid(path + ".nonzero_proof", msg("board.ballot.nonzero_proof"))


def _tally_share(ready: _Prepared, item: BallotItem, parsed: list[Any], weight: int, outcome: ChunkOutcome) -> None:
    group = ready.group
    for qi, (shape, answer) in enumerate(zip(ready.context.questions, parsed)):
        if shape.homomorphic:
            choices = answer[0]
            questions = outcome.pending.setdefault(weight, {})
            terms = questions.get(qi)
            if terms is None:
                terms = questions[qi] = [([], []) for _ in range(shape.choices)]
            for (alphas, betas), (alpha, beta, alpha_text, _) in zip(terms, choices):
                alphas.append(alpha)
                betas.append(beta)
                outcome.alpha_keys.append((item.ordinal, alpha_key(alpha_text)))
        else:
            alpha, beta, alpha_text, _ = answer[0]
            outcome.nh.append((item.ordinal, qi, alpha, beta))
            outcome.alpha_keys.append((item.ordinal, alpha_key(alpha_text)))


def settle_products(group: Any, outcome: ChunkOutcome) -> None:
    """Fold the chunk's ciphertexts into its tally share: Π α_i^(w_i) = Π_w (Π_{w_i = w} α_i)^w.

    One product per weight, question and choice for the whole chunk (a group may compute a long
    product faster than term by term: Ed25519, see Ed25519Group.product), and one exponentiation
    per weight rather than one per ballot and ciphertext.
    """
    for weight, questions in sorted(outcome.pending.items()):
        for qi, slots in questions.items():
            product = outcome.products.get(qi)
            if product is None:
                product = outcome.products[qi] = [[group.identity, group.identity] for _ in slots]
            for target, (alphas, betas) in zip(product, slots):
                alpha, beta = group.product(alphas), group.product(betas)
                if weight != 1:
                    alpha, beta = group.pow(alpha, weight), group.pow(beta, weight)
                target[0] = group.mul(target[0], alpha)
                target[1] = group.mul(target[1], beta)
    outcome.pending = {}


def alpha_key(alpha_text: str) -> int:
    """A 64-bit digest of a ciphertext's alpha, to find ciphertexts copied between ballots."""
    return int.from_bytes(hashlib.sha256(alpha_text.encode("ascii", "replace")).digest()[:8], "big")


def check_members(group_name: str, values: list[tuple[int, str]], batch: bool = True) -> list[int]:
    """Indexes (as given) of the values that are not group elements (public credentials)."""
    group = get_group(group_name)
    assert group is not None
    bad = group.non_members([group.parse(text, "") for _, text in values], batch=batch)
    return [values[k][0] for k in bad]


def superseded_share(context: BallotContext, bodies: list[tuple[bytes, int]]) -> dict[int, list[list[Any]]]:
    """The weighted product of the given (already verified-readable) ballots' homomorphic ciphertexts."""
    ready = prepared(context)
    outcome = ChunkOutcome()
    for body, weight in bodies:
        ballot = json.loads(body)
        parsed: list[Any] = []
        for shape, answer in zip(context.questions, ballot["answers"]):
            if shape.homomorphic:
                flat = [c for row in answer["choices"] for c in row] if shape.lists else answer["choices"]
                parsed.append(([(ready.group.parse(c["alpha"], ""), ready.group.parse(c["beta"], ""), c["alpha"],
                                 c["beta"]) for c in flat],))
            else:
                c = answer["choices"]
                parsed.append(((ready.group.parse(c["alpha"], ""), ready.group.parse(c["beta"], ""), c["alpha"],
                                c["beta"]),))
        _tally_share(ready, BallotItem(0, (0, "", 0), b"", None, weight), parsed, weight, outcome)
    settle_products(ready.group, outcome)
    return outcome.products
