"""Every file of the shared conformance corpus (../shared/corpus, 513 real-world inputs).

The promises: ``parse_body`` raises nothing but ParseError; a file the manifest marks ``valid``
yields records unless it is legitimately empty (listed below, with why); a file marked
``invalid`` is refused or read with a warning unless listed below with why we read it cleanly.
The lists fail when an entry no longer applies, so they only ever shrink.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aggregator.errors import ParseError
from aggregator.models import ParsedFeed
from aggregator.parse import parse_body
from aggregator.reasons import reason_in

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MANIFEST = CORPUS / "MANIFEST.tsv"

FEED_LEVEL_TEST = "feedparser test of feed-level elements: the feed has no item or entry"
NO_VEVENT = "no VEVENT in the calendar"
CONTENTLESS = "its entries hold no id, title, link or content (skipped with a warning)"
NO_DTSTART = "its VEVENTs have no DTSTART, so they cannot be placed on a calendar (warned)"
FREE_BUSY_EXPORT = "an Exchange or Google free/busy-only export ('Busy', 'Away'... without details)"
LEGITIMATELY_EMPTY = {
    "ics/icalevents__cest.ics": FREE_BUSY_EXPORT,
    "ics/icalevents__google_tz.ics": FREE_BUSY_EXPORT,
    "ics/icalevents__ms_tz.ics": FREE_BUSY_EXPORT,
    "ics/icalevents__recurrenceid_ms.ics": FREE_BUSY_EXPORT,
    "ics/icalevents__recurring_override.ics": FREE_BUSY_EXPORT,
    "ics/icalevents__rrule_until_all_day_ms.ics": FREE_BUSY_EXPORT,
    "ics/icalevents__transparent.ics": FREE_BUSY_EXPORT,
    "ics/ical4j__oracle-personal-notes-test.ics": "its one event is CLASS:PRIVATE, never published",
    "feeds/feedparser-atom10__relative_uri_inherit_2.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__ampersand_in_attr.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__atom10_version.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__atom_namespace_1.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__big5.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__channel_dcterms_validity.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__channel_lastmod_parsed.xml": "CDF <CHANNEL> without items",
    "feeds/feedparser__doctype_contains_entity_decl.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__empty_xmlns_uri.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__escaped_apos.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__euc-kr.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__feed_link_xml_base_iri.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__feed_not_xml_lang.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__feed_title_unacceptable_uri.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__feed_xml_lang_underscore.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__feedburner_browserfriendly.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__http_application_atom_xml_gb2312_encoding.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__itunes_channel_category_nested.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__itunes_core_element_uppercase.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__itunes_namespace_example.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__missing_quote_in_attr.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__relative_uri_inherit_2.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_090.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_091_netscape.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_091_userland.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_092.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_094.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_10_not_default_ns.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_21.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__rss_version_missing.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-16be-autodetect.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-16be-bom.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-16le-autodetect.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-16le-bom.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-32be-autodetect.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-32be-bom.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-32le-bom.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf-8-bom.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__utf_32.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__xml_declaration_unexpected_character.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__xml_malicious_comment.xml": FEED_LEVEL_TEST,
    "feeds/feedparser__xml_unclosed_comment.xml": FEED_LEVEL_TEST,
    "feeds/gofeed__atom03_feed.xml": "Atom 0.3 feed header without entries",
    "feeds/gofeed__feed_fallbacks_-_rss_channel_itunes.xml": "channel-level iTunes test, no item",
    "feeds/gofeed__issue_275_unknown_children.xml": "channel-level test, no item",
    "feeds/gofeed__issue_304_cloud_with_children.xml": "channel-level test, no item",
    "feeds/gofeed__rss_feed_bom.xml": "BOM test, channel without item",
    "feeds/gofeed__rss_mixed_content.xml": "channel-level test, no item",
    "feeds/reader__10.json": 'JSON Feed 1.0 with "items": []',
    "feeds/feedparser__version-1.1.json": 'JSON Feed version test without "items" (warned)',
    "feeds/feedparser__atom10_arbitrary_element.xml": CONTENTLESS,
    "feeds/feedparser__atommathml.xml": CONTENTLESS + "; its MathML content has no text",
    "feeds/feedparser__entry_category_term_non_ascii.xml": CONTENTLESS + "; a category only",
    "feeds/feedparser__entry_published_parsed_date_overwriting.xml": CONTENTLESS + "; dates only",
    "feeds/feedparser__entry_title_onerror.xml": CONTENTLESS + "; the title is only an <img onerror>",
    "feeds/feedparser__georss_polygon.xml": CONTENTLESS + "; a GeoRSS polygon only",
    "feeds/feedparser__gml_polygon.xml": CONTENTLESS + "; a GML polygon only",
    "feeds/feedparser__item_guid_isPermaLink_ValueError.xml": CONTENTLESS + "; an unparsable guid only",
    "feeds/feedparser__item_madeup_tags_element.xml": CONTENTLESS + "; categories only",
    "feeds/feedparser__version_1.0_keyerror.xml": CONTENTLESS + "; podcast chapters only",
    "feeds/gofeed__issue_275_channel_item_extensions.xml": CONTENTLESS + "; extension elements only",
    "ics/ical4j__Casablanca.ics": NO_VEVENT + ": a VTIMEZONE only",
    "ics/icalendar__bom_calendar.ics": NO_VEVENT + ": an empty VCALENDAR after a BOM",
    "ics/icalendar__empty.ics": NO_VEVENT + ": an empty VCALENDAR",
    "ics/icalendar__issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics": NO_VEVENT + ": VFREEBUSY",
    "ics/icalendar__rfc_7953_3.ics": NO_VEVENT + ": VAVAILABILITY (RFC 7953)",
    "ics/icaljs__Denver.ics": NO_VEVENT + ": a VTIMEZONE only",
    "ics/icaljs__quoted_params.ics": NO_VEVENT + ": calendar properties only",
    "ics/nodeical__utf8-french-calendar.ics": NO_VEVENT + ": VTODOs only",
    "ics/nodeical__vfreebusy-zimbra.ics": NO_VEVENT + ": VFREEBUSY",
    "ics/pyical__params_rfc6868_caret.ics": NO_VEVENT + ": calendar properties only",
    "ics/rie__issue_97_todo_nodtstart.ics": NO_VEVENT + ": a VTODO only",
    "ics/icalendar__issue_1549_binary_attachment.ics": NO_DTSTART,
    "ics/icalendar__rfc_7986_image.ics": NO_DTSTART,
}

ICAL4J_STRICT = "fails only ical4j's strict RFC validation; the VEVENTs are sound and read as written"
INVALID_READ_CLEANLY = {
    "feeds/feedparser__http_high_bit_date.xml": "high-bit bytes in the date of an item-less channel",
    "ics/ical4j__CalendarDataFile.ics": ICAL4J_STRICT,
    "ics/ical4j__core.ics": ICAL4J_STRICT,
    "ics/ical4j__groupwise.ics": ICAL4J_STRICT,
    "ics/ical4j__invalid.txt": "the invalid DTSTAMP is a property we do not use",
    "ics/ical4j__korganizer.ics": ICAL4J_STRICT,
    "ics/ical4j__schedule-unstable.ics": ICAL4J_STRICT,
    "ics/ical4j__sogo-geo-escaped-semicolon.ics": "the broken GEO is a property we do not use",
    "ics/ical4j__tmeher.ics": ICAL4J_STRICT + " (its custom zone matches America/Los_Angeles)",
    "ics/icaljs__blank_line_mid.ics": "a blank line before END:VCALENDAR in a calendar without events",
    "ics/khal__event_dt_rrule_invalid_until.ics": "date-time UNTIL on an all-day series: fixed silently",
    "ics/nodeical__badRRULE.ics": "icalendar drops the junk RRULE parts; the rule left is sound",
    "ics/pyical__todo-invalid-dtstart-tzid.ics": "the invalid TZID is in VTODOs, which we do not read",
    "ics/rie__issue_186_invalid_trigger.ics": "the invalid TRIGGER is in a VALARM, which we do not read",
}


def manifest_rows() -> list[dict[str, str]]:
    with MANIFEST.open(encoding="utf-8", newline="") as manifest:
        return list(csv.DictReader(manifest, delimiter="\t"))


ROWS = manifest_rows() if MANIFEST.exists() else []


def parse_corpus_file(path: str) -> ParsedFeed | ParseError:
    """The parse outcome; any exception other than ParseError fails the test here."""
    try:
        return parse_body((CORPUS / path).read_bytes(), "auto", f"https://corpus.example/{path}")
    except ParseError as error:
        assert error.reason and "\n" not in error.reason
        return error


def test_the_corpus_is_there() -> None:
    assert len(ROWS) == 513, f"expected the shared corpus at {CORPUS}"


def test_the_lists_name_only_corpus_files() -> None:
    paths = {row["path"]: row["expect"] for row in ROWS}
    assert all(paths.get(path) == "valid" for path in LEGITIMATELY_EMPTY)
    assert all(paths.get(path) == "invalid" for path in INVALID_READ_CLEANLY)


@pytest.mark.parametrize("row", ROWS, ids=[row["path"] for row in ROWS])
def test_corpus_file(row: dict[str, str]) -> None:
    outcome = parse_corpus_file(row["path"])
    if row["expect"] == "valid":
        assert not isinstance(outcome, ParseError), f"valid file refused: {outcome.reason}"
        empty = outcome.record_count == 0
        assert empty == (row["path"] in LEGITIMATELY_EMPTY), (
            f"{outcome.record_count} records, warnings {outcome.warnings}: update LEGITIMATELY_EMPTY"
        )
    elif row["expect"] == "invalid":
        # being left out for privacy is not being flagged as broken
        flagged = isinstance(outcome, ParseError) or any(
            not warning.startswith("left out") for warning in outcome.warnings)
        assert flagged != (row["path"] in INVALID_READ_CLEANLY), "update INVALID_READ_CLEANLY"
    said = [outcome.reason] if isinstance(outcome, ParseError) else list(outcome.warnings)
    for message in said:  # a French or German organiser reads them on the feed's pages
        for lang in ("fr", "de"):
            assert reason_in(message, lang) != message, (
                f"{message!r} has no {lang} translation: add it to aggregator/reasons/catalog.py")
