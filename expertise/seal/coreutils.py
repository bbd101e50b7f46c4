"""The ``SHA256SUMS`` line format of GNU coreutils, byte for byte.

A judge's adviser re-checks a seal with ``sha256sum -c``; the file must therefore be
exactly what coreutils itself writes, including its escaping of awkward names: a name
holding a backslash, a newline or a carriage return is written with ``\\``, ``\\n``
and ``\\r`` and the line starts with a backslash (coreutils 9.x).
"""

from __future__ import annotations


def needs_escape(name: bytes) -> bool:
    return b"\\" in name or b"\n" in name or b"\r" in name


def escape(name: bytes) -> bytes:
    return name.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")


def sums_line(sha256_hex: str, name: bytes) -> bytes:
    """One line as ``sha256sum`` prints it in text mode (two spaces between hash and name).

    A file named ``-`` is written ``./-``: ``sha256sum -c`` reads a bare ``-`` as standard input.
    """
    if name == b"-":
        name = b"./-"
    if needs_escape(name):
        return b"\\" + sha256_hex.encode("ascii") + b"  " + escape(name) + b"\n"
    return sha256_hex.encode("ascii") + b"  " + name + b"\n"
