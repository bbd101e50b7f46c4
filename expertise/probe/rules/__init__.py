"""The probe rules, one module per family (TLS, HTTP, SSH, exposed ports), gathered in report order.

Each is a :class:`~expertise.domain.Rule` over a :class:`~expertise.probe.observations.ProbeObservation`;
the text of their findings is in ``expertise/probe/locale``.
"""

from __future__ import annotations

from typing import Any

from ...domain import Rule
from . import http, ports, ssh, tls

RULES: tuple[Rule[Any], ...] = ports.RULES + tls.RULES + http.RULES + ssh.RULES
