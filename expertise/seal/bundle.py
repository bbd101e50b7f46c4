"""The seal folder: its files, and the check that it is whole and signed by the right key.

Nothing of a seal is used before this check passes: signatures first (over the exact
bytes), then the manifest's structure, then the consistency of everything the manifest
claims — every entry valid and in order, ``SHA256SUMS`` exactly the lines its file
entries imply, the Merkle root recomputed. A failure raises :class:`SealBroken`, naming
the file and the field.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from cryptography.exceptions import InvalidSignature
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import UsageError
from ..i18n import Message, msg
from . import sshsig
from .coreutils import sums_line
from .errors import SealBroken
from .keys import PublicKey, parse_public
from .manifest import FORMAT, MANIFEST, SUMS, ManifestReader, sums_name
from .merkle import MerkleBuilder
from .model import FILE, PROBLEM_KINDS, SUBMODULE, SYMLINK, TYPES, Entry, PathProblem, canonical
from .tsa import TokenInfo, verify_token
from .verifydoc import NAMESPACE

SUMS_SIG = "SHA256SUMS.sig"
SUMS_RAW = "SHA256SUMS.ed25519"
MANIFEST_SIG = "manifest.json.sig"
PUBLIC_KEY = "expert.pub"
PUBLIC_PEM = "expert.pem"
ALLOWED_SIGNERS = "allowed_signers"
TOKEN = "SHA256SUMS.tsr"
TSA_CA = "tsa-ca.pem"
VERIFY_DOC = "VERIFY.md"
REQUIRED = (SUMS, SUMS_SIG, SUMS_RAW, MANIFEST, MANIFEST_SIG, PUBLIC_KEY)

_HEX64 = r"^[0-9a-f]{64}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Expert(_Model):
    fingerprint: str = Field(pattern=r"^SHA256:[A-Za-z0-9+/]{43}$")
    public_key: str
    spki_sha256: str = Field(pattern=_HEX64)


class _Source(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    name: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    kind: str = Field(pattern=r"^(dir|file|git|ssh)$")
    origin: str
    counts: dict[str, int] = Field(default_factory=dict)


class _Problem(_Model):
    path: str = Field(min_length=1)
    path_b64: str | None = None
    source: str
    kind: str
    message: str = ""


class _Sums(_Model):
    file: str = Field(pattern=r"^SHA256SUMS$")
    sha256: str = Field(pattern=_HEX64)
    lines: int = Field(ge=0)


class _Merkle(_Model):
    algorithm: str
    root: str = Field(pattern=_HEX64)
    leaves: int = Field(ge=0)


class _Timestamp(_Model):
    file: str = Field(pattern=r"^SHA256SUMS\.tsr$")
    url: str
    gen_time: str
    serial: str
    policy: str
    hash_algorithm: str
    tsa_name: str = ""
    chain_verified: bool
    ca_fingerprint: str | None = None


class _Header(_Model):
    format: str
    name: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    created: str
    started: str = ""
    tool: str
    expert: _Expert
    sources: list[_Source] = Field(min_length=1)
    counts: dict[str, int]
    problems: list[_Problem]
    sha256sums: _Sums
    merkle: _Merkle
    timestamp: _Timestamp | None = None


def _field(loc: tuple[Any, ...]) -> str:
    return "".join(
        f"[{p}]" if isinstance(p, int) else (("." if i else "") + str(p)) for i, p in enumerate(loc)
    )


@dataclass
class Integrity:
    """A seal that passed every check; what it says, and how it was checked."""

    folder: Path
    header: dict[str, Any]
    public: PublicKey
    timestamp: TokenInfo | None
    key_expected: bool
    problems: list[tuple[str, PathProblem]] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint

    @property
    def name(self) -> str:
        return str(self.header["name"])

    @property
    def multi(self) -> bool:
        return len(self.header["sources"]) > 1

    def entries(self) -> Iterator[tuple[str, Entry]]:
        """The manifest's entries again (streamed, checked again on the way)."""
        return _checked_entries(self.folder, self.header, self.multi)

    def entries_by_source(self) -> Iterator[tuple[dict[str, Any], Iterator[Entry]]]:
        """Each source of the header, in order, with the stream of its entries (maybe empty).

        A source's stream must be used before the next source is taken; whatever is left
        of it is read through anyway, so the end-of-stream checks always run.
        """
        stream = self.entries()
        head = next(stream, None)

        def group(name: str) -> Iterator[Entry]:
            nonlocal head
            while head is not None and head[0] == name:
                entry = head[1]
                head = next(stream, None)
                yield entry

        for source in self.header["sources"]:
            entries = group(source["name"])
            yield source, entries
            for _ in entries:
                pass
        for _ in stream:
            pass


_ENTRY_KEYS = {"path", "path_b64", "source", "type", "mode", "size", "sha256", "target", "target_b64", "rdev"}
_MODE = re.compile(r"^[0-7]{4}$")
_SHA = re.compile(_HEX64)
_RDEV = re.compile(r"^[0-9]+:[0-9]+$")


def _decoded(raw: dict[str, Any], key: str, where: str, path: Path) -> bytes:
    text = raw.get(key)
    if not isinstance(text, str):
        raise SealBroken(msg("seal.broken.not_string", key=key), path=str(path), field=f"{where}.{key}")
    if f"{key}_b64" in raw:
        try:
            return base64.b64decode(raw[f"{key}_b64"], validate=True)
        except (ValueError, TypeError):
            raise SealBroken(msg("seal.broken.not_base64"), path=str(path), field=f"{where}.{key}_b64") from None
    return text.encode("utf-8")


def validate_entry(raw: Any, index: int, sources: set[str], path: Path) -> tuple[str, Entry]:
    where = f"entries[{index}]"
    if not isinstance(raw, dict):
        raise SealBroken(msg("seal.broken.entry_not_object"), path=str(path), field=where)
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise SealBroken(msg("seal.broken.unknown_fields", fields=", ".join(sorted(unknown))), path=str(path), field=where)
    source = raw.get("source")
    if source not in sources:
        raise SealBroken(
            msg("seal.broken.unknown_source", source=repr(source)), path=str(path), field=f"{where}.source"
        )
    name = _decoded(raw, "path", where, path)
    parts = name.split(b"/")
    if not name or b"\0" in name or any(p in (b"", b".", b"..") for p in parts):
        raise SealBroken(
            msg("seal.broken.unsafe_path", value=repr(raw.get("path"))),
            path=str(path),
            field=f"{where}.path",
        )
    kind = raw.get("type")
    if kind not in TYPES:
        raise SealBroken(msg("seal.broken.unknown_type", value=repr(kind)), path=str(path), field=f"{where}.type")
    mode = raw.get("mode")
    if mode is not None and not (isinstance(mode, str) and _MODE.match(mode)):
        raise SealBroken(
            msg("seal.broken.bad_mode", value=repr(mode)), path=str(path), field=f"{where}.mode"
        )
    if kind == FILE:
        size, digest = raw.get("size"), raw.get("sha256")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise SealBroken(msg("seal.broken.no_size"), path=str(path), field=f"{where}.size")
        if not (isinstance(digest, str) and _SHA.match(digest)):
            raise SealBroken(
                msg("seal.broken.no_sha256"),
                path=str(path),
                field=f"{where}.sha256",
            )
    elif "sha256" in raw or "size" in raw:
        raise SealBroken(msg("seal.broken.size_not_allowed", type=kind), path=str(path), field=where)
    target = None
    if kind in (SYMLINK, SUBMODULE):
        target = _decoded(raw, "target", where, path)
    elif "target" in raw or "target_b64" in raw:
        raise SealBroken(msg("seal.broken.target_not_allowed", type=kind), path=str(path), field=f"{where}.target")
    rdev = raw.get("rdev")
    if rdev is not None and not (isinstance(rdev, str) and _RDEV.match(rdev)):
        raise SealBroken(msg("seal.broken.bad_rdev"), path=str(path), field=f"{where}.rdev")
    entry = Entry(
        name, kind, int(mode, 8) if mode else None, raw.get("size"), raw.get("sha256"), target, rdev
    )
    return source, entry


def _checked_entries(folder: Path, header: dict[str, Any], multi: bool) -> Iterator[tuple[str, Entry]]:
    """Entries, validated; at the end, the Merkle root and SHA256SUMS are compared."""
    manifest = folder / MANIFEST
    sums_path = folder / SUMS
    sources = {s["name"] for s in header["sources"]}
    merkle = MerkleBuilder()
    last: bytes | None = None
    line_number = 0
    with ManifestReader(manifest) as reader, open(sums_path, "rb") as sums:
        reader.header()
        for index, raw in enumerate(reader.entries()):
            source, entry = validate_entry(raw, index, sources, manifest)
            key = sums_name(source, entry.key, multi)
            if last is not None and key <= last:
                raise SealBroken(
                    msg("seal.broken.entries_order"),
                    path=str(manifest),
                    field=f"entries[{index}]",
                )
            last = key
            merkle.add(canonical(raw))
            if entry.type == FILE:
                assert entry.sha256 is not None
                expected = sums_line(entry.sha256, sums_name(source, entry.path, multi))
                actual = sums.readline()
                line_number += 1
                if actual != expected:
                    problem = (msg("seal.broken.sums_line_missing", line=line_number, path=repr(raw["path"]))
                               if not actual else
                               msg("seal.broken.sums_line_differs", line=line_number, path=repr(raw["path"])))
                    raise SealBroken(problem, path=str(sums_path))
            yield source, entry
        if sums.readline():
            raise SealBroken(msg("seal.broken.sums_extra_lines", count=line_number), path=str(sums_path))
    if merkle.root() != header["merkle"]["root"] or merkle.size != header["merkle"]["leaves"]:
        raise SealBroken(
            msg("seal.broken.merkle", found=merkle.root(), recorded=header["merkle"]["root"]),
            path=str(manifest),
            field="merkle.root",
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SealBroken(msg("seal.broken.unreadable", reason=str(exc.strerror)), path=str(path)) from None


def check_integrity(
    folder: Path,
    *,
    expect_fingerprint: str | None = None,
    tsa_ca_file: Path | None = None,
    entries: bool = True,
) -> Integrity:
    """Every check, in order; ``entries=False`` skips reading the entries back (only for the
    writer's own check of a seal it has just streamed out)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(msg("seal.broken.not_a_folder"), path=str(folder))
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise SealBroken(msg("seal.broken.incomplete", files=", ".join(missing)), path=str(folder))
    try:
        public = parse_public(_read(folder / PUBLIC_KEY), str(folder / PUBLIC_KEY))
    except UsageError as exc:
        raise SealBroken(exc.message, path=str(folder / PUBLIC_KEY)) from None
    if expect_fingerprint and public.fingerprint != expect_fingerprint:
        raise SealBroken(
            msg("seal.broken.unexpected_key", found=public.fingerprint, expected=expect_fingerprint),
            path=str(folder / PUBLIC_KEY),
        )
    if (folder / PUBLIC_PEM).is_file():
        try:
            pem = parse_public(_read(folder / PUBLIC_PEM), str(folder / PUBLIC_PEM))
        except UsageError as exc:
            raise SealBroken(exc.message, path=str(folder / PUBLIC_PEM)) from None
        if pem.raw != public.raw:
            raise SealBroken(
                msg("seal.broken.pem_differs", pem=pem.fingerprint, pub=public.fingerprint),
                path=str(folder / PUBLIC_PEM),
            )
    for signed, signature in ((SUMS, SUMS_SIG), (MANIFEST, MANIFEST_SIG)):
        try:
            sshsig.verify_file(_read(folder / signature), folder / signed, NAMESPACE, public.blob)
        except (sshsig.SignatureFormatError, sshsig.SignatureMismatch) as exc:
            raise SealBroken(msg("seal.broken.bad_signature", file=signed, reason=exc.message), path=str(folder / signature)) from None
    sums_bytes = _read(folder / SUMS)
    raw_signature = _read(folder / SUMS_RAW)
    if len(raw_signature) != 64:
        raise SealBroken(
            msg("seal.broken.raw_signature_size", size=len(raw_signature)), path=str(folder / SUMS_RAW)
        )
    try:
        public.key.verify(raw_signature, sums_bytes)
    except InvalidSignature:
        raise SealBroken(msg("seal.broken.bad_raw_signature"), path=str(folder / SUMS_RAW)) from None
    with ManifestReader(folder / MANIFEST) as reader:
        raw_header = reader.header()
    if raw_header.get("format") != FORMAT:
        raise SealBroken(
            msg("seal.broken.format", found=repr(raw_header.get("format")), expected=FORMAT),
            path=str(folder / MANIFEST),
            field="format",
        )
    try:
        _Header.model_validate(raw_header, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SealBroken(
            msg("seal.broken.invalid_header", reason=str(first.get("msg", ""))), path=str(folder / MANIFEST), field=_field(tuple(first["loc"]))
        ) from None
    header = raw_header
    if header["expert"]["fingerprint"] != public.fingerprint:
        raise SealBroken(
            msg("seal.broken.manifest_key", named=header["expert"]["fingerprint"], signer=public.fingerprint),
            path=str(folder / MANIFEST),
            field="expert.fingerprint",
        )
    names = [s["name"] for s in header["sources"]]
    if len(set(names)) != len(names):
        raise SealBroken(msg("seal.broken.duplicate_source"), path=str(folder / MANIFEST), field="sources")
    if names != sorted(names, key=lambda n: n.encode("utf-8") + b"/"):
        raise SealBroken(
            msg("seal.broken.sources_order"), path=str(folder / MANIFEST), field="sources"
        )
    if hashlib.sha256(sums_bytes).hexdigest() != header["sha256sums"]["sha256"]:
        raise SealBroken(msg("seal.broken.sums_digest"), path=str(folder / SUMS))
    problems: list[tuple[str, PathProblem]] = []
    for index, raw in enumerate(header["problems"]):
        if raw["source"] not in names or raw["kind"] not in PROBLEM_KINDS:
            raise SealBroken(
                msg("seal.broken.unknown_problem", source=repr(raw["source"]), kind=repr(raw["kind"])),
                path=str(folder / MANIFEST),
                field=f"problems[{index}]",
            )
        problems.append((raw["source"], PathProblem.from_json(raw)))
    integrity = Integrity(folder, header, public, None, bool(expect_fingerprint), problems)
    if entries:
        for _ in integrity.entries():
            pass
    token = folder / TOKEN
    if token.is_file():
        if "timestamp" not in header:
            raise SealBroken(
                msg("seal.broken.token_unrecorded"), path=str(token)
            )
        ca = tsa_ca_file or (folder / TSA_CA if (folder / TSA_CA).is_file() else None)
        integrity.timestamp = verify_token(token, sums_bytes, ca)
        if integrity.timestamp.serial != header["timestamp"]["serial"]:
            raise SealBroken(
                msg("seal.broken.token_serial"), path=str(token)
            )
        if ca is None:
            integrity.notes.append(msg("seal.note.token_unchecked"))
        elif tsa_ca_file is None:
            integrity.notes.append(msg("seal.note.token_inner_ca", file=TSA_CA))
    elif "timestamp" in header:
        raise SealBroken(msg("seal.broken.token_missing"), path=str(token))
    if not expect_fingerprint:
        integrity.notes.append(msg("seal.note.own_key", fingerprint=public.fingerprint))
    return integrity
