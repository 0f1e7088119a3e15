"""Topics (sources.yaml ``tags``) and kinds of organisation as a reader of each language
names them, and topics as an organiser types them.

The operator writes tags as short slugs (``ai``, ``open-source``); the filters, the sign-up
form and the calendars page showed them so, in English and lower case, on French and German
pages. The region's usual topics have their words here; any other reads as its slug, spaced
and capitalised ("low-code" → "Low code"). The slug stays what links and filters carry.

An organiser registering types topics in its own words ("IA, cybersécurité, C++"): they were
stored as slugs of those words ("ia", "cybersecurite", "c"), beside the operator's "ai", so the
topic filter offered "IA" twice and the organisation was missing from ``?tag=ai``. A word that
names a known topic in any of the three languages becomes its slug (:func:`topic_slug`); any
other keeps its words and accents (:func:`typed_topics`), filters and calendars comparing slugs.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import LANGUAGES, Source
from .slug import SPELLED, slugify

TOPICS: dict[str, tuple[str, str, str]] = {  # in LANGUAGES' order: fr, en, de
    "ai": ("IA", "AI", "KI"),
    "data": ("Données", "Data", "Daten"),
    "hardware": ("Matériel", "Hardware", "Hardware"),
    "open-source": ("Logiciel libre", "Open source", "Open Source"),
    "research": ("Recherche", "Research", "Forschung"),
    "security": ("Sécurité", "Security", "Sicherheit"),
    "cybersecurity": ("Cybersécurité", "Cybersecurity", "Cybersicherheit"),
    "startup": ("Start-up", "Start-ups", "Start-ups"),
    "web": ("Web", "Web", "Web"),
    "iot": ("Objets connectés", "Internet of things", "Internet der Dinge"),
    "robotics": ("Robotique", "Robotics", "Robotik"),
    "health": ("Santé", "Health", "Gesundheit"),
    "education": ("Éducation", "Education", "Bildung"),
    "design": ("Design", "Design", "Design"),
    "games": ("Jeu vidéo", "Games", "Games"),
    "cloud": ("Cloud", "Cloud", "Cloud"),
    "blockchain": ("Blockchain", "Blockchain", "Blockchain"),
    "fintech": ("Fintech", "Fintech", "Fintech"),
    "space": ("Spatial", "Space", "Raumfahrt"),
    "energy": ("Énergie", "Energy", "Energie"),
    "mobility": ("Mobilité", "Mobility", "Mobilität"),
    "entrepreneurship": ("Entrepreneuriat", "Entrepreneurship", "Unternehmertum"),
    "innovation": ("Innovation", "Innovation", "Innovation"),
    "community": ("Communauté", "Community", "Community"),
    "cpp": ("C++", "C++", "C++"),
    "csharp": ("C#", "C#", "C#"),
    "dotnet": (".NET", ".NET", ".NET"),
    "fsharp": ("F#", "F#", "F#"),
    "privacy": ("Vie privée", "Privacy", "Datenschutz"),
}
KINDS: dict[str, tuple[str, str, str]] = {  # models.SOURCE_KINDS, in LANGUAGES' order
    "startup": ("Start-up", "Start-up", "Start-up"),
    "lab": ("Laboratoire", "Lab", "Labor"),
    "association": ("Association", "Association", "Verein"),
    "venue": ("Lieu", "Venue", "Veranstaltungsort"),
    "institution": ("Institution", "Institution", "Institution"),
    "company": ("Entreprise", "Company", "Unternehmen"),
}
"""The kinds of organisation as each language names them (the pages, the calendars' names)."""
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "lab": ("Labo", "Laboratory", "Laboratorium"), "association": ("Asso",),
    "company": ("Firma",),
}
"""Other names a reader types for a kind (French "labo", German "Firma"), read as it."""


def topic(tag: str, language: str) -> str:
    """The name of ``tag`` in ``language``: "ai" is "IA" in French, "KI" in German, and so
    is a tag written as another of its names (an operator's "IA" read "IA" in German)."""
    known = TOPICS.get(tag.strip().lower()) or TOPICS.get(topic_slug(tag))
    if known is not None:
        return known[LANGUAGES.index(language) if language in LANGUAGES else 0]
    words = tag.strip()
    if words == slugify(words):  # the operator's slug: "low-code" reads "Low code"
        words = words.replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def filter_word(facet: str, value: str, language: str) -> str:
    """A filter's value as a reader of ``language`` names it: a kind ("venue": "Lieu") and a
    topic in words, a city as written. A filtered calendar's name showed "– venue", "– ai"
    in the subscriber's list of calendars."""
    if facet == "kind" and value in KINDS:
        return KINDS[value][LANGUAGES.index(language) if language in LANGUAGES else 0]
    if facet == "tag":
        return topic(value, language)
    return value


ALIASES: dict[str, tuple[str, ...]] = {
    "ai": ("Intelligence artificielle", "Artificial intelligence", "Künstliche Intelligenz"),
    "data": ("Open data",),
    "cybersecurity": ("Sécurité informatique",),
    "startup": ("Startups",),
    "iot": ("IoT",),
    "privacy": ("RGPD", "GDPR", "DSGVO", "Protection des données", "Data protection"),
}
"""Other names of a topic than :data:`TOPICS`' three, as organisers type them and readers
search for them ("Künstliche Intelligenz" is ai, "RGPD" privacy)."""


def topic_names(slug: str) -> tuple[str, ...]:
    """Every name of the topic ``slug``: its three languages' and :data:`ALIASES`."""
    return (*TOPICS.get(slug, ()), *ALIASES.get(slug, ()))


def _by_name() -> dict[str, str]:
    names = {slugify(name): slug for slug in TOPICS for name in topic_names(slug)}
    names.update({slug: slug for slug in TOPICS})
    return names


BY_NAME = _by_name()


def topic_slug(typed: str) -> str:
    """The slug of a topic as an organiser typed it: a known topic's ("IA", "KI",
    "Cybersécurité" give "ai", "ai", "cybersecurity"), else the word's own slug ("" for none)."""
    word = typed.strip()
    if word.lower() in SPELLED:
        return SPELLED[word.lower()]
    slug = slugify(word)
    return BY_NAME.get(slug, slug)


MAX_TOPIC = 60
"""A typed topic's length at most, in characters (a phrase, not a description)."""


def typed_topics(typed: Iterable[str], most: int = 10) -> tuple[str, ...]:
    """The topics an organiser typed, as stored: a known topic's slug ("IA": "ai"), any
    other in its own words, spaces tidied ("Réalité virtuelle": stored as its slug, it read
    "Realite virtuelle" on every page), each topic once however often it is spelled."""
    kept: dict[str, str] = {}
    for word in typed:
        slug = topic_slug(word)
        if slug:
            kept.setdefault(slugify(slug), slug if slug in TOPICS
                            else " ".join(word.split())[:MAX_TOPIC])
    return tuple(kept.values())[:most]


def offered_topics(sources: Iterable[Source]) -> set[str]:
    """The topics ``sources`` give, as the filters, the sign-up form and the registration
    form offer them: each once, in :func:`one_spelling`."""
    return one_spelling(tag for source in sources for tag in source.tags)


def one_spelling(tags: Iterable[str]) -> set[str]:
    """The topics ``tags`` name, each once: two organisations' "Réalité virtuelle" and
    "réalité virtuelle" are one filter, one box to tick, one calendar. The spelling kept
    is the one with the most accents, then capitals (what a reader of the language
    writes), then the first in alphabetical order, whatever the order organisations come."""
    chosen: dict[str, str] = {}
    for tag in sorted(set(tags)):
        slug = slugify(tag)
        if slug and (slug not in chosen or _richness(tag) > _richness(chosen[slug])):
            chosen[slug] = tag
    return set(chosen.values())


def _richness(tag: str) -> tuple[int, int]:
    return sum(not c.isascii() for c in tag), sum(c.isupper() for c in tag)
