"""The catalogue's entries for fetching a feed (aggregator.fetch, aggregator.netguard):
(English as stored, French, German), as :mod:`.catalog` describes."""

from __future__ import annotations

LOCAL = "AGGREGATOR_ALLOW_PRIVATE_NETWORKS=1"

FETCHING: tuple[tuple[str, str, str], ...] = (
    ("no complete answer within {seconds} s: the site's server is too slow; we will try again",
     "pas de réponse complète en {seconds} s : le serveur du site est trop lent ; nous "
     "réessaierons",
     "keine vollständige Antwort innerhalb von {seconds} s: der Server der Website ist zu "
     "langsam; wir versuchen es erneut"),
    ("more than {n} redirects: open the address in a browser and give us the one it ends at",
     "plus de {n} redirections : ouvrez l'adresse dans un navigateur et donnez-nous celle où "
     "il aboutit",
     "mehr als {n} Weiterleitungen: öffnen Sie die Adresse im Browser und nennen Sie uns die, "
     "bei der er ankommt"),
    ("HTTP {status} redirects to an address we cannot read: {why}; tell the site",
     "HTTP {status} redirige vers une adresse illisible : {why} ; prévenez le site",
     "HTTP {status} leitet auf eine unlesbare Adresse weiter: {why}; sagen Sie es der Website"),
    ("HTTP {status} without a Location header",
     "HTTP {status} sans en-tête Location",
     "HTTP {status} ohne Location-Header"),
    ("{answer}: the server refuses to give us the feed; if it is private, give us its public "
     "address",
     "{answer} : le serveur refuse de nous donner le flux ; s'il est privé, donnez-nous son "
     "adresse publique",
     "{answer}: der Server verweigert uns den Feed; ist er privat, nennen Sie uns seine "
     "öffentliche Adresse"),
    ("{answer}: no feed at this address; check it, or give us the feed's new one",
     "{answer} : aucun flux à cette adresse ; vérifiez-la, ou donnez-nous la nouvelle adresse "
     "du flux",
     "{answer}: unter dieser Adresse ist kein Feed; prüfen Sie sie oder nennen Sie uns die neue "
     "Adresse des Feeds"),
    ("{answer} from the site itself, not from a proxy of ours: a status a feed's server "
     "should not send; the site's server (or a gateway in front of it) asks for credentials: "
     "tell the site, or give us the feed's public address",
     "{answer} envoyé par le site lui-même, pas par un proxy de notre côté : une réponse "
     "qu'un serveur de flux ne devrait pas donner ; le serveur du site (ou une passerelle "
     "devant lui) demande des identifiants : prévenez le site, ou donnez-nous l'adresse "
     "publique du flux",
     "{answer} von der Website selbst, nicht von einem Proxy auf unserer Seite: eine "
     "Antwort, die der Server eines Feeds nicht geben sollte; der Server der Website (oder "
     "ein Gateway davor) verlangt Zugangsdaten: sagen Sie es der Website oder nennen Sie uns "
     "die öffentliche Adresse des Feeds"),
    ("{answer}: the site says this feed is gone for good; give us its new address",
     "{answer} : le site indique que ce flux a définitivement disparu ; donnez-nous sa nouvelle "
     "adresse",
     "{answer}: laut der Website gibt es diesen Feed nicht mehr; nennen Sie uns seine neue "
     "Adresse"),
    ("{answer}: the server asks us to come back later; we will",
     "{answer} : le serveur nous demande de revenir plus tard ; nous le ferons",
     "{answer}: der Server bittet uns, später wiederzukommen; das tun wir"),
    ("{answer}: the site's server failed; we will try again",
     "{answer} : le serveur du site a échoué ; nous réessaierons",
     "{answer}: der Server der Website ist ausgefallen; wir versuchen es erneut"),
    ("HTTP 304 Not Modified to a request that held no cached copy: the site's server (or a "
     "cache in front of it) must send the feed itself; tell the site",
     "HTTP 304 Not Modified à une demande sans copie en cache : le serveur du site (ou un "
     "cache devant lui) doit envoyer le flux lui-même ; prévenez le site",
     "HTTP 304 Not Modified auf eine Anfrage ohne zwischengespeicherte Kopie: der Server der "
     "Website (oder ein Cache davor) muss den Feed selbst senden; sagen Sie es der Website"),
    ("body of {size} bytes exceeds the {cap}-byte cap: the feed is too large; ask its "
     "publisher for a shorter one",
     "réponse de {size} octets, au-delà de la limite de {cap} octets : le flux est trop "
     "volumineux ; demandez à son éditeur un flux plus court",
     "Antwort von {size} Bytes überschreitet die Grenze von {cap} Bytes: der Feed ist zu "
     "groß; bitten Sie seinen Herausgeber um einen kürzeren"),
    ("body exceeds the {cap}-byte cap: the feed is too large; ask its publisher for a "
     "shorter one",
     "la réponse dépasse la limite de {cap} octets : le flux est trop volumineux ; demandez "
     "à son éditeur un flux plus court",
     "die Antwort überschreitet die Grenze von {cap} Bytes: der Feed ist zu groß; bitten Sie "
     "seinen Herausgeber um einen kürzeren"),
    ("the server compressed the feed with {coding}, which we do not read: it must send it "
     "plain, gzip or deflate",
     "le serveur a compressé le flux en {coding}, que nous ne lisons pas : il doit l'envoyer "
     "sans compression, en gzip ou en deflate",
     "der Server hat den Feed mit {coding} komprimiert, das wir nicht lesen: er muss ihn "
     "unkomprimiert, mit gzip oder deflate senden"),
    ("Content-Encoding lists {n} compressions; we read at most {max}",
     "Content-Encoding annonce {n} compressions ; nous en lisons au plus {max}",
     "Content-Encoding nennt {n} Kompressionen; wir lesen höchstens {max}"),
    ("cannot decode the body: {why}",
     "réponse illisible : {why}",
     "Antwort nicht lesbar: {why}"),
    ("the site's TLS certificate is not valid: {why}; the site must serve a certificate for "
     "its name from a public authority, with its intermediate certificates (a self-signed or "
     "expired one is refused)",
     "le certificat TLS du site n'est pas valide : {why} ; le site doit présenter un "
     "certificat à son nom délivré par une autorité publique, avec ses certificats "
     "intermédiaires (un certificat auto-signé ou expiré est refusé)",
     "das TLS-Zertifikat der Website ist ungültig: {why}; die Website muss ein Zertifikat "
     "für ihren Namen von einer öffentlichen Stelle vorlegen, mit seinen "
     "Zwischenzertifikaten (ein selbstsigniertes oder abgelaufenes wird abgelehnt)"),
    ("the TLS (https) handshake with the site failed: {why}; if the site serves its feed over "
     "http only, give its http:// address",
     "l'échange TLS (https) avec le site a échoué : {why} ; si le site ne sert son flux qu'en "
     "http, donnez son adresse http://",
     "der TLS-Verbindungsaufbau (https) mit der Website ist gescheitert: {why}; wenn die "
     "Website ihren Feed nur über http anbietet, geben Sie ihre http://-Adresse an"),
    ("timed out",
     "délai dépassé",
     "Zeitüberschreitung"),
    ("incomplete answer: {why}",
     "réponse incomplète : {why}",
     "unvollständige Antwort: {why}"),
    ("not a valid HTTP answer: its status line is not text",
     "réponse HTTP non valide : sa ligne d'état n'est pas du texte",
     "keine gültige HTTP-Antwort: ihre Statuszeile ist kein Text"),
    ("not a valid HTTP answer: {why}",
     "réponse HTTP non valide : {why}",
     "keine gültige HTTP-Antwort: {why}"),
    ("cannot connect: {why}; the site's server does not answer at this address: we will try again; if the feed has moved, give us its new address",
     "connexion impossible : {why} ; le serveur du site ne répond pas à cette adresse : nous réessaierons ; si le flux a déménagé, donnez-nous sa nouvelle adresse",
     "keine Verbindung möglich: {why}; der Server der Website antwortet unter dieser Adresse nicht: wir versuchen es erneut; wenn der Feed umgezogen ist, geben Sie uns seine neue Adresse"),
    # through the operator's proxy (aggregator.fetch.reasons.proxy_status, proxy_error)
    ("our proxy ({variable}) refused its credentials ({answer}): the operator must check the "
     "user and password in {variable}",
     "notre proxy ({variable}) a refusé ses identifiants ({answer}) : l'opérateur doit "
     "vérifier l'utilisateur et le mot de passe donnés dans {variable}",
     "unser Proxy ({variable}) hat seine Zugangsdaten abgelehnt ({answer}): der Betreiber muss "
     "Benutzer und Passwort in {variable} prüfen"),
    ("our proxy ({variable}) asks for credentials ({answer}): the operator must give them in "
     "{variable}, as http://user:password@host:port",
     "notre proxy ({variable}) demande des identifiants ({answer}) : l'opérateur doit les "
     "donner dans {variable}, sous la forme http://utilisateur:mot-de-passe@hôte:port",
     "unser Proxy ({variable}) verlangt Zugangsdaten ({answer}): der Betreiber muss sie in "
     "{variable} angeben, als http://benutzer:passwort@host:port"),
    ("{answer} through our proxy ({variable}): the proxy could not reach the site, or the "
     "site's server failed; we will try again",
     "{answer} par notre proxy ({variable}) : le proxy n'a pas pu joindre le site, ou le "
     "serveur du site a échoué ; nous réessaierons",
     "{answer} über unseren Proxy ({variable}): der Proxy konnte die Website nicht erreichen, "
     "oder ihr Server ist ausgefallen; wir versuchen es erneut"),
    ("our proxy ({variable}) could not reach the site ({answer}): the site's server does not "
     "answer, or the proxy may not reach it; we will try again",
     "notre proxy ({variable}) n'a pas pu joindre le site ({answer}) : le serveur du site ne "
     "répond pas, ou le proxy n'a pas le droit de le joindre ; nous réessaierons",
     "unser Proxy ({variable}) konnte die Website nicht erreichen ({answer}): ihr Server "
     "antwortet nicht, oder der Proxy darf sie nicht erreichen; wir versuchen es erneut"),
    ("our proxy ({variable}) refuses to reach this site ({answer}): the operator must ask for "
     "the site to be let through it",
     "notre proxy ({variable}) refuse de joindre ce site ({answer}) : l'opérateur doit "
     "demander que le site soit autorisé à travers lui",
     "unser Proxy ({variable}) verweigert den Zugang zu dieser Website ({answer}): der "
     "Betreiber muss die Freigabe der Website im Proxy beantragen"),
    ("cannot connect to our proxy ({variable}): {why}; the operator must check that the proxy "
     "runs and that {variable} gives its address and port",
     "connexion impossible à notre proxy ({variable}) : {why} ; l'opérateur doit vérifier que "
     "le proxy fonctionne et que {variable} donne son adresse et son port",
     "keine Verbindung zu unserem Proxy ({variable}): {why}; der Betreiber muss prüfen, dass "
     "der Proxy läuft und {variable} seine Adresse und seinen Port angibt"),
    ("invalid URL: no host",
     "adresse non valide : pas de nom d'hôte",
     "ungültige Adresse: kein Hostname"),
    ("invalid URL: {why}",
     "adresse non valide : {why}",
     "ungültige Adresse: {why}"),
    ("scheme {scheme} refused: only http and https",
     "schéma {scheme} refusé : seulement http et https",
     "Schema {scheme} abgelehnt: nur http und https"),
    (f"{{host}} names this machine; refused (set {LOCAL} to allow it)",
     f"{{host}} désigne cette machine ; refusé ({LOCAL} l'autorise)",
     f"{{host}} bezeichnet diesen Rechner; abgelehnt ({LOCAL} erlaubt es)"),
    ("cannot resolve {host}: no address",
     "impossible de trouver {host} : aucune adresse",
     "{host} nicht auffindbar: keine Adresse"),
    ("cannot resolve {host}: {why}",
     "impossible de trouver {host} : {why}",
     "{host} nicht auffindbar: {why}"),
    (f"{{host}} resolves to {{address}}, a non-public address; refused (set {LOCAL} to allow it)",
     f"{{host}} mène à {{address}}, une adresse non publique ; refusé ({LOCAL} l'autorise)",
     f"{{host}} führt zu {{address}}, einer nicht öffentlichen Adresse; abgelehnt ({LOCAL} "
     "erlaubt es)"),
    ("the parser process died (out of memory?); retried next refresh",
     "le processus de lecture s'est arrêté (mémoire épuisée ?) ; nouvel essai à la prochaine "
     "mise à jour",
     "der Leseprozess ist abgestürzt (Speicher erschöpft?); neuer Versuch beim nächsten Abruf"),
)
