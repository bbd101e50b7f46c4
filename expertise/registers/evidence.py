"""The evidence of the registers' findings, and where voter identities may go.

The lists (``not_on_list``, ``duplicates``, ``out_of_hours``, ``paper_votes_to_discard``,
``paper_votes_not_on_list``, ``counts``) are the same everywhere; what changes is who the ids are
shown to:

- the JSON the expert asks for (``--json OUT``) and the *restricted annex* of a case
  (``restricted/registers/<operation>-annex.json``, outside ``evidence/``, readable by its owner
  only) hold the ids as written: the expert and the electoral board must find the rows;
- the copy journaled in ``evidence/`` (archived, sealed, handed over with the report) holds each id
  pseudonymised by HMAC-SHA256 under a key kept in ``restricted/registers.key``: the same voter
  gets the same pseudonym across files and runs, and only whoever holds the key can check that a
  given id is the one meant. ``--identities`` (or ``pseudonymise = false``) writes ids instead, on
  the expert's explicit request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import tzinfo
from pathlib import Path
from typing import Any, Callable

from ..fsutil import write_atomic
from ..journal import Operation
from .observation import Flagged, RegistersObservation, Repeated

RESTRICTED = "restricted"
KEY_FILE = "registers.key"


def _flagged(rows: tuple[Flagged, ...] | None, name: Callable[[str], str], time_key: str,
             zone: tzinfo | None) -> list[dict[str, Any]] | None:
    """Each row: the id (through ``name``), its line, its time at the election's offset."""
    if rows is None:
        return None
    return [{"voter_id": name(r.voter_id), "line": r.line,
             **({time_key: r.time.astimezone(zone).isoformat()} if r.time is not None else {})} for r in rows]


def _repeated(rows: tuple[Repeated, ...] | None, name: Callable[[str], str]) -> list[dict[str, Any]] | None:
    if rows is None:
        return None
    return [{"voter_id": name(r.voter_id), "lines": list(r.lines)} for r in rows]


def findings(obs: RegistersObservation, name: Callable[[str], str] = str) -> dict[str, Any]:
    """The lists of the checks, each id passed through ``name`` (as written, or a pseudonym);
    a list is null when a register it needs was not read."""
    cross, zone = obs.cross, obs.opens.tzinfo
    return {
        "not_on_list": _flagged(cross.not_on_list, name, "time", zone),
        "duplicates": _repeated(cross.duplicates, name),
        "out_of_hours": _flagged(cross.out_of_hours, name, "time", zone),
        "paper_votes_to_discard": _flagged(cross.paper_votes_to_discard, name, "received_on", zone),
        "paper_votes_twice": _repeated(cross.paper_votes_twice, name),
        "paper_votes_not_on_list": _flagged(cross.paper_votes_not_on_list, name, "received_on", zone),
        "counts": cross.counts.model_dump(),
        "formula_cells": {r.file: list(r.formula_lines) for r in (obs.voters, obs.emargement, obs.paper)
                          if r is not None and r.formula_lines},
    }


def case_key(case_root: Path) -> bytes:
    """The case's pseudonymisation key, made on first use (32 random bytes, owner-only)."""
    path = case_root / RESTRICTED / KEY_FILE
    if path.is_file():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    key = secrets.token_bytes(32)
    write_atomic(path, key, exclusive=True)
    os.chmod(path, 0o600)
    return key


def pseudonym(key: bytes) -> Callable[[str], str]:
    """An id → ``hmac:`` and the first 128 bits of HMAC-SHA256(key, id) in hex."""
    def name(voter_id: str) -> str:
        return "hmac:" + hmac.new(key, voter_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
    return name


def store_pseudonymised(op: Operation, case_root: Path, obs: RegistersObservation, *, identities: bool) -> str:
    """The findings journaled in ``evidence/``: pseudonymised unless the expert asked for identities."""
    if identities:
        return op.store_json("registers/findings.json", {"pseudonymised": False, **findings(obs)},
                             label="registers-findings")
    body = findings(obs, pseudonym(case_key(case_root)))
    return op.store_json("registers/findings.json",
                         {"pseudonymised": True, "pseudonym": "HMAC-SHA256, key " + f"{RESTRICTED}/{KEY_FILE}", **body},
                         label="registers-findings")


def restricted_annex(case_root: Path, operation: str, obs: RegistersObservation) -> Path:
    """The ids as written, for the expert and the electoral board only (never in the report body)."""
    folder = case_root / RESTRICTED / "registers"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(case_root / RESTRICTED, 0o700)
    path = folder / f"{operation}-annex.json"
    write_atomic(path, (json.dumps(findings(obs), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    os.chmod(path, 0o600)
    return path
