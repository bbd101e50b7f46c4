"""The Setup records: the election, the trustees, the public credentials.

These define everything else: the group, the election key ballots are encrypted to, who may
vote and with which weight, who must take part in the decryption. They are parsed strictly
and every key is checked (proofs of knowledge, Pedersen certificates and coefficient
commitments, the combined key) before a single ballot is looked at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gmpy2 import mpz

from ...i18n import Message, msg
from . import fields as F
from .fields import FieldError
from .groups import Group, get_group
from .proofs import Crypto

BASE58 = set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")


@dataclass(frozen=True)
class Question:
    kind: str  # "homomorphic", "non-homomorphic" or "lists" (Belenios 3.0)
    text: str
    answers: tuple[str, ...]  # for lists: every list name and candidate, flattened
    minimum: int = 0
    maximum: int = 0
    blank: bool = False
    lists: tuple[int, ...] = ()  # lists: entries (list name + candidates) of each list

    @property
    def homomorphic(self) -> bool:
        """Counted by multiplying the ballots' ciphertexts (homomorphic and lists questions)."""
        return self.kind != "non-homomorphic"

    @property
    def choices(self) -> int:
        """Ciphertexts per ballot for this question (a leading blank flag when blank is allowed)."""
        return len(self.answers) + (1 if self.blank else 0)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.kind, "question": self.text, "answers": list(self.answers)}
        if self.kind == "homomorphic":
            data.update(min=self.minimum, max=self.maximum, blank=self.blank)
        if self.kind == "lists":
            data["lists"] = list(self.lists)
        return data


def nest(flat: list[Any], lists: tuple[int, ...]) -> list[list[Any]]:
    """The flat list of a lists question cut back into one list per candidate list."""
    out, start = [], 0
    for size in lists:
        out.append(flat[start:start + size])
        start += size
    return out


@dataclass
class Election:
    raw_sha256: str
    fingerprint: str  # φ: b64hash of the raw record
    version: int
    name: str
    description: str
    group: Group
    public_key: Any
    public_key_text: str
    questions: tuple[Question, ...]
    uuid: str
    administrator: str | None = None
    credential_authority: str | None = None

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "uuid": self.uuid, "group": self.group.name, "fingerprint": self.fingerprint,
                "description": self.description, "questions": [q.to_dict() for q in self.questions],
                "administrator": self.administrator, "credential_authority": self.credential_authority}


def parse_election(value: Any, raw_sha256: str, fingerprint: str) -> Election:
    """The election record; its group must be one of the two the specification defines."""
    F.obj(value, "", ["version", "description", "name", "group", "public_key", "questions", "uuid",
                      "administrator", "credential_authority"], optional=["administrator", "credential_authority"])
    version = F.integer(value["version"], "version")
    if version != 1:
        raise FieldError("version", msg("board.election.version", version=version))
    group_name = F.string(value["group"], "group", 200)
    group = get_group(group_name)
    if group is None:
        raise FieldError("group", msg("board.election.unknown_group", name=repr(group_name[:60])))
    public_key = F.element(value["public_key"], "public_key", group)
    uuid = F.string(value["uuid"], "uuid", 200)
    if len(uuid) < 14 or not set(uuid) <= BASE58:
        raise FieldError("uuid", msg("board.election.uuid", uuid=repr(uuid[:40])))
    questions = []
    for index, raw_q in enumerate(F.lst(value["questions"], "questions", min_length=1)):
        questions.append(_parse_question(raw_q, f"questions[{index}]", group))
    return Election(
        raw_sha256=raw_sha256, fingerprint=fingerprint, version=version,
        name=F.string(value["name"], "name"), description=F.string(value["description"], "description"),
        group=group, public_key=public_key, public_key_text=value["public_key"], questions=tuple(questions),
        uuid=uuid,
        administrator=F.string(value["administrator"], "administrator") if "administrator" in value else None,
        credential_authority=(F.string(value["credential_authority"], "credential_authority")
                              if "credential_authority" in value else None))


def _parse_question(value: Any, path: str, group: Group) -> Question:
    if isinstance(value, dict) and "type" in value:
        F.obj(value, path, ["type", "value", "extra"], optional=["extra"])
        kind = F.string(value["type"], F.join(path, "type"), 100)
        if kind == "Lists":
            return _parse_lists(value, path)
        if kind != "NonHomomorphic":
            raise FieldError(F.join(path, "type"), msg("board.election.question_type", kind=repr(kind[:40])))
        inner = F.obj(value["value"], F.join(path, "value"), ["answers", "question"])
        answers = tuple(F.string(a, f"{path}.value.answers[{i}]")
                        for i, a in enumerate(F.lst(inner["answers"], f"{path}.value.answers", min_length=1)))
        if group.embedding is None:
            raise FieldError(path, msg("board.election.no_embedding", group=group.name))
        padding, bits = group.embedding
        if len(answers) * bits > group.embedding_capacity():
            raise FieldError(F.join(path, "value.answers"), msg("board.election.too_many_answers", count=len(answers)))
        return Question("non-homomorphic", F.string(inner["question"], f"{path}.value.question"), answers)
    F.obj(value, path, ["answers", "blank", "min", "max", "question"], optional=["blank"])
    answers = tuple(F.string(a, f"{path}.answers[{i}]")
                    for i, a in enumerate(F.lst(value["answers"], F.join(path, "answers"), min_length=1)))
    blank = F.boolean(value["blank"], F.join(path, "blank")) if "blank" in value else False
    minimum = F.integer(value["min"], F.join(path, "min"), 0)
    maximum = F.integer(value["max"], F.join(path, "max"), 0)
    if minimum > maximum:
        raise FieldError(F.join(path, "min"), msg("board.election.min_above_max", minimum=minimum, maximum=maximum))
    if maximum > len(answers):
        raise FieldError(F.join(path, "max"), msg("board.election.max_above_answers", maximum=maximum,
                                                  answers=len(answers)))
    return Question("homomorphic", F.string(value["question"], F.join(path, "question")), answers,
                    minimum, maximum, blank)


def _parse_lists(value: Any, path: str) -> Question:
    """A Lists question (Belenios 3.0): choose one list, and at least one candidate of that list."""
    if "extra" in value:
        raise FieldError(F.join(path, "extra"), msg("board.election.lists_extra"))
    inner = F.obj(value["value"], F.join(path, "value"), ["answers", "question"])
    flat: list[str] = []
    sizes: list[int] = []
    for i, group_answers in enumerate(F.lst(inner["answers"], f"{path}.value.answers", min_length=1)):
        names = F.lst(group_answers, f"{path}.value.answers[{i}]", min_length=1)
        flat.extend(F.string(a, f"{path}.value.answers[{i}][{j}]") for j, a in enumerate(names))
        sizes.append(len(names))
    return Question("lists", F.string(inner["question"], f"{path}.value.question"), tuple(flat), 1, 1,
                    lists=tuple(sizes))


# -- trustees -----------------------------------------------------------------------------------


@dataclass
class TrusteeKey:
    owner: int  # id used by Shuffle and PartialDecryption events (1-based, flattened)
    kind: str  # "Single" or "Pedersen"
    item: int  # index in the trustees list
    member: int  # 1-based index inside a Pedersen group (0 for Single)
    public_key: Any
    public_key_text: str
    name: str | None = None


@dataclass
class PedersenGroup:
    item: int
    threshold: int
    owners: list[int]
    constant_terms: list[Any]


@dataclass
class Trustees:
    keys: dict[int, TrusteeKey] = field(default_factory=dict)
    singles: list[int] = field(default_factory=list)
    pedersen: list[PedersenGroup] = field(default_factory=list)
    combined_key: Any = None

    def summary(self) -> dict[str, Any]:
        return {"singles": len(self.singles),
                "pedersen": [{"threshold": g.threshold, "members": len(g.owners)} for g in self.pedersen],
                "owners": len(self.keys)}


def _proof(value: Any, path: str, group: Group) -> tuple[mpz, mpz]:
    F.obj(value, path, ["challenge", "response"])
    return (F.exponent(value["challenge"], F.join(path, "challenge"), group),
            F.exponent(value["response"], F.join(path, "response"), group))


def _trustee_public_key(value: Any, path: str, group: Group) -> tuple[Any, str, tuple[mpz, mpz], str | None]:
    F.obj(value, path, ["pok", "public_key", "signature", "name"], optional=["signature", "name"])
    proof = _proof(value["pok"], F.join(path, "pok"), group)
    key = F.element(value["public_key"], F.join(path, "public_key"), group)
    name = F.string(value["name"], F.join(path, "name")) if "name" in value else None
    return key, value["public_key"], proof, name


class TrusteeChecks:
    """Parses the trustees record and verifies every key; reports through ``fail``.

    ``fail(field, message)`` is called for each defect; ``member(field, x)`` tests and
    counts group membership. Structural errors raise FieldError (nothing else can be read).
    """

    def __init__(self, election: Election, crypto: Crypto, fail, member) -> None:  # type: ignore[no-untyped-def]
        self.election = election
        self.group = election.group
        self.crypto = crypto
        self.fail = fail
        self.member = member
        self.proofs_checked = 0
        self.later_profile = False  # fields of Belenios 2.5.1-3.x were met

    def run(self, value: Any) -> Trustees:
        group = self.group
        trustees = Trustees()
        items = F.lst(value, "", min_length=1)
        owner = 0
        combined = group.identity
        for index, item in enumerate(items):
            path = f"[{index}]"
            pair = F.lst(item, path, length=2)
            kind = F.string(pair[0], f"{path}[0]", 40)
            if kind == "Single":
                key, text, (c, r), name = _trustee_public_key(pair[1], f"{path}[1]", group)
                owner += 1
                self._check_key(f"{path}[1]", key, c, r, msg("board.trustees.single", owner=owner))
                trustees.keys[owner] = TrusteeKey(owner, "Single", index, 0, key, text, name)
                trustees.singles.append(owner)
                combined = group.mul(combined, key)
            elif kind == "Pedersen":
                pedersen = self._pedersen(pair[1], f"{path}[1]", index, owner, trustees)
                owner += len(pedersen.owners)
                trustees.pedersen.append(pedersen)
                for term in pedersen.constant_terms:
                    combined = group.mul(combined, term)
            else:
                raise FieldError(f"{path}[0]", msg("board.trustees.kind", kind=repr(kind)))
        trustees.combined_key = combined
        if combined != self.election.public_key:
            self.fail("public_key", msg("board.trustees.combined_key"))
        return trustees

    def _check_key(self, path: str, key: Any, challenge: mpz, response: mpz, who: Message) -> None:
        self.member(F.join(path, "public_key"), key)
        self.proofs_checked += 1
        if not self.crypto.verify_pok(self.group.name, key, self.group.text(key), challenge, response):
            self.fail(F.join(path, "pok"), msg("board.trustees.pok", trustee=who))

    def _signed(self, value: Any, path: str) -> tuple[str, mpz, mpz]:
        F.obj(value, path, ["message", "signature"])
        message = F.string(value["message"], F.join(path, "message"))
        c, r = _proof(value["signature"], F.join(path, "signature"), self.group)
        return message, c, r

    def _pedersen(self, value: Any, path: str, item: int, first_owner: int, trustees: Trustees) -> PedersenGroup:
        group = self.group
        F.obj(value, path, ["threshold", "certs", "coefexps", "signatures", "verification_keys"],
              optional=["signatures"])  # signatures: Belenios 2.5.1 and later
        threshold = F.integer(value["threshold"], F.join(path, "threshold"), 1)
        certs = F.lst(value["certs"], F.join(path, "certs"), min_length=1)
        size = len(certs)
        if threshold > size:
            raise FieldError(F.join(path, "threshold"), msg("board.trustees.threshold", threshold=threshold, count=size))
        coefexps = F.lst(value["coefexps"], F.join(path, "coefexps"), length=size)
        vks = F.lst(value["verification_keys"], F.join(path, "verification_keys"), length=size)
        signing_keys: list[Any] = []
        for i, cert in enumerate(certs):
            cpath = f"{path}.certs[{i}]"
            message, c, r = self._signed(cert, cpath)
            keys = _inner_json(message, F.join(cpath, "message"))
            F.obj(keys, f"{cpath}.message", ["context", "verification", "encryption"], optional=["context"])
            if "context" in keys:  # Belenios 2.5.1 and later bind each certificate to its place in the group
                self.later_profile = True
                context = F.obj(keys["context"], f"{cpath}.message.context", ["group", "size", "threshold", "index"])
                expected = {"group": self.group.name, "size": size, "threshold": threshold, "index": i + 1}
                for name, wanted in expected.items():
                    if context[name] != wanted:
                        self.fail(f"{cpath}.message.context.{name}", msg(
                            "board.trustees.certificate_context", member=i + 1, field=name, found=repr(context[name]),
                            expected=repr(wanted)))
            verification = F.element(keys["verification"], f"{cpath}.message.verification", group)
            encryption = F.element(keys["encryption"], f"{cpath}.message.encryption", group)
            self.member(f"{cpath}.message.verification", verification)
            self.member(f"{cpath}.message.encryption", encryption)
            signing_keys.append(verification)
            self.proofs_checked += 1
            if not self.crypto.verify_signed_message(message, verification, c, r):
                self.fail(F.join(cpath, "signature"), msg("board.trustees.certificate_signature", member=i + 1))
        commitments: list[list[Any]] = []
        for i, signed in enumerate(coefexps):
            epath = f"{path}.coefexps[{i}]"
            message, c, r = self._signed(signed, epath)
            inner = _inner_json(message, F.join(epath, "message"))
            F.obj(inner, f"{epath}.message", ["coefexps"])
            values = F.lst(inner["coefexps"], f"{epath}.message.coefexps", length=threshold)
            row = []
            for k, v in enumerate(values):
                x = F.element(v, f"{epath}.message.coefexps[{k}]", group)
                self.member(f"{epath}.message.coefexps[{k}]", x)
                row.append(x)
            commitments.append(row)
            self.proofs_checked += 1
            if not self.crypto.verify_signed_message(message, signing_keys[i], c, r):
                self.fail(F.join(epath, "signature"), msg("board.trustees.coefexps_signature", member=i + 1))
        if "signatures" in value:
            self.later_profile = True
            signatures = F.lst(value["signatures"], F.join(path, "signatures"), length=size)
            for i, signature in enumerate(signatures):
                spath = f"{path}.signatures[{i}]"
                c, r = _proof(signature, spath, group)
                inner = json.loads(coefexps[i]["message"])["coefexps"]
                message = "certs_sig|" + F.canonical({"certs": certs, "coefexps": inner})
                self.proofs_checked += 1
                if not self.crypto.verify_signed_message(message, signing_keys[i], c, r):
                    self.fail(spath, msg("board.trustees.certs_signature", member=i + 1))
        owners = []
        for j, vk in enumerate(vks, start=1):
            vpath = f"{path}.verification_keys[{j - 1}]"
            key, text, (c, r), name = _trustee_public_key(vk, vpath, group)
            owner = first_owner + j
            self._check_key(vpath, key, c, r, msg("board.trustees.pedersen", member=j))
            if "signature" in vk:  # Belenios 3.0 and later: the trustee signs its verification key
                self.later_profile = True
                sc, sr = _proof(vk["signature"], F.join(vpath, "signature"), group)
                self.proofs_checked += 1
                if not self.crypto.verify_signed_message(text, signing_keys[j - 1], sc, sr):
                    self.fail(F.join(vpath, "signature"), msg("board.trustees.verification_key_signature", member=j))
            expected = group.identity
            for row in commitments:
                power = mpz(1)
                for a in row:
                    expected = group.mul(expected, group.pow(a, power))
                    power = power * j % group.q
            if expected != key:
                self.fail(F.join(vpath, "public_key"), msg("board.trustees.verification_key_polynomials", member=j))
            trustees.keys[owner] = TrusteeKey(owner, "Pedersen", item, j, key, text, name)
            owners.append(owner)
        return PedersenGroup(item, threshold, owners, [row[0] for row in commitments])


def _inner_json(message: str, path: str) -> Any:
    """A signed message's content: JSON inside a JSON string, read as strictly as a record."""
    try:
        return F.parse_json(message.encode("utf-8"))
    except FieldError as exc:
        raise FieldError(path if exc.field == "(record)" else f"{path}.{exc.field}", exc.message) from None


# -- credentials --------------------------------------------------------------------------------


@dataclass
class Credential:
    text: str
    value: Any
    weight: int
    weighted: bool  # written with ",weight"
    index: int = 0  # position in the public credentials record


def parse_credentials(value: Any, group: Group, fail) -> list[Credential]:  # type: ignore[no-untyped-def]
    """Each entry "G" or "G,weight"; malformed entries are reported and skipped."""
    entries = F.lst(value, "")
    out: list[Credential] = []
    for index, entry in enumerate(entries):
        path = f"[{index}]"
        try:
            text = F.string(entry, path, 4096)
            element_text, sep, weight_text = text.partition(",")
            x = F.element(element_text, path, group)
            w = F.weight(weight_text, path + ".weight") if sep else 1
        except FieldError as exc:
            fail(exc.field, exc.message)
            continue
        out.append(Credential(element_text, x, w, bool(sep), index))
    return out
