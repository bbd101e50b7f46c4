"""What the collectors saw, in one normalised, JSON-serialisable shape per service.

Rules read only these models, never a tool's own output, so that (a) a rule is tested on a
small recorded observation, (b) a tool can be replaced without touching the rules, and
(c) the observation itself is stored as evidence next to the raw tool output it was
derived from. Every part carries ``error`` (why it could not be observed — the rules then
answer "could not test", never "fails") and ``evidence`` (the files it rests on).

A reason is a :class:`~expertise.i18n.Message` (a code and its arguments), stored in
``observation.json`` as ``{"code": …, "args": …}``: the evidence does not depend on the
report's language, and what a tool or the server said is kept verbatim in the arguments.

Times come from the observation (``observed_at``), never from the clock of the rule, so a
rule gives the same verdict when re-run later on the same evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ..domain import Observation
from ..i18n import Message


# Why something could not be observed: a message code and its arguments (JSON: {"code", "args"}).
Reason = Message


# ------------------------------------------------------------------ ports


class PortInfo(Observation):
    port: int
    protocol: str = "tcp"
    state: str
    reason: str = ""
    service: str = ""
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    tunnel: str = ""
    cpe: list[str] = Field(default_factory=list)
    answers_http: bool = False  # nmap saw an HTTP status line in reply to its GET probe

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def label(self) -> str:
        name = f"ssl/{self.service}" if self.tunnel == "ssl" and self.service else self.service
        software = " ".join(part for part in (self.product, self.version) if part)
        return f"{self.port}/{self.protocol} {name or '?'}" + (f" ({software})" if software else "")


class PortsObservation(Observation):
    host: str
    address: str
    ports_spec: str
    ports: list[PortInfo] = Field(default_factory=list)
    scanned: int | None = None
    expected: list[int] = Field(default_factory=list)  # the targets' ports, their port 80, and `expected_ports`
    required: list[int] = Field(default_factory=list)  # `expected_ports` as declared: one not open is a finding
    command: list[str] = Field(default_factory=list)
    error: Reason | None = None
    evidence: list[str] = Field(default_factory=list)

    @property
    def open_ports(self) -> list[PortInfo]:
        return [p for p in self.ports if p.is_open]


# ------------------------------------------------------------------ TLS


class CipherSuite(Observation):
    name: str
    openssl_name: str = ""
    version: str
    key_size: int | None = None
    kex_type: str | None = None  # "ECDH", "DH" or None (static key exchange)
    kex_size: int | None = None
    curve: str | None = None


class CertificateInfo(Observation):
    subject: str
    issuer: str
    serial: str = ""
    not_before: datetime
    not_after: datetime
    key_type: str  # RSA, EC, DSA, Ed25519, Ed448, other
    key_size: int | None = None
    curve: str | None = None
    signature_algorithm: str = ""
    signature_hash: str | None = None
    san_dns: list[str] = Field(default_factory=list)
    san_ip: list[str] = Field(default_factory=list)
    common_names: list[str] = Field(default_factory=list)
    is_ca: bool | None = None
    self_signed: bool = False
    ocsp_urls: list[str] = Field(default_factory=list)
    crl_urls: list[str] = Field(default_factory=list)
    sha256: str = ""


class TrustResult(Observation):
    store: str
    ok: bool
    error: str | None = None  # the validator's own message (data)


class TlsObservation(Observation):
    endpoint: str
    host: str
    address: str
    port: int
    server_name: str
    observed_at: datetime
    # the case's voting period, when the probe runs in a case: the certificates must cover it
    voting_opens: datetime | None = None
    voting_closes: datetime | None = None
    error: Reason | None = None
    versions: dict[str, bool | None] = Field(default_factory=dict)  # SSLv2 … TLSv1.3
    suites: list[CipherSuite] = Field(default_factory=list)
    curves: list[str] | None = None
    chain: list[CertificateInfo] = Field(default_factory=list)
    trust: list[TrustResult] = Field(default_factory=list)
    chain_order_valid: bool | None = None
    verified_chain_length: int | None = None
    ocsp_stapled: bool | None = None
    compression: bool | None = None
    secure_renegotiation: bool | None = None
    client_renegotiation: bool | None = None
    heartbleed: bool | None = None
    robot: str | None = None
    ccs_injection: bool | None = None
    fallback_scsv: bool | None = None
    early_data: bool | None = None
    extended_master_secret: bool | None = None
    encrypt_then_mac: bool | None = None
    encrypt_then_mac_error: Reason | None = None
    command_errors: dict[str, Reason] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list)

    def accepted_versions(self) -> list[str]:
        return [version for version, accepted in self.versions.items() if accepted]

    def untested_versions(self) -> list[str]:
        return [version for version, accepted in self.versions.items() if accepted is None]


# ------------------------------------------------------------------ HTTP


class ScriptTag(Observation):
    src: str
    integrity: str = ""


class HttpExchange(Observation):
    url: str
    address: str = ""
    request: list[str] = Field(default_factory=list)
    status: int | None = None
    reason: str = ""
    http_version: str = ""
    headers: list[tuple[str, str]] = Field(default_factory=list)
    body_bytes: int = 0
    body_sha256: str = ""
    body_truncated: bool = False
    content_type: str = ""
    scripts: list[ScriptTag] = Field(default_factory=list)
    html_parse_error: str | None = None
    error: Reason | None = None
    duration_s: float | None = None

    def header_values(self, name: str) -> list[str]:
        lower = name.lower()
        return [value for key, value in self.headers if key.lower() == lower]

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[0] if values else None

    @property
    def is_redirect(self) -> bool:
        return self.status is not None and 300 <= self.status < 400 and self.header("location") is not None


class HttpObservation(Observation):
    url: str
    host: str
    exchanges: list[HttpExchange] = Field(default_factory=list)  # the HTTPS page and its redirects
    plain: list[HttpExchange] = Field(default_factory=list)  # clear-text probes of the same host
    plain_unreachable: list[str] = Field(default_factory=list)  # clear-text URLs that refused the connection
    # clear-text ports of a host with several HTTPS endpoints that do not redirect to this one
    plain_not_attributed: list[str] = Field(default_factory=list)
    refused_redirect: Reason | None = None
    error: Reason | None = None
    evidence: list[str] = Field(default_factory=list)

    @property
    def final(self) -> HttpExchange | None:
        answered = [e for e in self.exchanges if e.status is not None]
        return answered[-1] if answered else None


# ------------------------------------------------------------------ SSH


class SshHostKey(Observation):
    algorithm: str
    size: int | None = None


class SshdConfig(Observation):
    """The server's own SSH settings as collected from it (`sshd -T`), or why they could not be read."""

    file: str
    values: dict[str, str] = Field(default_factory=dict)  # keyword (lower case) → value
    error: Message | None = None


class SshObservation(Observation):
    endpoint: str
    host: str
    address: str
    port: int
    error: Reason | None = None
    banner: str = ""
    protocol: str = ""
    software: str = ""
    kex: list[str] = Field(default_factory=list)
    host_keys: list[SshHostKey] = Field(default_factory=list)
    ciphers: list[str] = Field(default_factory=list)
    macs: list[str] = Field(default_factory=list)
    compression: list[str] = Field(default_factory=list)
    cves: list[dict[str, object]] = Field(default_factory=list)
    host_key_fingerprint: str = ""
    host_key_type: str = ""
    auth_methods: list[str] | None = None
    auth_error: Reason | None = None
    audit_error: Reason | None = None
    evidence: list[str] = Field(default_factory=list)
    server_config: SshdConfig | None = None  # None: the case gives no `sshd -T` output


# ------------------------------------------------------------------ one source


class ProbeObservation(Observation):
    """Everything known about one source (a target, or a host for its ports).

    Each rule looks at the part it is about and yields nothing when that part is absent
    (the target does not offer that service), "error" when the part could not be observed.
    """

    kind: Literal["https", "http", "tls", "ssh", "host"]
    target: str
    ports: PortsObservation | None = None
    tls: TlsObservation | None = None
    http: HttpObservation | None = None
    ssh: SshObservation | None = None
