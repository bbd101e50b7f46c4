"""The ``[seal]`` section of ``case.toml``: the components to seal, the key, the time-stamping authority.
"""

from __future__ import annotations


from pydantic import Field, model_validator

from ..case import invalid
from ..domain import Section
from ..i18n import msg


class SealComponent(Section):
    """One component to seal: a folder or file, ``git:PATH[@REV]`` or ``ssh://user@host[:port]/path``."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    source: str = Field(min_length=1)
    exclude: list[str] = Field(default_factory=list)
    known_hosts: str = ""
    host_key_fingerprint: str = Field(default="", pattern=r"^(SHA256:[A-Za-z0-9+/]{43})?$")
    identity: str = ""

    @model_validator(mode="after")
    def _host_key_checked(self) -> "SealComponent":
        if self.source.startswith("ssh://") and not (self.known_hosts or self.host_key_fingerprint):
            raise invalid(msg("case.toml.seal.host_key_unchecked"))
        if "://" in self.source and not self.source.startswith("ssh://"):
            raise invalid(msg("case.toml.seal.unsupported_source", source=repr(self.source)))
        return self


class Seal(Section):
    key: str = ""
    tsa: str = ""
    tsa_ca_file: str = ""
    components: list[SealComponent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _signed_and_unique(self) -> "Seal":
        if self.components and not self.key:
            raise invalid(msg("case.toml.seal.key_required"))
        names = [c.name for c in self.components]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise invalid(msg("case.toml.seal.name_twice", name=repr(twice[0])))
        if self.tsa and not self.tsa.startswith(("http://", "https://")):
            raise invalid(msg("case.toml.seal.tsa_url", tsa=repr(self.tsa)))
        return self
