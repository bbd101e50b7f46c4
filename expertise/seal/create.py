"""Making a seal: list and hash every source, write the folder, sign, time-stamp, self-check.

The folder is assembled under a temporary name next to ``--out`` and renamed only when
complete and verified by :func:`expertise.seal.bundle.check_integrity`, so a seal that
exists is a seal that checks; an interrupted run leaves nothing that looks like one.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .. import __version__
from ..console import language, progress
from ..errors import UsageError
from ..i18n import msg
from .errors import existing_file
from . import sshsig
from .analysis import Annotator
from .bundle import (
    ALLOWED_SIGNERS,
    MANIFEST_SIG,
    PUBLIC_KEY,
    PUBLIC_PEM,
    SUMS_RAW,
    SUMS_SIG,
    TOKEN,
    TSA_CA,
    VERIFY_DOC,
    Integrity,
    check_integrity,
)
from .digest import Hasher
from .keys import PublicKey
from .manifest import FORMAT, MANIFEST, SUMS, ManifestWriter
from .model import FILE, Counts, PathProblem, shown
from .sources import SourceSpec, open_source
from .tsa import request_token, verify_token
from .verifydoc import NAMESPACE, render


PROGRESS_STEP = 256


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class CreatedSeal:
    folder: Path
    integrity: Integrity
    problems: list[tuple[str, PathProblem]] = field(default_factory=list)

    @property
    def header(self) -> dict[str, Any]:
        return self.integrity.header

    @property
    def complete(self) -> bool:
        """True when every path of every source was read and sealed."""
        return not any(problem.unsealed for _, problem in self.problems)


def expert_info(public: PublicKey) -> dict[str, str]:
    spki = public.key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "fingerprint": public.fingerprint,
        "public_key": public.openssh_line().strip(),
        "spki_sha256": hashlib.sha256(spki).hexdigest(),
    }


def _prepare_out(out: Path) -> Path:
    if out.exists() or out.is_symlink():
        if not out.is_dir() or any(out.iterdir()):
            raise UsageError(msg("seal.create.out_exists"), path=str(out))
        out.rmdir()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    staging.mkdir()
    return staging


def _refuse_out_inside_a_source(specs: Sequence[SourceSpec], out: Path) -> None:
    """A seal written inside the folder it seals would seal its own half-written files."""
    target = Path(os.path.realpath(out))
    for spec in specs:
        if spec.scheme != "local" or not os.path.isdir(spec.text):
            continue
        root = Path(os.path.realpath(spec.text))
        if target == root or root in target.parents:
            raise UsageError(msg("seal.create.out_inside_source", source=spec.text), path=str(out),
                             field="--out")


def create_seal(
    specs: Sequence[SourceSpec],
    key: Ed25519PrivateKey,
    out: Path,
    *,
    name: str | None = None,
    tsa_url: str | None = None,
    tsa_ca_file: Path | None = None,
    jobs: int | None = None,
    show_progress: bool = True,
) -> CreatedSeal:
    if not specs:
        raise UsageError(msg("seal.create.no_source"))
    names = [spec.name for spec in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(msg("seal.create.duplicate_name", name=repr(duplicates[0])))
    if tsa_ca_file is not None:
        existing_file(Path(tsa_ca_file), field="--tsa-ca-file")
    _refuse_out_inside_a_source(specs, Path(out))
    public = PublicKey(key.public_key(), "expert")
    seal_name = name or (specs[0].name if len(specs) == 1 else "seal")
    ordered = sorted(specs, key=lambda spec: spec.name.encode("utf-8") + b"/")
    staging = _prepare_out(Path(out))
    writer = ManifestWriter(staging, multi=len(specs) > 1)
    try:
        started = utc_now()
        problems: list[tuple[str, PathProblem]] = []
        sources: list[dict[str, Any]] = []
        total = Counts()
        with Hasher(jobs) as hasher, progress("sealing", None, enabled=show_progress) as bar:
            for spec in ordered:
                source = open_source(spec, hasher)
                try:
                    annotator = Annotator(source.link_root)
                    counts = Counts()
                    pending = 0
                    for item in source.items():
                        if isinstance(item, PathProblem):
                            problems.append((spec.name, item))
                            continue
                        if item.type != FILE:
                            annotator.see(item)
                        counts.add(item)
                        writer.add(spec.name, item)
                        pending += 1
                        if pending == PROGRESS_STEP:
                            bar.advance(pending)
                            pending = 0
                    bar.advance(pending)
                    total.merge(counts)
                    problems.extend((spec.name, p) for p in annotator.finish())
                    info = source.info()
                    counts.excluded = int(info.get("excluded", 0))
                    sources.append({"name": spec.name, **info, "counts": counts.to_json()})
                finally:
                    source.close()
        sums = writer.close_sums()
        if not sums["lines"]:
            # sha256sum -c refuses an empty list, and a seal of nothing proves nothing
            named = ", ".join(spec.text for spec in specs)
            unread = [msg("seal.create.unread", source=src, path=shown(p.path), reason=p.message)
                      for src, p in problems if p.unsealed][:10]
            raise UsageError(msg("seal.create.nothing_unread", sources=named, unread=unread) if unread
                             else msg("seal.create.nothing", sources=named))
        sums_path = staging / SUMS
        # the one place memory grows with the tree (~100 bytes a file): pure Ed25519, the form
        # `openssl pkeyutl -rawin` checks, signs the whole message, not a digest of it
        sums_bytes = sums_path.read_bytes()
        (staging / SUMS_SIG).write_text(sshsig.sign_file(key, sums_path, NAMESPACE), encoding="ascii")
        (staging / SUMS_RAW).write_bytes(key.sign(sums_bytes))
        header: dict[str, Any] = {
            "format": FORMAT,
            "name": seal_name,
            "created": "",
            "started": started,
            "tool": f"expertise {__version__}",
            "expert": expert_info(public),
            "sources": sources,
            "counts": total.to_json(),
            "problems": [p.to_json(source) for source, p in problems],
            "sha256sums": sums,
            "merkle": writer.merkle_info(),
        }
        if tsa_url:
            token = request_token(tsa_url, sums_bytes)
            (staging / TOKEN).write_bytes(token)
            if tsa_ca_file is not None:
                shutil.copyfile(tsa_ca_file, staging / TSA_CA)
            info = verify_token(staging / TOKEN, sums_bytes, Path(tsa_ca_file) if tsa_ca_file else None)
            header["timestamp"] = {"file": TOKEN, "url": tsa_url, **info.to_json()}
            if info.ca_fingerprint is None:
                del header["timestamp"]["ca_fingerprint"]
        del sums_bytes
        header["created"] = utc_now()
        writer.write_manifest(header)
        (staging / MANIFEST_SIG).write_text(
            sshsig.sign_file(key, staging / MANIFEST, NAMESPACE), encoding="ascii"
        )
        (staging / PUBLIC_KEY).write_text(public.openssh_line(), encoding="ascii")
        (staging / PUBLIC_PEM).write_text(public.pem(), encoding="ascii")
        (staging / ALLOWED_SIGNERS).write_text(public.allowed_signers_line(NAMESPACE), encoding="ascii")
        (staging / VERIFY_DOC).write_text(
            render(header, has_timestamp=bool(tsa_url), has_tsa_ca=tsa_ca_file is not None, first=language()),
            encoding="utf-8"
        )
        # signatures, header and SHA256SUMS are checked again as written; the entries were just
        # streamed out with the Merkle root computed on the way, so they are not read back
        integrity = check_integrity(
            staging,
            expect_fingerprint=public.fingerprint,
            tsa_ca_file=Path(tsa_ca_file) if tsa_ca_file else None,
            entries=False,
        )
        os.rename(staging, out)
        integrity.folder = Path(out)
        return CreatedSeal(Path(out), integrity, problems)
    except BaseException:
        writer.discard()
        shutil.rmtree(staging, ignore_errors=True)
        raise
