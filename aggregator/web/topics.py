"""Topics (sources.yaml ``tags``) as a reader of each language names them.

The operator writes tags as short slugs (``ai``, ``open-source``); the filters, the sign-up
form and the calendars page showed them so, in English and lower case, on French and German
pages. The region's usual topics have their words here; any other reads as its slug, spaced
and capitalised ("low-code" → "Low code"). The slug stays what links and filters carry.
"""

from __future__ import annotations

TOPICS: dict[str, tuple[str, str, str]] = {
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
}
LANGUAGE_INDEX = {"fr": 0, "en": 1, "de": 2}


def topic(tag: str, language: str) -> str:
    """The name of ``tag`` in ``language``: "ai" is "IA" in French, "KI" in German."""
    known = TOPICS.get(tag.strip().lower())
    if known is not None:
        return known[LANGUAGE_INDEX.get(language, 0)]
    spaced = tag.strip().replace("-", " ").replace("_", " ")
    return spaced[:1].upper() + spaced[1:]
