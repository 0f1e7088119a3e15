"""The registration form's texts about reading its feeds when it is sent, in fr, en, de
(``i18n.MESSAGES`` takes them in)."""

from __future__ import annotations

REGISTER_MESSAGES: dict[str, tuple[str, str, str]] = {
    "not_public": (
        "cette adresse n’est pas une adresse publique d’Internet (elle mène à notre propre "
        "réseau ou à cette machine) : donnez l’adresse publique du flux",
        "this is not a public address on the Internet (it leads into our own network or to "
        "this machine): give the feed’s public address",
        "das ist keine öffentliche Adresse im Internet (sie führt in unser eigenes Netz oder "
        "auf diesen Rechner): nennen Sie die öffentliche Adresse des Feeds"),
    "feeds_unreadable": (
        "Nous n’avons pas pu lire {n} de ces flux (voir ci-dessous) : corrigez l’adresse, ou "
        "réessayez plus tard si le site est en panne. Rien n’a été enregistré.",
        "We could not read {n} of these feeds (see below): correct the address, or try again "
        "later if the site is down. Nothing was recorded.",
        "{n} dieser Feeds konnten wir nicht lesen (siehe unten): korrigieren Sie die Adresse "
        "oder versuchen Sie es später erneut, falls die Website nicht erreichbar ist. Es wurde "
        "nichts gespeichert."),
    "country_hint": ("Deux lettres : FR, LU, DE, BE, CH…", "Two letters: FR, LU, DE, BE, CH…",
                     "Zwei Buchstaben: FR, LU, DE, BE, CH…"),
    "choose": ("Choisissez…", "Choose…", "Bitte wählen…"),
    "optional": ("(facultatif)", "(optional)", "(optional)"),  # beside a field left empty at will
    "form_expired": (
        "Ce formulaire n’a pas pu être vérifié (la page est restée ouverte longtemps, ou votre "
        "navigateur refuse les cookies de ce site) : rien n’a été enregistré. Vos saisies sont "
        "ci-dessous : vérifiez-les et envoyez-les à nouveau.",
        "This form could not be verified (the page stayed open a long time, or your browser "
        "refuses this site’s cookies): nothing was recorded. What you typed is below: check it "
        "and send it again.",
        "Dieses Formular konnte nicht überprüft werden (die Seite war lange geöffnet, oder Ihr "
        "Browser lehnt die Cookies dieser Website ab): Es wurde nichts gespeichert. Ihre "
        "Eingaben stehen unten: Prüfen Sie sie und senden Sie sie erneut."),
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
    "manage_status_pending": (
        "Inscription en attente de validation : un modérateur la valide telle que vous la "
        "laissez ici ; le contact est informé par courriel de chaque changement. Toujours "
        "sans décision le {until}, elle sera effacée, et vous en serez prévenu.",
        "Registration awaiting approval: a moderator reviews it as you leave it here; the "
        "contact is told of each change by email. If it is still undecided on {until}, it "
        "is deleted, and you are told.",
        "Anmeldung wartet auf Freigabe: Ein Moderator prüft sie so, wie Sie sie hier "
        "hinterlassen; der Kontakt wird über jede Änderung per E-Mail informiert. Ist am "
        "{until} noch nicht über sie entschieden, wird sie gelöscht, und Sie werden "
        "benachrichtigt."),
    "manage_status_withdrawn": (
        "Organisation retirée de l’agenda : ses flux ne sont pas lus. Vos changements vaudront "
        "si elle revient (« Demander à revenir », ci-dessous). Ce lien fonctionne jusqu’au "
        "{until} ; ensuite votre adresse et ce lien sont effacés.",
        "Organisation withdrawn from the agenda: its feeds are not read. Your changes apply if "
        "it comes back (“Ask to come back”, below). This link works until {until}; then your "
        "address and this link are erased.",
        "Organisation aus der Agenda zurückgezogen: Ihre Feeds werden nicht gelesen. Ihre "
        "Änderungen gelten, wenn sie zurückkehrt („Rückkehr beantragen“, unten). Dieser Link "
        "funktioniert bis zum {until}; danach werden Ihre Adresse und dieser Link gelöscht."),
    "manage_status_rejected": (
        "Inscription refusée : elle n’est pas publiée, et ce que vous changez ici n’est pas "
        "réexaminé. Pour qu’elle soit reconsidérée, inscrivez de nouveau l’organisation. "
        "Elle sera effacée le {until}.",
        "Registration declined: it is not published, and what you change here is not reviewed "
        "again. To be considered again, register the organisation anew. It is deleted on "
        "{until}.",
        "Anmeldung abgelehnt: Sie wird nicht veröffentlicht, und was Sie hier ändern, wird "
        "nicht erneut geprüft. Um erneut berücksichtigt zu werden, melden Sie die "
        "Organisation neu an. Sie wird am {until} gelöscht."),
    "registration_data": ("Télécharger tout ce qui est conservé sur cette inscription (JSON)",
                          "Download all that is kept about this registration (JSON)",
                          "Alles herunterladen, was zu dieser Anmeldung gespeichert ist (JSON)"),
    "revive": ("Le lire à nouveau", "Read it again", "Erneut lesen"),
    "revive_hint": (
        "Son serveur a répondu que ce flux n’existe plus (HTTP 410) : nous avons cessé de le "
        "lire. S’il est de retour à cette adresse :",
        "Its server answered that this feed no longer exists (HTTP 410), so we stopped reading "
        "it. If it is back at this address:",
        "Sein Server meldete, dass es diesen Feed nicht mehr gibt (HTTP 410), daher lesen wir "
        "ihn nicht mehr. Ist er unter dieser Adresse wieder da:"),
    "revive_asked": (
        "Entendu : nous le lirons à nouveau d’ici {minutes} min. S’il répond, il reprend sa "
        "place ; s’il répond encore 410, il reste désactivé. Rechargez cette page pour voir "
        "le résultat.",
        "Noted: we will read it again within {minutes} min. If it answers, it is back; if it "
        "answers 410 again, it stays disabled. Reload this page to see the result.",
        "Verstanden: Wir lesen ihn innerhalb von {minutes} Min. erneut. Antwortet er, ist er "
        "wieder dabei; antwortet er wieder mit 410, bleibt er deaktiviert. Laden Sie diese "
        "Seite neu, um das Ergebnis zu sehen."),
    "revive_refused": (
        "Ce flux n’est pas un flux désactivé de cette organisation : rien n’a changé.",
        "This is not a disabled feed of this organisation: nothing changed.",
        "Dies ist kein deaktivierter Feed dieser Organisation: Nichts wurde geändert."),
}
