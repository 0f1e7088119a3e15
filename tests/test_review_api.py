"""A partner app kept in step with ``/events.json?updated_since=`` (the open data, reviewed
as a developer integrating it): each sync asks for what changed since the last one's
``generated_at`` and applies ``events`` and ``removed`` to its copy."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sites import SOON, ics, one_calendar
from webapp import Web, web  # noqa: F401  (the fixture)


class Partner:
    """A partner app's copy of the agenda, synced as docs/web.md says (`updated_since`)."""

    def __init__(self, web: Web, **filters: str) -> None:
        self.web, self.filters = web, filters
        document = web.client.get("/events.json", params=filters).json()
        self.events = {e["uid"]: e["title"] for e in document["events"]
                       if e["status"] != "CANCELLED"}
        self.since: str = document["generated_at"]

    def sync(self) -> dict[str, Any]:
        answer = self.web.client.get("/events.json",
                                     params={**self.filters, "updated_since": self.since})
        assert answer.status_code == 200, answer.text
        document: dict[str, Any] = answer.json()
        for event in document["events"]:
            if event["status"] != "CANCELLED":
                self.events[event["uid"]] = event["title"]
        for uid in document["removed"]:
            self.events.pop(uid, None)
        self.since = document["generated_at"]
        return document

    def titles(self) -> set[str]:
        return set(self.events.values())


def rebuild(web: Web) -> None:
    """A build in another second than the last one (``generated_at`` counts seconds: an
    event changed in the same second as the watermark is given again, harmlessly)."""
    time.sleep(1.1)
    web.aggregator.refresh(force=True)
    web.aggregator.build()


def test_a_new_event_edited_long_ago_at_its_source_reaches_a_synced_partner(web: Web) -> None:
    """Google and most calendar servers write LAST-MODIFIED, the time the organiser last
    edited the event: a new organisation's events, or an event its organiser prepared a month
    ago and published today, were dated that old and never given to an app syncing since
    its last poll."""
    partner = Partner(web)
    assert partner.titles() == {"Rencontre IA", "Apéro start-up"}
    edited = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y%m%dT%H%M%SZ")
    web.feeds.set("/assoc.ics", one_calendar(
        ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1)),
        ics("hack-1@assoc", "Hackathon", SOON + timedelta(days=2),
            extra=f"LAST-MODIFIED:{edited}")), "text/calendar")
    rebuild(web)
    partner.sync()
    assert partner.titles() == {"Rencontre IA", "Apéro start-up", "Hackathon"}
    whole = {e["title"] for e in web.client.get("/events.json").json()["events"]}
    assert partner.titles() == whole


def test_an_event_edited_in_the_future_at_its_source_is_not_given_on_every_sync(
        web: Web) -> None:
    """An organiser's server with its clock ahead wrote a LAST-MODIFIED next year: the new
    event came back in every sync until then, as if it changed every time."""
    ahead = (datetime.now(UTC) + timedelta(days=300)).strftime("%Y%m%dT%H%M%SZ")
    partner = Partner(web)
    web.feeds.set("/venue.ics", one_calendar(
        ics("blida-99@venue", "Rencontre IA", SOON, "https://lab.example.org/talk-1/?utm_source=x"),
        ics("o1@venue", "Atelier Python", SOON + timedelta(days=5),
            extra=f"LAST-MODIFIED:{ahead}")), "text/calendar")
    rebuild(web)
    assert "Atelier Python" in {e["title"] for e in partner.sync()["events"]}
    rebuild(web)  # nothing changed in the feeds: the last build's changes, once more at most
    partner.sync()  # (generated_at counts seconds, the build that made them was within one)
    rebuild(web)
    assert partner.sync()["events"] == []


def test_an_event_that_leaves_a_partners_city_leaves_its_copy(web: Web) -> None:
    """A Nancy site syncing ``?city=Nancy&updated_since=…``: the organiser moved its apéro to
    Metz, and the site went on listing it in Nancy, at its old place, until its date (the
    changed event was no longer in the answer, nor in ``removed``)."""
    partner = Partner(web, city="Nancy")
    assert partner.titles() == {"Apéro start-up"}
    web.feeds.set("/assoc.ics", ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1)),
                  "text/calendar")  # at TCRM-Blida, Metz
    rebuild(web)
    partner.sync()
    assert partner.titles() == set()
    assert {e["title"] for e in web.client.get("/events.json", params={"city": "Nancy"}).json()
            ["events"]} == set()


def test_an_event_moved_out_of_a_partners_window_leaves_its_copy(web: Web) -> None:
    """A widget of one week's days, synced with ``from``/``to`` and ``updated_since``: an event
    postponed by a month stayed in its week."""
    day = (SOON + timedelta(days=1)).date()
    window = {"from": (day - timedelta(days=1)).isoformat(), "to": (day + timedelta(days=1)).isoformat()}
    partner = Partner(web, **window)
    assert "Apéro start-up" in partner.titles()
    apero = web.client.get("/events.json", params={"q": "apéro"}).json()["events"][0]
    moved = ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=31))
    web.feeds.set("/assoc.ics", moved, "text/calendar")
    rebuild(web)
    assert apero["uid"] in partner.sync()["removed"]
    assert "Apéro start-up" not in partner.titles()


def test_a_partner_sites_script_may_revalidate_the_open_data_itself(web: Web) -> None:
    """A partner's page keeping events.json with its ETag (``fetch(url, {headers:
    {"If-None-Match": tag}})``): the browser first asks leave with OPTIONS, which answered 405,
    so every such fetch failed; and the script could not read the ETag to send back."""
    asked = web.client.options("/events.json?city=Metz", headers={
        "Origin": "https://partner.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert asked.status_code == 204, asked.text
    assert asked.headers["access-control-allow-origin"] == "*"
    assert "GET" in asked.headers["access-control-allow-methods"]
    assert "if-none-match" in asked.headers["access-control-allow-headers"].lower()
    answer = web.client.get("/events.json?city=Metz", headers={"Origin": "https://partner.example"})
    assert "etag" in answer.headers["access-control-expose-headers"].lower()
    again = web.client.get("/events.json?city=Metz", headers={
        "Origin": "https://partner.example", "If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304 and again.headers["access-control-allow-origin"] == "*"
    # a subscriber's own calendar, and the pages, are not given to other sites' scripts
    for path in ("/calendars/mine/abc.ics", "/subscribe"):
        refused = web.client.options(path, headers={
            "Origin": "https://partner.example", "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-methods" not in refused.headers, path


def test_a_window_in_local_times_is_read_in_the_agendas_time_zone(web: Web) -> None:
    """``from=2026-12-11`` is a day in the agenda's time zone, but ``from=2026-12-11T18:00``
    was read in UTC: a widget of the evening's events, written in local times as people
    read them, missed those of its last hour and got those of the hour before (an hour off
    in winter, two in summer)."""
    apero = web.client.get("/events.json", params={"q": "apéro"}).json()["events"][0]
    start, end = (datetime.fromisoformat(apero[k]).replace(tzinfo=None) for k in ("start", "end"))

    def titles(**window: str) -> set[str]:
        answer = web.client.get("/events.json", params=window)
        assert answer.status_code == 200, answer.text
        return {e["title"] for e in answer.json()["events"]}

    assert "Apéro start-up" not in titles(to=(start - timedelta(minutes=30)).isoformat())
    assert "Apéro start-up" in titles(**{"from": (end - timedelta(minutes=30)).isoformat()})
    assert "Apéro start-up" in titles(to=(start + timedelta(minutes=30)).isoformat())
    for edge in ("0001-01-01T00:00:00", "9999-12-31T23:59:59"):  # no overflow either side
        assert titles(**{"from": edge, "to": edge}) == set()
