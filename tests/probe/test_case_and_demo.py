"""`expertise probe CASE_DIR`: journaled, evidence kept and cited; the audit collector; the demo hook."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
from pathlib import Path

import pytest

from expertise.case import load_case
from expertise.demo import dated_from_today
from expertise.journal import latest_result_sets, read_entries, verify

pytestmark = pytest.mark.network


def add_probe(case: Path, body: str) -> None:
    # the fixtures' certificates are made today: date the vote from today too, so that TLS-024
    # (which judges them over the voting period) does not fail by the calendar
    dated_from_today(case)
    with open(case / "case.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[probe]\n" + body)


@pytest.fixture
def strong_case(demo_case: Path, nginx_strong, sshd_strong, pki) -> Path:
    shutil.copy(pki.root_ca, demo_case / "platform-ca.pem")
    ports = f"{nginx_strong.https_port},{nginx_strong.http_port},{sshd_strong.port}"
    add_probe(demo_case, f'targets = ["{nginx_strong.url}", "{sshd_strong.target}"]\n'
                         f'ports = "{ports}"\nexpected_ports = [{nginx_strong.http_port}]\n'
                         'ca_file = "platform-ca.pem"\ntimeout = 5\n')
    return demo_case


def test_case_probe_is_journaled_with_cited_evidence(strong_case: Path, cli, tmp_path, nginx_strong,
                                                     sshd_strong) -> None:
    run = cli("probe", str(strong_case), "--json", "out.json", "--no-progress", cwd=tmp_path)
    assert run.returncode == 0, run.stderr + run.stdout
    assert verify(strong_case).intact
    entry = read_entries(strong_case)[-1]
    assert entry["action"] == "probe" and entry["status"] == "completed"
    assert entry["notes"]["scope"] == ["127.0.0.1"]
    assert entry["notes"]["authorisation"].startswith("Lettre de mission")
    assert {i["label"] for i in entry["inputs"]} == {"case", "probe.ca_file"}
    outputs = {o["path"] for o in entry["outputs"]}
    sources = {meta["source"] for meta in entry["results"]}
    assert sources == {"probe:host:127.0.0.1", f"probe:{nginx_strong.url}", f"probe:{sshd_strong.target}"}
    assert run.data is not None
    for result_set in run.data["result_sets"]:
        for result in result_set["results"]:
            for path in result["evidence"]:
                assert path in outputs, path  # journaled, hashed
                assert (strong_case / path).is_file()
    assert any(p.endswith("/plan.json") for p in outputs)
    plan = json.loads((strong_case / next(p for p in outputs if p.endswith("/plan.json"))).read_text())
    assert plan["tools"]["sslyze"] and plan["tools"]["nmap"].startswith("Nmap version")


def test_assessment_sees_the_probe_through_the_journal(strong_case: Path, cli, tmp_path) -> None:
    assert cli("probe", str(strong_case), "--no-progress", cwd=tmp_path).returncode == 0
    probe_sets = [rs for _, rs in latest_result_sets(strong_case) if rs.producer == "probe"]
    assert len(probe_sets) == 3
    page = next(rs for rs in probe_sets if rs.source.startswith("probe:https://"))
    assert page.summary["tls"]["versions"]["TLSv1.3"] is True
    assert page.summary["http"]["headers"]["strict-transport-security"].startswith("max-age=31536000")
    assert page.summary["http"]["observatory"]["grade"] == "A+"
    host = next(rs for rs in probe_sets if rs.source == "probe:host:127.0.0.1")
    assert len(host.summary["ports"]["open"]) == 3
    objectives = {o for r in page.results for o in r.objectives}
    assert {"1-05", "2-06"} <= objectives


def test_audit_runs_the_probe_collector(strong_case: Path) -> None:
    from expertise.audit import run_collectors

    outcome = run_collectors(strong_case, ["expertise", "audit", str(strong_case)])
    assert outcome["probe"] == "done"
    assert [e["action"] for e in read_entries(strong_case) if e["action"] == "probe"] == ["probe"]


def test_weak_case_exits_one(demo_case: Path, nginx_weak, cli, tmp_path) -> None:
    add_probe(demo_case, f'targets = ["{nginx_weak.url}"]\nports = "none"\ntimeout = 5\n')
    run = cli("probe", str(demo_case), "--no-progress", cwd=tmp_path)
    assert run.returncode == 1
    assert "TLS-001" in run.stdout and "fail" in run.stdout


@pytest.mark.parametrize("body,args,text", [
    ("", ["--scope", "127.0.0.1"], "error: --scope: a case's scope cannot be widened"),
    ("", ["--evidence", "x"], "error: --evidence: only for ad-hoc probes"),
    (None, [], "no [probe] section"),
    ('targets = ["https://127.0.0.1/"]\nports = "all"\n', [], "probe.ports"),
    ('targets = ["127.0.0.0/24"]\n', [], "ranges are never scanned"),
    ('targets = []\n', [], "probe.targets"),
    ('targets = ["https://127.0.0.1/"]\ncolour = "blue"\n', [], "probe.colour"),
    ('targets = ["https://127.0.0.1/"]\nca_file = "missing.pem"\n', [], "probe.ca_file"),
])
def test_case_usage_errors(demo_case: Path, cli, tmp_path, body, args, text) -> None:
    if body is not None:
        add_probe(demo_case, body or 'targets = ["https://127.0.0.1:1/"]\nports = "none"\n')
    run = cli("probe", str(demo_case), *args, "--no-progress", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert text in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args,text", [
    ([], "give a CASE_DIR or at least one --target"),
    (["--target", "https://127.0.0.1:1/", "--ports", "1-0"], "invalid port range"),
    (["--target", "gopher://127.0.0.1/"], "unsupported scheme"),
    (["--target", "https://127.0.0.1:1/", "--scope", "not a host"],
     "error: --scope: not a host name, address or CIDR range: 'not a host'"),
    (["--target", "https://127.0.0.1:99999/"], "invalid port in target 'https://127.0.0.1:99999/' (1-65535)"),
    (["--target", "https://127.0.0.1:1/", "--timeout", "0"], "'--timeout': 0.0 is not in the range 0.5<=x<=300"),
])
def test_ad_hoc_usage_errors(cli, tmp_path, args, text) -> None:
    run = cli("probe", *args, "--no-progress", cwd=tmp_path)
    assert run.returncode == 2 and text in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and list(tmp_path.iterdir()) == []  # nothing probed, nothing written


def test_help_names_the_forms_the_scope_guard_and_the_exit_codes(cli, tmp_path) -> None:
    run = cli("probe", "--help", cwd=tmp_path)
    assert run.returncode == 0
    text = " ".join(run.stdout.split())
    for expected in ("expertise probe CASE_DIR", "--target TARGET", "ssh://HOST[:PORT]", "--scope HOST|CIDR",
                     "--json OUT", "--timeout SECONDS", "--expect-port PORT", "refused before any packet is sent",
                     "0 no failing check, 1 at least one failing check, 2 usage error or a target out of scope"):
        assert expected in text, expected


def test_json_on_standard_output(cli, tmp_path, nginx_strong) -> None:
    run = cli("probe", "--target", nginx_strong.url, "--ports", "none", "--timeout", "5", "--json", "-",
              "--evidence", "ev", cwd=tmp_path)
    assert run.data is not None and "┏" not in run.stdout
    assert run.data["plan"]["targets"] == [nginx_strong.url]
    assert (tmp_path / "ev" / "results.json").is_file()


def test_evidence_is_never_overwritten(cli, tmp_path, nginx_strong) -> None:
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "old.txt").write_text("kept")
    run = cli("probe", "--target", nginx_strong.url, "--ports", "none", "--evidence", "ev", cwd=tmp_path)
    assert run.returncode == 2 and "never overwritten" in run.stderr
    assert (tmp_path / "ev" / "old.txt").read_text() == "kept"


def test_demo_hook_starts_declares_and_stops_the_portal(demo_case: Path) -> None:
    from expertise.probe.demo import prepare

    with prepare(demo_case):
        case = load_case(demo_case)
        assert case.data.probe is not None
        https_url = case.data.probe.targets[0]
        port = int(https_url.split(":")[2].split("/")[0])
        context = ssl.create_default_context(cafile=str(case.resolve(case.data.probe.ca_file)))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(b"GET /urne HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                answer = b""
                while chunk := tls.recv(4096):
                    answer += chunk
        assert b"200 OK" in answer and b"Strict-Transport-Security" in answer
        assert case.data.scope.hosts == ["127.0.0.1"]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_demo_probe_end_to_end(demo_case: Path) -> None:
    from expertise.audit import run_collectors
    from expertise.probe.demo import prepare

    with prepare(demo_case):
        assert run_collectors(demo_case, ["expertise", "demo"])["probe"] == "done"
    results = {r.check_id: r for _, rs in latest_result_sets(demo_case) if rs.source.startswith("probe:https://")
               for r in rs.results}
    assert results["TLS-023"].status.value == "pass"  # the case declares the demo CA
    assert results["HTTP-001"].status.value == "pass"
    assert results["HTTP-005"].status.value == "fail"  # the portal's deliberate gap
    assert results["HTTP-008"].status.value == "pass"  # its clear-text port only redirects
    assert verify(demo_case).intact


def test_french_report_of_the_demo_probe_speaks_french(demo_case: Path, tmp_path: Path) -> None:
    """The « Plateforme » chapter of the real report, from a real probe: French sentences only."""
    import re

    from expertise.audit import run_collectors
    from expertise.probe.demo import prepare
    from expertise.report.build import build_report

    with prepare(demo_case):
        assert run_collectors(demo_case, ["expertise", "demo"])["probe"] == "done"
    html = build_report(demo_case, lang="fr", out_dir=tmp_path / "report", pdf=False)["html"].read_text()
    start = html.index('<section class="probe">')
    chapter = html[start:html.index("</section>", start)]
    assert "Plateforme" in html[:start]
    text = re.sub(r"<[^>]+>", " ", chapter).replace("\u00a0", " ").replace("&#160;", " ")
    assert "pas d’en-tête Referrer-Policy" in text  # the portal's deliberate gap (HTTP-005), in French
    assert "chaîne validée par : autorité déclarée par l’expert (ca_file)" in text  # TLS-023, sslyze's store named
    for english in ("could not test", "no Referrer-Policy", "accepts only", "redirects to", "only expected ports",
                    "Supplied CA file"):
        assert english not in text, english


def test_audit_of_a_platform_that_does_not_answer_is_not_done(demo_case: Path, run_cli, tmp_path) -> None:
    """Every target refused (a closed port on 127.0.0.1): the probe is journaled ("could not test"),
    but `audit` marks it failed with the reason and exits 2; PORT-001 never says « only expected ports »."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens any more
    add_probe(demo_case, f'targets = ["https://127.0.0.1:{port}/"]\nports = "{port}"\n'
                         f'service_detection = false\ntimeout = 3\n')
    run = run_cli("audit", demo_case, "--no-pdf", "--out", tmp_path / "out", "--json",
                  env={"EXPERTISE_BOARD_CLOCK": "2026-12-09T12:00:00+01:00"})
    assert run.returncode == 2, run.stderr
    collectors = json.loads(run.stdout)["collectors"]
    assert all(not state.startswith("failed") for name, state in collectors.items() if name != "probe"), collectors
    state = collectors["probe"]
    assert state.startswith("failed") and "nothing answered" in state and f"https://127.0.0.1:{port}/" in state
    assert "probe" in [e["action"] for e in read_entries(demo_case)]  # journaled all the same
    ports = {r.check_id: r for _, rs in latest_result_sets(demo_case) if rs.source.startswith("probe:host:")
             for r in rs.results}
    assert ports["PORT-001"].status.value == "error" and "only expected" not in ports["PORT-001"].text("en")
