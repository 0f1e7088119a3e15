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
    "manage_handed": (
        "Modifications enregistrées. L’inscription est confiée à {contact} : son nouveau lien "
        "privé lui a été envoyé, et ce lien-ci ne fonctionne plus.",
        "Changes saved. The registration is handed to {contact}: its new private link was sent "
        "there, and this link no longer works.",
        "Änderungen gespeichert. Die Anmeldung ist an {contact} übergeben: Der neue private "
        "Link wurde dorthin gesendet, dieser Link funktioniert nicht mehr."),
    "manage_handed_unsent": (
        "Modifications enregistrées. L’inscription est confiée à {contact}, mais le courriel "
        "de son nouveau lien n’a pas pu partir : cette adresse peut le redemander sur /manage. "
        "Ce lien-ci ne fonctionne plus.",
        "Changes saved. The registration is handed to {contact}, but the email with its new "
        "link could not be sent: that address can ask for it again on /manage. This link no "
        "longer works.",
        "Änderungen gespeichert. Die Anmeldung ist an {contact} übergeben, aber die E-Mail mit "
        "ihrem neuen Link konnte nicht gesendet werden: Diese Adresse kann ihn auf /manage "
        "erneut anfordern. Dieser Link funktioniert nicht mehr."),
    "manage_switched_off": (
        "Inscription validée, mais l’opérateur a désactivé cette organisation : ses flux ne "
        "sont plus lus et ses événements ne sont plus publiés. Écrivez-nous pour en savoir "
        "plus.",
        "Registration approved, but switched off by the operator: its feeds are no longer read "
        "and its events are not published. Write to us to find out why.",
        "Anmeldung freigegeben, aber vom Betreiber abgeschaltet: Ihre Feeds werden nicht mehr "
        "gelesen und ihre Termine nicht veröffentlicht. Schreiben Sie uns, um den Grund zu "
        "erfahren."),
    "manage_status_rejected": (
        "Inscription refusée : elle n’est pas publiée, et ce que vous changez ici n’est pas "
        "réexaminé. Pour qu’elle soit reconsidérée, inscrivez de nouveau l’organisation.",
        "Registration declined: it is not published, and what you change here is not reviewed "
        "again. To be considered again, register the organisation anew.",
        "Anmeldung abgelehnt: Sie wird nicht veröffentlicht, und was Sie hier ändern, wird "
        "nicht erneut geprüft. Um erneut berücksichtigt zu werden, melden Sie die "
        "Organisation neu an."),
}
