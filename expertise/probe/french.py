"""French wording of the collectors' reasons ("could not test: …") for the French report.

The collectors write their reasons in English, once, into the observation kept as evidence
(``observation.json``): that file is what a second expert re-reads, so it must not depend on
the report's language. The rules then need the same reason in French. Rather than carry two
strings through every collector, this module recognises the finite set of reason templates
the collectors produce (each pattern below names the file it comes from) and rewrites them,
keeping everything that comes from the server or a tool (banners, URLs, OpenSSL reason codes,
sslyze traces) as it was. A reason it does not know is returned unchanged — the rule still
wraps it in a French sentence, and the English evidence stays authoritative.
"""

from __future__ import annotations

import re
from typing import Callable

Rewrite = Callable[[re.Match[str]], str]

# what the scope refused (scope.authorise's ``what``)
_WHAT = {"target": "la cible", "redirect to": "la redirection vers"}

# Operating-system messages (strerror) that reach the reasons through OSError.
_STRERROR = {
    "Connection refused": "connexion refusée",
    "Connection reset by peer": "connexion réinitialisée par le serveur",
    "Connection timed out": "délai de connexion dépassé",
    "No route to host": "aucune route vers l’hôte",
    "Network is unreachable": "réseau injoignable",
    "Host is unreachable": "hôte injoignable",
    "Broken pipe": "connexion rompue",
    "Name or service not known": "nom ou service inconnu",
    "Temporary failure in name resolution": "échec temporaire de la résolution de nom",
    "No address associated with hostname": "aucune adresse associée au nom",
}


def _g(match: re.Match[str], index: int) -> str:
    return match.group(index) or ""


def _nested(index: int) -> Rewrite:
    return lambda m: reason_fr(_g(m, index))


def _sub(template: str, *nested: int) -> Rewrite:
    """``template`` with ``{1}``… replaced by the groups; groups listed in ``nested`` are translated too."""
    def rewrite(match: re.Match[str]) -> str:
        values = [match.group(0)] + [reason_fr(_g(match, i)) if i in nested else _g(match, i)
                                     for i in range(1, match.re.groups + 1)]
        return template.format(*values)
    return rewrite


def _what(match: re.Match[str]) -> str:
    return _WHAT.get(_g(match, 1), _g(match, 1))


_RULES: list[tuple[re.Pattern[str], Rewrite]] = [(re.compile(p + r"\Z", re.S), r) for p, r in [
    # ---- runner.py
    (r"did not finish within (\S+) s", _sub("non terminé en {1} s")),
    (r"internal error in the collector: (.*)", _sub("erreur interne du collecteur : {1}")),
    (r"not run", _sub("non exécuté")),
    (r'port scan disabled \(probe\.ports = "none"\)', _sub("balayage des ports désactivé (probe.ports = \"none\")")),
    # ---- scope.py (refusals, also nested in refused redirects)
    (r"(target|redirect to) (\S+): the scope is empty; (.*)",
     lambda m: f"{_what(m)} {_g(m, 2)} : le périmètre est vide ; déclarer les hôtes dans la section scope de "
               "case.toml (ou avec --scope) avant de sonder"),
    (r"(target|redirect to) (\S+) is outside the declared scope \((.*)\); nothing was sent",
     lambda m: f"{_what(m)} {_g(m, 2)} est hors du périmètre déclaré ({_g(m, 3)}) ; rien n’a été envoyé"),
    (r"(target|redirect to) (\S+) is not a declared name of the scope \((.*)\); nothing was sent",
     lambda m: f"{_what(m)} {_g(m, 2)} n’est pas un nom déclaré du périmètre ({_g(m, 3)}) ; rien n’a été envoyé"),
    (r"(target|redirect to) (\S+) resolves to (.*), outside the declared addresses \((.*)\); nothing was sent",
     lambda m: f"{_what(m)} {_g(m, 2)} se résout en {_g(m, 3)}, hors des adresses déclarées ({_g(m, 4)}) ; "
               "rien n’a été envoyé"),
    (r"(target|redirect to) (\S+) resolves to no address; nothing was sent",
     lambda m: f"{_what(m)} {_g(m, 2)} ne se résout en aucune adresse ; rien n’a été envoyé"),
    (r"cannot resolve (.*?): (.*); nothing was sent to it",
     lambda m: f"impossible de résoudre {_g(m, 1)} : {_STRERROR.get(_g(m, 2), _g(m, 2))} ; rien ne lui a été envoyé"),
    # ---- guard.py
    (r"connection to (\S+) refused: outside the probe scope \(nothing sent\)",
     _sub("connexion à {1} refusée : hors du périmètre de la sonde (rien n’a été envoyé)")),
    (r"name resolution of (\S+) refused: outside the probe scope",
     _sub("résolution du nom {1} refusée : hors du périmètre de la sonde")),
    # ---- http.py
    (r"redirect to a non-web URL not followed: (.*)", _sub("redirection vers une URL non web, non suivie : {1}")),
    (r"redirect to (\S+) refused: (.*)", _sub("redirection vers {1} refusée : {2}", 2)),
    (r"more than (\d+) redirects; stopped", _sub("plus de {1} redirections ; arrêt")),
    (r"no complete response within (\S+) s \(server too slow\)",
     _sub("pas de réponse complète en {1} s (serveur trop lent)")),
    (r"connection refused", _sub("connexion refusée")),
    (r"timed out after (\S+) s", _sub("délai dépassé après {1} s")),
    (r"TLS handshake failed: (.*)", _sub("échec de la négociation TLS : {1}")),
    (r"response header line too long \(over 64 KiB\)", _sub("ligne d’en-tête de la réponse trop longue (plus de 64 Kio)")),
    (r"not an HTTP response \(status line (.*)\)", _sub("pas une réponse HTTP (ligne d’état {1})")),
    (r"malformed HTTP response: (.*)", _sub("réponse HTTP mal formée : {1}", 1)),
    (r"got more than (\d+) headers", _sub("plus de {1} en-têtes reçus")),
    (r"network error: (.*)", lambda m: f"erreur réseau : {_STRERROR.get(_g(m, 1), _g(m, 1))}"),
    (r"nothing received", _sub("rien reçu")),
    # ---- observatory.py (header parsing)
    (r"directive (\S+) repeated", _sub("directive {1} répétée")),
    (r"max-age is not a number: (.*)", _sub("max-age n’est pas un nombre : {1}")),
    (r"no max-age directive", _sub("pas de directive max-age")),
    (r"invalid directive name (.*)", _sub("nom de directive invalide {1}")),
    (r"empty policy", _sub("politique vide")),
    # ---- tls.py
    (r"sslyze returned no result", _sub("sslyze n’a rendu aucun résultat")),
    (r"no TLS connection: (.*)", _sub("pas de connexion TLS : {1}", 1)),
    # sslyze's connectivity errors (sslyze/connection_helpers), the last line of its trace
    (r"Server rejected the connection", _sub("le serveur a refusé la connexion")),
    (r"Connection to the server timed out", _sub("délai de connexion au serveur dépassé")),
    (r"Connection to the server failed", _sub("échec de la connexion au serveur")),
    (r"Connection to server timed out during the TLS handshake",
     _sub("délai dépassé pendant la négociation TLS avec le serveur")),
    (r"Server interrupted the TLS handshake", _sub("le serveur a interrompu la négociation TLS")),
    (r"DH key too small", _sub("clé DH trop petite")),
    (r"TLS probing failed: could not find a TLS version and cipher suite supported by the server",
     _sub("échec du sondage TLS : aucune version de TLS ni suite cryptographique acceptée par le serveur n’a été "
          "trouvée")),
    (r"WARNING: Server only supports SSL 2.0 and is therefore affected by critical vulnerabilities\.",
     _sub("ATTENTION : le serveur n’accepte que SSL 2.0 et présente donc des vulnérabilités critiques.")),
    (r"Could not connect to the server", _sub("connexion au serveur impossible")),
    (r"no TLS handshake within (\S+) s \(server too slow\)", _sub("pas de négociation TLS en {1} s (serveur trop lent)")),
    (r"not a TLS server \(its first bytes are not a TLS record: (.*)\)",
     _sub("pas un serveur TLS (ses premiers octets ne forment pas un enregistrement TLS : {1})")),
    (r"the TLS scan did not finish within (\S+) s", _sub("l’analyse TLS ne s’est pas terminée en {1} s")),
    (r"the TLS scanner failed: (.*)", _sub("échec de l’analyseur TLS : {1}")),
    (r"unreadable sslyze output: (.*)", _sub("sortie de sslyze illisible : {1}")),
    (r"openssl not installed", _sub("openssl n’est pas installé")),
    (r"CBC suites only on SSL versions s_client cannot speak",
     _sub("suites CBC seulement sur des versions SSL que s_client ne sait pas négocier")),
    (r"s_client did not finish within (\S+) s", _sub("s_client ne s’est pas terminé en {1} s")),
    (r"handshake failed \((.*)\)", lambda m: f"échec de la négociation ({reason_fr(_g(m, 1))})"),
    (r"no cipher negotiated", _sub("aucune suite négociée")),
    (r"no answer", _sub("pas de réponse")),
    (r"no result", _sub("aucun résultat")),
    # ---- nmap.py
    (r"unreadable nmap XML: (.*)", _sub("XML de nmap illisible : {1}")),
    (r"nmap reported no host \((.*)\)", _sub("nmap n’a signalé aucun hôte ({1})", 1)),
    (r"nmap did not finish the host \(host timeout\)", _sub("nmap n’a pas terminé l’hôte (délai par hôte dépassé)")),
    (r"host reported down \((.*)\)", _sub("hôte signalé injoignable ({1})")),
    (r"no port answered \((.*)\): the host could not be reached, or every scanned port is filtered",
     lambda m: f"aucun port n’a répondu ({'aucune réponse' if _g(m, 1) == 'no response' else _g(m, 1)}) : "
               "l’hôte est injoignable, ou tous les ports balayés sont filtrés"),
    (r"nmap is not installed \(Debian package nmap\)", _sub("nmap n’est pas installé (paquet Debian nmap)")),
    (r"nmap did not finish within (\S+) s", _sub("nmap ne s’est pas terminé en {1} s")),
    (r"nmap failed: (.*)", _sub("échec de nmap : {1}")),
    # ---- ssh.py, openssh_client.py
    (r"ssh-audit saw no key exchange \(the server did not complete KEXINIT\)",
     _sub("ssh-audit n’a vu aucun échange de clés (le serveur n’a pas achevé KEXINIT)")),
    (r"ssh-audit did not finish within (\S+) s", _sub("ssh-audit ne s’est pas terminé en {1} s")),
    (r"ssh-audit gave no JSON \(exit (.*)\)", _sub("ssh-audit n’a produit aucun JSON (code de sortie {1})")),
    (r"ssh-audit could not audit the server: (.*)", _sub("ssh-audit n’a pas pu auditer le serveur : {1}")),
    (r"ssh-audit could not audit the server", _sub("ssh-audit n’a pas pu auditer le serveur")),
    (r"ssh-audit gave no result", _sub("ssh-audit n’a donné aucun résultat")),
    (r"authentication methods not listed: (.*)", _sub("méthodes d’authentification non obtenues : {1}")),
    (r"key exchange impossible with a current client: (.*)",
     _sub("échange de clés impossible avec un client actuel : {1}")),
    (r"no SSH handshake within (\S+) s \(server too slow\)", _sub("pas de négociation SSH en {1} s (serveur trop lent)")),
    (r"not run: the server did not complete the SSH handshake in time",
     _sub("non exécuté : le serveur n’a pas achevé la négociation SSH à temps")),
    (r"no SSH banner received", _sub("aucune bannière SSH reçue")),
    (r"the OpenSSH client \(ssh\) is not installed", _sub("le client OpenSSH (ssh) n’est pas installé")),
    (r"the OpenSSH client could not list its algorithms: (.*)",
     _sub("le client OpenSSH n’a pas pu énumérer ses algorithmes : {1}")),
    (r"the OpenSSH client did not get the methods either: (.*)",
     _sub("le client OpenSSH n’a pas non plus obtenu les méthodes : {1}")),
    (r"the OpenSSH client got no answer within (\S+) s", _sub("le client OpenSSH n’a reçu aucune réponse en {1} s")),
]]


def reason_fr(reason: str | None) -> str:
    """The French wording of a collector's reason; an unknown reason is returned as it is."""
    text = (reason or "").strip()
    if not text:
        return text
    if "; " in text:  # reasons of two attempts joined by the collector (paramiko; OpenSSH client)
        parts = text.split("; ")
        if all(_single(part) is not None for part in parts):
            return " ; ".join(str(_single(part)) for part in parts)
    single = _single(text)
    return text if single is None else single


def _single(text: str) -> str | None:
    if text in _STRERROR:
        return _STRERROR[text]
    for pattern, rewrite in _RULES:
        match = pattern.match(text)
        if match:
            return rewrite(match)
    return None


def known(reason: str) -> bool:
    """Whether ``reason`` is one of the templates above (for tests keeping the table complete)."""
    return reason_fr(reason) != reason.strip()
