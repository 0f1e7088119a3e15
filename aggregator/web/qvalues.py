"""Header lists with quality values (RFC 9110 §12.4.2): Accept-Language, Accept-Encoding."""

from __future__ import annotations


def weighted(header: str) -> list[tuple[str, float]]:
    """``"fr-CH, fr;q=0.9, *;q=0"`` as ``[("fr-CH", 1.0), ("fr", 0.9), ("*", 0.0)]``, in order;
    an unreadable weight counts as 0 (refused), an empty item is skipped."""
    found = []
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if token.strip():
            found.append((token.strip(), weight))
    return found


READ_AS = {"lb": "de"}
"""A language the pages are not in -> the one of theirs its readers read as their own:
Luxembourgish ("lb-LU", a German dialect written) is German, the language Luxembourg's
schools teach reading in and its press writes; such a phone got French, or English."""


def locale_name(tag: str) -> str:
    """An Accept-Language tag as Babel names locales ("DE-de" → "de_DE"): tags ignore case
    (RFC 4647), and "EN" or "DE-DE" from a browser got the French pages. A language of
    :data:`READ_AS` is named as the one its readers read ("lb-LU" → "de")."""
    language, _, rest = tag.lower().partition("-")
    if language in READ_AS:
        return READ_AS[language]
    return f"{language}_{rest.upper()}" if rest else language
