"""An event merged into another, as subscribers meet it: calendar clients drop their copy
(CANCELLED), people are never told it was called off (it was not) and its page leads to the
event it joined. Through a real build, the output files and the web app over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import quote

import icalendar

from sites import SOON, ics
from webapp import Web, web  # noqa: F401  (fixture)

FIRST_TITLE = "Atelier soudure Blida"


def _rebuild(web: Web) -> None:
    web.aggregator.refresh(force=True)
    web.aggregator.build()


def _uid_of(web: Web, title: str) -> str:
    events = json.loads((web.tmp_path / "output" / "events.json").read_text())["events"]
    [uid] = [e["uid"] for e in events if e["title"] == title and e["status"] != "CANCELLED"]
    return str(uid)


def test_a_copy_merged_into_another_event_is_cancelled_for_calendars_only(web: Web) -> None:
    # The venue first posts its copy under its own title: two events.
    web.feeds.set("/venue.ics", ics("blida-99@venue", FIRST_TITLE, SOON), "text/calendar")
    _rebuild(web)
    copy = _uid_of(web, FIRST_TITLE)
    since = datetime.now(UTC).isoformat()
    # It renames it as the lab says: the same event, merged with the lab's.
    web.feeds.set("/venue.ics", ics("blida-99@venue", "Rencontre IA", SOON), "text/calendar")
    _rebuild(web)
    kept = _uid_of(web, "Rencontre IA")
    assert kept != copy
    output = web.tmp_path / "output"

    calendar = icalendar.Calendar.from_ical((output / "calendar.ics").read_bytes())
    held = {str(e["UID"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert held[copy] == "CANCELLED"  # a client holding the copy drops it
    # and one that shows CANCELLED events (Outlook) is not told it was called off
    titles = {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert titles[copy] == FIRST_TITLE
    [record] = [e for e in json.loads((output / "events.json").read_text())["events"]
                if e["uid"] == copy]
    assert record["status"] == "CANCELLED" and record["merged_into"] == kept
    assert FIRST_TITLE not in (output / "index.html").read_text()

    client = web.client
    for page in ("/", "/?lang=en", "/sources/venue", "/events.atom", "/sitemap.xml",
                 f"/events/{quote(kept)}"):
        answer = client.get(page)
        assert answer.status_code == 200 and FIRST_TITLE not in answer.text, page
        assert quote(copy, safe="") not in answer.text, page
    moved = client.get(f"/events/{quote(copy, safe='')}?lang=de")
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/events/{quote(kept, safe='')}?lang=de"
    assert client.get(moved.headers["location"]).status_code == 200
    added = client.get(f"/events/{quote(copy, safe='')}.ics")  # a digest's "add" link
    assert added.status_code == 301
    assert added.headers["location"] == f"/events/{quote(kept, safe='')}.ics"
    assert "STATUS:CANCELLED" not in client.get(added.headers["location"]).text
    synced = client.get("/events.json", params={"updated_since": since}).json()
    assert copy in synced["removed"]
    assert copy in client.get("/calendar.ics", params={"city": "Metz"}).text
    html, text = web.aggregator.digest_preview()
    for digest in (html.read_text(), text.read_text()):
        assert "Rencontre IA" in digest and FIRST_TITLE not in digest

