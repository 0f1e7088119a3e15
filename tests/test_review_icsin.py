"""Review of iCal reading as real exporters write it (Outlook/Exchange, Google, Apple, WordPress
plugins, hand-made files): each test is a shape one of them publishes, read as its organiser
meant it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from aggregator.dedup import merge_events
from aggregator.errors import ParseError
from aggregator.models import ParsedFeed, Source
from aggregator.parse import parse_body
from aggregator.reasons import reason_in
from aggregator.recurrence import dates_between
from aggregator.render import render_calendar
from aggregator.render.agenda import upcoming

URL = "https://feeds.example.net/calendar.ics"
PARIS = ZoneInfo("Europe/Paris")


def parse_text(text: str, default_tz: str = "Europe/Paris") -> ParsedFeed:
    return parse_body(text.replace("\n", "\r\n").encode(), "ical", URL, default_tz)


def calendar(*lines: str) -> str:
    return "\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines,
                      "END:VCALENDAR"])


# Outlook 12 / Exchange 2007: an empty DESCRIPTION ("\n") beside the HTML in X-ALT-DESC, an
# unknown property to icalendar, so its TEXT escapes are left as written (corpus
# ical4j__2207678.ics: the event's description was "\n\n\n\n\n\n\n\n\n\n\n", backslashes).
EXCHANGE_ALT_DESC = (
    'X-ALT-DESC;FMTTYPE=text/html:<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2//E\n'
    ' N">\\n<HTML>\\n<HEAD>\\n<META NAME="Generator" CONTENT="MS Exchange Server ve\n'
    ' rsion 08.00.0681.000">\\n<TITLE></TITLE>\\n</HEAD>\\n<BODY>\\n<!-- Converted f\n'
    ' rom text/rtf format -->\\n\\n<P DIR=LTR><SPAN LANG="fr">Salle 2\\, b\u00e2timent A\n'
    ' </SPAN></P>\\n\\n<P DIR=LTR><SPAN LANG="fr">Ordre du jour\\; suite</SPAN></P>\\n\\n</\n'
    ' BODY>\\n</HTML>')


def test_the_html_of_x_alt_desc_is_read_as_the_text_exchange_escaped() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:040000008200E00074C5B7101A82E008", "SUMMARY:Comité",
        "DTSTART;TZID=Romance Standard Time:20261210T180000", "DESCRIPTION:\\n",
        EXCHANGE_ALT_DESC, "END:VEVENT"))
    (event,) = feed.events
    assert event.description == "Salle 2, bâtiment A\n\nOrdre du jour; suite"


def test_an_exchange_x_alt_desc_without_text_gives_no_description() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:reboot", "SUMMARY:Scheduled Reboot",
        "DTSTART;TZID=Romance Standard Time:20261210T093000", "DESCRIPTION:\\n",
        'X-ALT-DESC;FMTTYPE=text/html:<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2//EN">\\n'
        '<HTML>\\n<BODY>\\n<!-- Converted from text/rtf format -->\\n\\n<P DIR=LTR>'
        '<SPAN LANG="en-us"></SPAN></P>\\n\\n</BODY>\\n</HTML>', "END:VEVENT"))
    assert feed.events[0].description == ""


# phpicalendar, Lotus Notes and hand-made files end a zoned series with a local UNTIL (corpus
# ical4j__phpicalendar_sample.ics): RFC 5545 wants it in UTC, and dateutil refuses it with an
# aware DTSTART, so the series was one date long wherever it was walked (the merging of
# series) while calendar clients showed six, and calendar.ics repeated the invalid rule.
def test_a_local_until_of_a_zoned_series_is_read_in_its_zone() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:club", "SUMMARY:Club", "DTSTART;TZID=Europe/Paris:20261001T190000",
        "DTEND;TZID=Europe/Paris:20261001T210000", "RRULE:FREQ=WEEKLY;UNTIL=20261105T190000",
        "END:VEVENT"))
    (event,) = feed.events
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20261105T180000Z"
    walked = dates_between(event.rrule, event.start, (), (), date(2026, 9, 1), date(2027, 1, 1))
    assert walked == tuple(datetime(2026, 10, day, 19, tzinfo=PARIS) for day in (1, 8, 15, 22, 29)
                           ) + (datetime(2026, 11, 5, 19, tzinfo=PARIS),)


# Exchange Online writes the times of events created in UTC with its own name for it
# (python-recurring-ical-events issue 126): read in the feed's zone, a webinar at 20:30 UTC
# was announced at 20:30 in Paris, an hour early.
def test_exchanges_tzone_microsoft_utc_is_utc() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:webinar", "SUMMARY:Webinar",
        'DTSTART;TZID="tzone://Microsoft/Utc":20261216T203000',
        'DTEND;TZID="tzone://Microsoft/Utc":20261216T210000', "END:VEVENT"))
    (event,) = feed.events
    assert event.start == datetime(2026, 12, 16, 20, 30, tzinfo=ZoneInfo("UTC"))
    assert event.timezone == "UTC"
    assert not any("unknown TZID" in warning for warning in feed.warnings)


# PHP generators fold at 75 bytes whatever falls there (CiviCRM, WordPress plugins, iCalcreator;
# RFC 5545 3.1 asks readers to restore the character): the whole file was read as
# Windows-1252, an emoji came out "ðŸš€", a "Ł" a "�", and the organiser was told the file
# was no UTF-8 and encoded twice.
def test_a_character_split_by_a_fold_at_75_bytes_is_read_whole() -> None:
    for title, split in (("Hackathon 🚀 Nancy", "🚀"), ("Kraków – Łódź", "Ł"),
                         ("Entrée 5 € – Épinal", "€")):
        line = f"SUMMARY:{title}".encode()
        start = line.index(split.encode())
        for at in range(start + 1, start + len(split.encode())):
            body = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CiviCRM//NONSGML//EN\r\n"
                    b"BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20261210T180000Z\r\n"
                    + line[:at] + b"\r\n " + line[at:] +
                    b"\r\nDESCRIPTION:Caf\xc3\xa9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
            feed = parse_body(body, "ical", URL, "Europe/Paris")
            assert (feed.events[0].title, feed.events[0].description) == (title, "Café"), at
            assert feed.warnings == ()


# A DESCRIPTION's line breaks are written out (\n) by its author; one entity (a WordPress
# "&#8217;", "&amp;"), a bold word or a link made the whole text read as HTML, where a line
# break is a space: a programme of several lines was published as one run-on line. Google
# appends its Meet block in plain lines to a description it writes in HTML.
def test_a_descriptions_line_breaks_stay_when_it_holds_some_html() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:tec", "SUMMARY:Atelier", "DTSTART:20261210T170000Z",
        "DESCRIPTION:Programme :\\n- 18h : accueil\\n- 19h : l&#8217\\;atelier\\n\\n"
        "Infos &amp\\; inscriptions : https://example.org", "END:VEVENT",
        "BEGIN:VEVENT", "UID:google", "SUMMARY:Réunion", "DTSTART:20261211T170000Z",
        "DESCRIPTION:<b>Ordre du jour</b><br>Budget<br><br>-::~:~::~:~::-\\nJoin with "
        "Google Meet: https://meet.google.com/abc-defg-hij\\n\\nPlease do not edit this "
        "section.\\n-::~:~::~:~::-", "END:VEVENT",
        "BEGIN:VEVENT", "UID:wp", "SUMMARY:Journée", "DTSTART:20261212T170000Z",
        "DESCRIPTION:<p>Une journée de conférences.<br />\\nEt d’ateliers.</p>\\n"
        "<ul>\\n<li>Keynote</li>\\n<li>Ateliers</li>\\n</ul>", "END:VEVENT"))
    descriptions = {event.uid: event.description for event in feed.events}
    assert descriptions["tec"] == ("Programme :\n- 18h : accueil\n- 19h : l’atelier\n\n"
                                   "Infos & inscriptions : https://example.org")
    assert descriptions["google"] == (
        "Ordre du jour\nBudget\n\n-::~:~::~:~::-\nJoin with Google Meet: "
        "https://meet.google.com/abc-defg-hij\n\nPlease do not edit this section.\n"
        "-::~:~::~:~::-")
    assert descriptions["wp"] == ("Une journée de conférences.\nEt d’ateliers.\n\n"
                                  "- Keynote\n- Ateliers")


def test_a_line_break_inside_a_tag_is_no_line_of_the_description() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Atelier", "DTSTART:20261210T170000Z",
        'DESCRIPTION:Voir <a\\nhref="https://example.org">le site</a>\\nFin', "END:VEVENT"))
    assert feed.events[0].description == "Voir le site (https://example.org)\nFin"


# WordPress names a site's manual UTC offset "UTC+5.5" (options-general.php), and The Events
# Calendar writes it as the TZID: the ".5" was not read, and a 19:00 talk in Chennai was
# published half an hour late; "(UTC+05:30) ..." Outlook names without a known city were
# read in the feed's zone.
def test_a_tzid_naming_a_half_hour_offset_is_read_at_that_offset() -> None:
    feed = parse_text(calendar(*(line for n, tzid in enumerate(
        ("UTC+5.5", "UTC+5.75", "(UTC+05:30) Somewhere", "UTC-9.5", "UTC+1"))
        for line in ("BEGIN:VEVENT", f"UID:{n}", f"SUMMARY:{tzid}",
                     f'DTSTART;TZID="{tzid}":20261210T190000', "END:VEVENT"))))
    offsets = {event.title: event.start.utcoffset() for event in feed.events
               if isinstance(event.start, datetime)}
    assert {title: offset.total_seconds() / 3600 for title, offset in offsets.items()
            if offset is not None} == {"UTC+5.5": 5.5, "UTC+5.75": 5.75,
                                       "(UTC+05:30) Somewhere": 5.5, "UTC-9.5": -9.5,
                                       "UTC+1": 1}


def test_a_calendar_zone_naming_an_offset_reads_its_floating_times_at_that_offset() -> None:
    """A WordPress site on a manual offset writes it as X-WR-TIMEZONE ("UTC+5.5", "UTC+1"),
    as in its TZIDs: the calendar's floating 19:00 was read in the feed's default zone
    (Paris, an hour and a half off for Chennai) and the organiser was told the zone was
    unknown."""
    for declared, hours in (("UTC+5.5", 5.5), ("UTC-3", -3)):
        feed = parse_text(calendar(
            f"X-WR-TIMEZONE:{declared}", "BEGIN:VEVENT", "UID:a", "SUMMARY:Talk",
            "DTSTART:20261210T190000", "END:VEVENT"))
        start = feed.events[0].start
        assert isinstance(start, datetime) and start.hour == 19
        offset = start.utcoffset()
        assert offset is not None and offset.total_seconds() / 3600 == hours
        [note] = feed.warnings
        assert note.startswith(f"X-WR-TIMEZONE '{declared}' is not a zone name: read as ")
        assert reason_in(note, "fr").startswith(f"X-WR-TIMEZONE '{declared}' n'est pas un nom")


# PHP generators that join dates with a comma after each write "EXDATE:…T180000," or
# ", " between them: icalendar refuses the list, and the trailing comma cost every date of
# it (the cancelled session published), while a list with spaces was read with a warning
# that its dates were not written as iCalendar writes them, which they were.
def test_an_exdate_list_with_a_trailing_comma_or_spaces_still_excludes_its_dates() -> None:
    feed = parse_text(calendar(*(line for uid, dates in (
        ("trailing", "20261013T180000,20261020T180000,"), ("spaced", "20261013T180000, 20261020T180000"))
        for line in ("BEGIN:VEVENT", f"UID:{uid}", "SUMMARY:Club",
                     "DTSTART;TZID=Europe/Paris:20261006T180000", "RRULE:FREQ=WEEKLY;COUNT=4",
                     f"EXDATE;TZID=Europe/Paris:{dates}", "END:VEVENT"))))
    assert [event.exdates for event in feed.events] == [
        (datetime(2026, 10, 13, 18, tzinfo=PARIS), datetime(2026, 10, 20, 18, tzinfo=PARIS))] * 2
    assert feed.warnings == ()


# Hand-made files and phpicalendar leave spaces at the end of lines (corpus
# ical4j__phpicalendar_sample.ics, "DURATION:PT10M "): the dates were read, the duration was
# dropped as unreadable and the event published without an end.
def test_a_duration_with_trailing_spaces_still_gives_the_end() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:aloe", "SUMMARY:Water Aloe Plant ",
        "DTSTART;TZID=Europe/Paris:20261007T095000 ", "DURATION:PT10M ", "END:VEVENT"))
    (event,) = feed.events
    assert event.end == datetime(2026, 10, 7, 10, 0, tzinfo=PARIS)
    assert feed.warnings == ()


# Yahoo and hand-made files write TZID=UTC (corpus ical4j__yahoo2.txt), an IANA name that
# Windows also uses: the organiser was told it was a Windows name and to use "an IANA name
# such as UTC".
def test_tzid_utc_is_not_reported_as_a_windows_name() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:y", "SUMMARY:Yahoo", "DTSTART;TZID=UTC:20261007T095000",
        "END:VEVENT"))
    assert feed.events[0].start == datetime(2026, 10, 7, 9, 50, tzinfo=ZoneInfo("UTC"))
    assert feed.warnings == ()


# A hand-made file whose event lacks its END:VEVENT was refused as "not an iCalendar file:
# no VCALENDAR component" (icalendar gives nothing back for it), which sent its author
# looking for the wrong mistake: the refusal now names the component left open and its line.
def test_an_event_left_open_is_refused_naming_it_and_its_line() -> None:
    for body in (calendar("BEGIN:VEVENT", "UID:a", "SUMMARY:Atelier",
                          "DTSTART:20261210T180000"),
                 calendar("BEGIN:VEVENT", "UID:a", "SUMMARY:Atelier", "DTSTART:20261210T180000",
                          "BEGIN:VEVENT", "UID:b", "SUMMARY:Club", "DTSTART:20261211T180000",
                          "END:VEVENT")):
        with pytest.raises(ParseError) as refused:
            parse_text(body)
        assert refused.value.reason == "BEGIN:VEVENT on line 4 has no END:VEVENT"
        assert reason_in(refused.value.reason, "fr") == \
            "BEGIN:VEVENT ligne 4 sans END:VEVENT"


# Google and Outlook let an organiser make one date of a weekly evening meetup "all day" (a
# hackathon that week): the feed's override says DTSTART;VALUE=DATE, and RFC 5545 binds only
# its RECURRENCE-ID to the series' kind. Made a time of the series' kind, the day was
# published in calendar.ics and the agenda as 18:00 to 18:00 the next day.
def test_a_date_of_a_timed_series_made_all_day_is_published_all_day() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:meetup@google.com", "SUMMARY:Meetup",
        "DTSTART;TZID=Europe/Paris:20261006T180000", "DTEND;TZID=Europe/Paris:20261006T190000",
        "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT",
        "BEGIN:VEVENT", "UID:meetup@google.com", "SUMMARY:Hackathon",
        "RECURRENCE-ID;TZID=Europe/Paris:20261013T180000", "DTSTART;VALUE=DATE:20261014",
        "DTEND;VALUE=DATE:20261015", "END:VEVENT",
        "BEGIN:VEVENT", "UID:dated", "SUMMARY:Atelier",
        "DTSTART;TZID=Europe/Paris:20261007T180000", "DTEND;TZID=Europe/Paris:20261007T190000",
        "RDATE;TZID=Europe/Paris:20261021T180000", "END:VEVENT",
        "BEGIN:VEVENT", "UID:dated", "SUMMARY:Atelier (journée)",
        "RECURRENCE-ID;TZID=Europe/Paris:20261021T180000", "DTSTART;VALUE=DATE:20261021",
        "END:VEVENT"))
    records = [dataclasses.replace(e, source_id="src", feed_url=URL) for e in feed.events]
    source = Source(id="src", name="Src", kind="lab", city="Metz", country="FR", feeds=())
    merged = merge_events(records, {"src": source}).events
    published = icalendar.Calendar.from_ical(render_calendar(
        merged, name="c", now=datetime(2026, 10, 1, tzinfo=UTC), base_url="https://a.example",
        timezone="Europe/Paris"))
    spans = {str(o["SUMMARY"]): (o.decoded("DTSTART"), o.decoded("DTEND"))
             for o in recurring_ical_events.of(published).between(date(2026, 10, 1),
                                                                  date(2026, 11, 1))}
    assert spans["Hackathon"] == (date(2026, 10, 14), date(2026, 10, 15))
    assert spans["Atelier (journée)"] == (date(2026, 10, 21), date(2026, 10, 22))
    assert spans["Meetup"][0] == datetime(2026, 10, 27, 18, tzinfo=PARIS)  # the last one
    agenda = {o.title: o for o in upcoming(merged, now=datetime(2026, 10, 1, tzinfo=UTC),
                                           zone=PARIS)}
    assert agenda["Hackathon"].all_day and agenda["Atelier (journée)"].all_day


def test_an_event_without_a_summary_is_titled_by_its_description_or_its_place() -> None:
    """RFC 5545 makes SUMMARY optional and hand-made files leave it out: the agenda showed a
    blank row and calendar.ics an empty title. The description's first words title it (else
    its place), the organiser is told once; a moved date keeps the series' title."""
    from aggregator.parse import parse_body
    from aggregator.reasons import reason_in

    long = ("Atelier ouvert à tous pour réparer vos appareils électroniques avec les bénévoles "
            "du repair café, apportez vos objets")
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hand//EN\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20270105T180000Z\r\nDESCRIPTION:" + long + "\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20270106T180000Z\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Meetup\r\nDTSTART:20270107T180000Z\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c\r\nRECURRENCE-ID:20270114T180000Z\r\n"
        "DTSTART:20270114T190000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()
    parsed = parse_body(body, "https://asso.example.org/cal.ics", "ical")
    titles = {(e.uid, e.recurrence_id is not None): e.title for e in parsed.events}
    assert titles[("a", False)] == "Atelier ouvert à tous pour réparer vos appareils " \
        "électroniques avec les…"
    assert len(titles[("a", False)]) <= 80
    assert titles[("b", False)] == "TCRM-Blida, Metz"
    assert titles[("c", False)] == "Meetup" and titles[("c", True)] == ""
    [note] = [w for w in parsed.warnings if "SUMMARY" in w]
    assert reason_in(note, "fr").startswith("événements sans titre (pas de SUMMARY)")


def test_a_link_in_an_html_description_keeps_its_address() -> None:
    """"Inscription ici" linked to the registration page came out as "Inscription ici":
    calendar apps show the description as text, and the address was gone. It follows the
    words now; a link that shows its own address, or a javascript: one, adds nothing."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Atelier", "DTSTART:20261210T170000Z",
        'DESCRIPTION:<p>Inscription <a href="https://asso.example.org/inscription">ici</a>'
        ' ou <a href="mailto:contact@asso.example.org">par courriel</a>.</p><p>'
        '<a href="https://asso.example.org/">https://asso.example.org</a> · '
        '<a href="javascript:alert(1)">clic</a></p>', "END:VEVENT"))
    assert feed.events[0].description == (
        "Inscription ici (https://asso.example.org/inscription) ou par courriel "
        "(contact@asso.example.org).\n\nhttps://asso.example.org · clic")


def test_a_mail_link_shows_the_address_alone() -> None:
    """A mail link that pre-fills its subject ("mailto:x@y?subject=Inscription%20atelier")
    showed its whole query in the description, percent-encoded; the reader needs the
    address, which a phone's calendar turns into a link."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Atelier", "DTSTART:20261210T170000Z",
        'DESCRIPTION:<p>Inscription <a href="mailto:contact%40asso.example.org'
        '?subject=Inscription%20atelier&amp;body=Bonjour">par courriel</a></p>',
        "END:VEVENT"))
    assert feed.events[0].description == (
        "Inscription par courriel (contact@asso.example.org)")


def test_an_event_link_written_without_its_scheme_is_kept() -> None:
    """``URL:www.asso.example.org/atelier`` (hand-made files, some plugins) was dropped
    without a word: the event had no link. A browser reads it as https://; so do we."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Atelier", "DTSTART:20261210T170000Z",
        "URL:www.asso.example.org/atelier", "END:VEVENT"))
    assert feed.events[0].url == "https://www.asso.example.org/atelier"
