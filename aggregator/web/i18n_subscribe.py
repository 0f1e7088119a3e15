"""A subscription's state as its own pages say it, in fr, en, de (``i18n.MESSAGES`` takes
them in): an unsubscribed or unconfirmed reader who opens an old digest's link must learn
that no newsletter comes, and find the way back, rather than a "Saved" that changes nothing.
"""

from __future__ import annotations

SUBSCRIBE_MESSAGES: dict[str, tuple[str, str, str]] = {
    "state_pending": (
        "Votre abonnement n’est pas encore confirmé : aucune lettre n’est envoyée à cette "
        "adresse avant sa confirmation.",
        "Your subscription is not confirmed yet: no newsletter is sent to this address until "
        "it is.",
        "Ihr Abonnement ist noch nicht bestätigt: An diese Adresse wird bis dahin kein "
        "Newsletter gesendet."),
    "state_unsubscribed": (
        "Vous êtes désabonné·e : aucune lettre n’est plus envoyée à cette adresse.",
        "You are unsubscribed: no newsletter is sent to this address any more.",
        "Sie sind abgemeldet: An diese Adresse wird kein Newsletter mehr gesendet."),
    "state_suspended": (
        "Les envois à cette adresse ont échoué plusieurs fois : la lettre est suspendue.",
        "Delivery to this address failed several times: the newsletter is paused.",
        "Die Zustellung an diese Adresse ist mehrmals fehlgeschlagen: Der Newsletter ist "
        "ausgesetzt."),
    "saved_inactive": (
        "Vos choix sont enregistrés pour le jour où vous recevrez de nouveau la lettre.",
        "Your choices are saved for when you receive the newsletter again.",
        "Ihre Auswahl ist gespeichert, für den Tag, an dem Sie den Newsletter wieder "
        "erhalten."),
    "back_pending": ("Confirmer mon abonnement", "Confirm my subscription",
                     "Abonnement bestätigen"),
    "back_unsubscribed": ("Me réabonner", "Subscribe again", "Erneut abonnieren"),
    "my_data": ("Télécharger tout ce qui est conservé à mon sujet (JSON)",
                "Download all that is kept about me (JSON)",
                "Alles herunterladen, was über mich gespeichert ist (JSON)"),
    "sum_title": ("Ce que vous recevrez", "What you will receive", "Was Sie erhalten"),
    "sum_cities": ("Villes", "Cities", "Städte"),
    "sum_cities_all": ("toutes", "all", "alle"),
    "sum_kinds": ("Types d’organisation", "Kinds of organisation", "Arten von Organisationen"),
    "sum_kinds_all": ("tous", "all", "alle"),
    "sum_topics": ("Thèmes", "Topics", "Themen"),
    "sum_topics_all": ("tous", "all", "alle"),
    "sum_sources": ("Organisations", "Organisations", "Organisationen"),
    "sum_sources_all": ("toutes", "all", "alle"),
    "sum_change": ("Vous pourrez changer ces choix à tout moment, une fois l’abonnement "
                   "confirmé, depuis vos préférences :",
                   "You can change these choices at any time once subscribed, from your "
                   "preferences:",
                   "Sie können diese Auswahl nach der Bestätigung jederzeit in Ihren "
                   "Einstellungen ändern:"),
    "back_suspended": ("Reprendre les envois", "Resume the newsletter",
                       "Newsletter fortsetzen"),
}
