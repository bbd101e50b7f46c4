"""Our cryptographic primitives against the byte-exact worked examples of the Belenios 2.0 boards."""

from __future__ import annotations

import base64
import hashlib
import json

import gmpy2
import pytest
from .boardkit import Board
from .helpers import sample

from expertise.board.belenios import fields as F
from expertise.board.belenios.archive import ArchiveReader, tar_header
from expertise.board.belenios.decryption import decode, discrete_log, lagrange
from expertise.board.belenios.groups import GROUPS
from expertise.board.belenios.proofs import Crypto, b64hash
from expertise.board.belenios.setup import parse_election

BELENIOS = GROUPS["BELENIOS-2048"]
RFC = GROUPS["RFC-3526-2048"]


def test_group_parameters_are_the_specifications() -> None:
    assert str(BELENIOS.p).startswith("2069478569142254640101") and str(BELENIOS.p).endswith("72880719")
    assert BELENIOS.q == int("78571733251071885079927659812671450121821421258408794611510081919805623223441")
    assert str(BELENIOS.g).startswith("2402352677501852209227") and str(BELENIOS.g).endswith("08460627")
    assert (BELENIOS.p - 1) % BELENIOS.q == 0 and gmpy2.is_prime(BELENIOS.p) and gmpy2.is_prime(BELENIOS.q)
    assert RFC.q == (RFC.p - 1) // 2 and RFC.g == 2 and gmpy2.is_prime(RFC.q)
    for group in (BELENIOS, RFC):
        assert group.is_member(group.g)
        assert not group.is_member(group.p - 1)  # order 2
        assert not group.is_member(gmpy2.mpz(0)) and not group.is_member(group.p)


def test_fixed_base_table_agrees_with_powmod() -> None:
    import random

    rnd = random.Random(1)
    for group in (BELENIOS, RFC):
        table = group.fixed_base(group.g)
        for _ in range(20):
            e = rnd.randrange(int(group.q))
            assert table.pow(e) == gmpy2.powmod(group.g, e, group.p)
        assert table.pow(0) == 1


def test_fingerprint_pok_and_credential_fingerprint_of_the_small_board() -> None:
    board = Board.read(sample("small"))
    election_raw, trustees_raw, credentials_raw, _ = board.steps[0].data
    assert len(election_raw) == 922
    assert hashlib.sha256(election_raw).hexdigest() == "97850ecee849b1497a2730d62ea8572a8b446c1848c5d7b9f92b6f73bff84bb9"
    assert b64hash(election_raw) == "l4UOzuhJsUl6JzDWLqhXKotEbBhIxde5+Stvc7/4S7k"
    assert b64hash(credentials_raw) == "UKd1aa7TCy5+qLyYn/JLrhfyr0orwFueBakDLQ9C9Ng"
    election = parse_election(json.loads(election_raw), "", b64hash(election_raw))
    crypto = Crypto(BELENIOS, election.public_key)
    single = json.loads(trustees_raw)[0][1]
    x = gmpy2.mpz(single["public_key"])
    c, r = gmpy2.mpz(single["pok"]["challenge"]), gmpy2.mpz(single["pok"]["response"])
    assert c == int("45994456361897132803342004124414356293225384484454165781463156391307471222051")
    a = crypto.schnorr_commitment(None, x, c, r)
    text = f"pok|BELENIOS-2048|{x}|{a}"
    assert len(text) == 1252
    assert hashlib.sha256(text.encode()).hexdigest() == "65aff09459c97847e4c0ad08cf6d14c00737fcd912db8eedbf13ad41e8c3f523"
    assert crypto.verify_pok("BELENIOS-2048", x, str(x), c, r)
    assert not crypto.verify_pok("BELENIOS-2048", x, str(x), c, (r + 1) % BELENIOS.q)


def test_ballot_tracker_signature_hash_and_signature() -> None:
    board = Board.read(sample("small"))
    raw = board.ballots()[0].data[0]
    assert len(raw) == 6121
    assert b64hash(raw) == "dm+tE5ePBz6vVbeV7NzG/HWTtaWh09m041ERDd0K0SY"
    ballot = json.loads(raw)
    assert F.canonical(ballot) == raw.decode()
    signature = F.canonical(ballot["signature"])
    unsigned = raw.decode()[: len(raw) - len(signature) - len(',"signature":') - 1] + "}"
    assert len(unsigned) == 5861
    assert ballot["signature"]["hash"] == b64hash(unsigned.encode()) == "KQTIOkxTmrvktMbwBRIsulgiuxhBOdrcnk9liW8LgxI"
    election_raw = board.steps[0].data[0]
    crypto = Crypto(BELENIOS, gmpy2.mpz(json.loads(election_raw)["public_key"]))
    c = gmpy2.mpz(ballot["signature"]["proof"]["challenge"])
    assert c == int("23372389621682888197035382738678911784842739945572517058259441969383936782831")
    assert crypto.verify_ballot_signature(ballot["signature"]["hash"], gmpy2.mpz(ballot["credential"]), c,
                                          gmpy2.mpz(ballot["signature"]["proof"]["response"]))


def test_archive_header_is_rebuilt_byte_for_byte() -> None:
    data = sample("small").read_bytes()
    assert data[:512] == tar_header("BELENIOS", 38, 1795265791)
    with open(sample("small"), "rb") as stream:
        reader = ArchiveReader(stream, len(data))
        records = list(reader)
    assert not reader.anomalies and reader.finished
    assert reader.sha256 == hashlib.sha256(data).hexdigest()
    assert records[5].body == (b'{"height":0,"type":"Setup","payload":'
                               b'"425061f443a4b8d321afa985183803325026c0b72279f2035334ece752bdb173"}')


def test_lagrange_coefficients_of_the_threshold_example() -> None:
    coefficients = lagrange([2, 3], BELENIOS.q)
    assert coefficients[2] == 3
    assert coefficients[3] == BELENIOS.q - 2


def test_non_homomorphic_decoding_and_discrete_log() -> None:
    assert decode(gmpy2.mpz(8606974721), RFC, 4) == ([2, 1, 4, 3], False)
    assert decode(gmpy2.mpz(8606974721 + (7 << 40)), RFC, 4)[1] is True
    target = gmpy2.powmod(BELENIOS.g, 1234, BELENIOS.p)
    assert discrete_log(target, BELENIOS, 5000) == 1234
    assert discrete_log(target, BELENIOS, 1000) is None


def test_mixnet_generators_match_the_worked_example() -> None:
    h = RFC.generator(-1)
    assert str(h).startswith("756261135722") and str(h).endswith("96991296") and len(str(h)) == 154
    h0 = RFC.generator(0)
    assert str(h0).startswith("359590504016") and str(h0).endswith("89765801")


@pytest.mark.parametrize("text,message", [
    ("012", "leading zero"), ("-5", "not a decimal"), ("1e5", "not a decimal"), ("", "not a decimal"),
    ("１２", "not a decimal"), ("9" * 700, "digits"),
])
def test_decimal_strings_are_strict(text: str, message: str) -> None:
    with pytest.raises(F.FieldError) as info:
        F.element(text, "alpha", BELENIOS)
    assert message in str(info.value.message) and info.value.field == "alpha"


def test_json_hazards_are_named() -> None:
    for body, message in ((b'{"a":1,"a":2}', "twice"), (b'{"a":1.5}', "not an integer"), (b'{"a":NaN}', "NaN"),
                          (b'{"a":' + b"1" * 40 + b"}", "digits"), (b"[" * 100 + b"]" * 100, "nested"),
                          (b'\xff{"a":1}', "UTF-8"), (b'{"a":', "not valid JSON")):
        with pytest.raises(F.FieldError) as info:
            F.parse_json(body)
        assert message in str(info.value.message), (body[:20], str(info.value.message))
    assert base64  # imported for symmetry with the worked examples
