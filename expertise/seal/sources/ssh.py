"""Files of a remote host read over SFTP (paramiko), hashed here as they stream in.

Nothing on the host is trusted to compute digests: the bytes come over SFTP and are
hashed locally. The host key is checked strictly — against a known_hosts file or a
pinned ``SHA256:`` fingerprint — and an unknown key is refused, never accepted: a seal
made through a man in the middle would seal the attacker's files.

Where the account may run commands, ``uname -a``, ``/etc/os-release`` and the package
list are recorded too; an SFTP-only account just leaves them out, with the reason.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import posixpath
import stat
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import paramiko

from ..errors import HostKeyRefused, SourceError
from ..model import (
    CHANGED_WHILE_READING,
    DIRECTORY,
    FILE,
    SYMLINK,
    UNDECODABLE,
    UNLISTABLE,
    UNREADABLE,
    VANISHED,
    Entry,
    Problem,
    sort_key,
    type_of_mode,
)
from . import SourceSpec, depth_first, is_excluded

READ_SIZE = 32768  # the largest read every SFTP server answers in full
READ_WINDOW = 128  # reads in flight per file: 4 MiB, bounded memory whatever the file size
OUTPUT_CAP = 4 << 20
SYSTEM_COMMANDS = (("uname", "uname -a"), ("os_release", "cat /etc/os-release"))
PACKAGE_COMMANDS = (
    ("dpkg", "dpkg-query -W -f '${binary:Package}\\t${Version}\\n'"),
    ("rpm", "rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}.%{ARCH}\\n'"),
)


def key_fingerprint(key: paramiko.PKey) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode("ascii").rstrip("=")


class _PinnedKeyPolicy(paramiko.MissingHostKeyPolicy):
    """Accepts the host only if its key has the pinned fingerprint; nothing is saved."""

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        seen = key_fingerprint(key)
        if seen != self.fingerprint:
            raise paramiko.SSHException(
                f"host key {key.get_name()} {seen} does not match the pinned fingerprint {self.fingerprint}"
            )


class SshSource:
    kind = "ssh"

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.excluded = 0
        parts = urlsplit(spec.text)
        if not parts.hostname or not parts.username or not parts.path:
            raise SourceError("expected ssh://user@host[:port]/path", path=spec.text)
        try:
            self.port = parts.port or 22
        except ValueError:
            raise SourceError("invalid port", path=spec.text) from None
        self.host = parts.hostname
        self.user = unquote(parts.username)
        self.path = unquote(parts.path) or "/"
        self.link_root = os.fsencode(self.path.rstrip("/") or "/")
        options = spec.ssh
        if not options.known_hosts and not options.host_key_fingerprint:
            default = os.path.expanduser("~/.ssh/known_hosts")
            if not os.path.isfile(default):
                raise SourceError(
                    "no way to check the host key: give --known-hosts FILE or "
                    "--host-key-fingerprint SHA256:… (unknown keys are never accepted)",
                    path=spec.text,
                )
            self.known_hosts = default
        else:
            self.known_hosts = options.known_hosts
        self.client = paramiko.SSHClient()
        if options.host_key_fingerprint:
            self.client.set_missing_host_key_policy(_PinnedKeyPolicy(options.host_key_fingerprint))
            self.checked_with = f"pinned fingerprint {options.host_key_fingerprint}"
        else:
            try:
                self.client.load_host_keys(self.known_hosts)
            except (OSError, paramiko.SSHException) as exc:
                raise SourceError(f"cannot read known_hosts: {exc}", path=self.known_hosts) from None
            self.client.set_missing_host_key_policy(paramiko.RejectPolicy())
            self.checked_with = f"known_hosts {self.known_hosts}"
        try:
            self.client.connect(
                self.host,
                self.port,
                self.user,
                key_filename=options.identity or None,
                look_for_keys=not options.identity,
                allow_agent=not options.identity,
                timeout=options.timeout,
                banner_timeout=options.timeout,
                auth_timeout=options.timeout,
            )
        except paramiko.BadHostKeyException as exc:
            self.client.close()
            raise HostKeyRefused(
                f"the host key {key_fingerprint(exc.key)} differs from the expected "
                f"{key_fingerprint(exc.expected_key)} ({self.checked_with}); refusing to connect "
                "(possible man in the middle)",
                path=spec.text,
            ) from None
        except paramiko.SSHException as exc:
            self.client.close()
            text = str(exc)
            if "not found in known_hosts" in text or "pinned" in text:
                raise HostKeyRefused(
                    f"host key refused: {text} ({self.checked_with})", path=spec.text
                ) from None
            raise SourceError(f"SSH connection failed: {text}", path=spec.text) from None
        except OSError as exc:
            self.client.close()
            raise SourceError(f"cannot connect: {exc.strerror or exc}", path=spec.text) from None
        transport = self.client.get_transport()
        assert transport is not None
        self.host_key = transport.get_remote_server_key()
        self.sftp = self.client.open_sftp()
        try:
            root_attr = self.sftp.stat(self.path)
        except OSError as exc:
            self.close()
            raise SourceError(f"remote path cannot be read: {exc.strerror or exc}", path=spec.text) from None
        self.single: str | None = None
        if stat.S_ISREG(root_attr.st_mode or 0):
            self.root, self.single = posixpath.split(self.path)
        elif stat.S_ISDIR(root_attr.st_mode or 0):
            self.root = self.path
        else:
            self.close()
            raise SourceError("the remote path is neither a folder nor a file", path=spec.text)

    def _remote(self, rel: bytes) -> str:
        return posixpath.join(self.root, os.fsdecode(rel)) if rel else self.root

    def _children(self, rel: bytes) -> list[tuple[bytes, bytes, Any]] | Problem:
        try:
            found = self.sftp.listdir_attr(self._remote(rel))
        except UnicodeDecodeError:
            return Problem(
                rel,
                UNDECODABLE,
                "a name in this directory is not UTF-8 and SFTP cannot list it; its content is not sealed",
            )
        except OSError as exc:
            if getattr(exc, "errno", None) == errno.ENOENT:
                return Problem(rel, VANISHED, "directory vanished during the walk; its content is not sealed")
            return Problem(
                rel,
                UNLISTABLE,
                f"directory cannot be listed: {exc.strerror or exc}; its content is not sealed",
            )
        children = []
        for attr in found:
            child = rel + b"/" + os.fsencode(attr.filename) if rel else os.fsencode(attr.filename)
            if is_excluded(child, self.spec.excludes):
                self.excluded += 1
                continue
            kind = DIRECTORY if stat.S_ISDIR(attr.st_mode or 0) else FILE
            children.append((sort_key(child, kind), child, attr))
        children.sort(key=lambda c: c[0])
        return children

    def _hash(self, rel: bytes, size: int) -> Entry | Problem:
        remote = self._remote(rel)
        try:
            handle = self.sftp.open(remote, "rb")
        except OSError as exc:
            if getattr(exc, "errno", None) == errno.ENOENT:
                return Problem(rel, VANISHED, "vanished between the listing and the read; not sealed")
            return Problem(rel, UNREADABLE, f"cannot be opened: {exc.strerror or exc}; not sealed")
        try:
            before = handle.stat()
            if not stat.S_ISREG(before.st_mode or 0):
                return Problem(
                    rel,
                    CHANGED_WHILE_READING,
                    f"replaced by a {type_of_mode(before.st_mode or 0)} during the walk; not sealed",
                )
            size = before.st_size or 0
            digest = hashlib.sha256()
            total = 0
            offset = 0
            while offset < size:
                chunks = []
                while offset < size and len(chunks) < READ_WINDOW:
                    length = min(READ_SIZE, size - offset)
                    chunks.append((offset, length))
                    offset += length
                for data in handle.readv(chunks):
                    digest.update(data)
                    total += len(data)
            extra = handle.read(1)  # grown since the stat?
            after = handle.stat()
        except (OSError, paramiko.SSHException) as exc:
            return Problem(
                rel, UNREADABLE, f"read error: {getattr(exc, 'strerror', None) or exc}; not sealed"
            )
        finally:
            handle.close()
        if extra or total != size or after.st_size != before.st_size or after.st_mtime != before.st_mtime:
            return Problem(
                rel,
                CHANGED_WHILE_READING,
                f"changed while being read ({before.st_size} bytes before, {after.st_size} after); "
                "not sealed",
            )
        return Entry(rel, FILE, stat.S_IMODE(before.st_mode or 0), total, digest.hexdigest())

    def _classify(self, rel: bytes, attr: Any) -> Entry | Problem:
        mode = attr.st_mode or 0
        kind = type_of_mode(mode)
        if kind == FILE:
            return self._hash(rel, attr.st_size or 0)
        if kind == SYMLINK:
            try:
                target = self.sftp.readlink(self._remote(rel))
            except OSError as exc:
                if getattr(exc, "errno", None) == errno.ENOENT:
                    return Problem(rel, VANISHED, "vanished during the walk; not sealed")
                return Problem(rel, UNREADABLE, f"link cannot be read: {exc.strerror or exc}; not sealed")
            return Entry(rel, SYMLINK, stat.S_IMODE(mode), target=os.fsencode(target or ""))
        # SFTP (v3) gives no device numbers: devices are sealed by type and mode only
        return Entry(rel, kind, stat.S_IMODE(mode))

    def items(self) -> Iterator[Entry | Problem]:
        if self.single is not None:
            try:
                attr = self.sftp.lstat(self.path)
            except OSError as exc:
                raise SourceError(
                    f"remote file cannot be read: {exc.strerror or exc}", path=self.spec.text
                ) from None
            yield self._classify(os.fsencode(self.single), attr)
            return
        yield from depth_first(
            lambda rel, _: self._children(rel),
            None,
            lambda attr: stat.S_ISDIR(attr.st_mode or 0),
            lambda rel, attr: Entry(rel, DIRECTORY, stat.S_IMODE(attr.st_mode or 0)),
            lambda rel, attr: (self._classify(rel, attr),),
            self.spec.text,
        )

    def _run(self, command: str) -> tuple[int | None, str, str]:
        try:
            stdin, stdout, stderr = self.client.exec_command(command, timeout=self.spec.ssh.timeout)
            stdin.channel.shutdown_write()
            out = stdout.read(OUTPUT_CAP + 1)
            err = stderr.read(4096)
            status = stdout.channel.recv_exit_status()
        except (paramiko.SSHException, OSError) as exc:
            return None, "", str(exc)
        text = out[:OUTPUT_CAP].decode("utf-8", errors="replace")
        if len(out) > OUTPUT_CAP:
            text += "\n[truncated]"
        return status, text, err.decode("utf-8", errors="replace")

    @staticmethod
    def _note(command: str, status: int | None, err: str) -> str:
        reason = f"exit status {status}" if status is not None else "could not run"
        detail = err.strip()[:200]
        return f"{command!r}: {reason}" + (f" ({detail})" if detail else "")

    def _system(self) -> dict[str, Any]:
        """uname, os-release and packages, where the account may run commands."""
        system: dict[str, Any] = {}
        notes: list[str] = []
        for label, command in SYSTEM_COMMANDS:
            status, out, err = self._run(command)
            if status == 0 and out.strip():
                system[label] = out.strip()
            else:
                notes.append(self._note(command, status, err))
        package_notes: list[str] = []
        for manager, command in PACKAGE_COMMANDS:
            status, out, err = self._run(command)
            if status == 0 and out.strip():
                lines = sorted(line for line in out.splitlines() if line.strip())
                system["packages"] = {
                    "manager": manager,
                    "count": len(lines),
                    "sha256": hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest(),
                    "list": lines,
                }
                break
            package_notes.append(self._note(command, status, err))
        else:
            notes.extend(package_notes)
        if notes:
            system["not_recorded"] = notes
        return system

    def info(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": "ssh",
            "origin": self.spec.text,
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "path": self.path,
            "host_key_type": self.host_key.get_name(),
            "host_key_fingerprint": key_fingerprint(self.host_key),
            "host_key_checked_with": self.checked_with,
            "system": self._system(),
        }
        if self.spec.excludes:
            data["excludes"] = list(self.spec.excludes)
            data["excluded"] = self.excluded
        return data

    def close(self) -> None:
        try:
            if getattr(self, "sftp", None) is not None:
                self.sftp.close()
        finally:
            self.client.close()
