"""Reads what ``[distribution]`` declares (and the provider's log exports it names), runs the
DIST rules, journaled. The exports are read through :mod:`expertise.tables` (CSV of any dialect,
XLSX); one that cannot be read whole is not counted at all: its check says "could not test"."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import catalogue as catalogue_mod
from ..domain import evaluate
from ..errors import UsageError
from ..i18n import Message, msg
from ..journal import ResultSet, operation
from ..tables import Column, Table, TableError, located, read_table
from .observation import Authentication, Delivery, DistributionObservation, Intervention, Reissue
from .rules import RULES

PRODUCER = "distribution"

DELIVERY_COLUMNS = (
    Column("voter_id", ("identifiant", "matricule", "electeur", "destinataire", "voter", "recipient")),
    Column("channel", ("canal", "type", "media")),
    Column("status", ("statut", "etat", "state", "resultat")),
    Column("sent_at", ("horodatage", "date", "date d envoi", "date et heure", "time", "timestamp")),
    Column("round", ("tour", "round", "numero de tour"), required=False),  # two-round elections
)
EMARGEMENT_COLUMNS = (
    Column("voter_id", ("identifiant", "matricule", "electeur", "voter")),
    Column("voted_at", ("horodatage", "date", "date et heure", "date du vote", "time", "timestamp")),
)
REISSUE_COLUMNS = (
    Column("voter_id", ("identifiant", "matricule", "electeur", "voter")),
    Column("reissued_at", ("horodatage", "date", "date de reedition", "date et heure", "time", "timestamp")),
    Column("identity_check", ("verification d identite", "controle d identite", "identite verifiee",
                              "identity checked")),
)
# Status words of SMS/e-mail gateways, compared case-insensitively; any other word is unreadable.
DELIVERED = frozenset({"delivered", "délivré", "delivre", "remis", "reçu", "recu", "ok", "success"})
FAILED = frozenset({"failed", "échec", "echec", "undelivered", "non remis", "rejected", "rejeté", "rejete",
                    "expired", "expiré", "expire", "bounced", "error", "erreur"})
AUTHENTICATION_COLUMNS = (
    Column("voter_id", ("identifiant", "matricule", "electeur", "voter", "login", "utilisateur")),
    Column("at", ("horodatage", "date", "date et heure", "time", "timestamp")),
    Column("outcome", ("resultat", "statut", "status", "result", "evenement", "event")),
    Column("address", ("adresse ip", "ip", "adresse", "source ip", "ip address", "client ip")),
)
ADMINISTRATION_COLUMNS = (
    Column("at", ("horodatage", "date", "date et heure", "time", "timestamp")),
    Column("account", ("compte", "utilisateur", "administrateur", "user", "admin")),
    Column("action", ("operation", "evenement", "event", "type")),
)
SUCCESS = frozenset({"success", "succès", "succes", "ok", "réussie", "reussie", "réussi", "reussi", "accepted"})
FAILURE = frozenset({"failure", "failed", "échec", "echec", "refusé", "refuse", "rejected", "error", "erreur"})
LOCKOUT = frozenset({"lockout", "locked", "verrouillage", "verrouillé", "verrouille", "blocage", "bloqué", "bloque"})
# Words of an administration log's action, by kind (a substring match: vendors write free text).
INTERVENTION_WORDS = (("restart", ("restart", "reboot", "redémarr", "redemarr", "relance")),
                      ("change", ("config", "paramètr", "parametr", "modif", "update", "mise à jour", "mise a jour",
                                  "change", "déploi", "deploy", "sql", "correction")),
                      ("login", ("login", "connexion", "logon", "sign in", "authentif")))
YES = frozenset({"oui", "yes", "true", "1", "o", "y"})
NO = frozenset({"non", "no", "false", "0", "n", ""})


def _cited(case: Any, path: Path) -> str:
    try:
        return path.resolve().relative_to(case.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _word(table: Table, field: str, row: int, words: dict[frozenset[str], bool]) -> bool:
    value = table.column(field)[row].strip().casefold()
    for known, meaning in words.items():
        if value in known:
            return meaning
    raise TableError(table.file, msg("distribution.log.unknown_value", value=value[:40]),
                     line=table.lines[row], field=table.headers[field])


def read_deliveries(path: Path, cited: str, zone: str | None,
                    columns: Mapping[str, str] | None = None) -> tuple[Delivery, ...]:
    table = read_table(path, DELIVERY_COLUMNS, cited_as=cited, overrides=columns)
    times = table.times("sent_at", zone, zone_option="distribution.logs.timezone / election.timezone")
    words = {DELIVERED: True, FAILED: False}
    rounds = table.columns.get("round")
    return tuple(Delivery(voter=table.column("voter_id")[i], channel=table.column("channel")[i].casefold(),
                          delivered=_word(table, "status", i, words), at=times[i], line=table.lines[i],
                          round=rounds[i] if rounds is not None else "")
                 for i in range(len(table)))


def read_authentications(path: Path, cited: str, zone: str | None,
                         columns: Mapping[str, str] | None = None) -> tuple[Authentication, ...]:
    table = read_table(path, AUTHENTICATION_COLUMNS, cited_as=cited, overrides=columns)
    times = table.times("at", zone, zone_option="distribution.logs.timezone / election.timezone")
    outcome: list[str] = []
    for i in range(len(table)):
        value = table.column("outcome")[i].strip().casefold()
        kind = next((name for name, words in (("success", SUCCESS), ("failure", FAILURE), ("lockout", LOCKOUT))
                     if value in words), None)
        if kind is None:
            raise TableError(table.file, msg("distribution.log.unknown_value", value=value[:40]),
                             line=table.lines[i], field=table.headers["outcome"])
        outcome.append(kind)
    return tuple(Authentication(voter=table.column("voter_id")[i], at=times[i], outcome=outcome[i],
                                address=table.column("address")[i], line=table.lines[i]) for i in range(len(table)))


def intervention_kind(written: str) -> str:
    value = written.casefold()
    return next((kind for kind, words in INTERVENTION_WORDS if any(w in value for w in words)), "other")


def read_interventions(path: Path, cited: str, zone: str | None,
                       columns: Mapping[str, str] | None = None) -> tuple[Intervention, ...]:
    table = read_table(path, ADMINISTRATION_COLUMNS, cited_as=cited, overrides=columns)
    times = table.times("at", zone, zone_option="distribution.logs.timezone / election.timezone")
    return tuple(Intervention(at=times[i], account=table.column("account")[i],
                              action=intervention_kind(table.column("action")[i]),
                              written=table.column("action")[i][:200], line=table.lines[i]) for i in range(len(table)))


def read_reissues(path: Path, cited: str, zone: str | None,
                  columns: Mapping[str, str] | None = None) -> tuple[Reissue, ...]:
    table = read_table(path, REISSUE_COLUMNS, cited_as=cited, overrides=columns)
    times = table.times("reissued_at", zone, zone_option="distribution.logs.timezone / election.timezone")
    words = {YES: True, NO: False}
    return tuple(Reissue(voter=table.column("voter_id")[i], at=times[i],
                         identity_checked=_word(table, "identity_check", i, words), line=table.lines[i])
                 for i in range(len(table)))


def read_voted(path: Path, cited: str, zone: str | None) -> dict[str, datetime]:
    """The first émargement time of each voter (the émargement of ``[registers]``)."""
    table = read_table(path, EMARGEMENT_COLUMNS, cited_as=cited)
    times = table.times("voted_at", zone, zone_option="distribution.logs.timezone / election.timezone")
    first: dict[str, datetime] = {}
    for voter, at in zip(table.column("voter_id"), times):
        first[voter] = min(at, first.get(voter, at))
    return first


def _read(case: Any, op: Any, declared_path: str, reader: Any, zone: str | None,
          columns: Mapping[str, str] | None = None) -> tuple[Any, Message | None, str]:
    if not declared_path:
        return None, None, ""
    path = case.resolve(declared_path)
    cited = _cited(case, path)
    if not path.is_file():
        return None, located(cited, msg("distribution.log.missing")), cited
    op.add_input(path, label=cited)
    try:
        return (reader(path, cited, zone, columns) if columns else reader(path, cited, zone)), None, cited
    except TableError as exc:
        return None, exc.message, cited
    except UsageError as exc:  # an unknown time zone: the file is not read
        return None, exc.describe(), cited


def observe(case: Any, op: Any) -> DistributionObservation:
    config = case.data.distribution
    election = case.data.election
    logs = config.logs
    # the logs' own zone, else the election's (registers use the same): never the machine's
    zone = ((logs.timezone if logs else "") or getattr(election, "timezone", "") or None)
    mapped = logs.columns if logs else {}  # header names the export uses, per log and field
    deliveries, delivery_unread, delivery_file = _read(case, op, logs.delivery if logs else "", read_deliveries, zone,
                                                       mapped.get("delivery"))
    reissues, reissues_unread, reissues_file = _read(case, op, logs.reissues if logs else "", read_reissues, zone,
                                                     mapped.get("reissues"))
    authentications, authentications_unread, authentications_file = _read(
        case, op, logs.authentication if logs else "", read_authentications, zone, mapped.get("authentication"))
    interventions, interventions_unread, interventions_file = _read(
        case, op, logs.administration if logs else "", read_interventions, zone, mapped.get("administration"))
    voted: dict[str, datetime] | None = None
    for box in case.boxes():  # every ballot box's émargement (issue 13): a voter's first émargement in any
        registers = getattr(box.data, "registers", None)
        emargement = getattr(registers, "emargement", "") if registers is not None else ""
        read, _, _ = _read(case, op, emargement if deliveries or reissues else "", read_voted, zone)
        if read is not None:
            voted = {voter: min(at, (voted or {}).get(voter, at)) for voter, at in {**(voted or {}), **read}.items()}
    return DistributionObservation(voted=voted, declared=config, opens=election.opens, closes=election.closes,
                                   deliveries=deliveries, delivery_unread=delivery_unread,
                                   delivery_file=delivery_file, reissues=reissues,
                                   reissues_unread=reissues_unread, reissues_file=reissues_file,
                                   authentications=authentications, authentications_unread=authentications_unread,
                                   authentications_file=authentications_file, interventions=interventions,
                                   interventions_unread=interventions_unread, interventions_file=interventions_file)


def collect(case: Any, argv: Sequence[str]) -> list[ResultSet]:
    with operation(case.root, PRODUCER, argv) as op:
        op.add_input(case.file, label="case")
        observation = observe(case, op)
        results = evaluate(RULES, observation, catalogue_mod.load())
        summary = {"material": [m.model_dump() for m in observation.declared.material],
                   "actors": [a.model_dump() for a in observation.declared.actors],
                   "deliveries": None if observation.deliveries is None else len(observation.deliveries),
                   "reissues": None if observation.reissues is None else len(observation.reissues)}
        result_set = ResultSet(PRODUCER, PRODUCER, results, summary)
        op.add_results(result_set)
    return [result_set]
