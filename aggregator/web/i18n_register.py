"""The registration form's texts about reading its feeds when it is sent, in fr, en, de
(``i18n.MESSAGES`` takes them in)."""

from __future__ import annotations

REGISTER_MESSAGES: dict[str, tuple[str, str, str]] = {
    "feeds_unreadable": (
        "Nous n’avons pas pu lire {n} de ces flux (voir ci-dessous) : corrigez l’adresse, ou "
        "réessayez plus tard si le site est en panne. Rien n’a été enregistré.",
        "We could not read {n} of these feeds (see below): correct the address, or try again "
        "later if the site is down. Nothing was recorded.",
        "{n} dieser Feeds konnten wir nicht lesen (siehe unten): korrigieren Sie die Adresse "
        "oder versuchen Sie es später erneut, falls die Website nicht erreichbar ist. Es wurde "
        "nichts gespeichert."),
}
