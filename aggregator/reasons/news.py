"""The catalogue's entries for news feeds, JSON Feed and an events page's JSON-LD
(aggregator.parse.news, parse.feed_dates, parse.jsonfeed, parse.jsonld): (English as stored,
French, German), as :mod:`.catalog` describes."""

from __future__ import annotations

NEWS: tuple[tuple[str, str, str], ...] = (
    # news feeds (parse.news)
    ("{why}; read leniently",
     "{why} ; lu malgré tout",
     "{why}; dennoch gelesen"),
    ("not an RSS or Atom feed: no channel, feed or item element",
     "pas un flux RSS ou Atom : aucun élément channel, feed ou item",
     "kein RSS- oder Atom-Feed: kein channel-, feed- oder item-Element"),
    ("{n} entries: kept the first {max}",
     "{n} entrées : seules les {max} premières sont gardées",
     "{n} Einträge: nur die ersten {max} behalten"),
    ("declared encoding {name} is no encoding's name: read as UTF-8",
     "l’encodage déclaré {name} n’est le nom d’aucun encodage : lu comme de l’UTF-8",
     "die angegebene Kodierung {name} ist kein Kodierungsname: als UTF-8 gelesen"),
    ("{n} character references to no character (half of a UTF-16 pair such as &#xD800;, or "
     "past U+10FFFF): read as U+FFFD",
     "{n} références de caractère ne désignant aucun caractère (moitié d’une paire UTF-16 "
     "comme &#xD800;, ou au-delà de U+10FFFF) : lues comme U+FFFD",
     "{n} Zeichenreferenzen auf kein Zeichen (Hälfte eines UTF-16-Paars wie &#xD800; oder "
     "jenseits von U+10FFFF): als U+FFFD gelesen"),
    ("{n} '&' not written '&amp;' as XML requires: read as text",
     "{n} « & » non écrits « &amp; » comme XML le demande : lus comme du texte",
     "{n} „&“ nicht als „&amp;“ geschrieben, wie XML es verlangt: als Text gelesen"),
    ("an entry without a date (pubDate): dated by the day it was first seen",
     "une entrée sans date (pubDate) : datée du jour où elle a été vue pour la première fois",
     "ein Eintrag ohne Datum (pubDate): datiert auf den Tag, an dem er zuerst gesehen wurde"),
    ("{n} entries without a date (pubDate): dated by the day they were first seen",
     "{n} entrées sans date (pubDate) : datées du jour où elles ont été vues pour la première "
     "fois",
     "{n} Einträge ohne Datum (pubDate): datiert auf den Tag, an dem sie zuerst gesehen "
     "wurden"),
    ("an entry with a date that cannot be read ({first}): dated by the day it was first seen",
     "une entrée dont la date est illisible ({first}) : datée du jour où elle a été vue pour "
     "la première fois",
     "ein Eintrag mit unlesbarem Datum ({first}): datiert auf den Tag, an dem er zuerst "
     "gesehen wurde"),
    ("{n} entries with a date that cannot be read, the first: {first}: dated by the day they "
     "were first seen",
     "{n} entrées dont la date est illisible, la première : {first} : datées du jour où elles "
     "ont été vues pour la première fois",
     "{n} Einträge mit unlesbarem Datum, der erste: {first}: datiert auf den Tag, an dem sie "
     "zuerst gesehen wurden"),
    ("an entry dated in the future ({first}): dated by the day it was first seen; a feed "
     "dates an article by when it was published",
     "une entrée datée dans le futur ({first}) : datée du jour où elle a été vue pour la "
     "première fois ; un flux date un article du jour de sa publication",
     "ein Eintrag mit einem Datum in der Zukunft ({first}): datiert auf den Tag, an dem er "
     "zuerst gesehen wurde; ein Feed datiert einen Artikel auf den Tag seiner Veröffentlichung"),
    ("{n} entries dated in the future, the first {first}: dated by the day they were first "
     "seen; a feed dates an article by when it was published",
     "{n} entrées datées dans le futur, la première le {first} : datées du jour où elles ont "
     "été vues pour la première fois ; un flux date un article du jour de sa publication",
     "{n} Einträge mit einem Datum in der Zukunft, der erste am {first}: datiert auf den Tag, "
     "an dem sie zuerst gesehen wurden; ein Feed datiert einen Artikel auf den Tag seiner "
     "Veröffentlichung"),
    ("dates in figures such as {example} read day first, as French and German write them: a "
     "pubDate in RFC 822 (Mon, 07 Dec 2026 18:00:00 +0100) leaves no doubt",
     "dates en chiffres comme {example} lues le jour en premier, comme en français et en "
     "allemand : une pubDate en RFC 822 (Mon, 07 Dec 2026 18:00:00 +0100) ne laisse aucun doute",
     "Datumsangaben in Ziffern wie {example} mit dem Tag zuerst gelesen, wie im Deutschen und "
     "Französischen: ein pubDate nach RFC 822 (Mon, 07 Dec 2026 18:00:00 +0100) lässt keinen "
     "Zweifel"),
    ("dates in figures such as {example} read month first, as the feed's language (US English) "
     "writes them: a pubDate in RFC 822 (Mon, 07 Dec 2026 18:00:00 +0100) leaves no doubt",
     "dates en chiffres comme {example} lues le mois en premier, comme les écrit la langue du "
     "flux (anglais américain) : une pubDate en RFC 822 (Mon, 07 Dec 2026 18:00:00 +0100) ne "
     "laisse aucun doute",
     "Datumsangaben in Ziffern wie {example} mit dem Monat zuerst gelesen, wie sie die Sprache "
     "des Feeds (US-Englisch) schreibt: ein pubDate nach RFC 822 (Mon, 07 Dec 2026 18:00:00 "
     "+0100) lässt keinen Zweifel"),
    ("ignored elements out of place or incomplete: {tags}",
     "éléments mal placés ou incomplets ignorés : {tags}",
     "falsch platzierte oder unvollständige Elemente ignoriert: {tags}"),
    ("skipped {n} entries with no id, title, link or content",
     "{n} entrées sans id, titre, lien ni contenu ignorées",
     "{n} Einträge ohne id, Titel, Link oder Inhalt übersprungen"),
    ("not a well-formed feed: {why}",
     "flux mal formé : {why}",
     "kein wohlgeformter Feed: {why}"),
    ("not a well-formed feed",
     "flux mal formé",
     "kein wohlgeformter Feed"),
    ("invalid XML at line {answer}: {why}",
     "XML non valide à la ligne {answer} : {why}",
     "ungültiges XML in Zeile {answer}: {why}"),
    ("wrong declared encoding: {why}",
     "encodage déclaré erroné : {why}",
     "falsch angegebene Kodierung: {why}"),

    # JSON Feed and JSON-LD (parse.jsonfeed, parse.jsonld)
    ("JSON Feed not UTF-8 at byte {at}",
     "JSON Feed pas en UTF-8 à l'octet {at}",
     "JSON Feed nicht in UTF-8 bei Byte {at}"),
    ("invalid JSON: {why}",
     "JSON non valide : {why}",
     "ungültiges JSON: {why}"),
    ("invalid JSON at {where}: {why}",
     "JSON non valide à {where} : {why}",
     "ungültiges JSON bei {where}: {why}"),
    ('JSON but not a JSON Feed: no "version": "https://jsonfeed.org/version/1.1"',
     'du JSON mais pas un JSON Feed : pas de "version": "https://jsonfeed.org/version/1.1"',
     'JSON, aber kein JSON Feed: kein "version": "https://jsonfeed.org/version/1.1"'),
    ("unknown JSON Feed version {version}: read as 1.1",
     "version de JSON Feed inconnue {version} : lue comme 1.1",
     "unbekannte JSON-Feed-Version {version}: als 1.1 gelesen"),
    ('no "items" list: the feed holds no items',
     'pas de liste "items" : le flux ne contient aucun article',
     'keine "items"-Liste: der Feed enthält keine Einträge'),
    ("{n} items: kept the first {max}",
     "{n} articles : seuls les {max} premiers sont gardés",
     "{n} Einträge: nur die ersten {max} behalten"),
    ("item field {name} is a {type}, not a string: ignored",
     "le champ {name} d'un article est un {type}, pas un texte : ignoré",
     "das Feld {name} eines Eintrags ist ein {type}, kein Text: ignoriert"),
    ("skipped item: a {type}, not an object",
     "article ignoré : un {type}, pas un objet",
     "Eintrag übersprungen: ein {type}, kein Objekt"),
    ("skipped item with no id, url, title or content",
     "article sans id, url, titre ni contenu ignoré",
     "Eintrag ohne id, url, Titel oder Inhalt übersprungen"),
    ("unreadable {name} {value}: ignored",
     "{name} illisible {value} : ignoré",
     "unlesbares {name} {value}: ignoriert"),
    ("{name} {value} is not RFC 3339 as JSON Feed asks (2026-12-07T18:00:00+01:00): read as "
     "written",
     "{name} {value} n'est pas en RFC 3339 comme JSON Feed le demande "
     "(2026-12-07T18:00:00+01:00) : lu tel qu'écrit",
     "{name} {value} ist nicht RFC 3339, wie JSON Feed es verlangt "
     "(2026-12-07T18:00:00+01:00): gelesen, wie geschrieben"),
    ('no schema.org JSON-LD block (<script type="application/ld+json">) in the page',
     'aucun bloc JSON-LD schema.org (<script type="application/ld+json">) dans la page',
     'kein schema.org-JSON-LD-Block (<script type="application/ld+json">) in der Seite'),
    ("JSON-LD block {n} is not valid JSON: {why}",
     "le bloc JSON-LD {n} n'est pas du JSON valide : {why}",
     "JSON-LD-Block {n} ist kein gültiges JSON: {why}"),
    ("the page's JSON-LD holds no schema.org Event",
     "le JSON-LD de la page ne contient aucun Event schema.org",
     "das JSON-LD der Seite enthält kein schema.org-Event"),
    ("{n} events in the page: only the first {max} are read",
     "{n} événements dans la page : seuls les {max} premiers sont lus",
     "{n} Termine in der Seite: nur die ersten {max} werden gelesen"),
    ("a date not written as schema.org asks (ISO 8601: 2026-12-07T18:00+01:00): {first}: read "
     "as people write it",
     "une date qui n'est pas écrite comme schema.org le demande (ISO 8601 : "
     "2026-12-07T18:00+01:00) : {first} : lue comme on l'écrit",
     "ein Datum, nicht so geschrieben, wie schema.org es verlangt (ISO 8601: "
     "2026-12-07T18:00+01:00): {first}: gelesen, wie man es schreibt"),
    ("{n} dates not written as schema.org asks (ISO 8601: 2026-12-07T18:00+01:00), the first: "
     "{first}: read as people write them",
     "{n} dates qui ne sont pas écrites comme schema.org le demande (ISO 8601 : "
     "2026-12-07T18:00+01:00), la première : {first} : lues comme on les écrit",
     "{n} Datumsangaben, nicht so geschrieben, wie schema.org es verlangt (ISO 8601: "
     "2026-12-07T18:00+01:00), die erste: {first}: gelesen, wie man sie schreibt"),
    ("JSON-LD Event {name} skipped: no name or no valid startDate",
     "Event JSON-LD {name} ignoré : pas de nom ou pas de startDate valide",
     "JSON-LD-Event {name} übersprungen: kein Name oder kein gültiges startDate"),
)
