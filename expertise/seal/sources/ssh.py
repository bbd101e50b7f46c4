"""Files of a remote host read over SFTP (paramiko), hashed here as they stream in.

Nothing on the host is trusted to compute digests: the bytes come over SFTP and are
hashed locally. The host key is checked strictly — against a known_hosts file or a
pinned ``SHA256:`` fingerprint — and an unknown key is refused, never accepted: a seal
made through a man in the middle would seal the attacker's files.

Where the account may run commands, ``uname -a``, ``/etc/os-release`` and the package
list are recorded too; an SFTP-only account just leaves them out, with the reason.
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import stat
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import paramiko

from ...i18n import msg
from ..errors import HostKeyRefused, SourceError
from ..names import TYPES, named
from ..sshsig import fingerprint
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
    PathProblem,
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


class _PinRefused(paramiko.SSHException):
    """The host's key is not the pinned one (raised inside paramiko's connect)."""

    def __init__(self, key_type: str, seen: str, pinned: str) -> None:
        super().__init__(f"{key_type} {seen} != {pinned}")
        self.key_type, self.seen, self.pinned = key_type, seen, pinned


class _PinnedKeyPolicy(paramiko.MissingHostKeyPolicy):
    """Accepts the host only if its key has the pinned fingerprint; nothing is saved."""

    def __init__(self, pinned: str) -> None:
        self.fingerprint = pinned

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        seen = fingerprint(key.asbytes())
        if seen != self.fingerprint:
            raise _PinRefused(key.get_name(), seen, self.fingerprint)


class SshSource:
    kind = "ssh"

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.excluded = 0
        parts = urlsplit(spec.text)
        if not parts.hostname or not parts.username or not parts.path:
            raise SourceError(msg("seal.ssh.bad_url"), path=spec.text)
        try:
            self.port = parts.port or 22
        except ValueError:
            raise SourceError(msg("seal.ssh.bad_port"), path=spec.text) from None
        self.host = parts.hostname
        self.user = unquote(parts.username)
        self.path = unquote(parts.path) or "/"
        self.link_root = os.fsencode(self.path.rstrip("/") or "/")
        options = spec.ssh
        if not options.known_hosts and not options.host_key_fingerprint:
            default = os.path.expanduser("~/.ssh/known_hosts")
            if not os.path.isfile(default):
                raise SourceError(msg("seal.ssh.no_host_key_check"), path=spec.text)
            self.known_hosts = default
        else:
            self.known_hosts = options.known_hosts
        self.client = paramiko.SSHClient()
        if options.host_key_fingerprint:
            self.client.set_missing_host_key_policy(_PinnedKeyPolicy(options.host_key_fingerprint))
            self.checked_with = f"pinned fingerprint {options.host_key_fingerprint}"  # recorded as is
            checked = msg("seal.ssh.checked_pinned", fingerprint=options.host_key_fingerprint)
        else:
            try:
                self.client.load_host_keys(self.known_hosts)
            except (OSError, paramiko.SSHException) as exc:
                raise SourceError(msg("seal.ssh.known_hosts_unreadable", reason=str(exc)), path=self.known_hosts) from None
            self.client.set_missing_host_key_policy(paramiko.RejectPolicy())
            self.checked_with = f"known_hosts {self.known_hosts}"
            checked = msg("seal.ssh.checked_known_hosts", file=self.known_hosts)
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
            raise HostKeyRefused(msg("seal.ssh.host_key_changed", found=fingerprint(exc.key.asbytes()),
                                     expected=fingerprint(exc.expected_key.asbytes()), checked=checked),
                                 path=spec.text) from None
        except _PinRefused as exc:
            self.client.close()
            raise HostKeyRefused(msg("seal.ssh.host_key_not_pinned", type=exc.key_type, found=exc.seen,
                                     expected=exc.pinned), path=spec.text) from None
        except paramiko.SSHException as exc:
            self.client.close()
            text = str(exc)
            if "not found in known_hosts" in text:
                raise HostKeyRefused(msg("seal.ssh.host_key_unknown", reason=text, checked=checked),
                                     path=spec.text) from None
            raise SourceError(msg("seal.ssh.failed", reason=text), path=spec.text) from None
        except OSError as exc:
            self.client.close()
            raise SourceError(msg("seal.ssh.cannot_connect", reason=str(exc.strerror or exc)),
                              path=spec.text) from None
        transport = self.client.get_transport()
        assert transport is not None
        self.host_key = transport.get_remote_server_key()
        self.sftp = self.client.open_sftp()
        try:
            root_attr = self.sftp.stat(self.path)
        except OSError as exc:
            self.close()
            raise SourceError(msg("seal.ssh.path_unreadable", reason=str(exc.strerror or exc)), path=spec.text) from None
        self.single: str | None = None
        if stat.S_ISREG(root_attr.st_mode or 0):
            self.root, self.single = posixpath.split(self.path)
        elif stat.S_ISDIR(root_attr.st_mode or 0):
            self.root = self.path
        else:
            self.close()
            raise SourceError(msg("seal.ssh.path_wrong_type"), path=spec.text)

    def _remote(self, rel: bytes) -> str:
        return posixpath.join(self.root, os.fsdecode(rel)) if rel else self.root

    def _children(self, rel: bytes) -> list[tuple[bytes, bytes, Any]] | PathProblem:
        try:
            found = self.sftp.listdir_attr(self._remote(rel))
        except UnicodeDecodeError:
            return PathProblem(
                rel,
                UNDECODABLE,
                msg("seal.problem.undecodable"),
            )
        except OSError as exc:
            if getattr(exc, "errno", None) == errno.ENOENT:
                return PathProblem(rel, VANISHED, msg("seal.problem.folder_vanished"))
            return PathProblem(
                rel,
                UNLISTABLE,
                msg("seal.problem.unlistable", reason=str(exc.strerror or exc)),
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

    def _hash(self, rel: bytes, size: int) -> Entry | PathProblem:
        remote = self._remote(rel)
        try:
            handle = self.sftp.open(remote, "rb")
        except OSError as exc:
            if getattr(exc, "errno", None) == errno.ENOENT:
                return PathProblem(rel, VANISHED, msg("seal.problem.vanished_before_read"))
            return PathProblem(rel, UNREADABLE, msg("seal.problem.cannot_open", reason=str(exc.strerror or exc)))
        try:
            before = handle.stat()
            if not stat.S_ISREG(before.st_mode or 0):
                return PathProblem(
                    rel,
                    CHANGED_WHILE_READING,
                    msg("seal.problem.replaced", type=named(TYPES, type_of_mode(before.st_mode or 0))),
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
            return PathProblem(
                rel, UNREADABLE, msg("seal.problem.read_error", reason=str(getattr(exc, "strerror", None) or exc))
            )
        finally:
            handle.close()
        if extra or total != size or after.st_size != before.st_size or after.st_mtime != before.st_mtime:
            return PathProblem(
                rel,
                CHANGED_WHILE_READING,
                msg("seal.problem.changed_remote", before=before.st_size or 0, after=after.st_size or 0),
            )
        return Entry(rel, FILE, stat.S_IMODE(before.st_mode or 0), total, digest.hexdigest())

    def _classify(self, rel: bytes, attr: Any) -> Entry | PathProblem:
        mode = attr.st_mode or 0
        kind = type_of_mode(mode)
        if kind == FILE:
            return self._hash(rel, attr.st_size or 0)
        if kind == SYMLINK:
            try:
                target = self.sftp.readlink(self._remote(rel))
            except OSError as exc:
                if getattr(exc, "errno", None) == errno.ENOENT:
                    return PathProblem(rel, VANISHED, msg("seal.problem.vanished"))
                return PathProblem(rel, UNREADABLE, msg("seal.problem.link_unreadable", reason=str(exc.strerror or exc)))
            return Entry(rel, SYMLINK, stat.S_IMODE(mode), target=os.fsencode(target or ""))
        # SFTP (v3) gives no device numbers: devices are sealed by type and mode only
        return Entry(rel, kind, stat.S_IMODE(mode))

    def items(self) -> Iterator[Entry | PathProblem]:
        if self.single is not None:
            try:
                attr = self.sftp.lstat(self.path)
            except OSError as exc:
                raise SourceError(msg("seal.ssh.file_unreadable", reason=str(exc.strerror or exc)),
                                  path=self.spec.text) from None
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
    def _note(command: str, status: int | None, err: str) -> dict[str, Any]:
        """A command that gave nothing, as facts (``status`` None: it could not run)."""
        return {"command": command, "status": status, "stderr": err.strip()[:200]}

    def _system(self) -> dict[str, Any]:
        """uname, os-release and packages, where the account may run commands."""
        system: dict[str, Any] = {}
        notes: list[dict[str, Any]] = []
        for label, command in SYSTEM_COMMANDS:
            status, out, err = self._run(command)
            if status == 0 and out.strip():
                system[label] = out.strip()
            else:
                notes.append(self._note(command, status, err))
        package_notes: list[dict[str, Any]] = []
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
            "host_key_fingerprint": fingerprint(self.host_key.asbytes()),
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
