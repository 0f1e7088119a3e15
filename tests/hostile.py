"""Hostile bodies for the hardening tests (issue 7): each one a real attack or a real exporter bug.

Plain bytes builders, no I/O; the tests serve them from the misbehaving loopback server.
"""

from __future__ import annotations

import gzip
from datetime import date, timedelta

SECRET = "TOPSECRET-7f3a9c"
"""Written to a file that external entities point at: it must never appear in any output."""


def ics(*vevents: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{v.strip()}\r\nEND:VEVENT\r\n" for v in vevents)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()


def good_ics(start: str) -> bytes:
    return ics(f"UID:good-1@test\r\nDTSTART:{start}\r\nDTEND:{start}\r\nSUMMARY:Good event")


def billion_laughs() -> bytes:
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1) if i > 1 else "lol") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<title>&lol9;</title><item><title>Laughs &lol9;</title><link>https://laughs.example/1</link>"
        "</item></channel></rss>"
    ).encode()


def external_entity(path: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{path}">'
        f'<!ENTITY % remote SYSTEM "file://{path}"> %remote;]>'
        '<rss version="2.0"><channel><title>XXE</title><item><title>Entity &xxe; here</title>'
        "<description>&xxe;</description><link>https://xxe.example/1</link></item></channel></rss>"
    ).encode()


def external_entity_atom(path: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file://{path}">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>XXE</title><id>urn:x</id>'
        "<updated>2026-01-01T00:00:00Z</updated><entry><id>urn:x:1</id><title>Atom &xxe;</title>"
        "<updated>2026-01-01T00:00:00Z</updated><summary>&xxe;</summary></entry></feed>"
    ).encode()


def many_events(count: int = 200_000) -> bytes:
    """``count`` minimal VEVENTs: 200 000 fit in 9.2 MB, under the 10 MB fetch cap."""
    event = b"BEGIN:VEVENT\r\nDTSTART:20270101\r\nEND:VEVENT\r\n"
    return b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + event * count + b"END:VCALENDAR\r\n"


def many_dates(events: int = 50, per_event: int = 10_001) -> bytes:
    """VEVENTs listing hourly RDATEs on one line each: 50 x 10,001 fit in 8.3 MB."""
    blocks = []
    for n in range(events):
        values = ",".join(_hour(n * per_event + i) for i in range(per_event))
        blocks.append(f"UID:dates-{n}@test\r\nDTSTART:20300101T000000Z\r\nSUMMARY:Dates {n}\r\nRDATE:{values}")
    return ics(*blocks)


def _hour(index: int) -> str:
    day, hour = divmod(index, 24)
    return (date(2030, 1, 1) + timedelta(days=day)).strftime("%Y%m%d") + f"T{hour:02d}0000Z"


def absurd_rrules(start: str) -> bytes:
    return ics(
        "UID:secondly@test\r\nDTSTART:19000101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Every second since 1900",
        "UID:minutely@test\r\nDTSTART:19700101T000000Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=1;BYSECOND=0,1,2,3,4,5\r\nSUMMARY:Six a minute",
        "UID:year-zero@test\r\nDTSTART:20270101T000000Z\r\nRRULE:FREQ=DAILY;UNTIL=00000101T000000Z\r\nSUMMARY:Until year zero",
        "UID:never@test\r\nDTSTART:20270101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\nSUMMARY:Never happens",
        "UID:huge-count@test\r\nDTSTART:20270101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=999999999\r\nSUMMARY:Huge count",
        "UID:far@test\r\nDTSTART:99991231T000000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Year 9999",
        "UID:junk@test\r\nDTSTART:20270101T000000Z\r\nRRULE:FREQ=FORTNIGHTLY;BYDAY=XX;INTERVAL=-5\r\nSUMMARY:Junk rule",
        # dateutil walks these to the year 9999 (3 s a page), never ends, or refuses them
        f"UID:never-daily@test\r\nDTSTART:{start}\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\nSUMMARY:Never, daily",
        f"UID:interval-zero@test\r\nDTSTART:{start}\r\nRRULE:FREQ=MONTHLY;INTERVAL=0\r\nSUMMARY:Interval zero",
        f"UID:refused@test\r\nDTSTART:{start}\r\nRRULE:FREQ=HOURLY;INTERVAL=2;BYHOUR=1,3\r\nSUMMARY:Odd hours, even steps",
        f"UID:rscale@test\r\nDTSTART:{start}\r\nRRULE:RSCALE=HEBREW;FREQ=YEARLY;SKIP=FORWARD\r\nSUMMARY:Hebrew calendar",
        f"UID:sane@test\r\nDTSTART:{start}\r\nSUMMARY:Sane event",
    )


def nested_components(depth: int = 100_000) -> bytes:
    return b"BEGIN:VCALENDAR\r\n" + b"BEGIN:X-NEST\r\n" * depth + b"END:X-NEST\r\n" * depth + b"END:VCALENDAR\r\n"


def nested_xml(depth: int = 100_000) -> bytes:
    return b'<?xml version="1.0"?><rss version="2.0"><channel>' + b"<x>" * depth + b"</x>" * depth + b"</channel></rss>"


def invalid_utf8(start: str) -> bytes:
    return ics(f"UID:bytes@test\r\nDTSTART:{start}\r\nSUMMARY:Caf@@ broken").replace(b"@@", b"\xe9 \xff\xfe")


def latin1_labelled_utf8() -> bytes:
    text = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            "<item><title>Fête à Nancy</title><link>https://enc.example/1</link></item></channel></rss>")
    return text.encode("latin-1")


def gzip_without_header(decompressed: int = 64 * 1024 * 1024) -> bytes:
    """A body that is itself a gzip bomb, served without Content-Encoding."""
    block = b"\0" * (1024 * 1024)
    return gzip.compress(block * (decompressed // len(block)), 9)


HTML_PAGE = (b"<!doctype html><html><head><title>Our events</title></head>"
             b"<body><h1>Agenda</h1></body></html>")
