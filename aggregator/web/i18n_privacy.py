"""What the forms that take an address say of it, in fr, en, de (``i18n.MESSAGES`` takes them
in): GDPR article 13 asks for it at collection (what is kept, what for, how long, how to see
and erase it, whom to ask). ``{pending}``, ``{kept}``, ``{undecided}`` and ``{withdrawn}`` are
housekeeping's own days (``cluster``, ``registration_retention``)."""

from __future__ import annotations

PRIVACY_MESSAGES: dict[str, tuple[str, str, str]] = {
    "privacy_subscribe": (
        "Ce que nous conservons : votre adresse, votre langue et vos choix, et les lettres qui "
        "lui ont été envoyées, pour cet envoi et rien d’autre. Une adresse non confirmée sous "
        "{pending} jours est effacée ; après un désabonnement, ou si les envois échouent sans "
        "cesse, elle l’est {kept} jours après la dernière lettre. Les liens de chaque lettre "
        "(préférences, désabonnement) vous permettent de télécharger tout ce qui est conservé "
        "à votre sujet, ou de l’effacer aussitôt.",
        "What we keep: your address, language and choices, and which newsletters were sent to "
        "it, for this newsletter and nothing else. An address not confirmed within {pending} "
        "days is deleted; once you unsubscribe, or when mail to it keeps bouncing, it is "
        "deleted {kept} days after the last newsletter. The links in every newsletter "
        "(preferences, unsubscribe) let you download all that is kept about you, or delete it "
        "at once.",
        "Was wir speichern: Ihre Adresse, Sprache und Auswahl sowie welche Newsletter an sie "
        "gingen, für diesen Versand und nichts anderes. Eine Adresse, die nicht innerhalb von "
        "{pending} Tagen bestätigt wird, wird gelöscht; nach einer Abmeldung, oder wenn die "
        "Zustellung immer wieder scheitert, {kept} Tage nach dem letzten Newsletter. Mit den "
        "Links in jedem Newsletter (Einstellungen, Abmelden) können Sie alles herunterladen, "
        "was über Sie gespeichert ist, oder es sofort löschen."),
    "privacy_register": (
        "L’adresse de contact ne sert qu’à vous écrire au sujet de cette inscription et de ses "
        "flux (réception, décision, flux qui ne répond plus, modifications) ; l’exploitant du "
        "site la voit, elle n’est jamais publiée. Votre lien privé permet de la changer, de "
        "télécharger tout ce qui est conservé sur l’inscription, ou de retirer l’organisation. "
        "Une inscription sans décision au bout de {undecided} jours est effacée (vous en êtes "
        "prévenu) ; une inscription refusée, {kept} jours après la décision ; une organisation "
        "retirée, {withdrawn} jours après son retrait, sauf son identifiant (pour que ses adresses "
        "ne passent à personne d’autre).",
        "The contact address is used only to write to you about this registration and its "
        "feeds (received, decision, a feed that stops working, changes); the site's operator "
        "sees it, it is never published. Your private link lets you change it, download all "
        "that is kept about the registration, or withdraw the organisation. A registration "
        "still undecided after {undecided} days is deleted (you are told); a declined one "
        "{kept} days after the decision; a withdrawn organisation {withdrawn} days after its "
        "withdrawal, but for its id (so that its addresses pass to no one else).",
        "Die Kontaktadresse dient nur dazu, Ihnen über diese Anmeldung und ihre Feeds zu "
        "schreiben (Eingang, Entscheidung, ein Feed, der nicht mehr antwortet, Änderungen); "
        "der Betreiber der Website sieht sie, sie wird nie veröffentlicht. Mit Ihrem privaten "
        "Link können Sie sie ändern, alles herunterladen, was zur Anmeldung gespeichert ist, "
        "oder die Organisation zurückziehen. Eine Anmeldung, über die nach {undecided} Tagen "
        "nicht entschieden ist, wird gelöscht (Sie werden benachrichtigt); eine abgelehnte "
        "{kept} Tage nach der Entscheidung; eine zurückgezogene Organisation {withdrawn} Tage nach "
        "dem Rückzug, bis auf ihre Kennung (damit ihre Adressen an niemand anderen gehen)."),
    "privacy_contact": ("Vos questions sur vos données :", "Questions about your data:",
                        "Fragen zu Ihren Daten:"),
    "privacy_policy": ("Politique de confidentialité", "Privacy policy",
                       "Datenschutzerklärung"),
}
