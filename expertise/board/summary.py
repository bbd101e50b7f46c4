"""The compact view of a verification that the report partial renders (`ResultSet.summary`).

The full step report stays as evidence (verification.json); the summary keeps what the
report shows: the election, each step's verdict and first findings, counts, and the
verified result as a table of answers and counts.
"""

from __future__ import annotations

from typing import Any

from .account import Verification
from .rules import STEP_CHECKS

CHECK_OF_STEP = {step: check for check, step in STEP_CHECKS}
MAX_FINDINGS = 5
MAX_RAW_BALLOTS = 60


def result_table(election: dict[str, Any], result: list[Any] | None) -> list[dict[str, Any]]:
    """Per question: its text, kind, and rows of (answer, count) — or raw ballots for a mixnet question."""
    if result is None:
        return []
    tables = []
    for question, values in zip(election.get("questions", []), result):
        entry: dict[str, Any] = {"question": question.get("question", ""), "type": question.get("type")}
        if question.get("type") == "lists":
            names = list(question.get("answers", []))
            rows, start = [], 0
            for size, counts in zip(question.get("lists", []), values):
                for offset, count in enumerate(counts):
                    rows.append({"answer": names[start + offset], "count": int(count), "blank": False,
                                 "list_head": offset == 0})
                start += size
            entry["rows"] = rows
            entry["total"] = sum(r["count"] for r in rows if r["list_head"])
        elif question.get("type") == "homomorphic":
            labels = ([""] if question.get("blank") else []) + list(question.get("answers", []))  # blank: see "blank"
            rows = [{"answer": label, "count": int(count), "blank": question.get("blank", False) and i == 0}
                    for i, (label, count) in enumerate(zip(labels, values))]
            entry["rows"] = rows
            entry["total"] = sum(r["count"] for r in rows)
        else:
            entry["answers"] = list(question.get("answers", []))
            entry["ballots"] = len(values)
            entry["raw"] = [list(map(int, row)) for row in values[:MAX_RAW_BALLOTS]]
            entry["raw_truncated"] = len(values) > MAX_RAW_BALLOTS
        tables.append(entry)
    return tables


def summarise(report: Verification, declared_path: str) -> dict[str, Any]:
    """The summary journaled with the results: messages kept as code and arguments (rendered by the chapter)."""
    data = report.to_dict()
    election = data.get("election") or {}
    steps = []
    for step in data["steps"]:
        steps.append({
            "id": step["id"], "check": CHECK_OF_STEP.get(step["id"]), "title": step["title"],
            "status": step["status"], "summary": step["summary"], "counts": step["counts"],
            "failures": step["failures"][:MAX_FINDINGS], "failures_total": step["failures_total"],
            "notes": step["notes"][:3],
        })
    verified = (data.get("result") or {}).get("result")
    decrypted = election.get("decrypted")
    return {
        "kind": "verify",
        "path": declared_path,
        "verdict": data["verdict"],
        "format": data["format"],
        "profile": data["profile"],
        "board": {k: data["board"].get(k) for k in ("size", "sha256", "records", "events", "timestamp", "head")},
        "election": {k: election.get(k) for k in ("name", "uuid", "group", "fingerprint", "questions", "trustees",
                                                  "administrator", "credential_authority")},
        "steps": steps,
        "result_table": result_table(election, verified),
        "unverified_decryption": result_table(election, decrypted) if verified is None and decrypted else [],
        "tally": data.get("tally"),
        "stats": {k: data["stats"].get(k) for k in ("seconds", "ballots", "runner", "ballots_per_second")},
        "counts": {
            "ballots": report.steps["ballots"].counts.get("ballots", 0),
            "invalid": report.steps["ballots"].counts.get("invalid", 0),
            "counted": report.steps["revotes"].counts.get("counted", 0),
            "superseded": report.steps["revotes"].counts.get("superseded", 0),
            "credentials": report.steps["credentials"].counts.get("credentials", 0),
        },
    }
