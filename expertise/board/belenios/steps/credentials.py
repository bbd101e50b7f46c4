"""Steps "credentials" and "credential_authority": who may vote, and whether the list was extended.

The public credentials are read with the Setup (a ballot's weight comes from them); their group
membership is tested by the runner while the ballots are read. The credential authority's step
compares the list with the fingerprint the authority published and with the electorate: the
only defence against credentials added after it made them (ballot stuffing).
"""

from __future__ import annotations

from typing import Any

from ....i18n import Message, msg
from ...account import StepStatus
from ..archive import Record
from ..ballots import check_members
from ..fields import FieldError
from ..proofs import b64digest
from ..setup import parse_credentials
from ..state import BoardState, digest16
from .common import canonical, parse

MEMBERSHIP_BATCH = 512
NOT_A_MEMBER = msg("board.credentials.not_a_member")


def read_credentials(state: BoardState, record: Record) -> None:
    assert state.election is not None
    step = state.steps["credentials"]
    step.ran = True
    value = parse(state, record, "credentials")
    state.credentials_label = record.label
    state.credentials_fingerprint = b64digest(record.digest)
    state.credentials_digest = record.digest
    if value is None:
        return
    try:
        entries = parse_credentials(value, state.election.group, lambda f, m: step.fail(record.label, f, m))
    except FieldError as exc:
        step.fail(record.label, exc.field, exc.message)
        return
    canonical(state, record, value, "credentials", "credentials")
    previous: Any = None
    unsorted = False
    weighted = 0
    total_weight = 0
    for credential in entries:
        key = digest16(credential.text)
        if key in state.credentials:
            step.fail(record.label, f"[{credential.index}]", msg("board.credentials.twice"))
            continue
        if credential.value == state.election.group.identity:  # g^0: its private credential is 0, known to all
            step.fail(record.label, f"[{credential.index}]", msg("board.credentials.identity"))
        state.credentials[key] = credential.weight
        total_weight += credential.weight
        weighted += credential.weighted
        key_value = state.election.group.sort_key(credential.value)
        if previous is not None and key_value < previous:
            unsorted = True
        previous = key_value
    if unsorted:
        step.notes.append(msg("board.credentials.note.unsorted"))
    if 0 < weighted < len(entries):
        step.notes.append(msg("board.credentials.note.weighted", weighted=weighted, count=len(entries)))
    step.counts.update(credentials=len(state.credentials), total_weight=total_weight, weighted=weighted)
    for start in range(0, len(entries), MEMBERSHIP_BATCH):
        values = [(c.index, c.text) for c in entries[start:start + MEMBERSHIP_BATCH]]
        state.credential_futures.append((record.label, state.runner.submit(check_members, state.election.group.name,
                                                                           values, state.options.batch)))
    state.steps["membership"].count("credentials", len(entries))
    state.steps["credential_authority"].ran = True


def collect_membership(state: BoardState) -> None:
    """The group membership of the credentials, tested by the runner."""
    for label, future in state.credential_futures:
        try:
            bad = future.result()
        except Exception as exc:
            state.steps["credentials"].fail(label, "(membership)", msg("board.credentials.membership_failed",
                                                                       error=str(exc)))
            continue
        for index in bad:
            state.steps["membership"].fail(label, f"[{index}]", NOT_A_MEMBER)
            state.steps["credentials"].fail(label, f"[{index}]", NOT_A_MEMBER)
    state.credential_futures = []


def conclude(state: BoardState) -> None:
    credentials = state.steps["credentials"]
    if credentials.status is StepStatus.PASS and credentials.ran:
        credentials.describe(msg("board.credentials.summary", count=credentials.counts.get("credentials", 0)))


def authority(state: BoardState) -> None:
    """Step "credential_authority": the list is the one the authority made, and as long as the electorate."""
    step = state.steps["credential_authority"]
    if not step.ran:
        step.not_verifiable(msg("board.credentials.unreadable"))
        return
    options = state.options
    expected = options.credentials_fingerprint
    electorate = options.electorate
    count = len(state.credentials)
    checks: list[Message] = []
    step.counts.update(credentials=count)
    step.counts["fingerprint"] = state.credentials_fingerprint
    assert state.credentials_label is not None
    if expected:
        wanted = expected.strip().rstrip("=")
        if wanted.lower() == state.credentials_digest:
            wanted = state.credentials_fingerprint
        if wanted != state.credentials_fingerprint:
            step.fail(state.credentials_label, "(record)", msg("board.credentials.fingerprint_differs",
                                                               found=state.credentials_fingerprint, expected=expected))
        checks.append(msg("board.credentials.check.fingerprint"))
    if electorate is not None:
        if count != electorate:
            step.fail(state.credentials_label, "(count)", msg("board.credentials.electorate_differs", count=count,
                                                              electorate=electorate))
        checks.append(msg("board.credentials.check.electorate", count=count))
    if not checks:
        step.not_verifiable(msg("board.credentials.unchecked", count=count, fingerprint=state.credentials_fingerprint))
    elif step.status is StepStatus.PASS:
        step.describe(msg("board.checks", checks=checks))
