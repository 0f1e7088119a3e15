"""PURE: the operator's addresses as mail headers and links can carry them.

AGGREGATOR_BASE_URL and AGGREGATOR_MAIL_FROM may be written with accents
("https://agenda.épinal.fr", "digest@épinal.fr"): headers such as List-Unsubscribe and From
need them in ASCII (IDNA, percent-encoding), or the digest run died at its first subscriber.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from urllib.parse import quote, urlsplit

import idna

from .errors import ConfigError


def ascii_name(host: str) -> str:
    """A host name as DNS, TLS and the Host header carry it: IDNA 2008, as httpx and browsers
    write it (``straße.de`` is ``xn--strae-oqa.de``). Python's own "idna" codec is IDNA 2003,
    which writes it ``strasse.de``: another domain, perhaps another owner's.

    Raises:
        UnicodeError: a name IDNA cannot write (``idna.IDNAError`` is one).
    """
    return host if host.isascii() else idna.encode(host.lower()).decode("ascii")


def ascii_sender(mail_from: str) -> str:
    """``mail_from`` with its address's domain in IDNA (digest@épinal.fr made each digest's
    From unwritable and the run die at its first subscriber; a display name may keep its
    accents, the messages encode it).

    Raises:
        ConfigError: a local part beyond ASCII (it would need SMTPUTF8, which we do not use).
    """
    local, _, domain = parseaddr(mail_from)[1].rpartition("@")
    if not local.isascii():
        raise ConfigError(f"AGGREGATOR_MAIL_FROM={mail_from!r}: the part before @ must be "
                          "ASCII (digest@…)")
    if domain.isascii():
        return mail_from
    try:
        return mail_from.replace(f"@{domain}", "@" + ascii_name(domain))
    except UnicodeError:
        raise ConfigError(f"AGGREGATOR_MAIL_FROM={mail_from!r}: {domain!r} is not a domain") from None


def ascii_url(url: str) -> str:
    """``url`` as every email header and link can carry it: an internationalised host in
    IDNA (xn--), a path's other characters percent-encoded. "https://agenda.épinal.fr" made
    each digest's List-Unsubscribe header unsendable: the run died at its first subscriber.

    Raises:
        ConfigError: a host IDNA cannot write.
    """
    if url.isascii():
        return url
    parts = urlsplit(url)
    host, _, port = parts.netloc.rpartition(":") if re.search(r":\d+$", parts.netloc) else (
        parts.netloc, "", "")
    try:
        ascii_host = ascii_name(host)
    except UnicodeError:
        raise ConfigError(f"AGGREGATOR_BASE_URL={url!r}: {host!r} is not a host name") from None
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    return f"{parts.scheme}://{ascii_host}{':' + port if port else ''}{path}"
