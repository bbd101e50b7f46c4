"""`expertise demo`: the bundled case end to end, as `make demo` runs it."""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

from pypdf import PdfReader

from expertise import catalogue as catalogue_mod
from expertise import journal


def test_demo_writes_a_real_report(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    proc = run_cli("demo", "--out", out, timeout=900)
    assert proc.returncode == 0, proc.stderr
    for name in ("report.html", "report.pdf", "results.json"):
        assert (out / name).is_file(), name
        assert str(out / name) in proc.stdout
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["risk"]["chosen_level"] == 2 and len(results["objectives"]) == 18
    # dated from the day it runs: nothing fails by the calendar, only the demo's planted findings
    failing = {r["check_id"] for r in _results(results) if r["status"] in ("fail", "error")}
    assert failing == {"SEAL-002", "HTTP-005", "HTTP-010", "REG-003"}, failing
    assert set(PdfReader(str(out / "report.pdf")).attachments) >= {"results.json"}
    _matrix_lists_every_requirement(out, results)
    # the sections issue 13 adds inside chapters are in the table of contents, in the pages' order
    page = (out / "report.html").read_text(encoding="utf-8")
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    anchors = ["#versions", "#opinion", "#boxes", "#key-findings", "#findings", "#expert-findings"]
    assert all(f'href="{a}"' in toc for a in anchors) and 'href="#remaining"' not in toc  # a draft
    assert [toc.index(f'href="{a}"') for a in anchors] == sorted(toc.index(f'href="{a}"') for a in anchors)
    meta = subprocess.run(["pdfinfo", "-meta", str(out / "report.pdf")], capture_output=True, text=True).stdout
    assert 'pdfaid:part="3"' in meta
    assert journal.verify(out / "case").intact
    # the case and its reports, sealed and time-stamped, without the expert's private key
    archive = out / "archive"
    assert (archive / "seal" / "SHA256SUMS.tsr").is_file()
    # the editable copy too (pandoc is in the Makefile's Debian packages)
    assert {p.name for p in (archive / "report").iterdir()} == {"report.html", "report.pdf", "results.json",
                                                                "report.docx", "versions"}
    # the pre-vote report (version 1) kept beside the latest, archived, and the draft lists the changes since it
    assert {p.name for p in (archive / "report" / "versions" / "1-pre-vote").iterdir()} == {
        "report.html", "report.pdf", "results.json"}
    assert results["version"]["kind"] == "draft" and results["changes"]["from"]["number"] == 1
    assert not (archive / "case" / "keys" / "expert").exists() and "keys/expert" in proc.stderr
    checked = run_cli("archive", "verify", archive)
    assert checked.returncode == 0 and "archive intact" in checked.stdout, checked.stdout + checked.stderr
    again = run_cli("demo", "--out", out)
    assert again.returncode == 2 and "--force" in again.stderr


def _matrix_lists_every_requirement(out: Path, results: dict) -> None:
    """The traceability matrix (issue 12): every requirement of both CNIL texts, with its source
    sentence, in the report; a realistic subset answered, the rest visibly not assessed."""
    cat = catalogue_mod.load()
    every = [(f.id, r) for fid in ("cnil-2019-053", "cnil-2012-083") for f in [cat.frameworks[fid]]
             for r in f.requirements]
    rows = {row["id"]: row for row in results["requirements"]}
    assert sorted(rows) == sorted(r.id for _, r in every)
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    annex = page[page.index('id="annex-requirements"'):]
    for _, requirement in every:
        assert requirement.id in annex and requirement.text_fr in annex, requirement.id
    statuses = [row["status"] for row in rows.values()]
    assert statuses.count("not_assessed") > len(statuses) / 2
    assert {"met", "not_met", "not_applicable"} <= set(statuses)
    assert "cnil-2019-053, version 2019-04-25" in page

def _results(data: object) -> list[dict]:  # type: ignore[type-arg]
    """Every result held in results.json, wherever it sits."""
    if isinstance(data, dict):
        own = [data] if "check_id" in data and "status" in data else []
        return own + [r for value in data.values() for r in _results(value)]
    if isinstance(data, list):
        return [r for value in data for r in _results(value)]
    return []


def test_demo_election_is_dated_from_the_day_it_runs(demo_case: Path) -> None:
    """Opens the day after `today`, same hours and length; the émargement moves by as many days."""
    from datetime import date, datetime, timedelta

    from expertise.case import load_case
    from expertise.demo import dated_from_today
    from expertise.registers.demo import prepare

    before = load_case(demo_case).data.election
    first_line = (demo_case / "registers" / "emargement.csv").read_text(encoding="utf-8").splitlines()[1]
    dated_from_today(demo_case, today=date(2031, 6, 15))
    after = load_case(demo_case).data.election
    assert after.opens.date() == date(2031, 6, 16) and after.opens.timetz() == before.opens.timetz()
    assert after.closes - after.opens == before.closes - before.opens
    with prepare(demo_case):
        moved = (demo_case / "registers" / "emargement.csv").read_text(encoding="utf-8").splitlines()[1]
    voter, time = first_line.split(";")
    assert moved == f"{voter};{(datetime.fromisoformat(time) + (after.opens - before.opens)).isoformat()}"
    assert (after.opens - before.opens) % timedelta(days=1) == timedelta(0)
