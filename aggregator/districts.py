"""A city filter that names no city: a district (Belval, Kirchberg), a locality (Gasperich,
Cloche d'Or, Metz's Technopôle), as a reader of the region names where things happen.

An event keeps its city (Technoport's is Esch-sur-Alzette, the European Convention
Center's Luxembourg), so ``?city=Kirchberg`` listed nothing. Such a filter is one more
place of an event: it holds the events at its known venues
(:data:`.dedup.places.DISTRICT_VENUES`) and those whose place (location and city) names
it, every word of it as a whole word, ignoring case and accents ("KIRCHBERG, 6 rue …",
"Luxembourg-Kirchberg"; not "Kirchbergstraße"). The agenda, its calendars and open data,
the digest and the personal calendar all read it so (:func:`.selection.matches`,
:func:`.digest.select.follows`). Pure: no I/O.
"""

from __future__ import annotations

import functools
import string
import unicodedata
from dataclasses import dataclass

from .dedup.places import (PLACE_NOISE, CITY_PHRASES, DEFAULT_VENUES, DISTRICT_VENUES,
                           STREET_WORDS, SUBURBS, venue_districts)
from .slug import fold_words, search_fold

NAMES_NO_PLACE = PLACE_NOISE | STREET_WORDS | {"sur", "sous", "les", "am", "an", "der"}
"""Words that name no place by themselves ("rue", "de", "salle"): a filter made only of
them is no district, and lists nothing, as any word that names no city
(:func:`names_no_place`)."""
PLACES_KEPT = 32_768
"""Events' places kept folded (a few MB at most): :func:`_folded_place`."""


@dataclass(frozen=True, slots=True)
class District:
    """A place a city filter names that is no city of the region's table."""

    name: str
    """As the filters offer it: "Belval", "Kirchberg", "Cloche d'Or"."""
    key: str
    """Folded: "belval", "cloche d or"."""
    city: str
    """The slug of the city the table puts it in ("esch-sur-alzette", "luxembourg-ville"),
    "" for a place the table does not know (Gasperich): its events tell."""
    venues: tuple[str, ...]
    """Its known venues' names ("Technoport",), those of a district it names ("Esch-Belval")."""
    words: tuple[str, ...]
    """What an event's place must name, each as a whole word ("cloche", "or")."""
    districts: tuple[str, ...] = ()
    """The districts of known venues it names (``belval``): an event at one names it."""

    @property
    def known(self) -> bool:
        """Whether the region's table knows it as a district of a city (Kirchberg, Laxou)."""
        return bool(self.city)

    def holds(self, location: str, city: str = "") -> bool:
        """Whether an event at ``location`` in ``city`` is here: at one of its known venues,
        or its place names every word of it. A look for its longest word in the place's text
        in lower case without accents first: most places do not have it, and folding each as
        a search does took 10 µs a place with accents (docs/web.md)."""
        first, *others = self.words  # its longest word first
        at: tuple[str, ...] = ()
        plain = _plain(location)
        if first not in plain and first not in _plain(city) and (
                not self.districts or first not in (at := venue_districts(location))):
            return False  # most places
        if others:
            plain = f"{plain} {_plain(city)}"
            missing = [word for word in others if word not in plain]
            if missing and self.districts and not at:
                at = venue_districts(location)
            if any(word not in at for word in missing):
                return False
        folded = f" {_folded_place(location, city)} {' '.join(at)} "
        if self.districts and not at and not all(f" {word} " in folded for word in self.words):
            at = venue_districts(location)  # "Technoport, rue de Belval": at the venue too
            folded += f"{' '.join(at)} "
        return all(f" {word} " in folded for word in self.words)


def _plain(text: str) -> str:
    """``text`` in lower case, its accents dropped: where a word folded as a search folds it
    (:func:`.slug.search_fold`) is found if the text's fold has it (not always as a whole
    word). NFKD, not a ``str.translate`` of accented letters: 1 µs a place, not 8."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    for letter, plain in _LETTERS:
        if letter in lowered:
            lowered = lowered.replace(letter, plain)
    return unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")


_LETTERS = (("ß", "ss"), ("œ", "oe"), ("æ", "ae"), ("ø", "o"), ("ł", "l"), ("đ", "d"))
"""Letters NFKD does not part from an accent, as search_fold writes them."""


@functools.lru_cache(maxsize=PLACES_KEPT)
def _folded_place(location: str, city: str) -> str:
    """An event's place and city folded as a search folds them, in a cache of their own
    (every event's location would push the organisations' names out of search_fold's).
    Kept: a visitor may name a new place at each request (``?city=n``, ``/calendars/e.ics``),
    and one of words most places have made each scan fold every event's place again, 5 µs
    an event, four times an unknown kind's scan; a region's events share far fewer places
    than :data:`PLACES_KEPT` (the corpus's 40,000 events: 1,375)."""
    return fold_words(f"{location} {city}")


@functools.lru_cache(maxsize=1024)
def district(typed: str) -> District | None:
    """The district or place a city filter ``typed`` names, in any case and with or without
    accents; None for a city of the region's table (its names in every language) or words
    that name no place ("rue"). Cached: the digest asks per event."""
    key = search_fold(typed)
    if not key or (key in CITY_PHRASES and key not in SUBURBS) or _no_place_words(key):
        return None
    words = [word for word in key.split() if len(word) > 1] or key.split()
    named = (key, *key.split()) if key not in SUBURBS else (key,)
    districts = tuple(dict.fromkeys(d for d in named if d in DISTRICT_VENUES))
    venues = tuple(string.capwords(DEFAULT_VENUES[venue][0])
                   for d in districts for venue in DISTRICT_VENUES[d])
    return District(
        name=_as_written(key if key in SUBURBS and _one_case(typed) else typed), key=key,
        city=CITY_PHRASES[key] if key in SUBURBS else "", venues=venues,
        words=tuple(sorted(words, key=len, reverse=True)), districts=districts)


def names_no_place(typed: str) -> bool:
    """Whether the city filter ``typed`` is made only of words that name no place by
    themselves (:data:`NAMES_NO_PLACE`: "rue", "Rue de", "Lorraine") or of none ("-"): no
    city of the region's table and no :func:`district`. Such a filter lists nothing, and the
    pages say so as of a typo (``web/districts.py``: :func:`.web.districts.unknown_city`)."""
    key = search_fold(typed)
    return not key or (key not in CITY_PHRASES and _no_place_words(key))


def _no_place_words(key: str) -> bool:
    """Whether the folded ``key``'s words (its one-letter ones left out when it has longer:
    the elided "d" of "d'Or") all name no place."""
    words = [word for word in key.split() if len(word) > 1] or key.split()
    return all(word in NAMES_NO_PLACE for word in words)


def _as_written(typed: str) -> str:
    """``typed`` as a name: its spaces and hyphens as written, capitalised when it was all
    in one case ("gasperich", "CLOCHE D’OR": "Gasperich", "Cloche D’or"); a district of the
    table typed so, as the table writes it ("belval", "vandoeuvre-les-nancy": "Belval",
    "Vandoeuvre Les Nancy"), else as typed ("Vandœuvre-lès-Nancy")."""
    name = " ".join(typed.split())
    return string.capwords(name) if _one_case(name) else name


def _one_case(typed: str) -> bool:
    return typed.islower() or typed.isupper()
