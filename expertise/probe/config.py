"""The ``[scope]`` and ``[probe]`` sections of ``case.toml``: where the expert may probe, and how.
"""

from __future__ import annotations


from pydantic import Field, field_validator, model_validator

from ..case import invalid
from ..domain import Section
from ..i18n import msg


class Scope(Section):
    """Hosts (names, ``*.domain``, addresses or CIDR ranges) and URLs the expert is allowed to probe.

    Ranges authorise; they are never scanned as such (each probed host is a named target).
    """

    hosts: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    authorisation: str = ""

    @model_validator(mode="after")
    def _entries_parse(self) -> "Scope":
        from ..errors import UsageError
        from .scope import ScopeSpec

        try:
            ScopeSpec.parse(self.hosts, self.urls)
        except UsageError as exc:
            field = (exc.field or "").removeprefix("scope.")  # the message is already under "scope"
            if field:
                raise invalid(msg("case.toml.scope.entry", field=field, problem=exc.message)) from None
            raise invalid(msg("case.toml.scope.invalid", problem=exc.message)) from None
        return self


class Probe(Section):
    """The platform probe: what to look at (targets), how far (ports), how patiently (timeouts)."""

    targets: list[str] = Field(min_length=1)
    ports: str = "top-1000"
    timeout: float = Field(default=10.0, gt=0, le=300)
    ca_file: str = ""
    expected_ports: list[int] = Field(default_factory=list)
    service_detection: bool = True
    service_wait: float = Field(default=1.0, gt=0, le=30)
    sshd_config: str = ""  # `sshd -T` output collected on the SSH server(s) probed (SSH-011)

    @field_validator("targets")
    @classmethod
    def _targets_parse(cls, value: list[str]) -> list[str]:
        from ..errors import UsageError
        from .targets import parse_target

        for index, spec in enumerate(value):
            try:
                parse_target(spec)
            except UsageError as exc:
                raise invalid(msg("case.toml.probe.target", index=index, problem=exc.message)) from None
        return value

    @field_validator("ports")
    @classmethod
    def _ports_spec(cls, value: str) -> str:
        from .nmap import validate_ports_spec

        return validate_ports_spec(value)

    @field_validator("expected_ports")
    @classmethod
    def _port_numbers(cls, value: list[int]) -> list[int]:
        bad = [p for p in value if not 1 <= p <= 65535]
        if bad:
            raise invalid(msg("case.toml.probe.port_numbers", ports=[str(p) for p in bad]))
        return value
