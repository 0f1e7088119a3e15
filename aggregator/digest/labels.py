"""PURE: every word of the digest in French, English and German, and how dates read.

Dates and times go through Babel with one pattern per language, because the CLDR "full"
formats add the year and English 24-hour times: "lundi 7 décembre, 18 h 30",
"Monday 7 December, 6:30 pm", "Montag, 7. Dezember, 18:30".
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel.dates import format_date, format_time

from ..render.text import first_of_month

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "colon": "\u00a0:",  # before a link in the text part; French puts a (no-break) space first
        "title": "L’agenda numérique de la semaine",
        "intro": "Les événements des deux semaines à venir et les actualités de la semaine "
                 "passée, du {start} au {end}.",
        "events": "Événements", "news": "Actualités de la semaine",
        "no_events": "Aucun événement annoncé pour ces deux semaines.",
        "no_news": "Aucune actualité cette semaine.",
        "all_day": "Toute la journée", "cancelled": "ANNULÉ", "by": "par",
        "also_by": "aussi publié par", "details": "Détails", "add": "Ajouter à mon agenda",
        "webcal": "S’abonner au calendrier", "agenda": "Voir l’agenda en ligne",
        "filters": "Votre sélection :", "everything": "tout",
        "why": "Vous recevez ce message parce que vous êtes abonné·e à l’agenda hebdomadaire.",
        "unsubscribe": "Se désabonner", "preferences": "Modifier mes préférences",
        "subscribe": "Recevoir ce courriel chaque semaine",
        "events_n": "{n} événement|{n} événements", "news_n": "{n} actualité|{n} actualités",
        "this_week": "cette semaine", "next_two": "dans les deux semaines à venir",
        "in": "à", "and": "et", "nothing": "Rien de prévu cette semaine",
        "week": "Semaine du {start}",
        "more_n": "… et {n} autre événement dans l’agenda en ligne|… et {n} autres événements dans l’agenda en ligne",
        "news_more_n": "… et {n} autre actualité sur le site|… et {n} autres actualités sur le site",
    },
    "en": {
        "colon": ":",
        "title": "This week's digital agenda",
        "intro": "Events of the next two weeks and news of the past week, {start} to {end}.",
        "events": "Events", "news": "News of the week",
        "no_events": "No events announced for these two weeks.",
        "no_news": "No news this week.",
        "all_day": "All day", "cancelled": "CANCELLED", "by": "by",
        "also_by": "also posted by", "details": "Details", "add": "Add to my calendar",
        "webcal": "Subscribe to the calendar", "agenda": "See the agenda online",
        "filters": "Your selection:", "everything": "everything",
        "why": "You get this email because you subscribed to the weekly agenda.",
        "unsubscribe": "Unsubscribe", "preferences": "Change my preferences",
        "subscribe": "Get this email every week",
        "events_n": "{n} event|{n} events", "news_n": "{n} news item|{n} news items",
        "this_week": "this week", "next_two": "in the next two weeks",
        "in": "in", "and": "and", "nothing": "Nothing planned this week",
        "week": "Week of {start}",
        "more_n": "… and {n} more event in the online agenda|… and {n} more events in the online agenda",
        "news_more_n": "… and {n} more news item on the website|… and {n} more news items on the website",
    },
    "de": {
        "colon": ":",
        "title": "Die Digital-Agenda der Woche",
        "intro": "Veranstaltungen der nächsten zwei Wochen und Nachrichten der letzten Woche, "
                 "{start} bis {end}.",
        "events": "Veranstaltungen", "news": "Nachrichten der Woche",
        "no_events": "Keine Veranstaltungen in diesen zwei Wochen angekündigt.",
        "no_news": "Keine Nachrichten diese Woche.",
        "all_day": "Ganztägig", "cancelled": "ABGESAGT", "by": "von",
        "also_by": "auch veröffentlicht von", "details": "Details",
        "add": "In meinen Kalender", "webcal": "Kalender abonnieren",
        "agenda": "Agenda online ansehen", "filters": "Ihre Auswahl:", "everything": "alles",
        "why": "Sie erhalten diese E-Mail, weil Sie die Wochenagenda abonniert haben.",
        "unsubscribe": "Abbestellen", "preferences": "Einstellungen ändern",
        "subscribe": "Diese E-Mail jede Woche erhalten",
        "events_n": "{n} Veranstaltung|{n} Veranstaltungen",
        "news_n": "{n} Nachricht|{n} Nachrichten",
        "this_week": "diese Woche", "next_two": "in den nächsten zwei Wochen",
        "in": "in", "and": "und", "nothing": "Diese Woche nichts geplant",
        "week": "Woche vom {start}",
        "more_n": "… und {n} weitere Veranstaltung in der Online-Agenda|… und {n} weitere Veranstaltungen in der Online-Agenda",
        "news_more_n": "… und {n} weitere Nachricht auf der Website|… und {n} weitere Nachrichten auf der Website",
    },
}

DAY_PATTERNS = {"fr": "EEEE d MMMM", "en": "EEEE d MMMM", "de": "EEEE, d. MMMM"}
DATE_PATTERNS = {"fr": "d MMMM", "en": "d MMMM", "de": "d. MMMM"}
"""A day without its weekday ("30 novembre", "30. November": German writes the ordinal dot)."""
YEAR_DATE_PATTERNS = {"fr": "d MMMM y", "en": "d MMMM y", "de": "d. MMMM y"}
"""A day with its year, as an archive lists past weeks ("30 novembre 2026")."""
TIME_PATTERNS = {"fr": "H 'h' mm", "en": "h:mm a", "de": "HH:mm"}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["fr"])


def plural(language: str, key: str, n: int) -> str:
    """"1 événement", "0 événement" (French singular), "2 events"."""
    one, many = labels(language)[key].split("|")
    singular = n <= 1 if language == "fr" else n == 1
    return (one if singular else many).format(n=n)


def day_label(value: date, language: str) -> str:
    return first_of_month(
        format_date(value, DAY_PATTERNS.get(language, DAY_PATTERNS["fr"]), locale=language), language)


def week_label(monday: date, language: str) -> str:
    """A week as readers name it, by its Monday: "Semaine du 30 novembre 2026" (ISO codes
    such as 2026-W49 are for machines)."""
    day = format_date(monday, YEAR_DATE_PATTERNS.get(language, YEAR_DATE_PATTERNS["fr"]),
                      locale=language if language in LABELS else "fr")
    return labels(language)["week"].format(start=first_of_month(day, language))


def time_label(value: datetime, zone: tzinfo, language: str) -> str:
    """"18 h 30" (and "18 h" on the hour), "6:30 pm", "18:30"."""
    text = format_time(value, TIME_PATTERNS.get(language, TIME_PATTERNS["fr"]),
                       tzinfo=zone, locale=language)
    if language == "fr":
        text = text.removesuffix(" 00")
    return text.replace("AM", "am").replace("PM", "pm")


def when_label(start: datetime, zone: tzinfo, language: str) -> str:
    """A full moment: "lundi 7 décembre, 18 h 30"."""
    local = start.astimezone(zone)
    return f"{day_label(local.date(), language)}, {time_label(local, zone, language)}"
