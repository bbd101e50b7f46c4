"""TLS rules on recorded observations (nginx strong/weak) and targeted variations of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from expertise.i18n import msg

from expertise.probe.observations import CipherSuite, ProbeObservation, TlsObservation
from expertise.results import Status

TLS_IDS = ["TLS-001", "TLS-002", "TLS-003", "TLS-004", "TLS-005", "TLS-006", "TLS-007", "TLS-008", "TLS-009",
           "TLS-010", "TLS-011", "TLS-012", "TLS-013", "TLS-014", "TLS-015", "TLS-020", "TLS-021", "TLS-022",
           "TLS-023", "TLS-024", "TLS-025", "TLS-026", "TLS-027"]


@pytest.fixture
def strong_tls(recorded) -> TlsObservation:
    return TlsObservation.model_validate(recorded("strong-tls-observation.json"))


@pytest.fixture
def weak_tls(recorded) -> TlsObservation:
    return TlsObservation.model_validate(recorded("weak-tls-observation.json"))


def run(evaluate_probe, tls: TlsObservation) -> dict:
    results = evaluate_probe(ProbeObservation(kind="tls", target=tls.endpoint, tls=tls))
    assert set(results) == set(TLS_IDS), "a TLS target gets exactly the TLS checks"
    return results


def test_strong_recorded_observation_passes(evaluate_probe, strong_tls) -> None:
    results = run(evaluate_probe, strong_tls)
    not_pass = {k: (r.status.value, r.text("en")) for k, r in results.items() if r.status is not Status.PASS}
    assert not_pass == {"TLS-006": ("not_applicable", "no CBC suite accepted")}


def test_weak_recorded_observation_fails_where_expected(evaluate_probe, weak_tls) -> None:
    results = run(evaluate_probe, weak_tls)
    failing = sorted(k for k, r in results.items() if r.status is Status.FAIL)
    assert failing == ["TLS-001", "TLS-002", "TLS-004", "TLS-005", "TLS-006", "TLS-020", "TLS-021", "TLS-022",
                       "TLS-023", "TLS-025", "TLS-026"]
    assert results["TLS-027"].status is Status.ERROR  # completeness cannot be judged on an untrusted chain
    assert results["TLS-007"].status is Status.NOT_APPLICABLE  # no ephemeral key exchange at all


def test_results_carry_catalogue_metadata_and_evidence(evaluate_probe, weak_tls) -> None:
    results = run(evaluate_probe, weak_tls)
    assert results["TLS-001"].severity.value == "high"
    assert results["TLS-001"].objectives == ("1-05", "2-06")
    assert results["TLS-011"].objectives == ("1-01", "1-05", "2-06")
    assert all(r.evidence for r in results.values())
    assert all(e.endswith("s_client-etm.txt") for e in results["TLS-006"].evidence)


def test_unreachable_endpoint_is_untested_never_failed(evaluate_probe, strong_tls) -> None:
    broken = TlsObservation(endpoint="127.0.0.1:9", host="127.0.0.1", address="127.0.0.1", port=9,
                            server_name="127.0.0.1", observed_at=strong_tls.observed_at,
                            error=msg("probe.reason.tls_no_connection", cause=msg("probe.sslyze.rejected")), evidence=["x/sslyze.json"])
    results = run(evaluate_probe, broken)
    assert {r.status for r in results.values()} == {Status.ERROR}
    assert all("the server rejected the connection" in r.text("en") for r in results.values())
    assert all(r.evidence == ("x/sslyze.json",) for r in results.values())


def _suite(name: str, version: str = "TLSv1.2", **extra) -> CipherSuite:
    return CipherSuite(name=name, version=version, **extra)


VARIATIONS = [
    # (check, changes, expected status, text in message)
    ("TLS-001", {"versions": {"SSLv2": False, "SSLv3": True, "TLSv1.0": False, "TLSv1.1": False, "TLSv1.2": True,
                              "TLSv1.3": True}}, "fail", "SSLv3"),
    ("TLS-001", {"versions": {"SSLv2": None, "SSLv3": False, "TLSv1.0": False, "TLSv1.1": False, "TLSv1.2": True,
                              "TLSv1.3": True}}, "error", "SSLv2"),
    ("TLS-002", {"versions": {"TLSv1.2": True, "TLSv1.3": None}}, "error", "TLS 1.3"),
    ("TLS-003", {"suites": [_suite("TLS_RSA_WITH_RC4_128_SHA")]}, "fail", "RC4"),
    ("TLS-003", {"suites": [_suite("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA")]}, "fail", "3DES"),
    ("TLS-003", {"suites": [_suite("TLS_DH_anon_WITH_AES_128_GCM_SHA256")]}, "fail", "anonymous"),
    ("TLS-004", {"suites": [_suite("TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256")]}, "fail", "forward secrecy"),
    ("TLS-005", {"suites": [_suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", kex_type="ECDH", curve="X25519")]},
     "fail", "CBC"),
    ("TLS-006", {"suites": [_suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")], "encrypt_then_mac": True},
     "pass", "Encrypt-then-MAC"),
    ("TLS-006", {"suites": [_suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")], "encrypt_then_mac": None,
                 "encrypt_then_mac_error": msg("probe.reason.etm_handshake", cause="alert handshake failure")}, "error", "handshake failed"),
    ("TLS-007", {"suites": [_suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", kex_type="DH", kex_size=1024)]},
     "fail", "1024"),
    ("TLS-007", {"curves": ["secp256r1", "secp224r1"]}, "fail", "secp224r1"),
    ("TLS-007", {"curves": ["secp521r1", "brainpoolP384r1", "X448"]}, "pass", "acceptable"),
    ("TLS-008", {"extended_master_secret": False}, "fail", "not supported"),
    ("TLS-008", {"extended_master_secret": None}, "error", "Extended Master Secret"),
    ("TLS-008", {"versions": {"TLSv1.2": False, "TLSv1.3": True}}, "not_applicable", "TLS 1.3"),
    ("TLS-009", {"compression": True}, "fail", "CRIME"),
    ("TLS-009", {"compression": None}, "error", "compression"),
    ("TLS-010", {"client_renegotiation": True}, "fail", "client-initiated"),
    ("TLS-010", {"secure_renegotiation": False}, "fail", "RFC 5746"),
    ("TLS-010", {"versions": {"TLSv1.2": False, "TLSv1.3": True}}, "not_applicable", "no renegotiation"),
    ("TLS-011", {"heartbleed": True}, "fail", "Heartbleed"),
    ("TLS-011", {"heartbleed": None}, "error", "Heartbleed"),
    ("TLS-012", {"robot": "VULNERABLE_STRONG_ORACLE"}, "fail", "ROBOT"),
    ("TLS-012", {"robot": "UNKNOWN_INCONSISTENT_RESULTS"}, "error", "ROBOT"),
    ("TLS-013", {"ccs_injection": True}, "fail", "CCS"),
    ("TLS-014", {"fallback_scsv": False}, "fail", "downgrade"),
    ("TLS-014", {"versions": {"TLSv1.2": True, "TLSv1.3": False}}, "not_applicable", "single"),
    ("TLS-015", {"early_data": True}, "fail", "0-RTT"),
    ("TLS-015", {"early_data": None}, "error", "0-RTT"),
]


@pytest.mark.parametrize("check,changes,expected,text", VARIATIONS)
def test_variation(evaluate_probe, strong_tls, check, changes, expected, text) -> None:
    result = run(evaluate_probe, strong_tls.model_copy(update=changes))[check]
    assert result.status.value == expected, result.text("en")
    assert text in result.text("en")


def test_expired_and_future_certificates(evaluate_probe, strong_tls) -> None:
    leaf = strong_tls.chain[0]
    later = strong_tls.model_copy(update={"observed_at": leaf.not_after + timedelta(days=1)})
    result = run(evaluate_probe, later)["TLS-024"]
    assert result.status is Status.FAIL and "expired" in result.text("en")
    earlier = strong_tls.model_copy(update={"observed_at": leaf.not_before - timedelta(days=1)})
    result = run(evaluate_probe, earlier)["TLS-024"]
    assert result.status is Status.FAIL and "not valid before" in result.text("en")


def test_hostname_matching(evaluate_probe, strong_tls) -> None:
    leaf = strong_tls.chain[0]
    wildcard = leaf.model_copy(update={"san_dns": ["*.vote.example"], "san_ip": []})
    chain = [wildcard, *strong_tls.chain[1:]]
    assert run(evaluate_probe, strong_tls.model_copy(update={"host": "urne.vote.example", "chain": chain}))[
        "TLS-025"].status is Status.PASS
    # a wildcard covers one label only, and never the bare domain
    for host in ("a.b.vote.example", "vote.example", "evilvote.example"):
        result = run(evaluate_probe, strong_tls.model_copy(update={"host": host, "chain": chain}))["TLS-025"]
        assert result.status is Status.FAIL, host
    assert run(evaluate_probe, strong_tls.model_copy(update={"host": "127.0.0.2"}))["TLS-025"].status is Status.FAIL


def test_certificate_key_and_signature_variations(evaluate_probe, strong_tls) -> None:
    leaf = strong_tls.chain[0]

    def with_leaf(**changes):  # type: ignore[no-untyped-def]
        return run(evaluate_probe, strong_tls.model_copy(update={"chain": [leaf.model_copy(update=changes),
                                                                           *strong_tls.chain[1:]]}))

    assert with_leaf(key_type="RSA", key_size=2048)["TLS-020"].status is Status.PASS
    assert with_leaf(key_type="RSA", key_size=2048)["TLS-021"].status is Status.FAIL
    assert with_leaf(key_type="EC", key_size=224, curve="secp224r1")["TLS-020"].status is Status.FAIL
    assert with_leaf(key_type="EC", key_size=256, curve="secp256r1")["TLS-021"].status is Status.NOT_APPLICABLE
    assert with_leaf(key_type="DSA", key_size=2048)["TLS-020"].status is Status.FAIL
    assert with_leaf(signature_hash="md5", signature_algorithm="md5WithRSAEncryption")["TLS-022"].status is Status.FAIL
    assert with_leaf(ocsp_urls=[], crl_urls=[])["TLS-026"].status is Status.FAIL


def test_root_self_signature_is_not_judged(evaluate_probe, strong_tls) -> None:
    root = strong_tls.chain[-1].model_copy(update={"self_signed": True, "is_ca": True, "signature_hash": "sha1",
                                                   "signature_algorithm": "sha1WithRSAEncryption"})
    result = run(evaluate_probe, strong_tls.model_copy(update={"chain": [*strong_tls.chain, root]}))["TLS-022"]
    assert result.status is Status.PASS


def test_chain_order_and_completeness(evaluate_probe, strong_tls) -> None:
    assert run(evaluate_probe, strong_tls.model_copy(update={"chain_order_valid": False}))[
        "TLS-027"].status is Status.FAIL
    incomplete = strong_tls.model_copy(update={"chain": strong_tls.chain[:1], "verified_chain_length": 3})
    result = run(evaluate_probe, incomplete)["TLS-027"]
    assert result.status is Status.FAIL and "incomplete" in result.text("en")


def test_untrusted_chain_names_the_validation_error(evaluate_probe, weak_tls) -> None:
    result = run(evaluate_probe, weak_tls)["TLS-023"]
    assert "subjectAltName" in result.text("en")


def test_missing_certificate_is_untested(evaluate_probe, strong_tls) -> None:
    results = run(evaluate_probe, strong_tls.model_copy(update={"chain": [], "trust": []}))
    for check in ("TLS-020", "TLS-021", "TLS-022", "TLS-023", "TLS-024", "TLS-025", "TLS-026", "TLS-027"):
        assert results[check].status is Status.ERROR, check
