"""The emails to a registered organisation's contact: received, approved, changed, handed to
another contact, withdrawn, declined, deleted undecided; texts only, in the contact's language
(``fr``, ``en``, ``de``), apart from ``registrations`` so that module stays about what
happens."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "received": {
        "fr": ("Inscription reçue : {name}",
               "Bonjour,\n\nNous avons bien reçu l’inscription de « {name} » ({feeds} flux).\n"
               "Elle sera publiée dès qu’un modérateur l’aura validée.\n\n{base_url}/sources\n\n"
               "Pour la modifier (flux, contact…), gardez ce lien privé :\n{manage}\n"),
        "en": ("Registration received: {name}",
               "Hello,\n\nWe received the registration of \"{name}\" ({feeds_en}).\n"
               "It will be published once a moderator approves it.\n\n{base_url}/sources\n\n"
               "To change it (feeds, contact…), keep this private link:\n{manage}\n"),
        "de": ("Anmeldung erhalten: {name}",
               "Hallo,\n\nwir haben die Anmeldung von „{name}“ ({feeds_de}) erhalten.\n"
               "Sie wird veröffentlicht, sobald ein Moderator sie freigibt.\n\n{base_url}/sources\n\n"
               "Um sie zu ändern (Feeds, Kontakt…), bewahren Sie diesen privaten Link auf:\n"
               "{manage}\n"),
    },
    "approved": {
        "fr": ("Inscription validée : {name}",
               "Bonjour,\n\nL’inscription de « {name} » est validée : ses événements "
               "paraîtront à la prochaine mise à jour.\n\nSa page montre l’état de vos flux et le code pour afficher vos "
               "prochaines dates sur votre propre site :\n{base_url}/sources/{source_id}\n\n"
               "Pour la modifier (flux, contact…) :\n{manage}\n"),
        "en": ("Registration approved: {name}",
               "Hello,\n\n\"{name}\" is approved: its events appear with the next update.\n\n"
               "Its page shows the health of your feeds and the code to show your coming dates "
               "on your own site:\n{base_url}/sources/{source_id}\n\n"
               "To change it (feeds, contact…):\n{manage}\n"),
        "de": ("Anmeldung freigegeben: {name}",
               "Hallo,\n\n„{name}“ ist freigegeben: die Veranstaltungen erscheinen mit der "
               "nächsten Aktualisierung.\n\nIhre Seite zeigt den Zustand Ihrer Feeds und den "
               "Code, mit dem Sie Ihre Termine auf Ihrer eigenen Website zeigen:\n"
               "{base_url}/sources/{source_id}\n\nUm sie zu ändern (Feeds, Kontakt…):\n{manage}\n"),
    },
    "changed": {
        "fr": ("Inscription modifiée : {name}",
               "Bonjour,\n\nL’inscription de « {name} » vient d’être modifiée avec son lien "
               "privé ; les changements valent dès la prochaine mise à jour.\n\n"
               "{page}\n\nSi vous n’y êtes pour rien, écrivez-nous.\n"),
        "en": ("Registration changed: {name}",
               "Hello,\n\nThe registration of \"{name}\" was just changed through its private "
               "link; the changes apply from the next update.\n\n{page}"
               "\n\nIf this was not you, write to us.\n"),
        "de": ("Anmeldung geändert: {name}",
               "Hallo,\n\ndie Anmeldung von „{name}“ wurde soeben über ihren privaten Link "
               "geändert; die Änderungen gelten ab der nächsten Aktualisierung.\n\n"
               "{page}\n\nFalls Sie das nicht waren, schreiben Sie uns.\n"),
    },
    "changed_unpublished": {
        "fr": ("Inscription modifiée : {name}",
               "Bonjour,\n\nL’inscription de « {name} » vient d’être modifiée avec son lien "
               "privé. Elle n’est pas publiée pour l’instant ; la voici :\n{manage}\n\n"
               "Si vous n’y êtes pour rien, écrivez-nous.\n"),
        "en": ("Registration changed: {name}",
               "Hello,\n\nThe registration of \"{name}\" was just changed through its private "
               "link. It is not published for now; here it is:\n{manage}\n\n"
               "If this was not you, write to us.\n"),
        "de": ("Anmeldung geändert: {name}",
               "Hallo,\n\ndie Anmeldung von „{name}“ wurde soeben über ihren privaten Link "
               "geändert. Sie ist derzeit nicht veröffentlicht; hier ist sie:\n{manage}\n\n"
               "Falls Sie das nicht waren, schreiben Sie uns.\n"),
    },
    "link": {
        "fr": ("Votre lien pour modifier : {name}",
               "Bonjour,\n\nVoici le lien privé pour modifier l’inscription de « {name} » "
               "(flux, contact…) :\n{manage}\n\nSi vous ne l’avez pas demandé, ignorez ce "
               "message.\n"),
        "en": ("Your link to change it: {name}",
               "Hello,\n\nHere is the private link to change the registration of \"{name}\" "
               "(feeds, contact…):\n{manage}\n\nIf you did not ask for it, ignore this "
               "message.\n"),
        "de": ("Ihr Link zum Ändern: {name}",
               "Hallo,\n\nhier ist der private Link, um die Anmeldung von „{name}“ zu ändern "
               "(Feeds, Kontakt…):\n{manage}\n\nFalls Sie ihn nicht angefordert haben, "
               "ignorieren Sie diese Nachricht.\n"),
    },
    "comeback": {
        "fr": ("Revenir dans l’agenda : {name}",
               "Bonjour,\n\nL’organisation « {name} » a été retirée de l’agenda avec son lien "
               "privé. Pour qu’elle revienne avec sa page et ses adresses, ouvrez ce lien et choisissez "
               "« Demander à revenir » (un modérateur la valide de nouveau) :\n{manage}\n\n"
               "Ce lien fonctionne jusqu’au {until} ; ensuite votre adresse et ce lien sont "
               "effacés, et revenir demande une nouvelle inscription.\n\n"
               "Si vous ne l’avez pas demandé, ignorez ce message.\n"),
        "en": ("Come back to the agenda: {name}",
               "Hello,\n\n\"{name}\" was withdrawn from the agenda through its private link. "
               "For it to come back with its page and addresses, open this link and choose "
               "\"Ask to come back\" (a moderator approves it again):\n{manage}\n\n"
               "This link works until {until}; then your address and the link are erased, "
               "and coming back means registering again.\n\n"
               "If you did not ask for it, ignore this message.\n"),
        "de": ("In die Agenda zurückkehren: {name}",
               "Hallo,\n\n„{name}“ wurde über ihren privaten Link aus der Agenda "
               "zurückgezogen. Damit sie mit ihrer Seite und ihren Adressen zurückkehrt, öffnen "
               "Sie diesen Link und wählen Sie „Rückkehr beantragen“ (ein Moderator gibt sie "
               "erneut frei):\n{manage}\n\nDieser Link funktioniert bis zum {until}; danach "
               "werden Ihre Adresse und der Link gelöscht, und eine Rückkehr erfordert eine "
               "neue Anmeldung.\n\nFalls Sie das nicht angefordert haben, ignorieren "
               "Sie diese Nachricht.\n"),
    },
    "withdrawn": {
        "fr": ("Organisation retirée : {name}",
               "Bonjour,\n\nL’organisation « {name} » vient d’être retirée de l’agenda avec "
               "son lien privé : ses flux ne sont plus lus, et ses événements et actualités quittent l’agenda à "
               "la prochaine mise à jour.\n\nPour revenir, ou si vous n’y êtes pour rien :\n"
               "{manage}\n\nCe lien fonctionne {kept} jours ; ensuite votre adresse et ce lien "
               "sont effacés, et revenir demande une nouvelle inscription.\n"),
        "en": ("Organisation withdrawn: {name}",
               "Hello,\n\n\"{name}\" was just withdrawn from the agenda through its private "
               "link: its feeds are no longer read, and its events and news leave the agenda "
               "with the next update.\n\nTo come back, or if this was not you:\n{manage}\n\n"
               "This link works for {kept} days; then your address and the link are erased, "
               "and coming back means registering again.\n"),
        "de": ("Organisation zurückgezogen: {name}",
               "Hallo,\n\n„{name}“ wurde soeben über ihren privaten Link aus der Agenda "
               "zurückgezogen: ihre Feeds werden nicht mehr gelesen, ihre Veranstaltungen und "
               "Nachrichten verschwinden mit der nächsten Aktualisierung.\n\nUm zurückzukehren, "
               "oder falls Sie das nicht waren:\n{manage}\n\nDieser Link funktioniert {kept} "
               "Tage lang; danach werden Ihre Adresse und der Link gelöscht, und eine Rückkehr "
               "erfordert eine neue Anmeldung.\n"),
    },
    "expired": {
        "fr": ("Inscription non traitée : {name}",
               "Bonjour,\n\nL’inscription de « {name} » attendait la décision d’un modérateur "
               "depuis {undecided} jours : comme l’annonçait le formulaire, elle est maintenant "
               "effacée, avec votre adresse. Veuillez nous en excuser.\n\nPour figurer dans "
               "l’agenda, inscrivez de nouveau l’organisation :\n{base_url}/register\n"),
        "en": ("Registration not reviewed: {name}",
               "Hello,\n\nThe registration of \"{name}\" had awaited a moderator's decision for "
               "{undecided} days: as the form said, it is now deleted, with your address. We "
               "apologise.\n\nTo be listed in the agenda, register the organisation again:\n"
               "{base_url}/register\n"),
        "de": ("Anmeldung nicht bearbeitet: {name}",
               "Hallo,\n\ndie Anmeldung von „{name}“ wartete seit {undecided} Tagen auf die "
               "Entscheidung eines Moderators: Wie im Formular angekündigt, ist sie nun "
               "gelöscht, mit Ihrer Adresse. Bitte entschuldigen Sie.\n\nUm in der Agenda zu "
               "erscheinen, melden Sie die Organisation erneut an:\n{base_url}/register\n"),
    },
    "rejected": {
        "fr": ("Inscription refusée : {name}", "Bonjour,\n\nL’inscription de « {name} » n’a pas été retenue.\n{note}\n"),
        "en": ("Registration declined: {name}", "Hello,\n\n\"{name}\" was not accepted.\n{note}\n"),
        "de": ("Anmeldung abgelehnt: {name}", "Hallo,\n\n„{name}“ wurde nicht angenommen.\n{note}\n"),
    },
    "handed": {
        "fr": ("Vous êtes le contact de : {name}",
               "Bonjour,\n\nVous êtes désormais le contact de « {name} » dans l’agenda. Voici "
               "le lien privé pour modifier son inscription (flux, contact…) ou la retirer ; "
               "gardez-le pour vous :\n{manage}\n\nSi vous ne vous y attendiez pas, "
               "écrivez-nous.\n"),
        "en": ("You are the contact of: {name}",
               "Hello,\n\nYou are now the contact of \"{name}\" in the agenda. Here is the "
               "private link to change its registration (feeds, contact…) or withdraw it; keep "
               "it to yourself:\n{manage}\n\nIf you did not expect this, write to us.\n"),
        "de": ("Sie sind der Kontakt von: {name}",
               "Hallo,\n\nSie sind jetzt der Kontakt von „{name}“ in der Agenda. Hier ist der "
               "private Link, um die Anmeldung zu ändern (Feeds, Kontakt…) oder sie "
               "zurückzuziehen; behalten Sie ihn für sich:\n{manage}\n\nFalls Sie das nicht "
               "erwartet haben, schreiben Sie uns.\n"),
    },
    "handed_former": {
        "fr": ("Inscription confiée à un autre contact : {name}",
               "Bonjour,\n\nL’inscription de « {name} » vient d’être confiée à une autre "
               "adresse de contact avec son lien privé : ce lien ne fonctionne plus, le "
               "nouveau contact a reçu le sien.\n\nSi vous n’y êtes pour rien, écrivez-nous.\n"),
        "en": ("Registration handed to another contact: {name}",
               "Hello,\n\nThe registration of \"{name}\" was just handed to another contact "
               "address through its private link: that link no longer works, the new contact "
               "was sent its own.\n\nIf this was not you, write to us.\n"),
        "de": ("Anmeldung an einen anderen Kontakt übergeben: {name}",
               "Hallo,\n\ndie Anmeldung von „{name}“ wurde soeben über ihren privaten Link an "
               "eine andere Kontaktadresse übergeben: Dieser Link funktioniert nicht mehr, der "
               "neue Kontakt hat seinen eigenen erhalten.\n\nFalls Sie das nicht waren, "
               "schreiben Sie uns.\n"),
    },
}
