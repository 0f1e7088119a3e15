"""The words of the operating system and of OpenSSL that a fetch error quotes, translated.

"cannot connect: Connection refused", "cannot resolve lab.example: Name or service not known",
"the site's TLS certificate is not valid: certificate has expired; …": the fetcher writes the
system's own words as the reason (``os.strerror``, ``gai_strerror``, OpenSSL's verify message),
and those are most of what goes wrong with a real feed. Unlike :data:`.catalog.CATALOG`, no code
of ours writes them: the test checks each English key against what this machine's C library
and OpenSSL say for its error code, so that a key nobody would ever match cannot creep in.
"""

from __future__ import annotations

SYSTEM: tuple[tuple[str, str, str], ...] = (
    # connecting (os.strerror, the socket's errno)
    ("Connection refused",
     "connexion refusée",
     "Verbindung abgelehnt"),
    ("Connection reset by peer",
     "connexion coupée par le serveur",
     "Verbindung vom Server zurückgesetzt"),
    ("Connection timed out",
     "délai de connexion dépassé",
     "Zeitüberschreitung beim Verbindungsaufbau"),
    ("No route to host",
     "aucune route vers le serveur",
     "keine Route zum Server"),
    ("Network is unreachable",
     "réseau inaccessible",
     "Netzwerk nicht erreichbar"),
    ("Host is down",
     "serveur hors service",
     "Server ist nicht erreichbar"),
    # resolving a name (gai_strerror)
    ("Name or service not known",
     "nom inconnu",
     "Name unbekannt"),
    ("No address associated with hostname",
     "aucune adresse associée à ce nom",
     "dem Namen ist keine Adresse zugeordnet"),
    ("Temporary failure in name resolution",
     "échec temporaire de la résolution du nom",
     "vorübergehender Fehler bei der Namensauflösung"),
    ("Non-recoverable failure in name resolution",
     "échec définitif de la résolution du nom",
     "nicht behebbarer Fehler bei der Namensauflösung"),
    # a certificate refused (OpenSSL's verify message, its final full stop dropped)
    ("certificate has expired",
     "le certificat a expiré",
     "das Zertifikat ist abgelaufen"),
    ("certificate is not yet valid",
     "le certificat n'est pas encore valide",
     "das Zertifikat ist noch nicht gültig"),
    ("self-signed certificate",
     "certificat auto-signé",
     "selbstsigniertes Zertifikat"),
    ("self-signed certificate in certificate chain",
     "certificat auto-signé dans la chaîne de certificats",
     "selbstsigniertes Zertifikat in der Zertifikatskette"),
    ("unable to get local issuer certificate",
     "certificat de l'autorité émettrice introuvable",
     "Zertifikat der ausstellenden Stelle nicht gefunden"),
    ("unable to get issuer certificate",
     "certificat de l'autorité émettrice introuvable",
     "Zertifikat der ausstellenden Stelle nicht gefunden"),
    ("certificate revoked",
     "le certificat a été révoqué",
     "das Zertifikat wurde widerrufen"),
    # (Python's own words for a certificate of another name, ssl.SSLCertVerificationError)
    ("Hostname mismatch, certificate is not valid for {name}",
     "nom d'hôte différent : le certificat n'est pas valide pour {name}",
     "falscher Hostname: das Zertifikat ist nicht für {name} gültig"),
    ("IP address mismatch, certificate is not valid for {name}",
     "adresse IP différente : le certificat n'est pas valide pour {name}",
     "falsche IP-Adresse: das Zertifikat ist nicht für {name} gültig"),
)
