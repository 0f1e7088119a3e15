"""The emails to a feed's contact about its health: down for a day, gone (410), working again;
and the operator's about registrations that await a decision (``OPERATOR_MESSAGES``).

Texts only, in the contact's language, with what the organisation can do about a feed that
moved: a registered one changes it itself through its private link (/manage), one of
sources.yaml asks the operator, who edits that file. ``ClusterMixin.watch_health`` decides
when each is sent (once per outage, whichever node sees it first).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "down": {
        "fr": ("Votre flux ne répond plus depuis 24 h : {name}",
               "Bonjour,\n\nNous n'arrivons plus à lire le flux de {name} depuis {since} :\n"
               "{url}\nDernière erreur : {error}\n\nVos événements déjà publiés restent en "
               "ligne. Nous réessayons régulièrement et vous écrirons quand il fonctionnera "
               "de nouveau.\n\n{fix}État de vos flux : {page}\n"),
        "en": ("Your feed has been failing for 24 hours: {name}",
               "Hello,\n\nWe have not been able to read the feed of {name} since {since}:\n"
               "{url}\nLast error: {error}\n\nYour events already published stay online. We "
               "keep retrying and will write again when it works.\n\n{fix}Your feeds' health: "
               "{page}\n"),
        "de": ("Ihr Feed ist seit 24 Stunden nicht erreichbar: {name}",
               "Guten Tag,\n\nwir können den Feed von {name} seit {since} nicht lesen:\n{url}\n"
               "Letzter Fehler: {error}\n\nBereits veröffentlichte Termine bleiben online. Wir "
               "versuchen es weiter und melden uns, sobald er wieder funktioniert.\n\n"
               "{fix}Zustand Ihrer Feeds: {page}\n"),
    },
    "gone": {
        "fr": ("Votre flux n'existe plus : {name}",
               "Bonjour,\n\nLe serveur de {name} répond que ce flux n'existe plus (HTTP 410) :\n"
               "{url}\n\nNous avons donc cessé de le lire. Les événements déjà publiés restent "
               "en ligne jusqu'à leur date.\n\n{fix}"),
        "en": ("Your feed no longer exists: {name}",
               "Hello,\n\nThe server of {name} answers that this feed is gone (HTTP 410):\n"
               "{url}\n\nSo we stopped reading it. Events already published stay online until "
               "their date.\n\n{fix}"),
        "de": ("Ihr Feed existiert nicht mehr: {name}",
               "Guten Tag,\n\nder Server von {name} meldet, dass dieser Feed entfernt wurde "
               "(HTTP 410):\n{url}\n\nWir lesen ihn daher nicht mehr. Bereits "
               "veröffentlichte Termine bleiben bis zu ihrem Datum online.\n\n{fix}"),
    },
    "recovered": {
        "fr": ("Votre flux fonctionne de nouveau : {name}",
               "Bonjour,\n\nLe flux de {name} se lit de nouveau normalement :\n{url}\n"
               "Merci !\n\n{page}\n"),
        "en": ("Your feed works again: {name}",
               "Hello,\n\nThe feed of {name} reads normally again:\n{url}\nThank you!\n\n"
               "{page}\n"),
        "de": ("Ihr Feed funktioniert wieder: {name}",
               "Guten Tag,\n\nder Feed von {name} ist wieder lesbar:\n{url}\nDanke!\n\n"
               "{page}\n"),
    },
}
FIX_WITH_LINK = {
    "fr": "Si son adresse a changé, indiquez la nouvelle avec votre lien privé :\n{manage}\n\n",
    "en": "If its address changed, give the new one with your private link:\n{manage}\n\n",
    "de": "Falls sich die Adresse geändert hat, tragen Sie die neue über Ihren privaten Link "
          "ein:\n{manage}\n\n",
}
FIX_GONE_WITH_LINK = {
    "fr": "Si ce flux est de retour, demandez-nous de le lire à nouveau ; si son adresse a "
          "changé, indiquez la nouvelle. Les deux se font avec votre lien privé :\n{manage}\n\n",
    "en": "If the feed is back, ask us to read it again; if its address changed, give the new "
          "one. Both are done with your private link:\n{manage}\n\n",
    "de": "Ist der Feed wieder da, bitten Sie uns, ihn erneut zu lesen; hat sich seine Adresse "
          "geändert, tragen Sie die neue ein. Beides über Ihren privaten Link:\n{manage}\n\n",
}
"""A 410 is often a slip (a plugin off for a day): the link can bring the feed back."""
FIX_WITHOUT_LINK = {
    "fr": "Si son adresse a changé, répondez-nous avec la nouvelle.\n\n",
    "en": "If its address changed, reply with the new one.\n\n",
    "de": "Falls sich die Adresse geändert hat, antworten Sie uns mit der neuen.\n\n",
}


def what_to_do(language: str, manage_link: str | None, gone: bool = False) -> str:
    """The paragraph that tells the contact how to give a moved feed's new address (and,
    for a feed ``gone``, how to have it read again)."""
    language = language if language in FIX_WITH_LINK else "fr"
    if manage_link:
        return (FIX_GONE_WITH_LINK if gone else FIX_WITH_LINK)[language].format(
            manage=manage_link)
    return FIX_WITHOUT_LINK[language]


OPERATOR_MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "pending": {
        "fr": ("Inscription à valider : {name}",
               "Bonjour,\n\n« {name} » ({kind}, {city}) demande à être publiée, contact "
               "{contact} :\n{feeds}\n\nÀ valider ou refuser : {base_url}/admin#pending\n"
               "(ou `aggregator registrations approve {id}`)\n"),
        "en": ("Registration to decide: {name}",
               "Hello,\n\n“{name}” ({kind}, {city}) asks to be published, contact "
               "{contact}:\n{feeds}\n\nApprove or reject it: {base_url}/admin#pending\n"
               "(or `aggregator registrations approve {id}`)\n"),
        "de": ("Anmeldung zu entscheiden: {name}",
               "Guten Tag,\n\n„{name}“ ({kind}, {city}) möchte veröffentlicht werden, Kontakt "
               "{contact}:\n{feeds}\n\nAnnehmen oder ablehnen: {base_url}/admin#pending\n"
               "(oder `aggregator registrations approve {id}`)\n"),
    },
    "reminder": {
        "fr": ("Inscription toujours en attente : {name}",
               "Bonjour,\n\n« {name} » (#{id}, {kind}, {city}) attend toujours une décision. "
               "Sans décision d’ici le {until}, elle sera supprimée et son contact ({contact}) "
               "prévenu, comme l’annonce le formulaire d’inscription.\n\nÀ valider ou refuser : "
               "{base_url}/admin#pending\n(ou `aggregator registrations approve {id}`)\n"),
        "en": ("Registration still awaiting a decision: {name}",
               "Hello,\n\n“{name}” (#{id}, {kind}, {city}) still awaits a decision. Without "
               "one by {until}, it will be deleted and its contact ({contact}) told, as the "
               "registration form announces.\n\nApprove or reject it: "
               "{base_url}/admin#pending\n(or `aggregator registrations approve {id}`)\n"),
        "de": ("Anmeldung wartet noch auf eine Entscheidung: {name}",
               "Guten Tag,\n\n„{name}“ (#{id}, {kind}, {city}) wartet noch auf eine "
               "Entscheidung. Ohne Entscheidung bis zum {until} wird sie gelöscht und ihr "
               "Kontakt ({contact}) benachrichtigt, wie das Anmeldeformular ankündigt.\n\n"
               "Annehmen oder ablehnen: {base_url}/admin#pending\n"
               "(oder `aggregator registrations approve {id}`)\n"),
    },
    "withdrawn": {
        "fr": ("Organisation retirée par son contact : {name}",
               "Bonjour,\n\n« {name} » s’est retirée de l’agenda avec son lien privé ; ses "
               "événements quittent les sorties au prochain build.\n\n{base_url}/admin\n"),
        "en": ("Organisation withdrawn by its contact: {name}",
               "Hello,\n\n“{name}” withdrew from the agenda with its private link; its "
               "events leave the outputs at the next build.\n\n{base_url}/admin\n"),
        "de": ("Organisation von ihrem Kontakt zurückgezogen: {name}",
               "Guten Tag,\n\n„{name}“ hat sich über ihren privaten Link aus der Agenda "
               "zurückgezogen; ihre Termine verlassen die Ausgaben beim nächsten Build.\n\n"
               "{base_url}/admin\n"),
    },
    "changed": {
        "fr": ("Organisation publiée modifiée par son contact : {name}",
               "Bonjour,\n\n« {name} » est publiée, et son contact vient de la modifier avec son "
               "lien privé ; c’est en ligne dès la prochaine mise à jour, sans autre "
               "validation :\n{changes}\n\nSi ce n’est pas de son fait (un lien qui a fuité), "
               "désactivez-la : `aggregator sources disable {source_id}`, ou {base_url}/admin\n"),
        "en": ("Published organisation changed by its contact: {name}",
               "Hello,\n\n“{name}” is published, and its contact has just changed it with "
               "its private link; it goes online at the next update, with no other "
               "review:\n{changes}\n\nIf this was not their doing (a leaked link), disable "
               "it: `aggregator sources disable {source_id}`, or {base_url}/admin\n"),
        "de": ("Veröffentlichte Organisation von ihrem Kontakt geändert: {name}",
               "Guten Tag,\n\n„{name}“ ist veröffentlicht, und ihr Kontakt hat sie soeben über "
               "ihren privaten Link geändert; das ist ab der nächsten Aktualisierung online, "
               "ohne weitere Prüfung:\n{changes}\n\nWar es nicht ihr Kontakt (ein "
               "weitergegebener Link), deaktivieren Sie sie: `aggregator sources disable "
               "{source_id}`, oder {base_url}/admin\n"),
    },
}
"""What the operator (``AGGREGATOR_OPERATOR_EMAIL``) is told, in the operator's language
(``AGGREGATOR_OPERATOR_LANGUAGE``, French by default as the admin pages): a registration to
decide (new, or an organisation asking to come back, or one still undecided long after), a
withdrawal, and what a published organisation changed (it goes out unreviewed)."""
OPERATOR_LANGUAGES = ("fr", "en", "de")
"""What AGGREGATOR_OPERATOR_LANGUAGE may name: the languages of :data:`OPERATOR_MESSAGES`."""
OPERATOR_LANGUAGE = "fr"
"""The operator's language when AGGREGATOR_OPERATOR_LANGUAGE is unset: the admin pages'
default, as the site's. The days the emails name are in it too ("8 mars 2027")."""
