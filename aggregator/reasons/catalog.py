"""The catalogue of what organisers and subscribers read about their feeds and forms:
(English as stored, French, German); fetching's entries are in :mod:`.fetching`, news
feeds' and JSON's in :mod:`.news`, the forms' in :mod:`.forms`.

The English column is the message as the code writes it, each value it inserts a ``{name}``
(already formatted: "1,000", "'Europe/Paris'"); the translations use the same names. Kept
in the order of the code that writes them: fetching, the body, iCalendar, dates and rules,
news feeds, JSON Feed and JSON-LD, the feed's health.
"""

from __future__ import annotations

from .fetching import FETCHING
from .forms import FORMS
from .news import NEWS

CATALOG: tuple[tuple[str, str, str], ...] = FETCHING + (
    # the body (aggregator.parse, parse.guards)
    ("reading the body took over {seconds} s of processor time: stopped (a feed usually "
     "takes well under a second); it is too large or too malformed, ask its publisher to "
     "check it",
     "la lecture a pris plus de {seconds} s de processeur : arrêtée (un flux en demande bien "
     "moins d'une seconde) ; il est trop gros ou trop mal formé, demandez à son éditeur de "
     "le vérifier",
     "das Lesen brauchte über {seconds} s Prozessorzeit: abgebrochen (ein Feed braucht meist "
     "weit unter einer Sekunde); er ist zu groß oder zu fehlerhaft, bitten Sie seinen "
     "Herausgeber, ihn zu prüfen"),
    ("1 text too long: cut (a title or a place to {line} characters, a description to "
     "{description}, an article to {article})",
     "1 texte trop long : coupé (un titre ou un lieu à {line} caractères, une description à "
     "{description}, un article à {article})",
     "1 Text zu lang: gekürzt (ein Titel oder Ort auf {line} Zeichen, eine Beschreibung auf "
     "{description}, ein Artikel auf {article})"),
    ("{n} texts too long: cut (a title or a place to {line} characters, a description to "
     "{description}, an article to {article})",
     "{n} textes trop longs : coupés (un titre ou un lieu à {line} caractères, une "
     "description à {description}, un article à {article})",
     "{n} Texte zu lang: gekürzt (ein Titel oder Ort auf {line} Zeichen, eine Beschreibung "
     "auf {description}, ein Artikel auf {article})"),
    ("unexpected {kind} while parsing: {why}",
     "erreur {kind} inattendue à la lecture : {why}",
     "unerwarteter Fehler {kind} beim Lesen: {why}"),
    ("text before the feed ignored, the first line: {first}",
     "texte avant le flux ignoré, la première ligne : {first}",
     "Text vor dem Feed ignoriert, die erste Zeile: {first}"),
    ("text encoded twice (UTF-8 read as Windows-1252, then encoded again) on a line: repaired",
     "texte encodé deux fois (UTF-8 lu comme Windows-1252, puis encodé à nouveau) sur une "
     "ligne : réparé",
     "zweimal kodierter Text (UTF-8 als Windows-1252 gelesen und erneut kodiert) in einer "
     "Zeile: repariert"),
    ("text encoded twice (UTF-8 read as Windows-1252, then encoded again) on {n} lines: repaired",
     "texte encodé deux fois (UTF-8 lu comme Windows-1252, puis encodé à nouveau) sur {n} "
     "lignes : réparé",
     "zweimal kodierter Text (UTF-8 als Windows-1252 gelesen und erneut kodiert) in {n} "
     "Zeilen: repariert"),
    ("{count} items share the id the feed gives them ({guid}): feed readers take them for "
     "one article; give each item its own guid",
     "{count} éléments partagent l'identifiant que le flux leur donne ({guid}) : les lecteurs "
     "de flux les prennent pour un seul article ; donnez à chaque élément son propre guid",
     "{count} Einträge teilen sich die Kennung, die der Feed ihnen gibt ({guid}): Feedreader "
     "halten sie für einen einzigen Artikel; geben Sie jedem Eintrag seine eigene guid"),
    ("the feed is wrapped in an HTML page: read the feed within it",
     "le flux est enveloppé dans une page HTML : le flux qu'elle contient a été lu",
     "der Feed ist in eine HTML-Seite eingebettet: der enthaltene Feed wurde gelesen"),
    ("body is gzip-compressed without Content-Encoding: decompressed",
     "réponse compressée en gzip sans Content-Encoding : décompressée",
     "Antwort gzip-komprimiert ohne Content-Encoding: entpackt"),
    ("empty body: no calendar or feed",
     "réponse vide : ni calendrier ni flux",
     "leere Antwort: weder Kalender noch Feed"),
    ("got an HTML page, not a feed: {title}; it links to {links}",
     "une page HTML, pas un flux : {title} ; elle mène à {links}",
     "eine HTML-Seite, kein Feed: {title}; sie verweist auf {links}"),
    ("got an HTML page, not a feed: no <title>",
     "une page HTML, pas un flux : sans <title>",
     "eine HTML-Seite, kein Feed: ohne <title>"),
    ("got an HTML page, not a feed: {title}",
     "une page HTML, pas un flux : {title}",
     "eine HTML-Seite, kein Feed: {title}"),
    ("not a calendar or feed: starts with {start}",
     "ni un calendrier ni un flux : commence par {start}",
     "weder Kalender noch Feed: beginnt mit {start}"),
    ("not an RSS or Atom feed: root element <{root}>",
     "pas un flux RSS ou Atom : élément racine <{root}>",
     "kein RSS- oder Atom-Feed: Wurzelelement <{root}>"),
    ("declared as {declared} but the body is {found}: read as {found}",
     "déclaré en {declared} mais la réponse est en {found} : lue comme telle",
     "als {declared} angegeben, aber die Antwort ist {found}: als solche gelesen"),
    ("corrupt gzip body: {why}",
     "réponse gzip corrompue : {why}",
     "beschädigte gzip-Antwort: {why}"),
    ("gzip body inflates past {mb} MB",
     "la réponse gzip dépasse {mb} Mo une fois décompressée",
     "die gzip-Antwort ist entpackt größer als {mb} MB"),
    ("iCalendar components nested more than {depth} deep: refused",
     "composants iCalendar imbriqués sur plus de {depth} niveaux : refusé",
     "iCalendar-Komponenten mehr als {depth} Ebenen tief verschachtelt: abgelehnt"),
    ("XML elements nested more than {depth} deep: refused",
     "éléments XML imbriqués sur plus de {depth} niveaux : refusé",
     "XML-Elemente mehr als {depth} Ebenen tief verschachtelt: abgelehnt"),
    ("{n} RDATE/EXDATE lists of more than {cut} values: kept the latest {kept} of each",
     "{n} listes RDATE/EXDATE de plus de {cut} valeurs : gardé les {kept} dernières de chacune",
     "{n} RDATE/EXDATE-Listen mit mehr als {cut} Werten: je die letzten {kept} behalten"),
    ("{n} RDATE/EXDATE lines past {cut} values in a VEVENT or {total} in the feed: dropped",
     "{n} lignes RDATE/EXDATE au-delà de {cut} valeurs dans un VEVENT ou de {total} dans le "
     "flux : écartées",
     "{n} RDATE/EXDATE-Zeilen über {cut} Werte in einem VEVENT oder {total} im Feed hinaus: "
     "verworfen"),

    ("... and {n} more warnings",
     "... et {n} autres avertissements",
     "... und {n} weitere Warnungen"),

    # iCalendar (parse.ical, parse.ical_lint, parse.timezones, parse.publishable)
    ("not UTF-8 (byte {at}): read as Windows-1252",
     "pas en UTF-8 (octet {at}) : lu comme Windows-1252",
     "nicht in UTF-8 (Byte {at}): als Windows-1252 gelesen"),
    ("{n} time(s) carry both TZID={tzid} and a trailing Z (UTC): read as local time in that "
     "zone; write either a local time with TZID or a UTC time without",
     "{n} heure(s) portent à la fois TZID={tzid} et un Z final (UTC) : lues comme heures "
     "locales de ce fuseau ; écrivez soit une heure locale avec TZID, soit une heure UTC sans",
     "{n} Zeit(en) tragen zugleich TZID={tzid} und ein abschließendes Z (UTC): als Ortszeit "
     "dieser Zone gelesen; schreiben Sie entweder eine Ortszeit mit TZID oder eine UTC-Zeit "
     "ohne"),
    ("{n} VEVENTs: read the first {max}",
     "{n} VEVENT : seuls les {max} premiers sont lus",
     "{n} VEVENTs: nur die ersten {max} gelesen"),
    ("not an iCalendar file: no BEGIN:VCALENDAR",
     "pas un fichier iCalendar : pas de BEGIN:VCALENDAR",
     "keine iCalendar-Datei: kein BEGIN:VCALENDAR"),
    ("no VCALENDAR around the VEVENTs: read them anyway",
     "pas de VCALENDAR autour des VEVENT : lus quand même",
     "kein VCALENDAR um die VEVENTs: trotzdem gelesen"),
    ("truncated iCalendar file: no END:VCALENDAR",
     "fichier iCalendar tronqué : pas de END:VCALENDAR",
     "abgeschnittene iCalendar-Datei: kein END:VCALENDAR"),
    ("unreadable iCalendar: {why}",
     "iCalendar illisible : {why}",
     "unlesbares iCalendar: {why}"),
    ("text before BEGIN:VCALENDAR ignored, the first line: {first}",
     "texte avant BEGIN:VCALENDAR ignoré, la première ligne : {first}",
     "Text vor BEGIN:VCALENDAR ignoriert, die erste Zeile: {first}"),
    ("skipped a line that is not an iCalendar content line: {first}",
     "une ligne qui n'est pas une ligne iCalendar ignorée : {first}",
     "eine Zeile übersprungen, die keine iCalendar-Zeile ist: {first}"),
    ("skipped {n} lines that are not iCalendar content lines, the first: {first}",
     "{n} lignes qui ne sont pas des lignes iCalendar ignorées, la première : {first}",
     "{n} Zeilen übersprungen, die keine iCalendar-Zeilen sind, die erste: {first}"),
    ("unreadable VTIMEZONE or VALARM (a property written twice, or in a form iCalendar does "
     "not allow): ignored them",
     "VTIMEZONE ou VALARM illisible (une propriété écrite deux fois, ou sous une forme "
     "qu'iCalendar ne permet pas) : ignorés",
     "unlesbare VTIMEZONE oder VALARM (eine Eigenschaft doppelt oder in einer Form "
     "geschrieben, die iCalendar nicht erlaubt): ignoriert"),
    ("unreadable iCalendar: a property written twice, or in a form iCalendar does not allow",
     "iCalendar illisible : une propriété écrite deux fois, ou sous une forme qu'iCalendar "
     "ne permet pas",
     "unlesbares iCalendar: eine Eigenschaft doppelt oder in einer Form geschrieben, die "
     "iCalendar nicht erlaubt"),
    ("unreadable VTIMEZONE or VALARM ({why}): ignored them",
     "VTIMEZONE ou VALARM illisible ({why}) : ignorés",
     "unlesbare VTIMEZONE oder VALARM ({why}): ignoriert"),
    ("blank lines inside the calendar (RFC 5545 forbids them): skipped",
     "lignes vides dans le calendrier (la RFC 5545 les interdit) : ignorées",
     "Leerzeilen im Kalender (RFC 5545 verbietet sie): übersprungen"),
    ("BEGIN:{name} on line {line} has no END:{name}",
     "BEGIN:{name} ligne {line} sans END:{name}",
     "BEGIN:{name} in Zeile {line} ohne END:{name}"),
    ("not an iCalendar file: no VCALENDAR component",
     "pas un fichier iCalendar : aucun composant VCALENDAR",
     "keine iCalendar-Datei: keine VCALENDAR-Komponente"),
    ("X-WR-TIMEZONE {declared} is not a zone name: read as {zone}",
     "X-WR-TIMEZONE {declared} n'est pas un nom de fuseau : lu comme {zone}",
     "X-WR-TIMEZONE {declared} ist kein Zonenname: als {zone} gelesen"),
    ("unknown X-WR-TIMEZONE {zone}: floating times read as {default}",
     "X-WR-TIMEZONE inconnu {zone} : heures sans fuseau lues en {default}",
     "unbekannte X-WR-TIMEZONE {zone}: Zeiten ohne Zone als {default} gelesen"),
    ("a calendar of cancellations (METHOD:CANCEL): 1 event read as cancelled",
     "un calendrier d'annulations (METHOD:CANCEL) : 1 événement lu comme annulé",
     "ein Kalender von Absagen (METHOD:CANCEL): 1 Termin als abgesagt gelesen"),
    ("a calendar of cancellations (METHOD:CANCEL): {n} events read as cancelled",
     "un calendrier d'annulations (METHOD:CANCEL) : {n} événements lus comme annulés",
     "ein Kalender von Absagen (METHOD:CANCEL): {n} Termine als abgesagt gelesen"),
    ("could not apply X-WR-TIMEZONE {zone}: {why}",
     "X-WR-TIMEZONE {zone} non appliqué : {why}",
     "X-WR-TIMEZONE {zone} nicht anwendbar: {why}"),
    ("TZID {tzid} is a Windows zone name: read as {zone} (an IANA name such as {zone} is "
     "portable)",
     "TZID {tzid} est un nom de fuseau Windows : lu comme {zone} (un nom IANA tel que {zone} "
     "est lu partout)",
     "TZID {tzid} ist ein Windows-Zonenname: als {zone} gelesen (ein IANA-Name wie {zone} "
     "wird überall gelesen)"),
    ("TZID {tzid} is not a zone name: read as {zone}",
     "TZID {tzid} n'est pas un nom de fuseau : lu comme {zone}",
     "TZID {tzid} ist kein Zonenname: als {zone} gelesen"),
    ("unknown TZID {tzid}: times read as {zone}",
     "TZID inconnu {tzid} : heures lues en {zone}",
     "unbekannte TZID {tzid}: Zeiten als {zone} gelesen"),
    ("skipped VEVENT {what}: {why}",
     "VEVENT {what} ignoré : {why}",
     "VEVENT {what} übersprungen: {why}"),
    ("{count} VEVENTs have no UID (the first: {what}): generated from their titles and "
     "starts; give every event a UID, or a change of title or time reaches subscribers as a "
     "new event",
     "{count} VEVENT sans UID (le premier : {what}) : des UID ont été créés à partir de leurs "
     "titres et débuts ; donnez un UID à chaque évènement, sinon un changement de titre ou "
     "d'heure parvient aux abonnés comme un nouvel évènement",
     "{count} VEVENTs ohne UID (der erste: {what}): UIDs aus Titel und Beginn erzeugt; geben "
     "Sie jedem Termin eine UID, sonst erreicht eine Änderung von Titel oder Uhrzeit die "
     "Abonnenten als neuer Termin"),
    ("VEVENT {what} has no UID: generated one",
     "VEVENT {what} sans UID : un UID a été créé",
     "VEVENT {what} ohne UID: eine UID wurde erzeugt"),
    ("{count} VEVENTs share a UID at different times (the first: UID {uid}): each kept as an "
     "event of its own; give every event a UID of its own",
     "{count} VEVENT partagent un UID à des heures différentes (le premier : UID {uid}) : "
     "chacun est gardé comme un évènement à part ; donnez à chaque évènement son propre UID",
     "{count} VEVENTs teilen sich eine UID zu verschiedenen Zeiten (die erste: UID {uid}): "
     "jeder bleibt ein eigener Termin; geben Sie jedem Termin eine eigene UID"),
    ("events without a title (no SUMMARY): titled by the first words of their description, "
     "or their place; give each event a SUMMARY",
     "événements sans titre (pas de SUMMARY) : titrés par les premiers mots de leur "
     "description, ou par leur lieu ; donnez un SUMMARY à chaque événement",
     "Termine ohne Titel (kein SUMMARY): nach den ersten Wörtern ihrer Beschreibung oder "
     "nach ihrem Ort benannt; geben Sie jedem Termin ein SUMMARY"),
    ("(no SUMMARY, no UID)",
     "(sans SUMMARY ni UID)",
     "(ohne SUMMARY und UID)"),
    ("UID {uid}",
     "UID {uid}",
     "UID {uid}"),
    ("no DTSTART",
     "pas de DTSTART",
     "kein DTSTART"),
    ("unreadable DTSTART {value}",
     "DTSTART illisible {value}",
     "unlesbares DTSTART {value}"),
    ("{name} {value} is at the very end of the calendar (no time zone can show it)",
     "{name} {value} est à l'extrême limite du calendrier (aucun fuseau ne peut l'afficher)",
     "{name} {value} liegt am äußersten Rand des Kalenders (keine Zeitzone kann ihn zeigen)"),
    ("left out 1 private event (CLASS:PRIVATE or CONFIDENTIAL): not published",
     "1 événement privé (CLASS:PRIVATE ou CONFIDENTIAL) écarté : non publié",
     "1 privater Termin (CLASS:PRIVATE oder CONFIDENTIAL) ausgelassen: nicht veröffentlicht"),
    ("left out {n} private events (CLASS:PRIVATE or CONFIDENTIAL): not published",
     "{n} événements privés (CLASS:PRIVATE ou CONFIDENTIAL) écartés : non publiés",
     "{n} private Termine (CLASS:PRIVATE oder CONFIDENTIAL) ausgelassen: nicht "
     "veröffentlicht"),
    ("the calendar is shared as free/busy time only (its one event is titled 'Busy', 'Free', "
     "'Tentative' or 'Away', without details): nothing of it is published; share the calendar "
     "with all event details (Outlook: 'Can view all details'; Google Calendar: 'See all event "
     "details')",
     "le calendrier n'est partagé qu'en disponibilités (son seul événement s'intitule "
     "« Occupé », « Libre », « Provisoire » ou « Absent », sans détails) : rien n'en est "
     "publié ; partagez le calendrier avec tous les détails des événements (Outlook : "
     "« Peut afficher tous les détails » ; Google Agenda : « Afficher tous les détails des "
     "événements »)",
     "der Kalender ist nur als Verfügbarkeit freigegeben (sein einziger Termin heißt "
     "„Gebucht“, „Frei“, „Mit Vorbehalt“ oder „Abwesend“, ohne Details): nichts davon wird "
     "veröffentlicht; geben Sie den Kalender mit allen Termindetails frei (Outlook: „Kann "
     "alle Details anzeigen“; Google Kalender: „Alle Termindetails anzeigen“)"),
    ("the calendar is shared as free/busy time only (its {n} events are all titled 'Busy', "
     "'Free', 'Tentative' or 'Away', without details): nothing of it is published; share the "
     "calendar with all event details (Outlook: 'Can view all details'; Google Calendar: 'See "
     "all event details')",
     "le calendrier n'est partagé qu'en disponibilités (ses {n} événements s'intitulent tous "
     "« Occupé », « Libre », « Provisoire » ou « Absent », sans détails) : rien n'en est "
     "publié ; partagez le calendrier avec tous les détails des événements (Outlook : "
     "« Peut afficher tous les détails » ; Google Agenda : « Afficher tous les détails des "
     "événements »)",
     "der Kalender ist nur als Verfügbarkeit freigegeben (seine {n} Termine heißen alle "
     "„Gebucht“, „Frei“, „Mit Vorbehalt“ oder „Abwesend“, ohne Details): nichts davon wird "
     "veröffentlicht; geben Sie den Kalender mit allen Termindetails frei (Outlook: „Kann "
     "alle Details anzeigen“; Google Kalender: „Alle Termindetails anzeigen“)"),

    # dates and rules (parse.ical_dates, aggregator.recurrence)
    ("unreadable date {value}",
     "date illisible {value}",
     "unlesbares Datum {value}"),
    ("VEVENT {what}: unreadable DURATION ignored",
     "VEVENT {what} : DURATION illisible ignorée",
     "VEVENT {what}: unlesbare DURATION ignoriert"),
    ("VEVENT {what}: DTEND before DTSTART, ignored",
     "VEVENT {what} : DTEND avant DTSTART, ignoré",
     "VEVENT {what}: DTEND vor DTSTART, ignoriert"),
    ("DURATION out of range ignored ({days} days)",
     "DURATION hors limites ignorée ({days} jours)",
     "DURATION außerhalb des Bereichs ignoriert ({days} Tage)"),
    ("RRULE UNTIL {value} read as {basic} (iCalendar's form)",
     "RRULE UNTIL {value} lu comme {basic} (la forme d'iCalendar)",
     "RRULE UNTIL {value} als {basic} gelesen (die Form von iCalendar)"),
    ("a date written {first} rather than as iCalendar writes it (20261207T180000): read as "
     "written",
     "une date écrite {first} au lieu de la forme d'iCalendar (20261207T180000) : lue telle "
     "qu'écrite",
     "ein Datum als {first} geschrieben statt wie iCalendar (20261207T180000): gelesen, wie "
     "geschrieben"),
    ("{n} dates written as {first} rather than as iCalendar writes them (20261207T180000): read "
     "as written",
     "{n} dates écrites comme {first} au lieu de la forme d'iCalendar (20261207T180000) : lues "
     "telles qu'écrites",
     "{n} Datumsangaben wie {first} geschrieben statt wie iCalendar (20261207T180000): gelesen, "
     "wie geschrieben"),
    ("VEVENT {what}: unreadable {name} ignored",
     "VEVENT {what} : {name} illisible ignoré",
     "VEVENT {what}: unlesbares {name} ignoriert"),
    ("VEVENT {what}: {n} {name} values, more than the feed's limit: kept the latest {kept}",
     "VEVENT {what} : {n} valeurs {name}, au-delà de la limite du flux : gardé les {kept} "
     "dernières",
     "VEVENT {what}: {n} {name}-Werte, mehr als die Grenze des Feeds: die letzten {kept} "
     "behalten"),
    ("VEVENT {what}: {n} {name} values, more than the feed's limit: dropped them",
     "VEVENT {what} : {n} valeurs {name}, au-delà de la limite du flux : écartées",
     "VEVENT {what}: {n} {name}-Werte, mehr als die Grenze des Feeds: verworfen"),
    ("VEVENT {what}: {n} {name} values, more than an event's limit: kept the latest {kept}",
     "VEVENT {what} : {n} valeurs {name}, au-delà de la limite d'un événement : gardé les "
     "{kept} dernières",
     "VEVENT {what}: {n} {name}-Werte, mehr als die Grenze eines Termins: die letzten {kept} "
     "behalten"),
    ("VEVENT {what}: several RRULEs without an end, kept the first",
     "VEVENT {what} : plusieurs RRULE sans fin, seule la première est gardée",
     "VEVENT {what}: mehrere RRULEs ohne Ende, die erste behalten"),
    ("VEVENT {what}: a further RRULE goes on past what is read of it (its first {steps} "
     "steps, {dates} dates): its later dates dropped",
     "VEVENT {what} : une RRULE supplémentaire continue au-delà de ce qui en est lu (ses "
     "{steps} premiers pas, {dates} dates) : ses dates suivantes sont ignorées",
     "VEVENT {what}: eine weitere RRULE geht über das hinaus, was von ihr gelesen wird (ihre "
     "ersten {steps} Schritte, {dates} Termine): ihre späteren Termine verworfen"),
    ("VEVENT {what}: {why}",
     "VEVENT {what} : {why}",
     "VEVENT {what}: {why}"),
    ("RRULE part {part} ignored",
     "partie de RRULE {part} ignorée",
     "RRULE-Teil {part} ignoriert"),
    ("RRULE UNTIL unreadable: ignored",
     "UNTIL de la RRULE illisible : ignoré",
     "RRULE-UNTIL unlesbar: ignoriert"),
    ("RRULE {rule} has no valid FREQ: ignored, read as a single event",
     "RRULE {rule} sans FREQ valide : ignorée, lu comme un événement unique",
     "RRULE {rule} ohne gültige FREQ: ignoriert, als einzelner Termin gelesen"),
    ("RRULE {part} {values} outside the calendar: ignored (no date has it)",
     "RRULE {part} {values} hors du calendrier : ignoré (aucune date ne l'a)",
     "RRULE {part} {values} außerhalb des Kalenders: ignoriert (kein Datum hat ihn)"),
    ("RRULE {rule}: {part} is outside the calendar: read as a single event",
     "RRULE {rule} : {part} est hors du calendrier : lu comme un événement unique",
     "RRULE {rule}: {part} liegt außerhalb des Kalenders: als einzelner Termin gelesen"),
    ("RRULE {rule}: {why}: read as a single event",
     "RRULE {rule} : {why} : lu comme un événement unique",
     "RRULE {rule}: {why}: als einzelner Termin gelesen"),
    ("it has no valid FREQ",
     "elle n'a pas de FREQ valide",
     "sie hat keine gültige FREQ"),
    ("INTERVAL={n} is not a positive number",
     "INTERVAL={n} n'est pas un nombre positif",
     "INTERVAL={n} ist keine positive Zahl"),
    ("COUNT={n} is not a positive number",
     "COUNT={n} n'est pas un nombre positif",
     "COUNT={n} ist keine positive Zahl"),
    ("RSCALE and SKIP (RFC 7529 calendars) are not supported",
     "RSCALE et SKIP (calendriers de la RFC 7529) ne sont pas pris en charge",
     "RSCALE und SKIP (Kalender nach RFC 7529) werden nicht unterstützt"),
    ("refused by the expander ({why})",
     "refusée par le calcul des dates ({why})",
     "von der Terminberechnung abgelehnt ({why})"),
    ("no date ever matches it",
     "aucune date n'y répond jamais",
     "kein Datum erfüllt sie je"),
    ("1 recurring series starts too far back to be listed ({what}): the agenda, the digest "
     "and the organisation's page leave out its dates, calendar.ics keeps them; start it "
     "(DTSTART) nearer today",
     "1 série récurrente commence trop loin dans le passé pour être listée ({what}) : "
     "l'agenda, la lettre et la page de l'organisation omettent ses dates, calendar.ics les "
     "garde ; faites-la commencer (DTSTART) plus près d'aujourd'hui",
     "1 Terminserie beginnt zu weit in der Vergangenheit, um gelistet zu werden ({what}): "
     "Agenda, Newsletter und die Seite der Organisation lassen ihre Termine aus, "
     "calendar.ics behält sie; lassen Sie sie (DTSTART) näher am heutigen Tag beginnen"),
    ("1 recurring series meets too rarely to be listed ({what}): the agenda, the digest and "
     "the organisation's page leave out its dates, calendar.ics keeps them; write its dates "
     "as RDATEs instead",
     "1 série récurrente a lieu trop rarement pour être listée ({what}) : l'agenda, la "
     "lettre et la page de l'organisation omettent ses dates, calendar.ics les garde ; "
     "écrivez plutôt ses dates en RDATE",
     "1 Terminserie findet zu selten statt, um gelistet zu werden ({what}): Agenda, "
     "Newsletter und die Seite der Organisation lassen ihre Termine aus, calendar.ics "
     "behält sie; schreiben Sie ihre Termine stattdessen als RDATE"),
    ("{n} recurring series meet too rarely to be listed (the first: {what}): the agenda, the "
     "digest and the organisation's page leave out their dates, calendar.ics keeps them; "
     "write their dates as RDATEs instead",
     "{n} séries récurrentes ont lieu trop rarement pour être listées (la première : {what}) "
     ": l'agenda, la lettre et la page de l'organisation omettent leurs dates, calendar.ics "
     "les garde ; écrivez plutôt leurs dates en RDATE",
     "{n} Terminserien finden zu selten statt, um gelistet zu werden (die erste: {what}): "
     "Agenda, Newsletter und die Seite der Organisation lassen ihre Termine aus, "
     "calendar.ics behält sie; schreiben Sie ihre Termine stattdessen als RDATE"),
    ("{n} recurring series start too far back to be listed (the first: {what}): the agenda, "
     "the digest and the organisation's page leave out their dates, calendar.ics keeps them; "
     "start them (DTSTART) nearer today",
     "{n} séries récurrentes commencent trop loin dans le passé pour être listées (la "
     "première : {what}) : l'agenda, la lettre et la page de l'organisation omettent leurs "
     "dates, calendar.ics les garde ; faites-les commencer (DTSTART) plus près d'aujourd'hui",
     "{n} Terminserien beginnen zu weit in der Vergangenheit, um gelistet zu werden (die "
     "erste: {what}): Agenda, Newsletter und die Seite der Organisation lassen ihre Termine "
     "aus, calendar.ics behält sie; lassen Sie sie (DTSTART) näher am heutigen Tag beginnen"),

    *NEWS,

    # the feed's health (aggregator.decide)
    ("suddenly empty: the feed now holds no records where it had {n}; the previous records "
     "are kept until it has some again",
     "soudain vide : le flux ne contient plus rien alors qu'il avait {n} entrées ; les "
     "précédentes restent publiées jusqu'à ce qu'il en ait de nouveau",
     "plötzlich leer: der Feed enthält nichts mehr, wo er {n} Einträge hatte; die bisherigen "
     "bleiben veröffentlicht, bis er wieder welche hat"),
    ("declared as a calendar, the feed now gives {format} and no events where it had {n} "
     "records; the previous records are kept until it gives events again",
     "déclaré comme calendrier, le flux donne maintenant du {format} et aucun évènement alors "
     "qu'il avait {n} entrées ; les précédentes restent publiées jusqu'à ce qu'il redonne "
     "des évènements",
     "als Kalender angegeben, liefert der Feed jetzt {format} und keine Termine, wo er {n} "
     "Einträge hatte; die bisherigen bleiben veröffentlicht, bis er wieder Termine liefert"),
    ("declared as {declared}, the feed now gives {format} and no articles where it had {n} "
     "records; the previous records are kept until it gives articles again",
     "déclaré en {declared}, le flux donne maintenant du {format} et aucun article alors "
     "qu'il avait {n} entrées ; les précédentes restent publiées jusqu'à ce qu'il redonne "
     "des articles",
     "als {declared} angegeben, liefert der Feed jetzt {format} und keine Artikel, wo er {n} "
     "Einträge hatte; die bisherigen bleiben veröffentlicht, bis er wieder Artikel liefert"),

    # storing (aggregator.core)
    ("its records could not be stored: {why}; the previous records are kept",
     "ses entrées n'ont pas pu être enregistrées : {why} ; les précédentes sont conservées",
     "seine Einträge konnten nicht gespeichert werden: {why}; die bisherigen bleiben erhalten"),
) + FORMS
