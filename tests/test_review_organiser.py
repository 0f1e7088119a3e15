"""Adversarial review: the organiser's side (registering, the private /manage link, the
emails and the feed health an organiser is shown).

Each test states what an organiser would meet; they fail on the code as reviewed. Nothing is
mocked: the web app runs under uvicorn on 127.0.0.1, the store is a real SQLite file (and
PostgreSQL with CI=true), feeds are served by the loopback feed server and mail goes to a
real aiosmtpd server.
"""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from aggregator.config import SmtpSettings
from aggregator.core import make_aggregator
from aggregator.models import FeedRef
from conftest import make_settings, make_source
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from sites import SOON, ics
from test_health_mail import Clock
from test_web_pages import csrf
from webapp import ADMIN_TOKEN, Web, site

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def mailed(feed_server: Any, tmp_path: Path, smtp_server: Sink,  # noqa: F811
           db_url: str) -> Iterator[Web]:
    """The web tests' three-source site, its email going to the test SMTP server (on SQLite,
    and on PostgreSQL too)."""
    with site(feed_server, tmp_path, db_url,
              smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port)) as served:
        yield served


FORM = {"name": "Nouvelle Asso", "kind": "association", "city": "Épinal", "country": "FR",
        "language": "en", "website": "", "contact": "hello@asso.example.org", "tags": ""}


def send(web: Web, path: str, **fields: str) -> httpx.Response:
    """The registration form (or a /manage page) sent as a browser sends it."""
    values = {**FORM, "action": "submit", "feeds": f"{web.feeds.base_url}/new.ics", **fields}
    return web.client.post(path, data={"csrf_token": csrf(web.client, path), **values})


def links_in(web: Web, message: EmailMessage) -> dict[str, int]:
    """Each link of the site in an email, with the status the web app answers it."""
    base = web.aggregator.settings.base_url
    found = re.findall(rf"{re.escape(base)}(/\S*)", message.get_content())
    assert found, message.get_content()
    return {path: web.client.get(path).status_code for path in found}


# --- the emails --------------------------------------------------------------------------


def test_a_change_before_approval_is_not_mailed_with_a_link_to_a_missing_page(
    mailed: Web, smtp_server: Sink,  # noqa: F811
) -> None:
    """The contact corrects its city while the registration awaits approval: the "changed"
    email pointed to the organisation's page, /sources/ID, a 404 until it is published."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations("pending")
    assert send(mailed, f"/manage/{pending.token}", city="Remiremont").status_code == 200
    changed = smtp_server.to("hello@asso.example.org")[-1]
    assert str(changed["Subject"]) == "Registration changed: Nouvelle Asso"
    assert set(links_in(mailed, changed).values()) == {200}


def test_a_feed_that_never_worked_is_not_said_down_since_question_mark(
    feed_server: Any, tmp_path: Path, smtp_server: Sink,  # noqa: F811
) -> None:
    """A feed failing from its very first fetch (a calendar made private on the day it was
    listed) gets its "down" email a day later, which read "we have not been able to read the
    feed of The Lab since ?": the date it has failed since was known."""
    feed_server.fail("/a.ics", 503)
    source = make_source("lab", feed_server.url("/a.ics"), contact="events@lab.example.org",
                         language="en", name="The Lab")
    settings = make_settings(tmp_path, (source,),
                             smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))
    clock = Clock()
    aggregator = make_aggregator(settings, clock=clock)
    try:
        aggregator.refresh_round("a")
        assert aggregator.watch_health() == []
        first_seen = clock.now
        clock.now += timedelta(hours=25)
        aggregator.refresh_round("a")
        assert aggregator.watch_health() == [("down", feed_server.url("/a.ics"), "sent")]
    finally:
        aggregator.close()
    [down] = smtp_server.to("events@lab.example.org")
    body = down.get_content()
    assert "since ?" not in body
    assert f"since {first_seen:%Y-%m-%d %H:%M} UTC:" in body


def test_handing_an_organisation_switched_off_to_a_new_contact_links_no_missing_page(
    mailed: Web,
) -> None:
    """The page that confirms the new contact sent the former one to "See its page", the
    /sources/ID of an organisation the operator had switched off: a 404."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations()
    mailed.aggregator.approve_registration(pending.id)
    mailed.aggregator.set_source_disabled(pending.source.id, True)
    handed = send(mailed, f"/manage/{pending.token}?lang=en", contact="new@asso.example.org")
    assert "The registration is handed to new@asso.example.org" in handed.text
    assert f'<a href="/sources/{pending.source.id}">' not in handed.text


# --- the registration form --------------------------------------------------------------


def test_a_registration_sent_twice_is_recorded_once(
    mailed: Web, smtp_server: Sink,  # noqa: F811
) -> None:
    """"Submit" again (a double click while the feeds are read, the back button, or an
    organisation registered months ago and forgotten) stored a second registration,
    "nouvelle-asso-2", for the operator to approve: the organisation then listed twice."""
    assert send(mailed, "/register").status_code == 200
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations()
    mailed.client.post(f"/admin/registrations/{pending.id}/approve", headers=BEARER)
    again = send(mailed, "/register?lang=en", name="Nouvelle Asso Metz")
    assert [r.status for r in mailed.aggregator.registrations()] == ["approved"]
    # answered as any registration (a stranger must not learn who is whose contact) ...
    assert again.status_code == 200 and "Nouvelle Asso Metz" in again.text
    assert "Thank you! Your registration awaits a moderator’s approval." in again.text
    link = smtp_server.to("hello@asso.example.org")[-1]  # ... and its contact mailed its link
    assert str(link["Subject"]) == "Your link to change it: Nouvelle Asso"
    assert f"/manage/{pending.token}" in link.get_content()
    # another contact giving the same feeds is a registration of its own, for the operator
    assert send(mailed, "/register", contact="other@asso.example.org").status_code == 200
    assert len(mailed.aggregator.registrations()) == 2


def test_a_registration_sent_several_times_at_once_is_recorded_once(mailed: Web) -> None:
    """A double click while the feeds are read sends the form twice at the same moment:
    both found no registration yet, and the second was stored as "nouvelle-asso-2" or,
    when both took the same id, answered "unavailable" (503), the page the browser shows."""
    path = "/register?lang=en"
    clients = [httpx.Client(base_url=mailed.url, timeout=60) for _ in range(4)]
    forms = [{"csrf_token": csrf(client, path), **FORM, "action": "submit",
              "feeds": f"{mailed.feeds.base_url}/new.ics"} for client in clients]
    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(lambda pair: pair[0].post(path, data=pair[1]),
                                zip(clients, forms, strict=True)))
    for client in clients:
        client.close()
    assert [answer.status_code for answer in answers] == [200] * len(clients)
    assert all("awaits a moderator’s approval" in answer.text for answer in answers)
    assert [r.source.id for r in mailed.aggregator.registrations()] == ["nouvelle-asso"]


def test_more_feed_addresses_than_allowed_are_refused_not_cut_silently(mailed: Web) -> None:
    """A venue pasting its twelve calendars: the form kept the first ten without a word,
    registered them, and the last two were never read (the "at most 10" check could not
    fire); so did its /manage page, dropping the feeds it had when one was added."""
    base = mailed.feeds.base_url
    for n in range(12):
        mailed.feeds.set(f"/room-{n}.ics", ics(f"r{n}@venue", f"Salle {n}", SOON), "text/calendar")
    twelve = "\n".join(f"{base}/room-{n}.ics" for n in range(12))
    refused = send(mailed, "/register?lang=en", feeds=twelve)
    assert "at most 10 URLs" in refused.text and 'role="alert"' in refused.text
    assert mailed.aggregator.registrations() == []
    ten = "\n".join(f"{base}/room-{n}.ics" for n in range(10))
    assert send(mailed, "/register", feeds=ten).status_code == 200
    [pending] = mailed.aggregator.registrations()
    eleven = send(mailed, f"/manage/{pending.token}?lang=en", feeds=f"{ten}\n{base}/room-10.ics")
    assert "at most 10 URLs" in eleven.text
    [unchanged] = mailed.aggregator.registrations()
    assert [feed.url for feed in unchanged.source.feeds] == ten.splitlines()


def test_the_previews_budget_sends_the_form_back_as_typed(mailed: Web) -> None:
    """An organiser trying address after address (or a coworking space's organisers behind
    one IP) spends the ten minutes' 30 previews: the next "Preview", or "Submit" (which
    reads the feeds), answered a bare error page, and the filled form was lost."""
    feed = f"{mailed.feeds.base_url}/new.ics"
    registered, _ = mailed.aggregator.register_source(
        feeds=[FeedRef(f"{mailed.feeds.base_url}/other.ics")],
        **{k: v for k, v in FORM.items() if k != "tags"})
    for _ in range(30):
        assert send(mailed, "/register", action="preview", feeds=feed).status_code == 200
    for path, action in (("/register", "preview"), ("/register", "submit"),
                         (f"/manage/{registered.token}", "preview"),
                         (f"/manage/{registered.token}", "submit")):
        spent = send(mailed, f"{path}?lang=en", action=action, feeds=feed,
                     name="Asso des Hautes-Vosges")
        assert spent.status_code == 429 and "Retry-After" in spent.headers
        assert 'value="Asso des Hautes-Vosges"' in spent.text and f">{feed}</textarea>" in spent.text
        assert "Too many requests: try again in" in spent.text
    assert [r.source.name for r in mailed.aggregator.registrations()] == ["Nouvelle Asso"]


# --- the /manage page --------------------------------------------------------------------


def test_the_manage_page_of_an_organisation_switched_off_does_not_say_it_is_published(
    mailed: Web, smtp_server: Sink,  # noqa: F811
) -> None:
    """The operator switched the organisation off (`sources disable`): its events left the
    agenda, yet its contact's page still said "Registration approved", "Feed health: up to
    date" and linked to its page, a 404 (and so did the email of a change made there)."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations("pending")
    mailed.client.post(f"/admin/registrations/{pending.id}/approve", headers=BEARER)
    mailed.client.post("/admin/refresh", headers=BEARER)
    link = f"/manage/{pending.token}"
    assert "Feed health: up to date" in mailed.client.get(link, params={"lang": "en"}).text
    mailed.aggregator.set_source_disabled(pending.source.id, True)
    page = mailed.client.get(link, params={"lang": "en"}).text
    assert mailed.client.get(f"/sources/{pending.source.id}").status_code == 404
    assert f'href="/sources/{pending.source.id}"' not in page
    assert "Feed health: up to date" not in page
    assert "switched off by the operator" in page
    assert send(mailed, link, city="Remiremont").status_code == 200
    changed = smtp_server.to("hello@asso.example.org")[-1]
    assert str(changed["Subject"]) == "Registration changed: Nouvelle Asso"
    assert set(links_in(mailed, changed).values()) == {200}


def test_the_manage_page_of_a_declined_registration_does_not_promise_its_changes_apply(
    mailed: Web,
) -> None:
    """Declined, the organisation fixed what it was told on its /manage page, which said
    "Registration declined. Changes apply from the next update": they never do, nobody
    reviews them again, and "Changes saved." was all it heard."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations()
    mailed.aggregator.reject_registration(pending.id, "no event in the region")
    page = mailed.client.get(f"/manage/{pending.token}", params={"lang": "en"}).text
    assert "Changes apply from the next update" not in page
    assert "not reviewed again. To be considered again, register the organisation anew." in page


def test_saving_the_manage_form_unchanged_tells_nobody_of_a_change(
    mailed: Web, smtp_server: Sink,  # noqa: F811
) -> None:
    """"Save" clicked twice, or to be sure, with nothing changed: each click emailed the
    contact "Registration changed … If this was not you, write to us", and the admin page
    said "changed by the contact"."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations()
    for _ in range(2):
        saved = send(mailed, f"/manage/{pending.token}?lang=en")
        assert saved.status_code == 200 and "Changes saved." in saved.text
    assert [str(m["Subject"]) for m in smtp_server.to("hello@asso.example.org")] == [
        "Registration received: Nouvelle Asso"]
    assert mailed.aggregator.registrations()[0].changed_at is None


def test_a_change_on_the_manage_page_keeps_the_feeds_declared_type(mailed: Web) -> None:
    """Registered at a terminal with `sources register URL --type ical` (the type the
    operator found it needs), the feed became "auto" again when its contact corrected the
    city on its /manage page, which shows no type: a setting nobody touched, lost."""
    feed = f"{mailed.feeds.base_url}/new.ics"
    registration, _ = mailed.aggregator.register_source(
        feeds=[FeedRef(feed, "ical")], **{k: v for k, v in FORM.items() if k != "tags"})
    saved = send(mailed, f"/manage/{registration.token}?lang=en", city="Remiremont")
    assert "Changes saved." in saved.text
    [changed] = mailed.aggregator.registrations()
    assert changed.source.city == "Remiremont"
    assert [(f.url, f.type) for f in changed.source.feeds] == [(feed, "ical")]


def test_withdrawing_or_coming_back_twice_is_answered_in_the_pages_language(mailed: Web) -> None:
    """The back button (or a double click) sends "Withdraw" or "Ask to come back" again: the
    French page answered "une inscription à l'état withdrawn ne peut pas être retirée", the
    German one "im Zustand pending", the registration's state in English."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations()
    link = f"/manage/{pending.token}"

    def leave(lang: str, action: str) -> str:
        answer = mailed.client.post(f"{link}?lang={lang}", data={
            "csrf_token": csrf(mailed.client, link), "action": action, "confirm": "yes"}).text
        [alert] = re.findall(r'<p class="notice error" role="alert">([^<]*)</p>', answer) or [""]
        return html.unescape(alert)

    assert leave("fr", "withdraw") == ""
    again = leave("fr", "withdraw")
    assert again == "cette inscription est déjà retirée de l'agenda"
    assert leave("de", "rejoin") == ""
    assert leave("de", "rejoin") == ("diese Anmeldung ist nicht zurückgezogen: Sie wartet "
                                     "bereits auf die Freigabe durch einen Moderator")


def test_the_manage_forms_hourly_budget_keeps_what_was_typed_and_counts_no_typo(
    mailed: Web,
) -> None:
    """A contact hunting for its calendar's new address (the "feed down" email sent it
    there): each try refused for a typo or an unreadable feed spent one of the hour's 20
    saves, then the 21st answered a bare error page, what it had typed lost. The form
    comes back as typed, saying how long to wait, as /register's does."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations()
    link = f"/manage/{pending.token}?lang=en"
    for _ in range(12):
        assert send(mailed, link, contact="hello@").status_code == 200  # a typo
        assert send(mailed, link, feeds=f"{mailed.feeds.base_url}/gone.ics").status_code == 422
    assert send(mailed, link, city="Remiremont").status_code == 200  # not spent by the typos
    assert mailed.aggregator.registrations()[0].source.city == "Remiremont"
    for _ in range(19):
        assert send(mailed, link, city="Remiremont").status_code == 200
    spent = send(mailed, link, city="Gérardmer", name="Asso des Hautes-Vosges")
    assert spent.status_code == 429 and "Retry-After" in spent.headers
    assert 'value="Gérardmer"' in spent.text and 'value="Asso des Hautes-Vosges"' in spent.text
    assert "Too many requests: try again in" in spent.text and 'role="alert"' in spent.text
    assert mailed.aggregator.registrations()[0].source.city == "Remiremont"

