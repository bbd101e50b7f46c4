"""Probe benchmark: our full probe of one loopback host against testssl.sh, in the same run.

Starts, on 127.0.0.1, nginx (Debian) with a hardened HTTPS site, its clear-text redirect
port and sshd (Debian openssh-server), on ports nmap counts among its top 1000 so that the
port scan finds them. Then it times:

  1. `expertise probe` — top-1000 port scan with service detection, TLS (sslyze +
     s_client), HTTP headers and clear-text entry points, SSH (ssh-audit + paramiko),
     all collectors running concurrently;
  2. `testssl` (Debian testssl.sh) on the same HTTPS endpoint — TLS and headers only.

Target: our probe ≤ 15 s. Prints both times and the ratio; numbers go to docs/benchmarks.md.
Needs root (sshd), nginx, nmap, openssh-server, testssl.sh. Not a test: never run in CI.

    python bench/probe_bench.py [--runs N] [--skip-testssl]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from expertise.probe.localpki import server_pki  # noqa: E402

HTTPS_CANDIDATES = (8443, 4443, 9443, 7443)
HTTP_CANDIDATES = (8080, 8081, 8000)
SSH_CANDIDATES = (2222, 222)

NGINX = """
daemon off; master_process off; worker_processes 1;
pid {dir}/nginx.pid; error_log {dir}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off; default_type text/html;
  client_body_temp_path {dir}/b; proxy_temp_path {dir}/p; fastcgi_temp_path {dir}/f; uwsgi_temp_path {dir}/u;
  scgi_temp_path {dir}/s;
  server {{
    listen 127.0.0.1:{https} ssl; server_tokens off;
    ssl_certificate {chain}; ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
    location / {{
      add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
      add_header Content-Security-Policy "default-src 'none'; script-src 'self'; frame-ancestors 'none'" always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
      return 200 '<!doctype html><html><body>Vote</body></html>';
    }}
  }}
  server {{ listen 127.0.0.1:{http}; server_tokens off; return 301 https://$host:{https}$request_uri; }}
}}
"""

SSHD = """
ListenAddress 127.0.0.1
Port {port}
PidFile {dir}/sshd.pid
UsePAM no
HostKey {dir}/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
"""


def free(candidates: tuple[int, ...]) -> int:
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit(f"none of the ports {candidates} is free on 127.0.0.1")


def wait(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"})
    return time.monotonic() - started, completed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of our probe (the median is reported)")
    parser.add_argument("--skip-testssl", action="store_true")
    args = parser.parse_args()
    for tool in ("nginx", "nmap", "openssl"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is required")
    if os.geteuid() != 0:
        raise SystemExit("run as root (sshd needs it)")
    work = Path(tempfile.mkdtemp(prefix="probe-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        pki = server_pki(work / "pki", dns_names=["localhost"], ip_addresses=["127.0.0.1"])
        https, http, ssh = free(HTTPS_CANDIDATES), free(HTTP_CANDIDATES), free(SSH_CANDIDATES)
        for name in "bpfus":
            (work / name).mkdir()
        (work / "nginx.conf").write_text(NGINX.format(dir=work, https=https, http=http, chain=pki.chain, key=pki.key))
        processes.append(subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-p", str(work)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", str(work / "ssh_host_ed25519_key")],
                       check=True)
        (work / "sshd_config").write_text(SSHD.format(port=ssh, dir=work))
        Path("/run/sshd").mkdir(exist_ok=True)
        processes.append(subprocess.Popen([shutil.which("sshd") or "/usr/sbin/sshd", "-D", "-f",
                                           str(work / "sshd_config")], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        for port in (https, http, ssh):
            wait(port)
        url = f"https://127.0.0.1:{https}/"
        print(f"targets: {url} (redirect port {http}), ssh://127.0.0.1:{ssh}; port scan: nmap top-1000 of 127.0.0.1")

        ours: list[float] = []
        last: dict = {}
        for run in range(args.runs):
            folder = work / f"run{run}"
            folder.mkdir()
            seconds, completed = timed([sys.executable, "-m", "expertise", "probe", "--target", url,
                                        "--target", f"ssh://127.0.0.1:{ssh}", "--ports", "top-1000",
                                        "--ca-file", str(pki.root_ca), "--expect-port", str(http),
                                        "--json", "out.json", "--evidence", "ev", "--no-progress"], folder)
            if completed.returncode not in (0, 1):
                print(completed.stderr)
                return 1
            last = json.loads((folder / "out.json").read_text())
            ours.append(seconds)
            print(f"  expertise probe run {run + 1}: {seconds:.2f} s ({last['counts']['pass']} pass, "
                  f"{last['counts']['fail']} fail, {last['counts']['error']} could not test)")
        failing = sorted({r["check_id"] for rs in last["result_sets"] for r in rs["results"] if r["status"] == "fail"})
        print(f"  failing checks: {', '.join(failing) or 'none'}")
        ours.sort()
        median = ours[len(ours) // 2]
        print("  per collector (last run): " + ", ".join(f"{k.split(':')[0]} {v:.1f} s"
                                                        for k, v in sorted(last["timings_s"].items())))
        scanned = next(rs for rs in last["result_sets"] if rs["source"].startswith("probe:host:"))
        print(f"  ports scanned: {scanned['summary']['ports']['scanned']}, open: "
              + ", ".join(str(p["port"]) for p in scanned["summary"]["ports"]["open"]))
        print(f"expertise probe (median of {len(ours)}): {median:.2f} s — target ≤ 15 s: "
              f"{'met' if median <= 15 else 'NOT met'}")

        if args.skip_testssl or shutil.which("testssl") is None:
            print("testssl: skipped" if args.skip_testssl else "testssl: not installed (Debian package testssl.sh)")
            return 0
        folder = work / "testssl"
        folder.mkdir()
        seconds, completed = timed(["testssl", "--quiet", "--color", "0", "--warnings", "off",
                                    "--jsonfile", str(folder / "testssl.json"), f"127.0.0.1:{https}"], folder)
        findings = len(json.loads((folder / "testssl.json").read_text())) if (folder / "testssl.json").exists() else 0
        print(f"testssl.sh (TLS + headers of the HTTPS endpoint only): {seconds:.2f} s, {findings} findings, "
              f"exit {completed.returncode}")
        print(f"ratio testssl / expertise probe: {seconds / median:.1f}× "
              "(our probe also scanned 1000 ports and audited SSH)")
        return 0
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
