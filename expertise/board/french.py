"""The replay's findings in French, for the report (French by default) and the French result messages.

The replay writes its findings in English where they are found — deep in the workers, in
exceptions raised by the field readers — and ``verification.json`` keeps them that way for
machines. Rather than threading a second language through the hot path, the French wording is
derived here from the English one, by a table of sentence patterns written exactly as the
English sentences are written in the code. A placeholder ``{name}`` stands for a value kept as
it is (numbers, identifiers, hashes); ``{name_m}`` for a nested message, translated in turn;
``{name_t}`` for a JSON type name; ``{name_w}`` for the name of a kind of record; ``{name_r}``
for a record label. A sentence no pattern matches is returned unchanged (``None`` from
:func:`french_or_none`); ``tests/board/test_french.py`` checks that every sentence the code can
write has its pattern.
"""

from __future__ import annotations

import re
from functools import lru_cache

_PATTERNS: tuple[tuple[str, str], ...] = (
    # ---- composites first; their parts must be known, else the next patterns are tried:
    # "<step>: <record>: <field>: <message>" (the watch), "<record>: <message>"
    ("{a_s}: {b_r}: {c}: {d_m}", "{a_s} : {b_r} : {c} : {d_m}"),
    ("{a_s}: {b_r}: {d_m}", "{a_s} : {b_r} : {d_m}"),
    ("{a_s}: {d_m}", "{a_s} : {d_m}"),
    ("{b_r}: {d_m}", "{b_r} : {d_m}"),
    # ---- the container and the events (archive.py, replay.py)
    ("file ends inside a tar header ({a} of {b} bytes): truncated board",
     "le fichier s’arrête au milieu d’un en-tête tar ({a} octets sur {b}) : urne tronquée"),
    ("zero block inside the archive (corrupted board)", "bloc nul au milieu de l’archive (urne corrompue)"),
    ("size field {a} is not an octal number: corrupted board",
     "le champ de taille {a} n’est pas un nombre octal : urne corrompue"),
    ("mtime field {a} is not an octal number", "le champ de date (mtime) {a} n’est pas un nombre octal"),
    ("record of {a} bytes announced (more than {b}): corrupted size",
     "enregistrement annoncé de {a} octets (plus de {b}) : taille corrompue"),
    ("record of {a} bytes announced but only {b} bytes remain: truncated board or corrupted size",
     "enregistrement annoncé de {a} octets alors qu’il n’en reste que {b} : urne tronquée ou taille corrompue"),
    ("file ends inside the record ({a} of {b} bytes): truncated board",
     "le fichier s’arrête au milieu de l’enregistrement ({a} octets sur {b}) : urne tronquée"),
    ("empty file: not a Belenios board", "fichier vide : ce n’est pas une urne Belenios"),
    ("end-of-archive zero blocks: Belenios boards have none (the file was re-packed or padded)",
     "blocs nuls de fin d’archive : une urne Belenios n’en a pas (le fichier a été réempaqueté ou complété)"),
    ("file ends inside the record's padding: truncated board",
     "le fichier s’arrête dans le remplissage de l’enregistrement : urne tronquée"),
    ("first record is {a}, not the BELENIOS header: not a Belenios board",
     "le premier enregistrement est {a}, et non l’en-tête BELENIOS : ce n’est pas une urne Belenios"),
    ("tar header checksum is wrong (stored {a}, computed {b})",
     "somme de contrôle de l’en-tête tar erronée (inscrite {a}, calculée {b})"),
    ("tar header field {a} is not what Belenios writes", "le champ {a} de l’en-tête tar n’est pas celui qu’écrit Belenios"),
    ("tar header is not what Belenios writes", "l’en-tête tar n’est pas celui qu’écrit Belenios"),
    ("padding after the record is not all zero bytes",
     "le remplissage après l’enregistrement n’est pas fait d’octets nuls"),
    ("mtime {a} differs from the board's timestamp {b}", "date tar (mtime) {a} différente de l’horodatage de l’urne {b}"),
    ("record name {a} is not <sha256>.data.json or <sha256>.event.json",
     "le nom d’enregistrement {a} n’est ni <sha256>.data.json ni <sha256>.event.json"),
    ("record name says SHA-256 {a}… but the content hashes to {b}… (record altered)",
     "le nom de l’enregistrement annonce l’empreinte SHA-256 {a}… mais son contenu a pour empreinte {b}… "
     "(enregistrement modifié)"),
    ("archive header is not in canonical form", "l’en-tête de l’archive n’est pas sous forme canonique"),
    ("archive version {a}; Belenios 2.0 writes version 1", "archive en version {a} ; Belenios 2.0 écrit la version 1"),
    ("timestamp {a} differs from the tar mtime {b} Belenios writes with it (header altered)",
     "horodatage {a} différent de la date tar (mtime) {b} que Belenios écrit avec lui (en-tête modifié)"),
    ("unknown event type {a}", "type d’événement inconnu {a}"),
    ("height {a}, expected {b} (events missing, duplicated or reordered)",
     "hauteur {a} au lieu de {b} (événements manquants, dupliqués ou réordonnés)"),
    ("parent {a}, expected {b}: the hash chain is broken", "parent {a} au lieu de {b} : la chaîne de hachage est rompue"),
    ("{a} event preceded by {b} data record(s), {c} expected",
     "événement {a} précédé de {b} enregistrement(s) de données au lieu de {c}"),
    ("{a} event after {b}: not in the order of the specification ({c})",
     "événement {a} après {b} : hors de l’ordre de la spécification ({c})"),
    ("{a} event as the first event: not in the order of the specification ({c})",
     "événement {a} en premier : hors de l’ordre de la spécification ({c})"),
    ("does not name the record before it ({a}…)", "ne désigne pas l’enregistrement qui le précède ({a}…)"),
    ("data record not referenced by any event", "enregistrement de données qu’aucun événement ne désigne"),
    ("{a} event with a payload", "événement {a} porteur d’une charge utile (payload)"),
    ("payload {a} does not name the record before it ({b}…)",
     "la charge utile (payload) {a} ne désigne pas l’enregistrement qui la précède ({b}…)"),
    ("cannot read: {a}", "lecture impossible : {a}"),
    ("{a_w} is not in canonical form (compact JSON as Belenios writes it: no spaces, no escapes, fields in the "
     "specification's order)",
     "{a_w} hors forme canonique (JSON compact tel que l’écrit Belenios : sans espace, sans échappement, champs "
     "dans l’ordre de la spécification)"),
    ("{a_w} is not in canonical form (compact JSON as Belenios writes it)",
     "{a_w} hors forme canonique (JSON compact tel que l’écrit Belenios)"),
    ("verification could not complete ({a})", "la vérification n’a pas pu aboutir ({a})"),
    # ---- JSON fields (fields.py, groups.py)
    ("JSON number {a} is not an integer (Belenios writes no fractions)",
     "le nombre JSON {a} n’est pas un entier (Belenios n’écrit pas de fractions)"),
    ("JSON number with {a} digits (at most {b} expected)", "nombre JSON de {a} chiffres ({b} au plus)"),
    ("JSON nested too deeply (more than {a} levels)", "JSON trop imbriqué (plus de {a} niveaux)"),
    ("not valid UTF-8 (byte {a})", "UTF-8 invalide (octet {a})"),
    ("not valid JSON ({a})", "JSON invalide ({a})"),
    ("{a} is not valid JSON", "{a} n’est pas du JSON valide"),
    ("field appears twice in the same object", "champ présent deux fois dans le même objet"),
    ("unknown field", "champ inconnu"),
    ("required field is missing", "champ obligatoire absent"),
    ("fields in the wrong order ({a}; expected {b})", "champs dans le désordre ({a} ; ordre attendu : {b})"),
    ("expected an object, found {a_t}", "objet attendu (trouvé : {a_t})"),
    ("expected a list, found {a_t}", "liste attendue (trouvé : {a_t})"),
    ("expected {a} item(s), found {b}", "{a} élément(s) attendu(s), {b} trouvé(s)"),
    ("expected at least {a} item(s), found {b}", "au moins {a} élément(s) attendu(s), {b} trouvé(s)"),
    ("expected a string, found {a_t}", "chaîne attendue (trouvé : {a_t})"),
    ("string of {a} characters (at most {b} expected)", "chaîne de {a} caractères ({b} au plus)"),
    ("expected an integer, found {a_t}", "entier attendu (trouvé : {a_t})"),
    ("{a} is below {b}", "{a} est inférieur à {b}"),
    ("expected true or false, found {a_t}", "true ou false attendu (trouvé : {a_t})"),
    ("expected a decimal number in a string, found {a_t}", "nombre décimal entre guillemets attendu (trouvé : {a_t})"),
    ("{a} is not a decimal number", "{a} n’est pas un nombre décimal"),
    ("number of {a} digits, larger than the group allows ({b} digits)",
     "nombre de {a} chiffres, plus grand que ne le permet le groupe ({b} chiffres)"),
    ("number written with a leading zero (not canonical)", "nombre écrit avec un zéro en tête (non canonique)"),
    ("value is not below q (not a valid exponent)", "valeur non inférieure à q (exposant invalide)"),
    ("value is not below p (not an element of the group)", "valeur non inférieure à p (pas un élément du groupe)"),
    ("expected a weight, found a boolean", "poids attendu, booléen trouvé"),
    ("negative weight {a}", "poids négatif {a}"),
    ("expected a point in 64 hexadecimal digits, found {a_t}", "point en 64 chiffres hexadécimaux attendu (trouvé : {a_t})"),
    ("{a} is not a point written in 64 lowercase hexadecimal digits (not canonical)",
     "{a} n’est pas un point écrit en 64 chiffres hexadécimaux minuscules (non canonique)"),
    ("point encoding with y ≥ p (not canonical)", "point codé avec y ≥ p (non canonique)"),
    ("not an element of the group", "pas un élément du groupe"),
    # ---- setup (setup.py)
    ("election version {a}; the Belenios 2.0 specification defines version 1",
     "élection en version {a} ; la spécification Belenios 2.0 définit la version 1"),
    ("unknown group {a}: Belenios 2.0 knows BELENIOS-2048 and RFC-3526-2048 only (Ed25519 appeared in Belenios 2.1)",
     "groupe inconnu {a} : Belenios 2.0 ne connaît que BELENIOS-2048 et RFC-3526-2048 (Ed25519 est apparu avec "
     "Belenios 2.1)"),
    ("{a} is not a Belenios uuid (at least 14 base58 characters)",
     "{a} n’est pas un uuid Belenios (au moins 14 caractères base58)"),
    ("min {a} is above max {b}", "min {a} supérieur à max {b}"),
    ("max {a} is above the number of answers ({b})", "max {a} supérieur au nombre de réponses ({b})"),
    ("unknown field for a Lists question", "champ inconnu pour une question Lists"),
    ("question type {a} is not defined by Belenios (NonHomomorphic, Lists)",
     "type de question {a} que Belenios ne définit pas (NonHomomorphic, Lists)"),
    ("non-homomorphic question in group {a}, which has no embedding (Belenios requires RFC-3526-2048)",
     "question non homomorphe dans le groupe {a}, qui n’a pas de plongement (Belenios exige RFC-3526-2048)"),
    ("{a} answers do not fit in one group element", "{a} réponses ne tiennent pas dans un élément du groupe"),
    ("the election public key is not the product of the trustees' keys (someone else may be able to decrypt the "
     "ballots)",
     "la clé publique de l’élection n’est pas le produit des clés des autorités de déchiffrement (quelqu’un d’autre "
     "pourrait déchiffrer les bulletins)"),
    ("Single trustee {a}: invalid proof of knowledge of the private key",
     "autorité {a} : preuve de connaissance de la clé privée invalide"),
    ("Pedersen trustee {a}: invalid proof of knowledge of the private key",
     "autorité Pedersen {a} : preuve de connaissance de la clé privée invalide"),
    ("threshold {a} is above the {b} trustees", "seuil {a} supérieur au nombre d’autorités ({b})"),
    ("trustee kind {a} is not Single or Pedersen", "type d’autorité {a} : ni Single ni Pedersen"),
    ("Pedersen trustee {a}: certificate signature invalid", "autorité Pedersen {a} : signature du certificat invalide"),
    ("Pedersen trustee {a}: coefficient commitments not signed by its certificate's key",
     "autorité Pedersen {a} : engagements des coefficients non signés par la clé de son certificat"),
    ("Pedersen trustee {a}: invalid signature of the certificates and of its coefficient commitments",
     "autorité Pedersen {a} : signature des certificats et de ses engagements de coefficients invalide"),
    ("Pedersen trustee {a}: verification key not signed by the key of its certificate",
     "autorité Pedersen {a} : clé de vérification non signée par la clé de son certificat"),
    ("Pedersen trustee {a}: verification key does not match the committed polynomials",
     "autorité Pedersen {a} : la clé de vérification ne correspond pas aux polynômes engagés"),
    ("certificate of Pedersen trustee {a} made for {b} {c}, not {d}",
     "certificat de l’autorité Pedersen {a} établi pour {b} {c}, et non {d}"),
    ("credential listed twice (two voters would share it, or one voter has two)",
     "accréditation inscrite deux fois (deux électeurs la partageraient, ou un électeur en aurait deux)"),
    ("public credential is not an element of the group", "l’accréditation publique n’est pas un élément du groupe"),
    ("membership test failed to run: {a}", "le test d’appartenance au groupe n’a pas pu s’exécuter : {a}"),
    ("fingerprint {a} differs from the credential authority's {b}: the list of public credentials was changed after "
     "the authority made it (credentials added or replaced: ballot stuffing)",
     "empreinte {a} différente de celle de l’autorité de génération des accréditations ({b}) : la liste des "
     "accréditations publiques a été modifiée après sa création (accréditations ajoutées ou remplacées : bourrage "
     "d’urne)"),
    ("{a} public credentials for an electorate of {b}", "{a} accréditations publiques pour un corps électoral de {b}"),
    # ---- ballots (ballots.py, replay.py)
    ("ballot is not in canonical form (compact JSON as Belenios writes it: no spaces, no escapes, fields in the "
     "specification's order)",
     "bulletin hors forme canonique (JSON compact tel que l’écrit Belenios : sans espace, sans échappement, champs "
     "dans l’ordre de la spécification)"),
    ("ballot for election {a}, not {b}", "bulletin de l’élection {a}, et non {b}"),
    ("ballot made for another election fingerprint (another election record)",
     "bulletin fait pour une autre empreinte d’élection (un autre enregistrement de l’élection)"),
    ("credential field read inconsistently (ballot not canonical)",
     "champ credential lu de façon incohérente (bulletin non canonique)"),
    ("credential is not in the election's public credentials (ballot stuffing or ballot from another election)",
     "accréditation absente des accréditations publiques de l’élection (bourrage d’urne ou bulletin d’une autre "
     "élection)"),
    ("does not match the ballot's content (ballot altered after signing)",
     "ne correspond pas au contenu du bulletin (bulletin modifié après sa signature)"),
    ("invalid signature: the ballot was not signed with this credential's private key",
     "signature invalide : le bulletin n’a pas été signé avec la clé privée de cette accréditation"),
    ("voter of weight {a} on a non-homomorphic question (weights must be 1 there)",
     "électeur de poids {a} sur une question non homomorphe (le poids doit y être de 1)"),
    ("invalid proof of knowledge of the encryption randomness", "preuve de connaissance de l’aléa de chiffrement invalide"),
    ("invalid proof that the choice encrypts 0 or 1", "preuve invalide que le choix chiffre 0 ou 1"),
    ("invalid proof that the ballot is either blank or not", "preuve invalide que le bulletin est blanc ou ne l’est pas"),
    ("invalid proof that the vote is blank or selects between {a} and {b} answers",
     "preuve invalide que le vote est blanc ou retient de {a} à {b} réponses"),
    ("invalid proof that between {a} and {b} answers are selected", "preuve invalide que de {a} à {b} réponses sont retenues"),
    ("invalid proof that exactly one list is chosen", "preuve invalide qu’une liste exactement est choisie"),
    ("invalid proof that list {a} is chosen or none of its candidates is",
     "preuve invalide que la liste {a} est choisie ou qu’aucun de ses candidats ne l’est"),
    ("invalid proof that at least one candidate is chosen", "preuve invalide qu’au moins un candidat est choisi"),
    ("blank_proof on a question that does not allow blank votes", "blank_proof sur une question sans vote blanc"),
    ("identical to ballot #{a} (tracker {b}): the same ballot was submitted twice (replay)",
     "identique au bulletin n° {a} (empreinte de suivi {b}) : le même bulletin a été déposé deux fois (rejeu)"),
    ("contains a ciphertext already in ballot #{a}: a vote copied from another ballot",
     "contient un chiffré déjà présent dans le bulletin n° {a} : un vote copié d’un autre bulletin"),
    ("ballot of {a} bytes (a ballot of this election is far smaller; more than {b} refused)",
     "bulletin de {a} octets (un bulletin de cette élection est bien plus petit ; au-delà de {b}, refusé)"),
    ("{a} ballot(s) could not be verified: {b}", "{a} bulletin(s) n’ont pas pu être vérifiés : {b}"),
    # ---- tally, shuffles, decryptions, result
    ("the board says {a} ballots were tallied; the last ballot of each credential gives {b}",
     "l’urne annonce {a} bulletins dépouillés ; le dernier bulletin de chaque accréditation en donne {b}"),
    ("the board says a total weight of {a}; the tallied ballots weigh {b}",
     "l’urne annonce un poids total de {a} ; les bulletins dépouillés pèsent {b}"),
    ("{a} = every ballot on the board: superseded ballots (revotes) were counted",
     "{a} = tous les bulletins de l’urne : des bulletins remplacés par un revote ont été comptés"),
    ("the published tally is the product of every ballot, superseded ones included: revotes were counted twice",
     "le dépouillement publié est le produit de tous les bulletins, bulletins remplacés compris : les revotes ont été "
     "comptés deux fois"),
    ("published encrypted tally differs from the product of the counted ballots (question {a})",
     "le dépouillement chiffré publié diffère du produit des bulletins comptés (question {a})"),
    ("shuffle on an election without non-homomorphic question", "mélange dans une élection sans question non homomorphe"),
    ("non-homomorphic answers decrypted without any shuffle: every vote can be linked to its ballot",
     "réponses non homomorphes déchiffrées sans aucun mélange : chaque vote peut être relié à son bulletin"),
    ("shuffle by owner {a}, who is not a trustee", "mélange attribué à l’identifiant {a}, qui n’est pas une autorité"),
    ("shuffle proof of owner {a} does not verify: {b_m}", "la preuve du mélange de l’autorité {a} est invalide : {b_m}"),
    ("t1 (permutation commitments)", "t1 (engagements de la permutation)"),
    ("t2 (commitment chain)", "t2 (chaîne d’engagements)"),
    ("t4,1 (re-encryption of beta)", "t4,1 (rechiffrement de beta)"),
    ("t4,2 (re-encryption of alpha)", "t4,2 (rechiffrement de alpha)"),
    ("… and {a} more t_hat", "… et {a} autre(s) t_hat"),
    ("partial decryption by owner {a}, who is not a trustee",
     "déchiffrement partiel attribué à l’identifiant {a}, qui n’est pas une autorité"),
    ("trustee {a} published a second partial decryption", "l’autorité {a} a publié un second déchiffrement partiel"),
    ("trustee {a}: invalid proof that the decryption factor was computed with the trustee's key",
     "autorité {a} : preuve invalide que le facteur de déchiffrement a été calculé avec sa clé"),
    ("no valid partial decryption from mandatory trustee {a}",
     "aucun déchiffrement partiel valide de l’autorité obligatoire {a}"),
    ("{a} valid partial decryption(s) from the Pedersen group, {b} needed",
     "{a} déchiffrement(s) partiel(s) valide(s) du groupe de Pedersen, {b} nécessaire(s)"),
    ("published {a} for answer {b} of question {c}; the tally decrypts to {d_m}",
     "{a} publié pour la réponse {b} de la question {c} ; le dépouillement se déchiffre en {d_m}"),
    ("not a count between 0 and the total weight", "une valeur qui n’est pas un décompte entre 0 et le poids total"),
    ("published {a}; the ciphertext decrypts to {b}", "{a} publié ; le chiffré se déchiffre en {b}"),
    # ---- snapshots and timing (snapshot.py, replay.py, watch.py)
    ("the board ({a} bytes) is shorter than the snapshot watched then ({b} bytes): records were removed",
     "l’urne ({a} octets) est plus courte que la copie prise pendant la surveillance ({b} octets) : des "
     "enregistrements ont été retirés"),
    ("the first {a} bytes of the board differ from the snapshot watched then: records were removed, altered or "
     "reordered since",
     "les {a} premiers octets de l’urne diffèrent de la copie prise pendant la surveillance : des enregistrements "
     "ont été retirés, modifiés ou réordonnés depuis"),
    ("the board differs from snapshot {a} from byte {b}", "l’urne diffère de la copie {a} à partir de l’octet {b}"),
    ("the board ({a} bytes) is shorter than the snapshot ({b} bytes): records were removed",
     "l’urne ({a} octets) est plus courte que la copie ({b} octets) : des enregistrements ont été retirés"),
    ("ballot with tracker {a} was on the board earlier and is no longer (removed)",
     "le bulletin d’empreinte de suivi {a} était dans l’urne et n’y est plus (retiré)"),
    ("… and {a} more ballot(s) removed", "… et {a} autre(s) bulletin(s) retiré(s)"),
    ("ballots of the snapshot appear in another order on the board (reordered)",
     "les bulletins de la copie apparaissent dans un autre ordre dans l’urne (réordonnés)"),
    ("ballots were inserted between the ballots of the snapshot",
     "des bulletins ont été insérés entre les bulletins de la copie"),
    ("the Setup records (election, trustees or credentials) changed since the snapshot",
     "les enregistrements Setup (élection, autorités ou accréditations) ont changé depuis la copie"),
    ("the snapshot is not a complete board ({a_m})", "la copie n’est pas une urne complète ({a_m})"),
    ("the snapshot ends at byte {a}, inside a record of the board",
     "la copie s’arrête à l’octet {a}, au milieu d’un enregistrement de l’urne"),
    ("board created at {a}, after the opening at {b}: the board the voters used since the opening is not this one",
     "urne créée le {a}, après l’ouverture du {b} : l’urne des électeurs depuis l’ouverture n’est pas celle-ci"),
    ("{a} already on the board at {b}, before the closing at {c}: counting began while the vote was open",
     "{a} déjà dans l’urne le {b}, avant la clôture du {c} : le dépouillement a commencé pendant le scrutin"),
    ("the board no longer extends the copy taken at {a}: {b_m}",
     "l’urne ne prolonge plus la copie prise le {a} : {b_m}"),
    ("{a} ballot(s) on the board before the opening at {b}", "{a} bulletin(s) dans l’urne avant l’ouverture du {b}"),
    ("{a} on the board before the closing at {b}: counting began while the vote was open (partial count)",
     "{a} dans l’urne avant la clôture du {b} : le dépouillement a commencé pendant le scrutin (décompte partiel)"),
    ("{a} more finding(s)", "{a} autre(s) constat(s)"),
    # ---- how the ballots were verified (parallel.py), shown in the report's journal line
    ("1 process", "1 processus"),
    ("{a} local processes", "{a} processus locaux"),
    ("Dask cluster {a} ({b} workers, {c} threads)", "grappe Dask {a} ({b} nœuds de calcul, {c} fils d’exécution)"),
)

_TYPES = {"null": "null", "a boolean": "un booléen", "a number": "un nombre", "a string": "une chaîne",
          "a list": "une liste", "an object": "un objet"}

_KINDS = {"event": "événement", "setup data": "données Setup", "trustees record": "enregistrement des autorités",
          "public credentials": "accréditations publiques", "encrypted tally": "dépouillement chiffré",
          "sized encrypted tally": "taille du dépouillement chiffré", "shuffle": "mélange",
          "partial decryption": "déchiffrement partiel", "result": "résultat"}

_STEPS = {"archive": "archive", "election": "élection", "group": "groupe", "trustees": "autorités",
          "credentials": "accréditations", "credential_authority": "autorité des accréditations",
          "ballots": "bulletins", "revotes": "revotes", "duplicates": "doublons", "tally": "dépouillement",
          "shuffles": "mélanges", "decryptions": "déchiffrements", "result": "résultat", "snapshot": "copies",
          "membership": "appartenance au groupe", "timing": "horaires"}

_FIELDS = {"(record)": "(enregistrement)", "(ballot)": "(bulletin)", "(board)": "(urne)", "(bytes)": "(octets)",
           "(count)": "(nombre)", "(internal)": "(interne)", "(verifier)": "(vérificateur)", "(records)":
           "(enregistrements)", "(chunk)": "(lot)", "(worker)": "(processus)", "(membership)": "(appartenance)",
           "file": "fichier", "board": "urne", "tar header": "en-tête tar", "tar header size": "taille (en-tête tar)",
           "tar header mtime": "date (en-tête tar)", "end of archive": "fin d’archive", "padding": "remplissage",
           "body": "contenu", "ballot": "bulletin", "name": "nom", "size": "taille"}

_RECORD = re.compile(r"record (\d+) \((.*)\)((?:, ballot #\d+)?)")


def _compile(english: str) -> tuple[re.Pattern[str], list[str]]:
    names: list[str] = []
    parts: list[str] = []
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", english):
        parts.append(re.escape(literal))
        if name:
            names.append(name)
            parts.append(f"(?P<{name}>.+?)")
    return re.compile("".join(parts), re.DOTALL), names


_COMPILED = [(_compile(english), french) for english, french in _PATTERNS]


def record_fr(label: str) -> str:
    """``record 8 (abcd….data.json, offset 4608), ballot #3`` → ``enregistrement 8 (…, octet 4608), bulletin n° 3``."""
    match = _RECORD.fullmatch(label)
    if match:
        inner = match.group(2).replace("offset ", "octet ").replace("no name", "sans nom")
        ballot = match.group(3).replace(", ballot #", ", bulletin n° ")
        return f"enregistrement {match.group(1)} ({inner}){ballot}"
    if label.startswith("ballot #") and label[8:].isdigit():
        return f"bulletin n° {label[8:]}"
    if label.startswith("snapshot "):
        return "copie " + label[len("snapshot "):]
    return _FIELDS.get(label, label)


def field_fr(name: str) -> str:
    """A finding's field: JSON paths stay as they are; the descriptive ones are translated."""
    return _FIELDS.get(name, name)


def _value(kind: str, text: str) -> str | None:
    if kind == "m":
        return text if not re.search(r"[A-Za-z]{2}", text) else french_or_none(text)
    if kind == "t":
        return _TYPES.get(text)
    if kind == "w":
        return _KINDS.get(text)
    if kind == "s":
        return _STEPS.get(text)
    if kind == "r":
        if text.startswith(("record ", "ballot #", "snapshot ")) or text in _FIELDS:
            return record_fr(text)
        return None
    return text


@lru_cache(maxsize=4096)
def french_or_none(message: str) -> str | None:
    """The French wording of one English finding, or None when no pattern knows the sentence."""
    for (pattern, names), french in _COMPILED:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values: dict[str, str] = {}
        for name in names:
            kind = name.rpartition("_")[2] if "_" in name else ""
            value = _value(kind, match.group(name))
            if value is None:
                break
            values[name] = value
        else:
            return french.format(**values)
    # findings joined by "; " (the watch lists several): any split where both sides are known
    start = message.find("; ")
    while start >= 0:
        left, right = french_or_none(message[:start]), french_or_none(message[start + 2:])
        if left is not None and right is not None:
            return f"{left} ; {right}"
        start = message.find("; ", start + 2)
    return None


def french(message: str) -> str:
    """The French wording of one English finding (the English one when no pattern knows it)."""
    return french_or_none(message) or message
