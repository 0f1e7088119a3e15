"""Languages of the web app: negotiation (Babel) and the interface's texts in fr, en, de.

Why a table here instead of gettext catalogues: three languages and a hundred short strings
read best side by side, a missing translation is a test failure rather than an English word
slipping into a French page, and the agenda's own texts stay in ``render.pages.LABELS``.
The language comes from ``?lang=`` (the visible switcher, remembered in a cookie), then that
cookie, then Accept-Language, then French; a subscriber's own pages put its chosen language
before the cookie (``views.language``).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, tzinfo

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.dates import format_skeleton

from ..render.text import babel_locale, clock_time, first_of_month
from .i18n_admin import ADMIN_MESSAGES
from .i18n_districts import DISTRICT_MESSAGES
from .i18n_errors import ERROR_MESSAGES
from .i18n_register import REGISTER_MESSAGES
from .i18n_privacy import PRIVACY_MESSAGES
from .i18n_subscribe import SUBSCRIBE_MESSAGES
from ..topics import KINDS
from .qvalues import locale_name, weighted

LANGUAGES = ("fr", "en", "de")
DEFAULT = "fr"
NAMES = {"fr": "Français", "en": "English", "de": "Deutsch"}
COOKIE = "lang"

MESSAGES: dict[str, tuple[str, str, str]] = {
    "skip": ("Aller au contenu", "Skip to content", "Zum Inhalt"),
    "nav": ("Navigation principale", "Main navigation", "Hauptnavigation"),
    "nav_lang": ("Langue", "Language", "Sprache"),
    "agenda": ("Agenda", "Agenda", "Kalender"),
    "calendars": ("S’abonner au calendrier", "Subscribe to the calendar", "Kalender abonnieren"),
    "newsletter": ("Lettre hebdomadaire", "Weekly newsletter", "Wöchentlicher Newsletter"),
    "news_title": ("Actualités", "News", "Nachrichten"),
    "selection_by_email": ("Cette sélection chaque semaine par e-mail", "This selection weekly by email",
                           "Diese Auswahl wöchentlich per E-Mail"),
    "follow_by_email": ("La suivre dans la lettre hebdomadaire", "Follow it in the weekly newsletter",
                        "Im wöchentlichen Newsletter folgen"),
    "cal_own": ("Plusieurs villes, sujets ou organisations à la fois ? Inscrivez-vous à la lettre "
                "hebdomadaire : la page de vos préférences vous donne votre propre agenda de ce "
                "que vous suivez.",
                "Several cities, topics or organisations at once? Sign up for the weekly "
                "newsletter: your preferences page gives you your own calendar of what you "
                "follow.",
                "Mehrere Städte, Themen oder Organisationen zugleich? Abonnieren Sie den "
                "wöchentlichen Newsletter: Ihre Einstellungsseite gibt Ihnen Ihren eigenen "
                "Kalender dessen, dem Sie folgen."),
    "my_calendar": ("Votre agenda personnel", "Your own calendar", "Ihr eigener Kalender"),
    "my_calendar_intro": ("Les événements de ce que vous suivez, à ajouter une fois à votre "
                          "application d’agenda, qui le tient à jour. Gardez cette adresse pour "
                          "vous.",
                          "The events of what you follow, to add once to your calendar app, "
                          "which keeps it up to date. Keep this address to yourself.",
                          "Die Veranstaltungen dessen, dem Sie folgen, einmal in Ihre "
                          "Kalender-App aufzunehmen, die sie aktuell hält. Behalten Sie diese "
                          "Adresse für sich."),
    "my_calendar_webcal": ("L’ajouter à mon agenda", "Add it to my calendar app",
                           "In meine Kalender-App aufnehmen"),
    "my_calendar_url": ("Son adresse (Google Agenda : « À partir de l’URL »)",
                        "Its address (Google Calendar: “From URL”)",
                        "Seine Adresse (Google Kalender: „Per URL“)"),
    "news_feed": ("Flux de ces actualités (Atom)", "This news as a feed (Atom)",
                  "Diese Nachrichten als Feed (Atom)"),
    "n_organisations": ("{n} organisation|{n} organisations", "{n} organisation|{n} organisations",
                        "{n} Organisation|{n} Organisationen"),
    "n_articles": ("{n} article|{n} articles", "{n} article|{n} articles",
                   "{n} Artikel|{n} Artikel"),
    "page_of": ("page {number} sur {pages}", "page {number} of {pages}", "Seite {number} von {pages}"),
    "no_news_found": ("Aucune actualité pour cette sélection.", "No news for this selection.",
                      "Keine Nachrichten für diese Auswahl."),
    "no_sources_found": ("Aucune organisation ne correspond à cette sélection.",
                         "No organisation matches this selection.",
                         "Keine Organisation entspricht dieser Auswahl."),
    "newer_news": ("Plus récentes", "Newer", "Neuere"),
    "older_news": ("Plus anciennes", "Older", "Ältere"),
    "pages": ("Pages", "Pages", "Seiten"),
    "sources": ("Organisations", "Organisations", "Organisationen"),
    "register": ("Inscrire mon organisation", "Register my organisation", "Organisation anmelden"),
    "api": ("API et données ouvertes", "API and open data", "API und offene Daten"),
    "digests": ("Archives de la lettre", "Newsletter archive", "Newsletter-Archiv"),
    "digests_feed": ("La lettre dans un lecteur de flux (Atom)",
                     "The newsletter in a feed reader (Atom)", "Der Newsletter im Feedreader (Atom)"),
    "filters": ("Filtrer l’agenda", "Filter the agenda", "Kalender filtern"),
    "filter_news": ("Filtrer les actualités", "Filter the news", "Nachrichten filtern"),
    "filter_sources": ("Filtrer les organisations", "Filter the organisations",
                       "Organisationen filtern"),
    "city": ("Ville", "City", "Stadt"),
    "kind": ("Type d’organisation", "Kind of organisation", "Art der Organisation"),
    "tag": ("Thème", "Topic", "Thema"),
    "source": ("Organisation", "Organisation", "Organisation"),
    "search": ("Recherche", "Search", "Suche"),
    "searched": ("« {q} »", "“{q}”", "„{q}“"),
    "past_matches": ("Des événements passés correspondent à cette sélection : les voir",
                     "Past events match this selection: see them",
                     "Vergangene Veranstaltungen entsprechen dieser Auswahl: ansehen"),
    "from_day": ("À partir du", "From", "Ab dem"),
    "events_feed": ("Suivre ces événements (Atom)", "Follow these events (Atom)",
                    "Diesen Veranstaltungen folgen (Atom)"),
    "date_shortcuts": ("Raccourcis de dates", "Date shortcuts", "Datumsabkürzungen"),
    "jump_to": ("Aller à :", "Jump to:", "Springen zu:"),
    "last_week": ("la semaine dernière", "last week", "letzte Woche"),
    "this_weekend": ("ce week-end", "this weekend", "dieses Wochenende"),
    "next_week": ("la semaine prochaine", "next week", "nächste Woche"),
    "next_month": ("le mois prochain", "next month", "nächster Monat"),
    "all": ("Toutes", "All", "Alle"),
    "all_m": ("Tous", "All", "Alle"),  # a type, a topic: masculine in French
    "apply": ("Filtrer", "Filter", "Filtern"),
    "reset": ("Tout afficher", "Show everything", "Alles anzeigen"),
    "this_selection": ("S’abonner à cette sélection (webcal)",
                       "Subscribe to this selection (webcal)",
                       "Diese Auswahl abonnieren (webcal)"),
    "its_calendar": ("S’abonner à ses événements (webcal)", "Subscribe to its events (webcal)",
                     "Seine Veranstaltungen abonnieren (webcal)"),
    "recurring": ("Événement récurrent", "Recurring event", "Wiederkehrende Veranstaltung"),
    "download_ics": ("Télécharger (.ics)", "Download (.ics)", "Herunterladen (.ics)"),
    "selection_news": ("Les actualités de cette sélection (Atom)", "This selection's news (Atom)",
                       "Nachrichten dieser Auswahl (Atom)"),
    "cal_intro": ("Abonnez-vous une fois : votre agenda se met à jour tout seul.",
                  "Subscribe once: your calendar keeps itself up to date.",
                  "Einmal abonnieren: Ihr Kalender aktualisiert sich selbst."),
    "cal_all": ("Tout l’agenda", "The whole agenda", "Der ganze Kalender"),
    "cal_by_city": ("Par ville", "By city", "Nach Stadt"),
    "cal_by_kind": ("Par type d’organisation", "By kind of organisation", "Nach Art der Organisation"),
    "cal_by_tag": ("Par thème", "By topic", "Nach Thema"),
    "cal_url": ("Adresse de l’agenda", "Calendar address", "Kalenderadresse"),
    "cal_open": ("Ouvrir dans mon agenda (webcal)", "Open in my calendar app (webcal)",
                 "In meiner Kalender-App öffnen (webcal)"),
    "copy": ("Copier", "Copy", "Kopieren"),
    "copied": ("Copié", "Copied", "Kopiert"),
    "how_google": ("Google Agenda : « Autres agendas » → « + » → « À partir de l’URL », collez l’adresse.",
                   "Google Calendar: “Other calendars” → “+” → “From URL”, paste the address.",
                   "Google Kalender: „Weitere Kalender“ → „+“ → „Per URL“, Adresse einfügen."),
    "how_outlook": ("Outlook : « Ajouter un calendrier » → « S’abonner à partir du web », collez l’adresse.",
                    "Outlook: “Add calendar” → “Subscribe from web”, paste the address.",
                    "Outlook: „Kalender hinzufügen“ → „Aus dem Internet abonnieren“, Adresse einfügen."),
    "how_apple": ("Apple Calendrier : cliquez le lien webcal, ou Fichier → Nouvel abonnement.",
                  "Apple Calendar: click the webcal link, or File → New Calendar Subscription.",
                  "Apple Kalender: webcal-Link anklicken, oder Ablage → Neues Kalenderabonnement."),
    "cal_feed_reader": ("Plutôt dans un lecteur de flux ? Chaque agenda filtré a aussi les siens.",
                        "Prefer a feed reader? Each filtered agenda has its own feeds too.",
                        "Lieber im Feedreader? Jede gefilterte Agenda hat auch eigene Feeds."),
    "cal_events_atom": ("Les prochains événements (Atom)", "The coming events (Atom)",
                        "Die nächsten Veranstaltungen (Atom)"),
    "cal_news_atom": ("Les actualités (Atom)", "The news (Atom)", "Die Nachrichten (Atom)"),
    "calendar_title": ("L’agenda (iCalendar)", "The agenda (iCalendar)", "Die Agenda (iCalendar)"),
    "cal_digests_atom": ("La lettre de la semaine (Atom)", "The weekly newsletter (Atom)",
                         "Der Wochen-Newsletter (Atom)"),
    "how_thunderbird": ("Thunderbird : Nouvel agenda → Sur le réseau → collez l’adresse.",
                        "Thunderbird: New Calendar → On the Network → paste the address.",
                        "Thunderbird: Neuer Kalender → Im Netzwerk → Adresse einfügen."),
    "name": ("Nom de l’organisation", "Organisation name", "Name der Organisation"),
    "website": ("Site web", "Website", "Website"),
    "contact": ("Courriel de contact", "Contact email", "Kontakt-E-Mail"),
    "country": ("Pays (code ISO, ex. FR, LU)", "Country (ISO code, e.g. FR, LU)",
                "Land (ISO-Code, z. B. FR, LU)"),
    "language": ("Langue", "Language", "Sprache"),
    "manage_not_read": ("Vos flux sont lus dès que l’inscription est approuvée ; « Aperçu des flux » montre dès maintenant ce que nous y lisons.",
                        "Your feeds are read once the registration is approved; “Preview the feeds” shows what we read in them right now.",
                        "Ihre Feeds werden gelesen, sobald die Anmeldung freigegeben ist; „Feeds prüfen“ zeigt schon jetzt, was wir darin lesen."),
    "known_topics": ("Thèmes déjà suivis :", "Topics already followed:", "Bereits verfolgte Themen:"),
    "tags": ("Thèmes (séparés par des virgules)", "Topics (comma separated)",
             "Themen (durch Kommas getrennt)"),
    "feed_urls": ("Adresses des flux ou de la page d’événements (une par ligne)",
                  "Feed or events page addresses (one per line)",
                  "Adressen der Feeds oder der Veranstaltungsseite (eine pro Zeile)"),
    "register_intro": ("Un flux iCalendar, RSS, Atom ou JSON Feed, ou une page d’événements balisée "
                       "schema.org. Vérifiez l’aperçu, puis envoyez : un modérateur valide "
                       "l’inscription.",
                       "An iCalendar, RSS, Atom or JSON Feed, or an events page with schema.org "
                       "markup. Check the preview, then submit: a moderator approves it.",
                       "Ein iCalendar-, RSS-, Atom- oder JSON-Feed oder eine Veranstaltungsseite "
                       "mit schema.org-Auszeichnung. Vorschau prüfen, dann absenden: ein "
                       "Moderator gibt sie frei."),
    "preview": ("Aperçu des flux", "Preview the feeds", "Feeds prüfen"),
    "submit": ("Envoyer l’inscription", "Submit the registration", "Anmeldung absenden"),
    "preview_title": ("Ce que nous avons trouvé", "What we found", "Was wir gefunden haben"),
    "found": ("{format} : {events}, {items}", "{format}: {events}, {items}",
              "{format}: {events}, {items}"),
    # Counted nouns: "singular|plural", chosen by the language's plural rule (see count()).
    "n_events": ("{n} événement|{n} événements", "{n} event|{n} events",
                 "{n} Veranstaltung|{n} Veranstaltungen"),
    "n_items": ("{n} article|{n} articles", "{n} news item|{n} news items",
                "{n} Artikel|{n} Artikel"),
    "n_warnings": ("{n} point à corriger dans le flux :|{n} points à corriger dans le flux :",
                   "{n} thing to fix in the feed:|{n} things to fix in the feed:",
                   "{n} Punkt im Feed zu korrigieren:|{n} Punkte im Feed zu korrigieren:"),
    "n_failures": ("{n} échec de suite|{n} échecs de suite", "{n} failure in a row|{n} failures in a row",
                   "{n} Fehlschlag in Folge|{n} Fehlschläge in Folge"),
    "n_entries": ("{n} entrée|{n} entrées", "{n} entry|{n} entries", "{n} Eintrag|{n} Einträge"),
    "next_events": ("Prochains événements :", "Next events:", "Nächste Veranstaltungen:"),
    "unreadable": ("Illisible :", "Cannot read it:", "Nicht lesbar:"),
    "n_warnings_short": ("{n} avertissement|{n} avertissements", "{n} warning|{n} warnings",
                         "{n} Warnung|{n} Warnungen"),
    "honeypot": ("Laissez ce champ vide", "Leave this field empty", "Dieses Feld leer lassen"),
    "thanks": ("Merci ! Votre inscription attend la validation d’un modérateur.",
               "Thank you! Your registration awaits a moderator’s approval.",
               "Danke! Ihre Anmeldung wartet auf die Freigabe durch einen Moderator."),
    "mail_failed": ("Le courriel de confirmation n’a pas pu être envoyé.",
                    "The confirmation email could not be sent.",
                    "Die Bestätigungs-E-Mail konnte nicht gesendet werden."),
    "invalid": ("À corriger :", "Please fix:", "Bitte korrigieren:"),
    "directory_intro": ("Les organisations dont nous publions les événements.",
                        "The organisations whose events we publish.",
                        "Die Organisationen, deren Veranstaltungen wir veröffentlichen."),
    "sub_intro": ("Une fois par semaine : les événements des deux semaines à venir et les actualités de la semaine écoulée, selon les villes, types d’organisation, thèmes et organisations que vous choisissez, dans votre langue. Nous vous écrivons d’abord pour confirmer votre adresse ; chaque lettre contient un lien pour vous désabonner. Votre adresse ne sert qu’à cet envoi. Déjà abonné ? Indiquez votre adresse : nous vous envoyons le lien pour changer vos choix.",
                  "Once a week: the events of the next two weeks and the news of the past week, for the cities, kinds of organisation, topics and organisations you choose, in your language. We first write to confirm your address; every newsletter has a link to unsubscribe. Your address is used for nothing else. Already subscribed? Enter your address: we send you the link to change your choices.",
                  "Einmal pro Woche: die Veranstaltungen der nächsten zwei Wochen und die Neuigkeiten der vergangenen Woche, für die Städte, Arten von Organisationen, Themen und Organisationen Ihrer Wahl, in Ihrer Sprache. Wir schreiben Ihnen zuerst, um Ihre Adresse zu bestätigen; jeder Newsletter enthält einen Link zum Abbestellen. Ihre Adresse wird für nichts anderes verwendet. Schon abonniert? Geben Sie Ihre Adresse ein: Wir senden Ihnen den Link, um Ihre Auswahl zu ändern."),
    "ev_details": ("Détails", "Details", "Details"),
    "ev_next_dates": ("Prochaines dates", "Next dates", "Nächste Termine"),
    "ev_later_dates": ("… et d’autres dates ensuite : ajoutez-le à votre agenda pour toutes les voir.",
                       "… and more dates after these: add it to your calendar to see them all.",
                       "… und weitere Termine danach: in Ihren Kalender aufnehmen, um alle zu sehen."),
    "ev_over": ("Cet événement a eu lieu le {when}.", "This event took place on {when}.",
                "Diese Veranstaltung fand am {when} statt."),
    "ev_cancelled": ("Annulé", "Cancelled", "Abgesagt"),
    "ev_map": ("Voir sur une carte", "Show on a map", "Auf der Karte zeigen"),
    "ev_add": ("Ajouter à mon agenda", "Add to my calendar", "Zu meinem Kalender hinzufügen"),
    "ev_google": ("Ajouter à Google Agenda", "Add to Google Calendar", "Zu Google Kalender hinzufügen"),
    "ev_outlook": ("Ajouter à Outlook.com", "Add to Outlook.com", "Zu Outlook.com hinzufügen"),
    "ev_office": ("Ajouter à Outlook (Microsoft 365)", "Add to Outlook (Microsoft 365)",
                  "Zu Outlook (Microsoft 365) hinzufügen"),
    "ev_original": ("Page de l’organisateur", "Organiser’s page", "Seite des Veranstalters"),
    "ev_more_from": ("Prochainement chez {name}", "Coming next from {name}", "Demnächst bei {name}"),
    "ev_all_from": ("Tous les événements de {name}", "Every event from {name}",
                    "Alle Veranstaltungen von {name}"),
    "ev_posted": ("Publié par", "Posted by", "Veröffentlicht von"),
    "ev_post": ("sa publication", "their post", "ihr Beitrag"),
    "health": ("État des flux", "Feed health", "Feed-Status"),
    "health_is": ("État des flux : {status}", "Feed health: {status}", "Feed-Status: {status}"),
    "read_at": ("lu le {when}", "read {when}", "gelesen am {when}"),
    "status_ok": ("à jour", "up to date", "aktuell"),
    "status_error": ("en erreur", "failing", "fehlerhaft"),
    "status_pending": ("en attente", "pending", "ausstehend"),
    "status_disabled": ("désactivé", "disabled", "deaktiviert"),
    "its_events": ("Ses événements", "Coming events", "Kommende Veranstaltungen"),
    "its_past_events": ("Ses derniers événements passés", "Latest past events",
                        "Letzte vergangene Veranstaltungen"),
    "its_history": ("Ses événements des {days} derniers jours dans l’agenda",
                    "Its events of the last {days} days in the agenda",
                    "Veranstaltungen der letzten {days} Tage in der Agenda"),
    "embed_heading": ("Sur votre site", "On your website", "Auf Ihrer Website"),
    "embed_intro": ("Montrez ces prochaines dates sur votre propre site : collez ce code dans une "
                    "de ses pages, elles s’y mettent à jour toutes seules.",
                    "Show these coming dates on your own site: paste this code into one of its "
                    "pages, and they keep themselves up to date.",
                    "Zeigen Sie diese Termine auf Ihrer eigenen Website: Fügen Sie diesen Code in "
                    "eine ihrer Seiten ein, sie aktualisieren sich von selbst."),
    "embed_preview": ("Aperçu", "Preview", "Vorschau"),
    "embed_code": ("Code à intégrer", "Code to paste", "Einzufügender Code"),
    "its_news": ("Ses actualités", "Latest news", "Neueste Nachrichten"),
    "its_news_feed": ("Suivre ses actualités (Atom)", "Follow its news (Atom)",
                      "Diesen Nachrichten folgen (Atom)"),
    "merged_with": ("aussi publié par", "also posted by", "auch veröffentlicht von"),
    "no_events": ("Aucun événement à venir.", "No upcoming events.", "Keine kommenden Veranstaltungen."),
    "docs_intro": ("Données ouvertes : calendriers, événements et actualités, en lecture libre.",
                   "Open data: calendars, events and news, free to read.",
                   "Offene Daten: Kalender, Veranstaltungen und Nachrichten, frei lesbar."),
    "parameters": ("Paramètres", "Parameters", "Parameter"),
    "subscribe_title": ("S’abonner à la lettre hebdomadaire", "Subscribe to the weekly newsletter",
                        "Den wöchentlichen Newsletter abonnieren"),
    "email": ("Adresse électronique", "Email address", "E-Mail-Adresse"),
    "cities": ("Villes (aucune = toutes)", "Cities (none = all)", "Städte (keine = alle)"),
    "kinds": ("Types d’organisation (aucun = tous)", "Kinds of organisation (none = all)",
              "Arten von Organisationen (keine = alle)"),
    "topics": ("Thèmes (aucun = tous)", "Topics (none = all)", "Themen (keine = alle)"),
    "do_subscribe": ("M’abonner", "Subscribe", "Abonnieren"),
    "subscribe_mail_failed": (
        "Le courriel de confirmation n’a pas pu être envoyé : réessayez dans quelques minutes.",
        "The confirmation email could not be sent: please try again in a few minutes.",
        "Die Bestätigungs-E-Mail konnte nicht gesendet werden: bitte versuchen Sie es in "
        "einigen Minuten erneut."),
    "check_mail": ("Presque fini : confirmez avec le lien envoyé à votre adresse.",
                   "Almost done: confirm with the link we sent to your address.",
                   "Fast fertig: bestätigen Sie mit dem Link, den wir Ihnen geschickt haben."),
    "confirm_button": ("Confirmer mon abonnement", "Confirm my subscription", "Abonnement bestätigen"),
    "confirmed": ("Abonnement confirmé. À lundi !", "Subscription confirmed. See you on Monday!",
                  "Abonnement bestätigt. Bis Montag!"),
    "adm_manage_link": ("lien de gestion du contact", "the contact's link to change it",
                        "Änderungslink des Kontakts"),
    "adm_changed": ("modifiée par le contact le {when}", "changed by the contact on {when}",
                    "vom Kontakt geändert am {when}"),
    "manage_title": ("Modifier « {name} »", "Change “{name}”", "„{name}“ ändern"),
    "manage_status": ("Inscription {status}. Les changements valent dès la prochaine mise à jour ; "
                      "le contact en est informé par courriel.",
                      "Registration {status}. Changes apply from the next update; the contact is "
                      "told by email.",
                      "Anmeldung {status}. Änderungen gelten ab der nächsten Aktualisierung; der "
                      "Kontakt wird per E-Mail informiert."),
    "reg_pending": ("en attente de validation", "awaiting approval", "wartet auf Freigabe"),
    "reg_approved": ("validée", "approved", "freigegeben"),
    "reg_rejected": ("refusée", "declined", "abgelehnt"),
    "reg_withdrawn": ("retirée de l’agenda", "withdrawn from the agenda",
                      "aus der Agenda zurückgezogen"),
    "withdraw_title": ("Retirer l’organisation de l’agenda", "Withdraw the organisation from the agenda",
                       "Die Organisation aus der Agenda zurückziehen"),
    "withdraw_intro": ("Nous cesserons de lire vos flux ; vos événements et actualités quitteront "
                       "l’agenda, les calendriers et les exports à la prochaine mise à jour, sans être "
                       "annoncés comme annulés (ils ont toujours lieu). Vous pourrez demander à revenir "
                       "depuis cette page.",
                       "We stop reading your feeds; your events and news leave the agenda, the "
                       "calendars and the exports with the next update, without being announced as "
                       "cancelled (they still take place). You can ask to come back from this page.",
                       "Wir lesen Ihre Feeds nicht mehr; Ihre Veranstaltungen und Nachrichten "
                       "verschwinden mit der nächsten Aktualisierung aus der Agenda, den Kalendern und "
                       "den Exporten, ohne als abgesagt gemeldet zu werden (sie finden ja statt). Von "
                       "dieser Seite aus können Sie die Rückkehr beantragen."),
    "withdraw_confirm": ("Je confirme le retrait de l’organisation", "I confirm the withdrawal",
                         "Ich bestätige den Rückzug"),
    "withdraw": ("Retirer de l’agenda", "Withdraw from the agenda", "Aus der Agenda zurückziehen"),
    "withdraw_unconfirmed": ("Cochez la case pour confirmer le retrait.",
                             "Tick the box to confirm the withdrawal.",
                             "Kreuzen Sie das Feld an, um den Rückzug zu bestätigen."),
    "withdrawn_notice": ("Organisation retirée de l’agenda.", "Organisation withdrawn from the agenda.",
                         "Organisation aus der Agenda zurückgezogen."),
    "rejoin_title": ("Revenir dans l’agenda", "Come back to the agenda", "In die Agenda zurückkehren"),
    "rejoin_intro": ("L’inscription repassera en attente de validation par un modérateur.",
                     "The registration goes back to awaiting a moderator's approval.",
                     "Die Anmeldung wartet dann wieder auf die Freigabe durch einen Moderator."),
    "rejoin": ("Demander à revenir", "Ask to come back", "Rückkehr beantragen"),
    "rejoined_notice": ("Demande envoyée : l’inscription attend la validation d’un modérateur.",
                        "Asked: the registration awaits a moderator's approval.",
                        "Beantragt: die Anmeldung wartet auf die Freigabe durch einen Moderator."),
    "manage_page": ("Voir sa page et l’état de ses flux", "See its page and its feeds' health",
                    "Ihre Seite und den Zustand ihrer Feeds ansehen"),
    "sub_sources": ("Organisations suivies (aucune cochée : toutes)",
                    "Organisations you follow (none ticked: all of them)",
                    "Gefolgte Organisationen (keine angekreuzt: alle)"),
    "manage_lost": ("Modifier une inscription", "Change a registration", "Eine Anmeldung ändern"),
    "manage_lost_intro": ("Déjà inscrits ? Indiquez l’adresse de contact de l’inscription : nous y "
                          "envoyons son lien privé pour la modifier.",
                          "Already registered? Give the registration's contact address: we send "
                          "its private link to change it there.",
                          "Schon angemeldet? Geben Sie die Kontaktadresse der Anmeldung an: wir "
                          "senden ihren privaten Änderungslink dorthin."),
    "manage_send": ("Recevoir le lien", "Send me the link", "Link zusenden"),
    "manage_link_sent": ("Si cette adresse est celle d’une inscription, son lien vient d’y être "
                         "envoyé.",
                         "If this address is a registration's contact, its link has just been "
                         "sent there.",
                         "Wenn diese Adresse zu einer Anmeldung gehört, wurde ihr Link soeben "
                         "dorthin gesendet."),
    "manage_saved": ("Modifications enregistrées.", "Changes saved.", "Änderungen gespeichert."),
    "bad_link": ("Ce lien n’est pas ou plus valable.", "This link is not valid (any more).",
                 "Dieser Link ist nicht (mehr) gültig."),
    "preferences": ("Mes préférences", "My preferences", "Meine Einstellungen"),
    "save": ("Enregistrer", "Save", "Speichern"),
    "saved": ("Préférences enregistrées.", "Preferences saved.", "Einstellungen gespeichert."),
    "unsubscribe": ("Me désabonner", "Unsubscribe", "Abbestellen"),
    "unsubscribed": ("Vous êtes désabonné·e.", "You are unsubscribed.", "Sie sind abgemeldet."),
    "forget": ("Me désabonner et effacer mon adresse", "Unsubscribe and delete my address",
               "Abbestellen und meine Adresse löschen"),
    "forget_explain": (
        "Ou bien effacez votre adresse, vos choix et l’historique des envois : il ne restera "
        "rien de vous ici (une nouvelle inscription demandera une nouvelle confirmation).",
        "Or delete your address, your choices and the record of what was sent: nothing of you "
        "will be left here (signing up again will need a new confirmation).",
        "Oder löschen Sie Ihre Adresse, Ihre Auswahl und den Versandverlauf: Hier bleibt nichts "
        "von Ihnen (eine neue Anmeldung braucht eine neue Bestätigung)."),
    "forgotten": ("Votre adresse et tout ce qui la concernait ont été effacés.",
                  "Your address and everything kept about it have been deleted.",
                  "Ihre Adresse und alles, was dazu gespeichert war, wurden gelöscht."),
    "no_digests": ("Aucune lettre publiée pour l’instant.", "No newsletter published yet.",
                   "Noch kein Newsletter veröffentlicht."),
    "too_many_title": ("Trop de demandes", "Too many requests", "Zu viele Anfragen"),
    "too_many": ("Trop de demandes : réessayez dans {minutes} min.",
                 "Too many requests: try again in {minutes} min.",
                 "Zu viele Anfragen: versuchen Sie es in {minutes} Min. erneut."),
    "forbidden": ("Requête refusée : rechargez la page et réessayez.",
                  "Request refused: reload the page and try again.",
                  "Anfrage abgelehnt: Seite neu laden und erneut versuchen."),
    "not_found": ("Page introuvable.", "Page not found.", "Seite nicht gefunden."),
    "more": ("Voir tout l’agenda", "See the whole agenda", "Den ganzen Kalender ansehen"),
    "embed_new_tab": ("Les liens s’ouvrent dans un nouvel onglet.", "Links open in a new tab.",
                      "Links öffnen sich in einem neuen Tab."),
}
MESSAGES.update(ADMIN_MESSAGES)
MESSAGES.update(ERROR_MESSAGES)
MESSAGES.update(REGISTER_MESSAGES)
MESSAGES.update(SUBSCRIBE_MESSAGES)
MESSAGES.update(PRIVACY_MESSAGES)
MESSAGES.update(DISTRICT_MESSAGES)
MESSAGES.update({f"kind_{kind}": words for kind, words in KINDS.items()})


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page language: the switcher's choice, its cookie, the browser's, else French."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    preferred = [(weight, locale_name(tag))
                 for tag, weight in weighted(accept_language or "") if weight > 0]
    ordered = [tag for _, tag in sorted(preferred, key=lambda p: -p[0])]
    found = negotiate_locale(ordered, list(LANGUAGES), sep="_")
    if found is None:
        for tag in ordered:  # "en_GB" is English even though only "en" is offered
            try:
                language = Locale.parse(tag).language
            except (ValueError, UnknownLocaleError):
                continue
            if language in LANGUAGES:
                return language
    return found if found in LANGUAGES else DEFAULT


def translate(language: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``language``; a missing key is a bug (KeyError)."""
    text = MESSAGES[key][LANGUAGES.index(language)]
    return text.format(**values) if values else text


def count(language: str, key: str, n: int) -> str:
    """"0 événement", "1 event", "2 Veranstaltungen": the form CLDR's plural rule picks for
    ``n`` in ``language`` (French counts 0 and 1 as singular, English and German only 1)."""
    one, other = translate(language, key).split("|")
    form = Locale.parse(language).plural_form(n)
    return (one if form == "one" else other).format(n=n)


def moment(value: date | datetime, zone: tzinfo, language: str) -> str:
    """When an event starts, short and in the reader's language: "mar. 15 déc. 2026, 11:00",
    "Tue, 15 Dec 2026, 11:00 am" ("medium" formats show seconds nobody schedules by)."""
    if isinstance(value, datetime):
        local = value.astimezone(zone)
        day = first_of_month(format_skeleton("yMMMEd", local, locale=babel_locale(language)),
                             language)
        return f"{day}, {clock_time(local, None, language)}"
    return first_of_month(format_skeleton("yMMMEd", value, locale=babel_locale(language)),
                          language)


def alphabetical(label: str) -> str:
    """A sort key for names shown in lists: Épinal before Esch, not after Nancy (letters
    compare without their accents, and without case)."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
