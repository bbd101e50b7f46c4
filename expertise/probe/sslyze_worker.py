"""Run sslyze's Python API on one endpoint, in a process of its own.

Why a separate process: nassl is C code fed by a possibly hostile server (a crash must not
take the expertise down), sslyze's internal threads cannot be interrupted (the parent
kills the process at its deadline), and sslyze is AGPL (a process boundary keeps the
licensing question open). The request comes as JSON on stdin; sslyze's own JSON export
(``SslyzeOutputAsJson``) goes to stdout verbatim and is kept as evidence.

    python -m expertise.probe.sslyze_worker < request.json > sslyze.json
"""

from __future__ import annotations

import json
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# The commands the TLS rules read; http_headers and session_resumption are left out
# (headers are collected by our own HTTP collector, resumption is not judged).
COMMANDS = (
    "certificate_info", "ssl_2_0_cipher_suites", "ssl_3_0_cipher_suites", "tls_1_0_cipher_suites",
    "tls_1_1_cipher_suites", "tls_1_2_cipher_suites", "tls_1_3_cipher_suites", "tls_compression",
    "tls_1_3_early_data", "openssl_ccs_injection", "tls_fallback_scsv", "heartbleed", "robot",
    "session_renegotiation", "elliptic_curves", "tls_extended_master_secret",
)


def scan(request: dict[str, Any]) -> str:
    from sslyze import (Scanner, ScanCommand, ScanCommandsExtraArguments, ServerNetworkConfiguration,
                        ServerNetworkLocation, ServerScanRequest, ServerScanResultAsJson, SslyzeOutputAsJson)
    from sslyze.plugins.certificate_info.implementation import CertificateInfoExtraArgument

    extra = ScanCommandsExtraArguments()
    if request.get("ca_file"):
        extra = ScanCommandsExtraArguments(
            certificate_info=CertificateInfoExtraArgument(custom_ca_file=Path(request["ca_file"])))
    scan_request = ServerScanRequest(
        server_location=ServerNetworkLocation(hostname=request["host"], port=int(request["port"]),
                                              ip_address=request["address"]),
        network_configuration=ServerNetworkConfiguration(
            tls_server_name_indication=request["server_name"],
            network_timeout=max(1, int(round(float(request.get("timeout", 5))))),
            network_max_retries=1),
        scan_commands={ScanCommand(name) for name in COMMANDS},
        scan_commands_extra_arguments=extra)
    scanner = Scanner(per_server_concurrent_connections_limit=None, concurrent_server_scans_limit=None)
    started = datetime.now(timezone.utc)
    scanner.queue_scans([scan_request])
    results = list(scanner.get_results())
    output = SslyzeOutputAsJson(
        server_scan_results=[ServerScanResultAsJson.model_validate(r) for r in results],
        invalid_server_strings=[], date_scans_started=started, date_scans_completed=datetime.now(timezone.utc))
    return output.model_dump_json(indent=1)


def main() -> int:
    warnings.simplefilter("ignore")  # sslyze's trust stores trigger deprecation warnings on stderr
    request = json.loads(sys.stdin.read())
    from .guard import guarded

    with guarded([request["address"]]):
        sys.stdout.write(scan(request))
    return 0


if __name__ == "__main__":
    sys.exit(main())
