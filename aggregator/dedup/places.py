"""Place normalisation: venue aliases, the region's bilingual city names, folded text.

A venue is written as its name, its address, both, in capitals, or not at all; cities have two
names (Thionville/Diedenhofen, Luxembourg/Lëtzebuerg). Two records "at the same place" must
compare equal, and a missing location is unknown, never a mismatch. The alias table is data the
operator can extend (``merge_events(venues=...)``); the default covers the region's usual venues.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

CITIES: Mapping[str, tuple[str, ...]] = {
    "metz": ("metz", "technopole metz"),
    "nancy": ("nancy", "vandoeuvre les nancy", "villers les nancy", "maxeville", "laxou"),
    "thionville": ("thionville", "diedenhofen", "yutz"),
    "epinal": ("epinal",),
    "luxembourg": ("luxembourg", "letzebuerg", "luxemburg"),
    "luxembourg-ville": ("luxembourg ville", "kirchberg", "luxembourg city", "stad letzebuerg",
                         "ville de luxembourg"),
    "esch-sur-alzette": ("esch sur alzette", "esch alzette", "esch uelzecht", "esch an der alzette",
                         "belval"),
    "strasbourg": ("strasbourg", "strassburg"),
    "saarbrucken": ("saarbrucken", "sarrebruck"),
    "trier": ("trier", "treves"),
    "longwy": ("longwy",), "verdun": ("verdun",), "forbach": ("forbach",),
    "sarreguemines": ("sarreguemines", "saargemund"), "toul": ("toul",),
    "pont-a-mousson": ("pont a mousson",), "luneville": ("luneville",),
    "saint-die": ("saint die", "saint die des vosges", "st die"), "remiremont": ("remiremont",),
    "arlon": ("arlon", "aarlen"), "differdange": ("differdange", "differdingen"),
    "dudelange": ("dudelange", "dudelingen"), "sarrebourg": ("sarrebourg", "saarburg"),
    "saint-avold": ("saint avold", "st avold"), "bar-le-duc": ("bar le duc",),
}
"""Canonical city -> its spellings (folded), including suburbs and the bilingual names."""

COUNTRY_OF: Mapping[str, str] = {"esch-sur-alzette": "luxembourg", "differdange": "luxembourg",
                                  "dudelange": "luxembourg", "luxembourg-ville": "luxembourg"}
"""Luxembourg is a city and a country: an event "in Luxembourg" may be in Esch or Belval, so
these cities also count as "luxembourg" and never contradict it. Kirchberg is the city itself
("luxembourg-ville"), which contradicts Esch (see :func:`cities_differ`)."""
COUNTRIES = frozenset(COUNTRY_OF.values())
SAME_CITY: Mapping[str, str] = {"luxembourg-ville": "luxembourg"}
"""A city -> the city of :data:`CITIES` that names it too: organisations write their capital
"Luxembourg", which English readers call "Luxembourg City" and Luxembourgish "Stad
Lëtzebuerg" to tell it from the country (a filter or search in those words found nothing)."""


def cities_differ(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> bool:
    """Whether two sets of cities name two places: none in common, or each names a city
    proper (not the country-as-city) and those differ. With Esch counted as "luxembourg",
    Belval and Kirchberg never differed, and two workshops there were one event."""
    if not a or not b or a == b:
        return False
    if a.isdisjoint(b):
        return True
    proper_a, proper_b = a - COUNTRIES, b - COUNTRIES
    return bool(proper_a) and bool(proper_b) and proper_a.isdisjoint(proper_b)


def with_country(cities: frozenset[str]) -> frozenset[str]:
    """``cities`` plus the country-as-city each implies (see :data:`COUNTRY_OF`)."""
    extra = {COUNTRY_OF[c] for c in cities if c in COUNTRY_OF}
    return cities | extra if extra else cities


CITY_PHRASES: Mapping[str, str] = {alias: city for city, aliases in CITIES.items()
                                   for alias in aliases}
SUBURBS = frozenset({"technopole metz", "vandoeuvre les nancy", "villers les nancy",
                     "maxeville", "laxou", "yutz", "kirchberg", "belval"})
"""The spellings of :data:`CITIES` that are places of their own, not the city's names: the
same city for deduplication, but a search for Laxou is not one for Nancy."""

ONLINE = "online"
"""The venue id of an event held online (Zoom, Teams, a webinar...)."""
DEFAULT_VENUES: Mapping[str, tuple[str, ...]] = {
    "blida-metz": ("tcrm blida", "blida", "7 avenue de blida", "totem", "le totem", "totem metz"),
    "pompidou-metz": ("centre pompidou metz", "pompidou metz", "1 parvis des droits de l homme"),
    "arsenal-metz": ("arsenal", "cite musicale metz", "3 avenue ney"),
    "loria-nancy": ("loria", "inria nancy", "615 rue du jardin botanique"),
    "octroi-nancy": ("octroi", "l octroi nancy", "47 boulevard d austrasie"),
    "ensem-nancy": ("ensem", "2 avenue de la foret de haye"),
    "puzzle-thionville": ("puzzle", "puzzle thionville", "1 place de la liberation"),
    "quai-alpha-epinal": ("quai alpha", "le quai alpha", "2 rue du port"),
    "hos-luxembourg": ("house of startups", "hos", "9 rue du laboratoire"),
    "technoport-belval": ("technoport", "9 avenue des hauts fourneaux"),
    "lhc-luxembourg": ("luxembourg house of cybersecurity", "lhc", "122 rue adolphe fischer"),
    ONLINE: ("en ligne", "online", "visio", "visioconference", "zoom", "teams", "webinar",
               "google meet", "jitsi"),
}
"""Venue id -> aliases (name, short name, street address), folded. The id ends with the venue's
city, which a location naming only the venue implies. An operator adds venues by passing
``venues=`` to merge_events (same shape; put the city in the id or an alias)."""

VENUE_DISTRICTS: Mapping[str, str] = {
    venue: district for venue in DEFAULT_VENUES for district in SUBURBS
    if venue.endswith("-" + district.replace(" ", "-"))}
"""A known venue -> the district it is in, as its id says (technoport-belval: Belval): a
search for "Belval" found none of Technoport's events, whose address names only Esch."""
DISTRICT_VENUES: Mapping[str, tuple[str, ...]] = {
    district: tuple(venue for venue, its in VENUE_DISTRICTS.items() if its == district)
    for district in dict.fromkeys(VENUE_DISTRICTS.values())}
"""A district -> its known venues (belval: technoport-belval), which tell its events apart
from those elsewhere in its city: what a city filter naming the district lists."""
_DISTRICT_ALIASES = {district: (
    tuple(max(alias.split(), key=len) for alias in DEFAULT_VENUES[venue]),
    re.compile("|".join(r"\b" + r"\W+".join(map(re.escape, alias.split())) + r"\b"
                        for alias in DEFAULT_VENUES[venue]), re.IGNORECASE))
    for venue, district in VENUE_DISTRICTS.items()}
"""A district -> each of its venues' aliases' longest word (looked for first), and one
expression finding any alias, its words apart by anything but a letter."""


def venue_districts(location: str) -> tuple[str, ...]:
    """The districts of the known venues ``location`` names (``("belval",)``), not those of
    its city: Esch's centre is not Belval, as Laxou is not Nancy. A regular expression over
    the raw text, after a look for a word of it: a search reads every event's text at each
    build (40,000): 2.8 µs a location by the expression alone, 1.4 so."""
    lowered = location.lower()
    return tuple(district for district, (words, aliases) in _DISTRICT_ALIASES.items()
                 if any(word in lowered for word in words) and aliases.search(location))


_ABBREVIATIONS = {"av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard",
                  "blvd": "boulevard", "r": "rue", "pl": "place", "str": "strasse",
                  "st": "saint", "ste": "sainte", "chem": "chemin", "imp": "impasse"}
PLACE_NOISE = frozenset(
    "de du des la le les l d et a au aux france luxembourg deutschland germany allemagne "
    "cedex salle batiment bat etage rdc room sall grand est lorraine".split())
"""Words of an address that name no place by themselves (articles, countries, rooms): a
place's profile leaves them out, and a city filter made only of them is no district."""
_WORD = re.compile(r"[a-z0-9]+")
_FOLD = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"), ("ß", "ss"), ("’", "'"),
         ("ø", "o"), ("ł", "l"), ("đ", "d"))
"""Letters NFKD does not decompose. Replaced one by one where present: ``str.translate``
with multi-letter replacements was 5 to 30 times slower on titles (issue 8)."""


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case, no accents, no emoji: the alphabet every comparison happens in."""
    if text.isascii():
        return text.lower()
    for letter, plain in _FOLD:
        if letter in text:
            text = text.replace(letter, plain)
    text = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", text).casefold()


def tokens_of(folded: str) -> list[str]:
    """Words of folded text; punctuation, apostrophes and emoji are separators."""
    return _WORD.findall(folded)


class PhraseTable:
    """Longest-match rewriting of multi-word phrases (synonyms, cities, brands, venues)."""

    __slots__ = ("phrases", "longest")

    def __init__(self, phrases: Mapping[str, str]) -> None:
        self.phrases = {tuple(k.split()): v for k, v in phrases.items() if k.split()}
        self.longest = max((len(k) for k in self.phrases), default=1)

    def rewrite(self, words: Sequence[str]) -> Iterator[str]:
        """The words with every known phrase replaced by its value."""
        i, n = 0, len(words)
        while i < n:
            for size in range(min(self.longest, n - i), 0, -1):
                value = self.phrases.get(tuple(words[i:i + size]))
                if value is not None:
                    yield value
                    i += size
                    break
            else:
                yield words[i]
                i += 1


@dataclass(frozen=True, slots=True)
class Place:
    """A location reduced for comparison; empty ``venue`` and ``words`` mean unknown."""

    venue: str
    words: str
    cities: frozenset[str]


def _venue_table(venues: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Venue id -> folded aliases: the built-in table with the operator's ``venues``. A venue
    of the operator's that claims a built-in alias is that built-in venue: every alias of the
    built-in one joins it. Re-pointed alone, "TCRM Blida" went to the operator's venue while
    "Blida" stayed with the built-in one, and two copies of one meetup at "Blida" and at
    "TCRM Blida, Metz" were two events (a venue conflict)."""
    def folded(aliases: Iterable[str]) -> list[str]:
        return [" ".join(_expand(tokens_of(fold(alias)))) for alias in aliases]

    table = {venue: folded(aliases) for venue, aliases in DEFAULT_VENUES.items()}
    built_in = {alias: venue for venue, aliases in table.items() for alias in aliases}
    for venue, aliases in venues.items():
        names = folded(aliases)
        joined = table.setdefault(venue, [])
        for other in dict.fromkeys(built_in[n] for n in names if built_in.get(n, venue) != venue):
            joined.extend(table.pop(other, []))
        joined.extend(names)
    return table


class PlaceNormaliser:
    """Locations -> :class:`Place`, with the venue alias table; caches by location string."""

    def __init__(self, venues: Mapping[str, Iterable[str]] | None = None) -> None:
        table: dict[str, str] = {}
        cities = PhraseTable(CITY_PHRASES)
        self.home: dict[str, frozenset[str]] = {}
        for venue, names in _venue_table(venues or {}).items():
            for name in names:
                table[name] = "\x00" + venue
            words = tokens_of(fold(venue.replace("-", " "))) + " ".join(names).split()
            self.home[venue] = frozenset(cities.rewrite(words)) & frozenset(CITY_PHRASES.values())
        table.update(CITY_PHRASES)
        self.table = PhraseTable(table)
        self.signature = frozenset(table.items())
        """Equal signatures normalise every location alike (see keys.profile_events)."""
        self.cities = frozenset(CITY_PHRASES.values())
        self.cache: dict[str, Place] = {}

    def __call__(self, location: str) -> Place:
        found = self.cache.get(location)
        if found is None:
            found = self.cache[location] = self._normalise(location)
        return found

    def _normalise(self, location: str) -> Place:
        venue = ""
        words: list[str] = []
        cities: set[str] = set()
        for word in self.table.rewrite(_expand(tokens_of(fold(location)))):
            if word.startswith("\x00"):
                venue = venue or word[1:]
                cities |= self.home[word[1:]]  # a known venue says its city
            elif word in self.cities:
                cities.add(word)
            elif word not in PLACE_NOISE and not (word.isdigit() and len(word) == 5):
                words.append(word)
        return Place(venue, " ".join(words), with_country(frozenset(cities)))


def _expand(words: list[str]) -> list[str]:
    return [_ABBREVIATIONS.get(w, w) for w in words]


def same_place(a: Place, b: Place) -> str:
    """``same``, ``unknown`` or ``differ``.

    Cities that disagree mean ``differ``, and so does an online event against a room; known
    venues compare by alias id; two unresolved locations compare by rapidfuzz token-set
    ratio, so "Le Cercle, 12 rue X" meets "LE CERCLE".
    A missing location, or a known venue against an unlisted address, is ``unknown``.
    """
    if a.cities and b.cities and a.cities is not b.cities and cities_differ(a.cities, b.cities):
        return "differ"
    if (a.venue == ONLINE) != (b.venue == ONLINE) and (a.venue or a.words) and (b.venue or b.words):
        return "differ"  # online against a room: an unlisted address was "unknown"
    if a.venue and b.venue:
        return "same" if a.venue == b.venue else "differ"
    if a.venue or b.venue or not a.words or not b.words:
        return "unknown"
    # 80: "Le Cercle" against "Le Cercle, 12 rue des Jardiniers" scores 100 (token set); the
    # benchmark's unlisted venues against each other score 30-50 (even sharing "rue").
    return "same" if fuzz.token_set_ratio(a.words, b.words) >= 80 else "differ"


STREET_WORDS = frozenset(
    "rue avenue boulevard place chemin impasse allee route quai cours square parvis esplanade "
    "strasse platz weg gasse".split())
"""Words of a street address (abbreviations expanded): a location holding one is an address,
one without it a name."""


def place_agreement(a: Place, b: Place) -> str:
    """:func:`same_place` as the scorer weighs it: two unlisted locations that differ, one a
    name ("Le Cercle, Nancy") and the other a street address ("12 rue des Jardiniers"), may
    be one place written two ways: ``unknown``. Two names or two addresses that differ are
    two places ("Médiathèque Jean-Macé" / "Médiathèque du Pontiffroy")."""
    found = same_place(a, b)
    if found != "differ" or a.venue or b.venue or not a.words or not b.words:
        return found
    if cities_differ(a.cities, b.cities):
        return found
    return "unknown" if _is_address(a.words) != _is_address(b.words) else found


def _is_address(words: str) -> bool:
    return not STREET_WORDS.isdisjoint(words.split())


def one_room(a: Place, b: Place) -> bool:
    """:func:`same_place` says ``same``, and of two unlisted addresses every word of one is
    in the other: "Salle polyvalente, 3 rue Haute" and "…, 5 rue Haute" are alike enough
    for one evening's cross-posts, not for two weekly series that never met on one date;
    nor is a series without a place (it may be anywhere)."""
    if same_place(a, b) != "same":
        return False
    return bool(a.venue or b.venue) or fuzz.token_set_ratio(a.words, b.words) == 100


def completes(place: Place, other: Place) -> bool:
    """Whether ``other``'s location may stand for ``place``'s, being more complete: not a
    place that differs (the organiser's "En ligne (Zoom)" was shown as an umbrella's stale
    street address)."""
    return same_place(place, other) != "differ"
