"""Slugs: the plain ASCII names of cities, kinds and topics in calendar paths and filters.

A module of its own, below everything that names things by slug (render, topics,
registrations), so that those can use each other without a circular import.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
FOLD_PAIRS = (("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ø", "o"), ("ł", "l"), ("đ", "d"),
              ("þ", "th"))
_FOLD = str.maketrans(dict(FOLD_PAIRS))
NOT_ASCII_NOR_ACCENT = re.compile(r"[^\x00-\x7f\u0300-\u036f]")
"""What folding for a search turns into a space after NFKD: every character but ASCII and the
accents it strips (’ « – …), which ``encode("ascii", "ignore")`` dropped, gluing the words
around them ("l’IA" was "lia", where "l'IA" is "l ia")."""


SPELLED = {"c++": "cpp", "c#": "csharp", "f#": "fsharp", ".net": "dotnet", "dotnet": "dotnet"}
"""Names a slug or a search would lose ("C++" and "C#" would both be "c")."""
SPELLED_AS = (("c++", " cpp "), ("c#", " csharp "), ("f#", " fsharp "), (" .net", " dotnet "),
              ("\n.net", "\n dotnet "))
""":data:`SPELLED`'s names as a text writes them (".NET" at a word's start: "reseau.net" is
an address) and the words a search reads them as."""


def spelled_out(lowered: str) -> str:
    """``lowered`` (lower case) with :data:`SPELLED`'s names as their words: a search for
    "C++" or "C#" looked for "c" at a word's start (every "café" and "club"), and ".NET"
    for "net" (every "….net" address). Replaced as strings: a regular expression took
    0.4 s over the 40,000 descriptions a search reads, 40 times longer."""
    for written, word in SPELLED_AS:
        if written in lowered:
            lowered = lowered.replace(written, word)
    return lowered


UMLAUTS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"))


def has_umlaut(text: str) -> bool:
    """Whether ``text`` has an umlaut (or a combining diaeresis): a few scans in C, 5 times
    faster than a regular expression over 40,000 descriptions."""
    return any(letter in text for letter in "äöüÄÖÜ\u0308")


def umlauts_spelled(text: str) -> str:
    """``text`` with its umlauts as German writes them without (``"Köln"``: ``"Koeln"``):
    folded beside the text itself, it lets "Saarbruecken" typed at a keyboard without ü find
    Saarbrücken, where folding alone finds only "Saarbrucken" (and reading every "oe" as "o"
    would have a French "oeuvre" find "ouvre")."""
    if "\u0308" in text:
        text = unicodedata.normalize("NFC", text)
    for letter, spelled in UMLAUTS:  # str.translate with a dict is 10x slower
        if letter in text:
            text = text.replace(letter, spelled)
    return text


@functools.lru_cache(maxsize=4096)
def slugify(value: str) -> str:
    """Lower-case ASCII with accents stripped and every other run of characters as ``-``.

    ``"Épinal"`` gives ``"epinal"``, ``"Esch-sur-Alzette "`` gives ``"esch-sur-alzette"``;
    a value with no letter or digit gives ``""`` (and no calendar). Cached: a build asks for
    the same few cities, kinds and tags once per event.
    """
    folded = unicodedata.normalize("NFKD", value.lower().translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("-", ascii_text).strip("-")


HAVE = tuple((f" {pronoun} ai ", f" {pronoun}ai ") for pronoun in "jlmn")
"""French "j'ai", "l'ai", "m'ai", "n'ai" (have), folded: kept one word, since parted at the
apostrophe its "ai" was the English "AI" that a search for "IA" or "KI" finds
(selection.SYNONYMS)."""


def french_have(folded: str) -> str:
    """``folded`` (words apart by single spaces, led and followed by one) with each French
    "j'ai" one word (:data:`HAVE`); ``str.replace``: a search folds every description."""
    for parted, whole in HAVE:
        if parted in folded:
            folded = folded.replace(parted, whole)
    return folded


@functools.lru_cache(maxsize=4096)
def search_fold(value: str) -> str:
    """:func:`fold_words`, cached: a search folds each organisation's name."""
    return fold_words(value)


def fold_words(value: str) -> str:
    """``value`` as a search compares it: lower-case ASCII words, accents stripped as
    :func:`slugify` strips them, apart by single spaces. Unlike a slug's, any other
    character parts two words (``"l’IA"`` gives ``"l ia"``, as ``"l'IA"`` does), and "C++",
    "C#", ".NET" are their words (:func:`spelled_out`)."""
    folded = unicodedata.normalize("NFKD", spelled_out(f" {value.lower()}").translate(_FOLD))
    ascii_text = NOT_ASCII_NOR_ACCENT.sub(" ", folded).encode("ascii", "ignore").decode("ascii")
    return french_have(f" {' '.join(_NOT_ALNUM.sub(' ', ascii_text).split())} ")[1:-1]
