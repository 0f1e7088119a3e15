"""A feed that gives its events new UIDs (minted at each export, or a new calendar tool) while
they stay the same events: subscribers' calendars must see nothing happen. Through real
refreshes of a loopback feed, real builds and the calendar.ics they write."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import icalendar

from aggregator.dedup.continuity import keep_identities
from aggregator.dedup.results import EventMerge
from aggregator.render.ics import CALLED_OFF
from render_builders import PARIS, merged
from sites import SOON, ics
from webapp import Web, web  # noqa: F401  (fixture)

APERO = "Apéro start-up"


def _calendar(web: Web) -> dict[str, tuple[str, str, int]]:
    """UID -> (title, status, sequence) of every VEVENT of the merged calendar (the title
    without the "Annulé : " a cancelled one shows to clients that show it as any other)."""
    calendar = icalendar.Calendar.from_ical((web.tmp_path / "output" / "calendar.ics").read_bytes())
    return {str(e["UID"]): (str(e["SUMMARY"]).removeprefix(CALLED_OFF["fr"]), str(e["STATUS"]),
                            int(e.get("SEQUENCE", 0)))
            for e in calendar.walk("VEVENT")}


def _export(web: Web, *events: bytes) -> None:
    body = events[0] if len(events) == 1 else events[0][:events[0].index(b"BEGIN:VEVENT")] + b"".join(
        e[e.index(b"BEGIN:VEVENT"):e.index(b"END:VCALENDAR")] for e in events) + b"END:VCALENDAR\r\n"
    web.feeds.set("/assoc.ics", body, "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()


def test_a_feed_minting_new_uids_at_each_export_changes_nothing_for_subscribers(web: Web) -> None:
    """Each export's new UIDs gave the event a new merged UID: calendars showed it called off
    and added again at every refresh, a cancelled copy more each time."""
    day = SOON + timedelta(days=1)
    _export(web, ics("4f1a9c@assoc", APERO, day))
    [uid] = [u for u, (title, _, _) in _calendar(web).items() if title == APERO]
    first = _calendar(web)[uid]
    for minted in ("77b0e2@assoc", "c3d5aa@assoc", "0e9f41@assoc"):
        _export(web, ics(minted, APERO, day))
        held = {u: v for u, v in _calendar(web).items() if v[0] == APERO}
        assert held == {uid: first}, minted  # one event, the same UID, not re-sent


def test_an_event_moved_to_another_time_under_a_new_uid_is_another_event(web: Web) -> None:
    """Only the same start and title carry the identity over: an event replaced by one at
    another hour is still called off, and the new one is new."""
    _export(web, ics("a1@assoc", APERO, SOON + timedelta(days=1)))
    [old] = [u for u, v in _calendar(web).items() if v[0] == APERO]
    _export(web, ics("b2@assoc", APERO, SOON + timedelta(days=1, hours=2)))
    held = {u: v[1] for u, v in _calendar(web).items() if v[0] == APERO}
    assert held.pop(old) == "CANCELLED" and list(held.values()) == ["CONFIRMED"]


def test_an_event_called_off_by_an_earlier_uid_change_comes_back_under_its_uid(web: Web) -> None:
    """A copy cancelled by a UID change (an older build, or a feed that left out the event
    once) returns as itself, CONFIRMED with a higher SEQUENCE that every client applies, and
    of two events of the same feed, each keeps its own UID."""
    day = SOON + timedelta(days=1)
    other = ("Atelier Arduino", day + timedelta(days=1))
    _export(web, ics("a1@assoc", APERO, day), ics("a2@assoc", *other))
    before = {v[0]: (u, v[2]) for u, v in _calendar(web).items()}
    _export(web, ics("a2@assoc", *other))  # the apéro left out once: called off
    assert _calendar(web)[before[APERO][0]][1] == "CANCELLED"
    _export(web, ics("n1@assoc", APERO, day), ics("n2@assoc", *other))
    after = _calendar(web)
    uid, sequence = before[APERO]
    assert after[uid][:2] == (APERO, "CONFIRMED") and after[uid][2] > sequence
    assert after[before["Atelier Arduino"][0]][:2] == ("Atelier Arduino", "CONFIRMED")
    assert sorted(v[0] for v in after.values() if v[0] in (APERO, "Atelier Arduino")) == [
        APERO, "Atelier Arduino"]


def test_only_one_same_event_of_the_same_organisation_or_feed_hands_its_uid_on() -> None:
    """Two events gone with the same start and title (two rooms, one title) cannot say which
    is which: the fresh one keeps a fresh UID rather than take a guess. Another
    organisation's event is not this one's, unless read from the same feed (a source the
    operator renamed in sources.yaml)."""
    fresh = EventMerge(events=(merged("new@aggregator", title="Atelier"),),
                       assignment={"loria:loria-new@aggregator": "new@aggregator"})
    twins = {uid: merged(uid, title="atelier ") for uid in ("a@aggregator", "b@aggregator")}
    kept = keep_identities(fresh, set(), twins, PARIS)
    assert [e.uid for e in kept.events] == ["new@aggregator"]
    one = keep_identities(fresh, set(), {"a@aggregator": twins["a@aggregator"]}, PARIS)
    assert [e.uid for e in one.events] == ["a@aggregator"]
    assert one.assignment == {"loria:loria-new@aggregator": "a@aggregator"}
    stranger = {"a@aggregator": merged("a@aggregator", title="Atelier", sources=("ufa",))}
    assert keep_identities(fresh, set(), stranger, PARIS) is fresh
    renamed = dataclasses.replace(stranger["a@aggregator"], members=tuple(  # same feed
        dataclasses.replace(m, feed_url=fresh.events[0].members[0].feed_url)
        for m in stranger["a@aggregator"].members))
    assert [e.uid for e in keep_identities(fresh, set(), {"a@aggregator": renamed},
                                           PARIS).events] == ["a@aggregator"]
    known = keep_identities(fresh, {"new@aggregator"}, twins, PARIS)  # not fresh: kept
    assert [e.uid for e in known.events] == ["new@aggregator"]


