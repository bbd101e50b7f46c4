"""The expert's own findings (issue 13): declared in case.toml or imported from SARIF, checked
against the case folder and the catalogue, counted in the assessment, shown in the report and
bound to the journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expertise.assess import Conclusion, assess
from expertise.case import load_case
from expertise.errors import ExpertiseError, UsageError
from expertise.i18n import render
from expertise.report.build import build_report
from expertise.requirements import matrix
from expertise.results import Status

MARK = "# --- The expert's own findings"


def with_findings(case: Path, block: str) -> Path:
    """The demo case with its own findings replaced by ``block``."""
    path = case / "case.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index(MARK)] + MARK + "\n" + block, encoding="utf-8")
    return case


def finding(**fields: str) -> str:
    base = {"id": '"PT-09"', "title": '"A finding"', "severity": '"high"', "source": '"pentest"'}
    base.update(fields)
    return "[[finding]]\n" + "".join(f"{k} = {v}\n" for k, v in base.items())


def objective(case: Path, ident: str) -> Conclusion:
    return next(row.verdict.conclusion for row in assess(load_case(case)).objectives if row.objective.id == ident)


def sarif(results: list[dict[str, object]], rules: list[dict[str, object]] | None = None) -> str:
    return json.dumps({"version": "2.1.0", "runs": [
        {"tool": {"driver": {"name": "Scan", "rules": rules or []}}, "results": results}]})


# --- case.toml validation -------------------------------------------------------------------

def test_a_bad_severity_is_refused_naming_the_field(demo_case: Path) -> None:
    with_findings(demo_case, finding(severity='"severe"'))
    with pytest.raises(ExpertiseError) as caught:
        load_case(demo_case)
    assert "finding" in (caught.value.field or "") and "severity" in (caught.value.field or "")


@pytest.mark.parametrize(("fields", "field", "named"), [
    ({"objectives": '["9-99"]'}, "finding[0].objectives", "9-99"),
    ({"requirements": '["19-nope"]'}, "finding[0].requirements", "19-nope"),
    ({"evidence": '["findings/absent.txt"]'}, "finding[0].evidence[0] (PT-09)", "findings/absent.txt"),
    ({"status": '"fixed-retested"'}, "finding[0].retested", "PT-09"),
    ({"status": '"accepted-risk"'}, "finding[0].accepted_by", "PT-09"),
])
def test_a_bad_declaration_is_refused_naming_the_field(demo_case: Path, fields: dict[str, str], field: str,
                                                         named: str) -> None:
    with_findings(demo_case, finding(**fields))
    with pytest.raises(UsageError) as caught:
        assess(load_case(demo_case))
    assert caught.value.field == field and named in caught.value.render("en")


def test_audit_refuses_a_missing_evidence_file_before_collecting(run_cli, demo_case: Path) -> None:
    """The report could not be written without it: `audit` says so first, not after every collector."""
    from expertise import journal

    with_findings(demo_case, finding(evidence='["findings/absent.txt"]'))
    before = journal.read_entries(demo_case)
    refused = run_cli("audit", demo_case, "--no-pdf")
    assert refused.returncode == 2 and "finding[0].evidence[0]" in refused.stderr
    assert "findings/absent.txt" in refused.stderr and "Traceback" not in refused.stderr
    assert journal.read_entries(demo_case) == before


def test_an_evidence_file_outside_the_case_is_refused(demo_case: Path) -> None:
    with_findings(demo_case, finding(evidence='["../case.toml"]'))
    with pytest.raises(UsageError):
        assess(load_case(demo_case))


def test_an_id_of_a_catalogue_check_is_refused(demo_case: Path) -> None:
    with_findings(demo_case, finding(id='"EXPERT-001"'))
    with pytest.raises(UsageError) as caught:
        assess(load_case(demo_case))
    assert caught.value.message.code == "findings.case.id_is_a_check"


def test_a_duplicate_id_is_refused(demo_case: Path) -> None:
    with_findings(demo_case, finding() + finding())
    with pytest.raises(UsageError) as caught:
        assess(load_case(demo_case))
    assert caught.value.message.code == "findings.case.duplicate_id"


# --- assessment --------------------------------------------------------------------------------

def test_an_open_high_finding_makes_its_objective_not_met(demo_case: Path) -> None:
    with_findings(demo_case, finding(objectives='["1-01"]'))
    assert objective(demo_case, "1-01") is Conclusion.NOT_MET


def test_an_open_medium_finding_makes_it_partially_met(demo_case: Path) -> None:
    with_findings(demo_case, finding(objectives='["1-01"]', severity='"medium"'))
    assert objective(demo_case, "1-01") is Conclusion.PARTIALLY_MET


def test_a_fixed_and_retested_finding_does_not_count_against_it(demo_case: Path) -> None:
    with_findings(demo_case, "")
    before = objective(demo_case, "1-01")
    with_findings(demo_case, finding(objectives='["1-01"]', status='"fixed-retested"', retested="2026-11-27"))
    assert objective(demo_case, "1-01") is before
    with_findings(demo_case, finding(objectives='["1-01"]', status='"accepted-risk"', accepted_by='"The organiser"'))
    assert objective(demo_case, "1-01") is before


def test_an_open_finding_naming_a_requirement_makes_it_not_met(demo_case: Path) -> None:
    with_findings(demo_case, finding(requirements='["19-pentest"]'))
    row = next(r for r in matrix(assess(load_case(demo_case))) if r.requirement.id == "19-pentest")
    assert row.status is Conclusion.NOT_MET
    assert any(note.code == "findings.matrix.named" for note in row.notes)


# --- SARIF import ------------------------------------------------------------------------------

def test_the_demo_sarif_maps_levels_and_security_severity(demo_case: Path) -> None:
    found = {f.id: f for f in assess(load_case(demo_case)).expert.findings}
    zap = found["ZAP/10038"]
    assert (zap.severity, zap.source, zap.locations) == ("medium", "tool import", ("https://vote.example/login",))
    assert "Content-Security-Policy" in zap.recommendation
    semgrep = found["Semgrep/python.lang.security.audit.formatted-sql-query"]
    assert semgrep.severity == "high"  # security-severity 7.5 (the level alone says error → high too)
    assert semgrep.locations == ("portal/admin/turnout.py:42",)
    assert [e.ref for e in semgrep.evidence] == ["findings/scanners.sarif"]


@pytest.mark.parametrize(("level", "props", "severity"), [
    ("error", {}, "high"), ("warning", {}, "medium"), ("note", {}, "low"), ("none", {}, "info"),
    ("note", {"security-severity": "9.8"}, "critical"), ("error", {"security-severity": "3.1"}, "low")])
def test_sarif_levels(demo_case: Path, level: str, props: dict[str, str], severity: str) -> None:
    (demo_case / "scan.sarif").write_text(sarif([{"ruleId": "R1", "level": level, "properties": props,
                                                   "message": {"text": "m"}}]))
    with_findings(demo_case, '[[findings.import]]\nsarif = "scan.sarif"\n')
    [imported] = assess(load_case(demo_case)).expert.findings
    assert (imported.id, imported.severity, imported.status) == ("Scan/R1", severity, "open")


def test_repeated_rules_get_distinct_ids(demo_case: Path) -> None:
    (demo_case / "scan.sarif").write_text(sarif([{"ruleId": "R1", "message": {"text": "a"}},
                                                 {"ruleId": "R1", "message": {"text": "b"}}]))
    with_findings(demo_case, '[[findings.import]]\nsarif = "scan.sarif"\n')
    assert [f.id for f in assess(load_case(demo_case)).expert.findings] == ["Scan/R1", "Scan/R1#2"]


def test_invalid_json_is_a_clear_error_naming_the_file(demo_case: Path) -> None:
    (demo_case / "scan.sarif").write_text('{"version": "2.1.0", "runs": [')
    with_findings(demo_case, '[[findings.import]]\nsarif = "scan.sarif"\n')
    with pytest.raises(UsageError) as caught:
        assess(load_case(demo_case))
    assert caught.value.message.code == "findings.sarif.bad_json" and caught.value.path == "scan.sarif"


def test_a_schema_violation_names_the_json_path(demo_case: Path) -> None:
    (demo_case / "scan.sarif").write_text(sarif([{"ruleId": "R1", "message": {"text": "a"}},
                                                 {"ruleId": "R2", "level": "fatal", "message": {"text": "b"}}]))
    with_findings(demo_case, '[[findings.import]]\nsarif = "scan.sarif"\n')
    with pytest.raises(UsageError) as caught:
        assess(load_case(demo_case))
    assert caught.value.field == "$.runs[0].results[1].level"
    assert "scan.sarif" == caught.value.path


def test_the_sarif_schema_is_applied(demo_case: Path) -> None:
    """The committed SARIF 2.1.0 schema: a result without its message is refused where it is."""
    (demo_case / "scan.sarif").write_text(sarif([{"ruleId": "R1"}]))
    with_findings(demo_case, '[[findings.import]]\nsarif = "scan.sarif"\n')
    with pytest.raises(UsageError) as caught:
        assess(load_case(demo_case))
    assert caught.value.field == "$.runs[0].results[0]" and "message" in caught.value.render("en")


def test_a_broken_sarif_stops_the_report_with_exit_2_and_nothing_half_imported(run_cli, demo_case: Path,
                                                                               tmp_path: Path) -> None:
    (demo_case / "scan.sarif").write_text(json.dumps({"version": "2.0.0", "runs": []}))
    with_findings(demo_case, '[[findings.import]]\nsarif = "scan.sarif"\n')
    done = run_cli("assess", demo_case)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "scan.sarif" in done.stdout + done.stderr
    assert "$.version" in done.stdout + done.stderr and "[findings." not in done.stderr
    with pytest.raises(UsageError):
        build_report(demo_case, lang="en", out_dir=tmp_path / "out", pdf=False, argv=["t"])
    assert not (tmp_path / "out" / "results.json").exists()
    assert not (demo_case / "journal.jsonl").exists()  # nothing journaled, nothing imported half


# --- report and journal ------------------------------------------------------------------------

def test_the_report_shows_them_in_constats_detailles(demo_case: Path, tmp_path: Path) -> None:
    written = build_report(demo_case, lang="fr", out_dir=tmp_path / "out", pdf=False, argv=["test"])
    html = written["html"].read_text(encoding="utf-8")
    findings_at = html.index('id="findings"')
    for anchor in ('id="finding-PT-01"', 'id="finding-PT-02"', 'id="finding-ZAP/10038"'):
        assert html.index(anchor) > findings_at
    assert "test d’intrusion" in html and "Corrigé et revérifié" in html
    assert 'id="annex-pentests"' in html and "findings/pentest-operations.txt" in html
    results = json.loads(written["results"].read_text(encoding="utf-8"))
    sources = {f["id"]: f["source"] for f in results["findings"]}
    assert sources["PT-01"] == "pentest" and sources["ZAP/10038"] == "tool import"
    assert results["pentests"][0]["operations"]["ref"] == "findings/pentest-operations.txt"


def test_hostile_strings_are_escaped(demo_case: Path, tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script> ![x](http://127.0.0.1:9/track.png) <img src="http://127.0.0.1:9/i.png">'
    (demo_case / "scan.sarif").write_text(sarif(
        [{"ruleId": "R1", "message": {"text": hostile}}],
        rules=[{"id": "R1", "shortDescription": {"text": "<b>bold</b>"},
                "help": {"text": "click", "markdown": "[click](javascript:alert(1))"}}]))
    with_findings(demo_case, '[[findings.import]]\nsarif = "scan.sarif"\n' + finding(description=json.dumps(hostile)))
    html = build_report(demo_case, lang="en", out_dir=tmp_path / "out", pdf=False, argv=["t"])["html"] \
        .read_text(encoding="utf-8")
    section = html[html.index('id="expert-findings"'):]
    assert "<script>alert" not in section and "&lt;script&gt;" in section
    assert "<img" not in section and "<b>bold" not in section
    assert 'href="javascript' not in section


def test_evidence_is_journaled_and_an_edit_is_named(run_cli, demo_case: Path, tmp_path: Path) -> None:
    build_report(demo_case, lang="en", out_dir=tmp_path / "out", pdf=False, argv=["t"])
    entry = json.loads((demo_case / "journal.jsonl").read_text().splitlines()[-1])
    inputs = {i["path"]: i["label"] for i in entry["inputs"]}
    assert inputs["findings/pt-01-session.txt"] == "finding PT-01"
    assert inputs["findings/scanners.sarif"] == "sarif import"
    assert inputs["findings/pentest-operations.txt"] == "pentest operations"
    with (demo_case / "findings" / "pt-01-session.txt").open("a") as handle:
        handle.write("edited afterwards\n")
    done = run_cli("journal", "verify", demo_case)
    assert done.returncode == 1 and "findings/pt-01-session.txt" in done.stdout + done.stderr


# --- the pentest annex (levels 2 and 3) --------------------------------------------------------

def test_no_pentest_at_level_2_is_a_manual_point(demo_case: Path, tmp_path: Path) -> None:
    with_findings(demo_case, "")
    [point] = [r for r in assess(load_case(demo_case)).case_results if r.check_id == "PENTEST-001"]
    assert point.status is Status.MANUAL and "2" in render(point.message, "en")
    html = build_report(demo_case, lang="en", out_dir=tmp_path / "out", pdf=False, argv=["t"])["html"] \
        .read_text(encoding="utf-8")
    assert 'id="annex-pentests"' in html and "declares none" in html


def test_a_declared_pentest_passes(demo_case: Path) -> None:
    [point] = [r for r in assess(load_case(demo_case)).case_results if r.check_id == "PENTEST-001"]
    assert point.status is Status.PASS


# --- `expertise findings import` ---------------------------------------------------------------

def test_findings_import_copies_and_declares_the_file(run_cli, demo_case: Path, tmp_path: Path) -> None:
    outside = tmp_path / "zap.sarif"
    outside.write_text(sarif([{"ruleId": "R1", "level": "note", "message": {"text": "m"}}]))
    done = run_cli("findings", "import", outside, "--case", demo_case, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["findings"][0]["severity"] == "low"
    assert (demo_case / "findings" / "zap.sarif").read_bytes() == outside.read_bytes()
    assert "Scan/R1" in {f.id for f in assess(load_case(demo_case)).expert.findings}


def test_findings_import_refuses_a_broken_file_and_writes_nothing(run_cli, demo_case: Path, tmp_path: Path) -> None:
    before = (demo_case / "case.toml").read_bytes()
    outside = tmp_path / "bad.sarif"
    outside.write_text('{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}')
    done = run_cli("findings", "import", outside, "--case", demo_case)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "$.runs[0].tool.driver" in done.stderr and "bad.sarif" in done.stderr
    assert (demo_case / "case.toml").read_bytes() == before
    assert not (demo_case / "findings" / "bad.sarif").exists()
