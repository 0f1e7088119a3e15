"""Title normalisation: the spelling differences of one event's title, folded away.

Cross-posters rewrite titles: case, accents, emoji, "[Nancy]" prefixes, "| Lor'N'Tech" suffixes,
"(gratuit)", "&" for "et", series numbers as "#12", "n°12" or "12e édition", and the region's three
languages (Meetup/Rencontre/Treffen). This module reduces a title to content tokens, plus the
series numbers and city names it mentions, which the scorer treats as evidence of their own
(a different number or city means a different event, not a spelling).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .places import CITY_PHRASES, PhraseTable, fold, tokens_of, with_country

SYNONYMS: Mapping[str, str] = {
    # FR / EN / DE formats of the region (issue 3); the value is the canonical token.
    "meetup": "meetup", "meet up": "meetup", "rencontre": "meetup", "treffen": "meetup",
    "stammtisch": "meetup", "meeting": "meetup",
    "atelier": "workshop", "workshop": "workshop", "werkstatt": "workshop",
    "conference": "talk", "konferenz": "talk", "talk": "talk", "vortrag": "talk",
    "conference talk": "talk",
    "soiree": "soiree", "evening": "soiree", "abend": "soiree",
    "webinaire": "webinar", "webinar": "webinar",
    "petit dejeuner": "breakfast", "petit dej": "breakfast", "breakfast": "breakfast",
    "fruhstuck": "breakfast",
    "start up": "startup", "startup": "startup",
    "ia": "ia", "ai": "ia", "ki": "ia", "intelligence artificielle": "ia",
    "artificial intelligence": "ia", "kunstliche intelligenz": "ia",
    "hackathon": "hackathon", "hackaton": "hackathon",
    "apero": "apero", "aperitif": "apero", "afterwork": "apero", "after work": "apero",
    "introduction": "intro", "intro": "intro", "einfuhrung": "intro",
    "journee": "day", "day": "day", "tag": "day",
    "table ronde": "panel", "round table": "panel", "roundtable": "panel", "panel": "panel",
    "podiumsdiskussion": "panel",
    "formation": "training", "training": "training", "schulung": "training",
    "portes ouvertes": "openday", "journee portes ouvertes": "openday", "open day": "openday",
    "open house": "openday", "tag der offenen tur": "openday",
    "remise des prix": "awards", "awards": "awards", "preisverleihung": "awards",
    # Subjects the region's organisations name in their own language (an English-speaking
    # Luxembourg venue's "Cybersecurity workshop" is the association's "Atelier cybersécurité").
    "cybersecurite": "cybersecurite", "cybersecurity": "cybersecurite",
    "cyber securite": "cybersecurite", "cyber security": "cybersecurite",
    "cybersicherheit": "cybersecurite", "securite informatique": "cybersecurite",
    "it security": "cybersecurite", "it sicherheit": "cybersecurite",
    "apprentissage automatique": "ml", "machine learning": "ml", "maschinelles lernen": "ml",
    "science des donnees": "datascience", "data science": "datascience",
    "donnees ouvertes": "opendata", "open data": "opendata",
    "donnees": "data", "data": "data", "daten": "data",
    "robotique": "robotique", "robotics": "robotique", "robotik": "robotique",
    "numerique": "numerique", "digital": "numerique", "digitale": "numerique",
    "digitalen": "numerique",
    "developpement web": "webdev", "web development": "webdev", "webentwicklung": "webdev",
    "entrepreneuriat": "entrepreneuriat", "entrepreneurship": "entrepreneuriat",
    "unternehmertum": "entrepreneuriat",
    "femmes": "women", "women": "women", "frauen": "women",
    "informatique quantique": "quantum", "quantum computing": "quantum",
    "quantencomputing": "quantum",
    "accessibilite": "accessibilite", "accessibility": "accessibilite",
    "barrierefreiheit": "accessibilite",
    "jeu video": "jeuvideo", "jeux video": "jeuvideo", "video game": "jeuvideo",
    "video games": "jeuvideo", "videospiele": "jeuvideo",
}

GENERIC = frozenset({"meetup", "workshop", "talk", "soiree", "webinar", "breakfast", "apero",
                     "intro", "day", "panel", "training", "session", "event", "evenement", "rendez", "vous", "rdv", "live",
                     "edition", "ausgabe", "special", "speciale", "annual", "annuel", "annuelle"})
"""Format words: they say how, not what, so they weigh little (similar.GENERIC_WEIGHT)."""

STOPWORDS = frozenset(
    "le la les l de du des d un une et en a au aux pour par sur avec ou dans chez qu que "
    "the of and in on at for with to an by from or "
    "der die das und mit fur im am zum zur von ein eine den dem bei "
    "gratuit gratuite free kostenlos gratis offert ouvert tous open inscription "
    "s n e eme er ere th st nd rd".split()
)
"""Articles and the "(gratuit)"/"(free)" decorations of the three languages."""

_NUMBER_BEFORE = re.compile(
    r"(?:#|\bn\s*[°o]\.?|\bno\.|\bnum(?:ero)?\.?|\bvol\.?|\bepisode|\bep\.|\bedition|\bausgabe"
    r"|\bsaison|\bseason|\bpart(?:ie)?)\s*(\d{1,4})\b")
_NUMBER_AFTER = re.compile(
    r"\b(\d{1,4})\s*(?:e|eme|er|ere|th|st|nd|rd|\.)\s+(?:edition|ausgabe|rencontre|meetup"
    r"|session|saison|season|treffen|volet)\b")
_CLOCK = re.compile(r"\b\d{1,2}\s*[h:]\s*\d{0,2}\b")
_MONTHS = (r"(?:janvier|january|januar|janv|jan|fevrier|february|februar|fevr|feb|mars|march"
           r"|marz|mar|avril|april|avr|apr|mai|may|juin|june|juni|jun|juillet|july|juli|juil"
           r"|jul|aout|august|aug|septembre|september|sept|sep|octobre|october|oktober|oct|okt"
           r"|novembre|november|nov|decembre|december|dezember|dec|dez)")
_UNITS = (r"(?:talks?|conferences?|keynotes?|intervenants?|intervenantes?|speakers?|ateliers?"
          r"|workshops?|places?|heures?|hours?|jours?|days?|minutes?|min|semaines?|weeks?|mois"
          r"|months?|ans|years?|projets?|projects?|startups?|start|equipes?|teams?|questions?"
          r"|etapes?|steps?|vortrage|vortrags?|referenten|stunden|tage|pitchs?|pitches)")
_NOT_AN_EDITION = re.compile(
    r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{2,4})?\b"  # 15/10, 15.10.2026
    rf"|\b\d{{1,2}}(?:er|st|nd|rd|th|\.)?\s+{_MONTHS}\b"  # 15 octobre, 1er mars, 7. Dezember
    r"|\b(?:salle|room|raum|amphi|bureau|etage|stand|hall|bat|batiment)\s+[a-z]?\d{1,4}\b"
    rf"|\b\d{{1,3}}\s+{_UNITS}\b")  # 3 talks, 2 heures
"""Numbers that are a date, a room or a count, not the edition of a series: "Meetup Python
#42" and the venue's "Meetup Python – jeudi 15 octobre", "(15/10)" or ": 3 talks" were kept
apart as "series numbers differ", so the subscriber saw the meetup twice."""
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_FRACTION = re.compile(
    r"(?:\bpart(?:ie)?\s*)?(?<![\d/.\-])(?<!lundi )(?<!mardi )(?<!mercredi )(?<!jeudi )"
    r"(?<!vendredi )(?<!samedi )(?<!dimanche )\b([1-9])\s*/\s*([2-9])\b(?!\s*[/.\-]\s*\d)")
"""A part of a series, "(1/3)" or "2/2": read as dates (1 March), the parts of a dossier or a
two-day training had one title and were one article or event. A date keeps its reading when
the day is past the month ("15/10"), zero-padded ("05/06"), with a year or after a weekday."""


def _taken(numbers: set[str]) -> Callable[[re.Match[str]], str]:
    """A replacement that adds each match's number to ``numbers`` and leaves a space."""
    def take(match: re.Match[str]) -> str:
        numbers.add(match[1])
        return " "
    return take


def _part(match: re.Match[str]) -> str:
    """The part number of a fraction that can be one (n <= m), else the text as it was."""
    return f" #{match[1]} " if match[1] <= match[2] else match[0]


@dataclass(frozen=True, slots=True)
class Title:
    """A title reduced to what identifies the event."""

    tokens: tuple[str, ...]
    """Content tokens, order kept, synonyms canonical, brands/cities/stopwords removed."""
    numbers: frozenset[str]
    """Series numbers ("#12", "n°12", "12e édition" -> "12")."""
    cities: frozenset[str]
    """Canonical city names mentioned (Diedenhofen -> thionville)."""
    subjects: frozenset[str]
    """The tokens that are not format words; the blocking keys (match.blocking_words)."""

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _stem(token: str) -> str:
    """Plural folding shared by French, English and German loanwords ("ateliers")."""
    if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


class TitleNormaliser:
    """Turns titles into :class:`Title`, with the brand names of the known sources removed.

    One instance per build: it caches by title string, since feeds repeat titles a lot.
    """

    def __init__(self, brands: Iterable[str] = ()) -> None:
        phrases: dict[str, str] = {}
        for brand in brands:
            words = tokens_of(fold(brand))
            if words and not all(w in STOPWORDS for w in words):
                phrases[" ".join(words)] = "\x00" + " ".join(words)
                phrases["".join(words)] = "\x00" + " ".join(words)
        phrases.update(SYNONYMS)
        phrases.update(CITY_PHRASES)
        self.table = PhraseTable(phrases)
        self.signature = frozenset(phrases.items())
        """Equal signatures normalise every title alike (see keys.profile_events)."""
        self.cities = frozenset(CITY_PHRASES.values())
        self.cache: dict[str, Title] = {}

    def __call__(self, title: str) -> Title:
        found = self.cache.get(title)
        if found is None:
            found = self.cache[title] = self._normalise(title)
        return found

    def _normalise(self, title: str) -> Title:
        text = fold(title).replace("&", " et ").replace("+", " et ")
        if "/" in text:
            text = _FRACTION.sub(_part, text)
        numbers = set(_NUMBER_AFTER.findall(text))
        # the numbers found as they are cut out: one pass of the costliest pattern, not a
        # findall and a sub (a fifth of a title's time, issue 8)
        text = _NUMBER_AFTER.sub(" ", _NUMBER_BEFORE.sub(_taken(numbers), text))
        text = _NOT_AN_EDITION.sub(" ", _CLOCK.sub(" ", text))
        tokens: list[str] = []
        brand_words: list[str] = []
        cities: set[str] = set()
        for word in self.table.rewrite(tokens_of(text)):
            if word in self.cities:
                cities.add(word)
            elif word.startswith("\x00"):
                brand_words.extend(word[1:].split())
            elif word.isdigit():
                if not _YEAR.match(word):
                    numbers.add(word)
            elif word not in STOPWORDS:
                tokens.append(_stem(word))
        if not any(t not in GENERIC for t in tokens):
            # The title is the brand ("Startup Weekend"), or a format and a brand ("Meetup
            # Python Nancy"): the brand is the subject. Dropped, "Meetup Python Nancy" and
            # "Meetup Nancy JS" were both "meetup", and two meetups of one evening one event.
            tokens += [_stem(w) for w in brand_words if w not in STOPWORDS]
        return Title(tuple(tokens), frozenset(n.lstrip("0") or "0" for n in numbers),
                     with_country(frozenset(cities)),
                     frozenset(t for t in tokens if t not in GENERIC))


_RELAY = re.compile(
    r"^\s*(?:\[[^\]]{1,40}\]|\((?:relais|repost|rt)\)|(?:a\s+lire|a\s+voir|lu\s+ailleurs|relais"
    r"|repost|via\s+\S+|zu\s+lesen|read|fwd?|rt\s+@[\w.@-]{1,60})\s*[:\-–—|]+)\s*", re.I)
"""A relay's prefix: "[Relais]", "À lire :", "Fwd:", a social bridge's "RT @lorntech:"."""
_ORG_SUFFIX = re.compile(r"\s+[-–—|]\s+[^-–—|]{1,40}$")


def strip_decorations(title: str, brands: Sequence[str] = ()) -> tuple[str, bool]:
    """A relayed news title without "[Relais]", "À lire :", "RT @org:" or a trailing "– Org".

    Returns the bare title and whether anything was removed (a decorated title is a relay, so
    the merge policy prefers the other one).
    """
    text = fold(title)
    bare = text
    while True:
        stripped = _RELAY.sub("", bare, count=1)
        if stripped == bare:
            break
        bare = stripped
    suffix = _ORG_SUFFIX.search(bare)
    if suffix and _is_org(suffix.group(0), brands):
        bare = bare[: suffix.start()]
    return bare.strip(), bare.strip() != text.strip()


def _is_org(suffix: str, brands: Sequence[str]) -> bool:
    """True when a " – X" suffix names a known source (never strip a subtitle otherwise)."""
    return " ".join(tokens_of(suffix)) in brands


def normalise_brand(name: str) -> str:
    """A source name as :func:`strip_decorations` compares it."""
    return " ".join(tokens_of(fold(name)))
