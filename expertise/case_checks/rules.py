"""Rules on the case itself: risk level choice, expert independence, journal integrity.

Every result carries its French text (``messages["fr"]``) beside the English one: the report
is French by default and must not show English prose in its tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..case import Case
from ..catalogue import RiskGrid
from ..journal import JournalReport
from ..results import Result, Status, bilingual
from ..wording import plural_s
from ..risk import RiskScore
from ..domain import Rule


@dataclass(frozen=True)
class CaseObservation:
    case: Case
    risk: RiskScore
    journal: JournalReport
    grid: RiskGrid


def risk_level_choice(obs: CaseObservation) -> Iterator[Result]:
    chosen = obs.case.level
    risk = obs.risk
    details = {"score": risk.score, "chosen_level": chosen, "computed_level": risk.computed_level,
               "missing": risk.missing}
    if risk.complete:
        assert risk.computed_level is not None
        if chosen < risk.computed_level:
            yield bilingual("RISK-001", Status.FAIL,
                          f"chosen level {chosen} is below the level {risk.computed_level} computed from the grid "
                          f"(score {risk.score}/10); in doubt, the higher level should be preferred",
                          f"le niveau retenu ({chosen}) est inférieur au niveau {risk.computed_level} issu de la "
                          f"grille (score {risk.score}/10) ; en cas de doute, le niveau le plus élevé devrait être "
                          "privilégié", subject="risk", details=details)
        else:
            yield bilingual("RISK-001", Status.PASS,
                          f"chosen level {chosen} is not below the computed level {risk.computed_level} "
                          f"(score {risk.score}/10)",
                          f"le niveau retenu ({chosen}) n’est pas inférieur au niveau {risk.computed_level} issu de "
                          f"la grille (score {risk.score}/10)", subject="risk", details=details)
        return
    floor = obs.grid.level_for(risk.score)
    ceiling = risk.max_level_if_unanswered_score or floor
    missing = len(risk.missing)
    if chosen < floor:
        yield bilingual("RISK-001", Status.FAIL,
                      f"chosen level {chosen} is below level {floor}, already reached by the answered statements "
                      f"(score {risk.score}/10 with {missing} unanswered)",
                      f"le niveau retenu ({chosen}) est inférieur au niveau {floor}, déjà atteint par les "
                      f"affirmations renseignées (score {risk.score}/10, {missing} sans réponse)",
                      subject="risk", details=details)
    elif chosen < ceiling:
        yield bilingual("RISK-001", Status.MANUAL,
                      f"chosen level {chosen} may be below the computed level: {missing} statement(s) "
                      f"unanswered ({', '.join(risk.missing)}) could raise it up to {ceiling}",
                      f"le niveau retenu ({chosen}) est peut-être inférieur au niveau issu de la grille : "
                      f"{missing} affirmation{plural_s(missing)} sans réponse ({', '.join(risk.missing)}) "
                      f"pourrai{'ent' if missing > 1 else 't'} le porter jusqu’au niveau {ceiling}",
                      subject="risk", details=details)
    else:
        yield bilingual("RISK-001", Status.PASS,
                      f"chosen level {chosen} is the highest level the grid can give",
                      f"le niveau retenu ({chosen}) est le plus élevé que la grille puisse donner",
                      subject="risk", details=details)


def risk_grid_complete(obs: CaseObservation) -> Iterator[Result]:
    if obs.risk.complete:
        yield bilingual("RISK-002", Status.PASS, "every statement of the risk grid is answered",
                      "chaque affirmation de la grille d’analyse de risque a une réponse", subject="risk")
    else:
        missing = ", ".join(obs.risk.missing)
        yield bilingual("RISK-002", Status.FAIL, f"risk grid incomplete: {missing} not answered",
                      f"grille d’analyse de risque incomplète : sans réponse pour {missing}", subject="risk",
                      details={"missing": obs.risk.missing})


def risk_justified(obs: CaseObservation) -> Iterator[Result]:
    text = obs.case.data.risk.justification.strip()
    if text:
        yield bilingual("RISK-003", Status.PASS, "the choice of level is justified",
                      "le choix du niveau de risque est justifié", subject="risk")
    else:
        yield bilingual("RISK-003", Status.FAIL, "no justification given for the chosen risk level "
                      "(risk.justification)",
                      "aucune justification du niveau de risque retenu (risk.justification)", subject="risk")


_CRITERIA = (
    ("security_specialist", "security specialist", "informaticien spécialisé dans la sécurité"),
    ("no_interest_in_provider", "no interest in the provider", "sans intérêt dans la société prestataire"),
    ("no_interest_in_organiser", "no interest in the organiser",
     "sans intérêt dans l’organisme responsable de traitement"),
)


def expert_independence(obs: CaseObservation) -> Iterator[Result]:
    ind = obs.case.data.expert.independence
    missing = [(en, fr) for attr, en, fr in _CRITERIA if not getattr(ind, attr)]
    if missing:
        yield bilingual("EXPERT-001", Status.FAIL,
                      "independence criteria not declared: " + ", ".join(en for en, _ in missing),
                      "critères d’indépendance non déclarés : " + ", ".join(fr for _, fr in missing),
                      subject=obs.case.data.expert.name, details={"missing": [en for en, _ in missing]})
    else:
        yield bilingual("EXPERT-001", Status.PASS, "the three independence criteria are declared",
                      "les trois critères d’indépendance sont déclarés", subject=obs.case.data.expert.name)


def expert_experience(obs: CaseObservation) -> Iterator[Result]:
    vendors = sorted({v.strip() for v in obs.case.data.expert.independence.vendors_examined if v.strip()})
    n = len(vendors)
    if n >= 2:
        yield bilingual("EXPERT-002", Status.PASS, f"voting systems of {n} providers examined before",
                      f"systèmes de vote de {n} prestataires déjà expertisés",
                      subject=obs.case.data.expert.name, details={"vendors": vendors})
    else:
        yield bilingual("EXPERT-002", Status.FAIL,
                      f"experience declared with {n} provider(s); the recommendation asks, where "
                      "possible, for at least two",
                      f"expérience déclarée de {n} prestataire{plural_s(n)} ; la recommandation demande, dans la "
                      "mesure du possible, au moins deux", subject=obs.case.data.expert.name,
                      details={"vendors": vendors})


def journal_intact(obs: CaseObservation) -> Iterator[Result]:
    report = obs.journal
    if report.intact:
        yield bilingual("JOURNAL-001", Status.PASS,
                      f"journal of operations intact: {report.entries} entries, head {report.head[:16]}…",
                      f"journal des opérations intègre : {report.entries} entrée{plural_s(report.entries)}, "
                      f"empreinte de tête {report.head[:16]}…",
                      subject="journal.jsonl", details={"entries": report.entries, "head": report.head})
    else:
        first = report.problems[0]
        where_en = f"entry {first.seq}" if first.seq else f"line {first.line}"
        where_fr = f"l’entrée {first.seq}" if first.seq else f"la ligne {first.line}"
        yield bilingual("JOURNAL-001", Status.FAIL, f"journal of operations broken at {where_en}: {first.message}",
                      f"journal des opérations rompu à {where_fr} : {first.fr or first.message}",
                      subject="journal.jsonl",
                      details={"problems": [p.__dict__ for p in report.problems[:20]]})


RULES: tuple[Rule[Any], ...] = (
    Rule("RISK-001", risk_level_choice),
    Rule("RISK-002", risk_grid_complete),
    Rule("RISK-003", risk_justified),
    Rule("EXPERT-001", expert_independence),
    Rule("EXPERT-002", expert_experience),
    Rule("JOURNAL-001", journal_intact),
)
