"""Subscribers' lifecycle: double opt-in, preferences, unsubscribe, removal (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from aggregator.core import make_aggregator
from aggregator.subscribers import SubscriberError
from conftest import make_settings, make_source
from digest_site import BASE_URL, digest_app, close_apps  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401


def test_double_opt_in(smtp_server: Sink, tmp_path: Path, db_url: str) -> None:
    app = digest_app(tmp_path, db_url, smtp_server.port)
    subscriber, problem = app.add_subscriber(" Ana@Example.ORG ", language="de",
                                             cities=["Metz", "metz ", "Nancy"], tags=["IA"])
    assert problem is None and subscriber.status == "pending"
    assert subscriber.email == "ana@example.org" and subscriber.cities == ("Metz", "Nancy")
    assert subscriber.tags == ("ai",) and len(subscriber.token) == 32  # the lab's topic
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Bestätigen Sie Ihr Abonnement der Wochenagenda"
    assert f"{BASE_URL}/confirm/{subscriber.token}" in mail.get_content()

    assert app.confirm_subscriber(subscriber.token).status == "confirmed"
    assert app.confirm_subscriber(subscriber.token).status == "confirmed"  # idempotent
    again, _ = app.add_subscriber("ana@example.org")  # a stranger retyping it changes nothing
    assert again.status == "confirmed" and again.language == "de"
    assert len(smtp_server.messages) == 1

    changed = app.update_preferences(subscriber.token, language="en", kinds=["lab"])
    assert (changed.language, changed.cities, changed.kinds) == ("en", (), ("lab",))
    assert app.unsubscribe(subscriber.token).status == "unsubscribed"
    assert app.confirm_subscriber(subscriber.token).status == "confirmed"  # resubscribe

    app.remove_subscriber("ANA@example.org")
    assert app.subscribers() == []
    with pytest.raises(SubscriberError, match="not valid"):
        app.subscriber_by_token(subscriber.token)


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x@example.org\r\nBcc: y@example.org",
                                   "<x@example.org>", "", "ana@example.org,",
                                   "x,ana@example.org", "ana@example.org(hi)", "ana@example.org;x",
                                   "a\x00b@example.org", '"a b"@example.org'])
def test_invalid_addresses_are_refused(tmp_path: Path, email: str) -> None:
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", 25)
    with pytest.raises(SubscriberError) as caught:
        app.add_subscriber(email)
    assert caught.value.field == "email"


def test_invalid_preferences_name_the_field(tmp_path: Path) -> None:
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", 25)
    with pytest.raises(SubscriberError) as caught:
        app.add_subscriber("a@example.org", language="it")
    assert caught.value.field == "language"
    with pytest.raises(SubscriberError) as caught:
        app.add_subscriber("a@example.org", kinds=["bakery"])
    assert caught.value.field == "kinds"


def test_a_mail_problem_is_reported_not_raised(tmp_path: Path) -> None:
    from mailsink import free_port

    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", free_port())
    subscriber, problem = app.add_subscriber("a@example.org")
    assert subscriber.status == "pending" and problem and "unreachable" in problem


def test_random_calendar_keys_cost_one_read_of_the_subscribers_at_most_every_few_seconds(
    tmp_path: Path
) -> None:
    """A personal calendar is found by a key derived from the subscriber's secret; someone
    trying keys in a loop must not make each try read and hash every subscriber."""
    from aggregator.digest.render import calendar_key

    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", 25)
    subscriber, _ = app.add_subscriber("eve@example.org", confirmed=True)
    reads = []
    every = app.store.subscribers
    app.store.subscribers = lambda: reads.append(1) or every()  # type: ignore[method-assign]
    assert app.subscriber_by_calendar_key(calendar_key(subscriber.token)).email == "eve@example.org"
    for n in range(50):
        with pytest.raises(SubscriberError, match="calendar"):
            app.subscriber_by_calendar_key(f"{n:032x}")
    assert len(reads) == 1
    with pytest.raises(SubscriberError):
        app.subscriber_by_calendar_key(subscriber.token)  # the secret itself is no key


def test_followers_of_an_organisation_follow_it_when_the_operator_renames_its_id(
    feed_server: Any, tmp_path: Path, db_url: str,
) -> None:
    """The operator renamed a source's id in sources.yaml (``lab`` -> ``loria``), same feeds:
    its followers' filters kept ``lab``, which no event carries any more, and their digests
    and personal calendars went silent about it without a word. They follow ``loria`` now; a
    follower of an organisation removed for good keeps it (it may come back)."""
    cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n"
    feed_server.set("/lab.ics", cal.encode(), "text/calendar")
    feed_server.set("/gone.ics", cal.encode(), "text/calendar")
    lab = make_source("lab", feed_server.url("/lab.ics"))
    gone = make_source("gone", feed_server.url("/gone.ics"))
    before = make_aggregator(make_settings(tmp_path, (lab, gone), db_url))
    before.refresh()
    before.add_subscriber("a@example.org", sources=("lab",), confirmed=True)
    before.add_subscriber("b@example.org", sources=("gone", "lab"), confirmed=True)
    before.close()

    loria = dataclasses.replace(lab, id="loria", name="LORIA")
    after = make_aggregator(make_settings(tmp_path, (loria,), db_url))
    try:
        after.refresh()
        followed = {s.email: s.sources for s in after.store.subscribers()}
        assert followed == {"a@example.org": ("loria",), "b@example.org": ("gone", "loria")}
        after.refresh()  # once: nothing moves again
        assert {s.email: s.sources for s in after.store.subscribers()} == followed
    finally:
        after.close()


def test_a_page_of_one_organisation_moves_no_follower_of_another_sharing_its_feed(
    feed_server: Any, tmp_path: Path,
) -> None:
    """The rename above is told by a feed newly configured under an id no longer configured.
    An organisation's page syncs its own feeds alone: when the venue also lists the lab's
    calendar, opening the venue's page took the lab (configured still) for renamed, and its
    followers were moved to the venue."""
    cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n"
    feed_server.set("/lab.ics", cal.encode(), "text/calendar")
    feed_server.set("/venue.ics", cal.encode(), "text/calendar")
    lab = make_source("lab", feed_server.url("/lab.ics"))
    venue = make_source("venue", feed_server.url("/venue.ics"))
    before = make_aggregator(make_settings(tmp_path, (lab, venue)))
    before.refresh()
    before.add_subscriber("a@example.org", sources=("lab",), confirmed=True)
    before.close()

    relaying = make_source("venue", feed_server.url("/venue.ics"), feed_server.url("/lab.ics"))
    after = make_aggregator(make_settings(tmp_path, (lab, relaying)))
    try:
        after.feed_health(relaying)  # /sources/venue
        after.refresh()
        assert [s.sources for s in after.store.subscribers()] == [("lab",)]
    finally:
        after.close()
