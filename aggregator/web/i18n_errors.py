"""Why a public page is not found, in fr, en, de (``i18n.MESSAGES`` takes them in).

A route raises :func:`not_found` with its reason: a JSON answer gives it in English, for
programs; a page for people in the reader's language (``web._error``, by :data:`REASONS`):
a French subscriber following an old link from last month's digest read "no such event in
the published calendar" under "Page introuvable."."""

from __future__ import annotations

from typing import Literal

from fastapi import HTTPException

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
    "err_no_page": (
        "Il n’y a pas de page à cette adresse : le lien est peut-être ancien ou mal recopié. "
        "Repartez de l’agenda.",
        "There is no page at this address: the link may be old or mistyped. Start again from "
        "the agenda.",
        "Unter dieser Adresse gibt es keine Seite: Der Link ist vielleicht alt oder falsch "
        "abgeschrieben. Beginnen Sie wieder beim Kalender."),
    "err_no_calendar": (
        "Il n’y a pas de calendrier à cette adresse : le lien est peut-être ancien ou mal "
        "recopié. Les calendriers proposés sont sur la page « S’abonner au calendrier ».",
        "There is no calendar at this address: the link may be old or mistyped. The "
        "calendars on offer are listed on “Subscribe to the calendar”.",
        "Unter dieser Adresse gibt es keinen Kalender: Der Link ist vielleicht alt oder "
        "falsch abgeschrieben. Die angebotenen Kalender stehen unter „Kalender abonnieren“."),
    "err_form_only": (
        "Cette adresse ne s’ouvre pas ainsi : elle reçoit un formulaire (un favori ou une page "
        "rechargée y mène parfois). Rien n’a été fait ; repartez de la page du formulaire.",
        "This address does not open this way: it receives a form (a bookmark or a reloaded "
        "page sometimes leads here). Nothing was done; start again from the form’s page.",
        "Diese Adresse lässt sich so nicht öffnen: Sie nimmt ein Formular entgegen (ein "
        "Lesezeichen oder eine neu geladene Seite führt manchmal hierher). Es wurde nichts "
        "getan; beginnen Sie wieder auf der Seite des Formulars."),
    "bad_request_title": ("Adresse incorrecte", "Invalid address", "Ungültige Adresse"),
    "err_bad_query": (
        "Cette adresse a une valeur incorrecte pour {names} : le lien a peut-être été coupé "
        "ou modifié. Repartez de l’agenda.",
        "This address has a value that is not valid for {names}: the link may have been cut "
        "or changed. Start again from the agenda.",
        "Diese Adresse hat einen ungültigen Wert für {names}: Der Link wurde vielleicht "
        "abgeschnitten oder verändert. Beginnen Sie wieder beim Kalender."),
    "err_forbidden": (
        "Ce formulaire n’a pas pu être vérifié (la page est restée ouverte longtemps, ou votre "
        "navigateur refuse les cookies de ce site) : rien n’a été fait.",
        "This form could not be verified (the page stayed open a long time, or your browser "
        "refuses this site’s cookies): nothing was done.",
        "Dieses Formular konnte nicht überprüft werden (die Seite war lange geöffnet, oder Ihr "
        "Browser lehnt die Cookies dieser Website ab): Es wurde nichts getan."),
    "unauthorized_title": ("Connexion requise", "Login required", "Anmeldung erforderlich"),
    "err_admin_login": (
        "Votre session d’administration a pris fin (elle dure 8 heures, jusqu’à « Se "
        "déconnecter ») : rien n’a été fait. Connectez-vous, puis recommencez.",
        "Your admin session has ended (it lasts 8 hours, until “Log out”): nothing was done. "
        "Log in, then do it again.",
        "Ihre Verwaltungssitzung ist beendet (sie dauert 8 Stunden, bis „Abmelden“): Es wurde "
        "nichts getan. Melden Sie sich an und wiederholen Sie es dann."),
    "unavailable_title": ("Service momentanément indisponible", "Temporarily unavailable",
                          "Vorübergehend nicht verfügbar"),
    "err_unavailable": (
        "Cette page ne peut pas être affichée pour l’instant : réessayez dans quelques minutes.",
        "This page cannot be shown right now: please try again in a few minutes.",
        "Diese Seite kann gerade nicht angezeigt werden: Bitte versuchen Sie es in einigen "
        "Minuten erneut."),
}
QUOTES = {"fr": "« {} »", "en": "“{}”", "de": "„{}“"}
"""A parameter's name as each language quotes it."""

Reason = Literal["err_no_event", "err_no_organisation", "err_no_week", "err_no_digest",
                 "err_no_calendar"]

NOT_FOUND: dict[Reason, str] = {
    "err_no_event": "no such event in the published calendar",
    "err_no_organisation": "no such organisation",
    "err_no_week": "no such week",
    "err_no_digest": "no digest for this week",
    "err_no_calendar": "no such calendar: the calendars are listed on /calendars",
}
"""Each reason as a JSON answer gives it (``detail``, in English, for programs)."""

ADMIN_LOGIN = "log in at /admin/login or send Authorization: Bearer <token>"
"""Why an admin request without valid credentials is refused (401), for scripts."""

REASONS: dict[str, str] = {text: key for key, text in NOT_FOUND.items()} | {
    ADMIN_LOGIN: "err_admin_login", "forbidden": "err_forbidden",
    "Not Found": "err_no_page", "Method Not Allowed": "err_form_only"}
"""A JSON answer's reason -> the message a page for people gives instead (the router's own
"Not Found" and "Method Not Allowed" included: a French reader met them in English)."""


def not_found(reason: Reason) -> HTTPException:
    """The 404 of a public page: ``detail`` for programs, the page in the reader's words."""
    return HTTPException(status_code=404, detail=NOT_FOUND[reason])
