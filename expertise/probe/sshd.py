"""The SSH server's own settings, as `sshd -T` prints them on the server (or its sshd_config).

What the network shows of an SSH server is its algorithms and banner; whether root may log in,
whether passwords are accepted, whether X11 is forwarded are decided in the server's configuration
and are invisible from outside. The expert collects ``sshd -T`` (every effective setting, one
``keyword value`` per line) from the server and gives the file: SSH-011 judges it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..i18n import msg
from ..tables import located
from .observations import SshdConfig

_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\s+(\S.*)$")
LINE_LIMIT = 4096  # an sshd setting is short; a longer line is not sshd output


def read_sshd_config(path: Path, cited: str) -> SshdConfig:
    """Keywords (lower-cased, as `sshd -T` writes them) and their values; a file that is not sshd
    settings is named with its first bad line, and nothing of it is judged."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return SshdConfig(file=cited, error=located(cited, msg("probe.sshd.unreadable", error=str(exc.strerror))))
    except UnicodeDecodeError:
        return SshdConfig(file=cited, error=located(cited, msg("probe.sshd.not_text")))
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None or len(line) > LINE_LIMIT or "\x00" in line:
            return SshdConfig(file=cited, error=located(cited, msg("probe.sshd.bad_line"), line=number))
        keyword, value = match.group(1).casefold(), match.group(2).strip()
        if keyword == "match":
            break  # conditional blocks apply to some connections only: the global settings are above
        values.setdefault(keyword, value)  # sshd keeps the first value it reads
    if not values:
        return SshdConfig(file=cited, error=located(cited, msg("probe.sshd.empty")))
    return SshdConfig(file=cited, values=values)
