"""Why a public page is not found, in fr, en, de (``i18n.MESSAGES`` takes them in).

A route raises its reason in English: the ``detail`` of a JSON answer, for programs. A page
for people gives it in the reader's language (``web._error`` looks it up in :data:`REASONS`):
a French subscriber following an old link from last month's digest read "no such event in
the published calendar" under "Page introuvable."."""

from __future__ import annotations

ERROR_MESSAGES: dict[str, tuple[str, str, str]] = {
    "err_no_event": (
        "Cet événement n’est pas (ou plus) dans l’agenda : il est peut-être passé depuis "
        "longtemps, ou son organisation l’a retiré.",
        "This event is not (or no longer) in the agenda: it may be long past, or its "
        "organisation withdrew it.",
        "Diese Veranstaltung ist nicht (mehr) im Kalender: Sie ist vielleicht längst vorbei, "
        "oder ihre Organisation hat sie zurückgezogen."),
    "err_no_organisation": (
        "Aucune organisation de l’annuaire n’a cette adresse.",
        "No organisation of the directory has this address.",
        "Keine Organisation des Verzeichnisses hat diese Adresse."),
    "err_no_week": (
        "Cette semaine n’existe pas : elle s’écrit comme 2026-W49.",
        "No such week: it is written like 2026-W49.",
        "Diese Woche gibt es nicht: Sie wird wie 2026-W49 geschrieben."),
    "err_no_digest": (
        "Aucune lettre n’a été publiée pour cette semaine.",
        "No newsletter was published for this week.",
        "Für diese Woche wurde kein Newsletter veröffentlicht."),
}

REASONS: dict[str, str] = {
    "no such event in the published calendar": "err_no_event",
    "no such organisation": "err_no_organisation",
    "no such week": "err_no_week",
    "no digest for this week": "err_no_digest",
}
"""A route's English reason -> the message a page for people gives instead."""
