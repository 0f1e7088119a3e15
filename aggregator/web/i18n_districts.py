"""What the agenda says of a city filter that names a district or a place, not a city
(``web/districts.py``), and of a kind, topic or organisation filter that names nothing
(``unknown_*``: ``web/unknown_filters.py``), in fr, en, de (``i18n.MESSAGES`` takes them in)."""

from __future__ import annotations

DISTRICT_MESSAGES: dict[str, tuple[str, str, str]] = {
    "district_note": ("Un quartier situé à {city} : les événements de ses lieux connus ({venues}) "
                      "et ceux dont le lieu nomme {place}.",
                      "A district of {city}: the events at its known venues ({venues}) and "
                      "those whose place names {place}.",
                      "Ein Stadtteil von {city}: die Veranstaltungen an seinen bekannten Orten "
                      "({venues}) und die, deren Ort {place} nennt."),
    "district_named": ("Un quartier situé à {city} : les événements dont le lieu nomme {place}.",
                       "A district of {city}: the events whose place names {place}.",
                       "Ein Stadtteil von {city}: die Veranstaltungen, deren Ort {place} nennt."),
    "place_note": ("Pas une ville de l’agenda : les événements dont le lieu nomme {place} "
                   "(à {cities}).",
                   "Not a city of the agenda: the events whose place names {place} (in {cities}).",
                   "Keine Stadt des Kalenders: die Veranstaltungen, deren Ort {place} nennt "
                   "(in {cities})."),
    "no_place": ("Aucune ville ni aucun lieu d’événement ne s’appelle « {place} » : choisissez "
                 "une ville dans la liste.",
                 "No city and no event’s place is named “{place}”: choose a city from the list.",
                 "Keine Stadt und kein Veranstaltungsort heißt „{place}“: wählen Sie eine Stadt "
                 "aus der Liste."),
    "district_news": ("{place} n’est pas une ville : les actualités des organisations de ses "
                      "événements et de celles qui y sont.",
                      "{place} is not a city: the news of the organisations of its events and "
                      "of those based there.",
                      "{place} ist keine Stadt: die Nachrichten der Organisationen seiner "
                      "Veranstaltungen und der dort ansässigen."),
    "district_city": ("Toute la ville : {city}", "The whole city: {city}",
                      "Die ganze Stadt: {city}"),
    "district_choice": ("{place} (quartier {of_city})", "{place} (a district of {city})",
                        "{place} (Stadtteil von {city})"),
    "place_choice": ("{place} (un lieu à {city})", "{place} (a place in {city})",
                     "{place} (ein Ort in {city})"),
    "unknown_kind": ("Aucun type d’organisation ne s’appelle « {value} » : choisissez-en un "
                     "dans la liste.",
                     "No kind of organisation is named “{value}”: choose one from the list.",
                     "Keine Art von Organisation heißt „{value}“: wählen Sie eine aus der "
                     "Liste."),
    "unknown_tag": ("Aucun thème ne s’appelle « {value} » : choisissez-en un dans la liste.",
                    "No topic is named “{value}”: choose one from the list.",
                    "Kein Thema heißt „{value}“: wählen Sie eines aus der Liste."),
    "unknown_source": ("Aucune organisation ne s’appelle « {value} » : choisissez-en une dans "
                       "la liste.",
                       "No organisation is named “{value}”: choose one from the list.",
                       "Keine Organisation heißt „{value}“: wählen Sie eine aus der Liste."),
    "without_filter": ("Sans ce filtre", "Without this filter", "Ohne diesen Filter"),
}
"""``district_choice``, ``place_choice``: the sign-up and preferences forms' checkbox of a
followed district (Kirchberg) or place (Gasperich), beside the cities."""


def of_city(city: str) -> str:
    """French "de {city}", elided before a vowel: "de Luxembourg", "d’Esch-sur-Alzette",
    "d’Épinal"; not before an h, aspirated in the region's names ("de Hesperange")."""
    first = city[:1].casefold()
    return f"d’{city}" if first and first in "aeiouyàâäéèêëîïôöùûüœ" else f"de {city}"
