"""The expert's Ed25519 key: generation, loading, and the forms each stock tool reads.

One key signs in two formats so that two independent stock tools can check a seal:
``ssh-keygen`` reads the OpenSSH public key (``expert.pub``), OpenSSL reads the PEM
SubjectPublicKeyInfo (``expert.pem``); ``ssh-keygen -e`` cannot convert Ed25519 keys to
PEM, so both are written.
"""

from __future__ import annotations

import base64
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import UsageError
from ..i18n import msg
from . import sshsig

PASSPHRASE_ENV = "EXPERTISE_KEY_PASSPHRASE"
PRINCIPAL = "expert"


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey
    comment: str = ""

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def blob(self) -> bytes:
        return sshsig.public_key_blob(self.key)

    @property
    def fingerprint(self) -> str:
        return sshsig.fingerprint(self.blob)

    def openssh_line(self) -> str:
        line = "ssh-ed25519 " + base64.b64encode(self.blob).decode("ascii")
        return f"{line} {self.comment}\n" if self.comment else line + "\n"

    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def allowed_signers_line(self, namespace: str) -> str:
        key = base64.b64encode(self.blob).decode("ascii")
        return f'{PRINCIPAL} namespaces="{namespace}" ssh-ed25519 {key}\n'


def generate(out: Path, comment: str = "expert@expertise", passphrase: str | None = None) -> PublicKey:
    """Write ``out`` (OpenSSH private key, mode 0600) and ``out.pub``; never overwrite."""
    out = Path(out)
    pub_path = out.with_name(out.name + ".pub")
    for path in (out, pub_path):
        if path.exists() or path.is_symlink():
            raise UsageError(msg("seal.key.exists"), path=str(path))
    out.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    data = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, encryption)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    public = PublicKey(private.public_key(), comment)
    with open(pub_path, "x", encoding="utf-8") as handle:
        handle.write(public.openssh_line())
    return public


def load_private(path: Path, passphrase: str | None = None) -> Ed25519PrivateKey:
    path = Path(path)
    try:
        info = path.stat()
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(msg("seal.key.private_unreadable", reason=str(exc.strerror)), path=str(path)) from None
    if data.lstrip().startswith((b"ssh-", b"-----BEGIN PUBLIC KEY-----")):
        private = path.with_name(path.name[: -len(".pub")]) if path.name.endswith(".pub") else None
        raise UsageError(msg("seal.key.public_given", private=str(private)) if private is not None
                         else msg("seal.key.public_given_keygen"), path=str(path))
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError(
            msg("seal.key.too_open", mode=f"{stat.S_IMODE(info.st_mode):04o}"),
            path=str(path),
        )
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV) or None
    try:
        key = serialization.load_ssh_private_key(data, passphrase.encode("utf-8") if passphrase else None)
    except (ValueError, TypeError) as exc:
        text = str(exc)
        if "password" in text.lower() or "encrypted" in text.lower():
            raise UsageError(
                msg("seal.key.encrypted", variable=PASSPHRASE_ENV),
                path=str(path),
            ) from None
        raise UsageError(msg("seal.key.not_openssh", reason=text), path=str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(msg("seal.key.not_ed25519"), path=str(path))
    return key


def parse_public(data: bytes, where: str) -> PublicKey:
    """An OpenSSH ``ssh-ed25519 AAAA… comment`` line or a PEM public key."""
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("-----BEGIN PUBLIC KEY-----"):
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise UsageError(msg("seal.key.bad_pem", reason=str(exc)), path=where) from None
        if not isinstance(key, Ed25519PublicKey):
            raise UsageError(msg("seal.key.public_not_ed25519"), path=where)
        return PublicKey(key)
    parts = text.split(None, 2)
    if len(parts) < 2 or parts[0] != "ssh-ed25519":
        raise UsageError(msg("seal.key.not_public_line"), path=where)
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        raise UsageError(msg("seal.key.public_not_base64"), path=where) from None
    expected_prefix = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
    if len(blob) != len(expected_prefix) + 32 or not blob.startswith(expected_prefix):
        raise UsageError(msg("seal.key.public_malformed"), path=where)
    return PublicKey(Ed25519PublicKey.from_public_bytes(blob[-32:]), parts[2] if len(parts) > 2 else "")


def load_public(path: Path) -> PublicKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(msg("seal.key.public_unreadable", reason=str(exc.strerror)), path=str(path)) from None
    return parse_public(data, str(path))


def expected_fingerprint(spec: str) -> str:
    """``--expect-key``: a fingerprint ``SHA256:…`` or a public key file (.pub or .pem)."""
    if spec.startswith("SHA256:"):
        body = spec[len("SHA256:") :]
        try:
            raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise UsageError(
                msg("seal.key.bad_fingerprint", value=repr(spec)), field="--expect-key"
            )
        return spec
    path = Path(spec)
    if path.is_file() and path.suffix not in (".pub", ".pem"):
        # a private key given by mistake: read its public half without needing the passphrase
        pub = path.with_name(path.name + ".pub")
        if pub.is_file():
            return load_public(pub).fingerprint
    return load_public(path).fingerprint
