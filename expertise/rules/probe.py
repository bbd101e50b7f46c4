"""Rules of the probe domain: TLS, HTTP, SSH and exposed ports of the voting platform.

Each family lives in ``expertise/probe/rules/<family>.py`` as pure functions over a
:class:`~expertise.probe.observations.ProbeObservation`; this module only lists them, in
report order, for the explicit registry.
"""

from __future__ import annotations

from ..probe.rules import http, ports, ssh, tls
from .registry import Rule

RULES: tuple[Rule, ...] = ports.RULES + tls.RULES + http.RULES + ssh.RULES
