"""The sign-up pages over real HTTP (uvicorn on loopback, httpx): double opt-in, no state change
on GET, RFC 8058 one-click unsubscribe, preferences, CSRF, honeypot, rate limit.

(Starlette's TestClient warns that its httpx transport is deprecated, and warnings are errors
here, so these tests use the same running server as the other web tests.)"""

from __future__ import annotations

import dataclasses
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from aggregator.core import Aggregator
from aggregator.digest.render import calendar_key
from digest_site import WEEK, Clock, digest_app, close_apps  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401
from webapp import running

SITE = "http://agenda.example.org"


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def site(smtp_server: Sink, tmp_path: Path) -> Iterator[tuple[Aggregator, httpx.Client]]:
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'web.db'}", smtp_server.port,
                     base_url=SITE)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield app, client


def csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"{path} has no CSRF field"
    return match.group(1)


def status(app: Aggregator, email: str) -> str:
    found = app.store.subscriber(email=email)
    return found.status if found else "absent"


def test_sign_up_confirm_and_one_click_unsubscribe(
    site: tuple[Aggregator, httpx.Client], smtp_server: Sink
) -> None:
    app, client = site
    form = client.get("/subscribe?lang=en")
    assert form.status_code == 200 and 'name="email"' in form.text
    assert 'value="Metz"' in form.text and 'value="lab"' in form.text and 'value="ai"' in form.text
    # what the newsletter holds and what is done with the address, before it is given
    assert "the events of the next two weeks and the news of the past week" in form.text
    assert "every newsletter has a link to unsubscribe" in form.text
    token = csrf(client, "/subscribe")
    answer = client.post("/subscribe", data={
        "csrf_token": token, "email": "ana@example.org", "language": "de",
        "cities": ["Metz", "Nancy"], "kinds": ["lab"]})
    assert answer.status_code == 200 and "Almost done" in answer.text
    assert status(app, "ana@example.org") == "pending"
    [mail] = smtp_server.messages
    link = re.search(r"http://agenda\.example\.org(/confirm/\S+)", mail.get_content())
    assert link
    confirm_path = link.group(1)

    page = client.get(confirm_path)  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and "<button" in page.text and "ana@example.org" in page.text
    assert status(app, "ana@example.org") == "pending"
    assert client.post(confirm_path, data={}).status_code == 403  # no CSRF token
    done = client.post(confirm_path, data={"csrf_token": csrf(client, confirm_path)})
    assert done.status_code == 200 and "Abonnement bestätigt" in done.text  # her language
    subscriber = app.store.subscriber(email="ana@example.org")
    assert subscriber is not None and subscriber.status == "confirmed"
    assert (subscriber.language, subscriber.cities, subscriber.kinds) == ("de", ("Metz", "Nancy"), ("lab",))

    app.send_digest(WEEK)
    digest = [m for m in smtp_server.messages if m["List-Id"]][0]
    url = re.search(r"<http://agenda\.example\.org(/unsubscribe/[^>]+)>", digest["List-Unsubscribe"])
    assert url
    assert client.get(url.group(1)).status_code == 200
    assert status(app, "ana@example.org") == "confirmed"
    bare = httpx.Client(base_url=str(client.base_url))  # a mail client: no cookie, no page
    one_click = bare.post(url.group(1), content=b"List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    bare.close()
    assert one_click.status_code == 200
    assert status(app, "ana@example.org") == "unsubscribed"


SUMMARY = re.compile(r"<dt>([^<]*)</dt>\s*<dd>([^<]*)</dd>")


def summary(page: str) -> dict[str, str]:
    """The confirmation page's summary of the choices: each group's words -> its values."""
    return {name: value.replace("&#39;", "'") for name, value in SUMMARY.findall(page)}


def test_the_confirmation_page_says_what_the_subscriber_will_receive(
    site: tuple[Aggregator, httpx.Client], smtp_server: Sink
) -> None:
    """The page the emailed link opens showed the address and the button only: one who
    ticked a wrong city or topic, or chose a language by a slip, learnt it from the first
    digest. It now sums the choices up in the subscriber's language, with the way to change
    them; confirming is the same one CSRF-checked button."""
    app, client = site
    answer = client.post("/subscribe", data={
        "csrf_token": csrf(client, "/subscribe"), "email": "ana@example.org", "language": "de",
        "cities": ["Metz", "Nancy"], "kinds": ["lab"], "tags": ["ai", "startup"],
        "sources": ["assoc"]})
    assert answer.status_code == 200
    [mail] = smtp_server.messages
    link = re.search(r"http://agenda\.example\.org(/confirm/(\S+))", mail.get_content())
    assert link
    page = client.get(link.group(1)).text  # the subscriber's language, German
    assert summary(page) == {"Städte": "Metz, Nancy", "Arten von Organisationen": "Labor",
                             "Themen": "KI, Start-ups", "Organisationen": "L'Asso",
                             "Sprache": "Deutsch"}, page
    assert f'<a href="/preferences/{link.group(2)}">' in page
    assert status(app, "ana@example.org") == "pending"  # the page changed nothing
    everything, _ = app.add_subscriber("bo@example.org", language="fr")
    page = client.get(f"/confirm/{everything.token}", params={"lang": "en"}).text
    assert summary(page) == {"Cities": "all", "Kinds of organisation": "all",
                             "Topics": "all", "Organisations": "all",
                             "Language": "Français"}, page
    assert f'<a href="/preferences/{everything.token}?lang=en">' in page
    done = client.post(link.group(1), data={"csrf_token": csrf(client, link.group(1))})
    assert done.status_code == 200 and status(app, "ana@example.org") == "confirmed"


def test_preferences_page(site: tuple[Aggregator, httpx.Client]) -> None:
    app, client = site
    subscriber, _ = app.add_subscriber("bob@example.org", confirmed=True, cities=["Metz"])
    path = f"/preferences/{subscriber.token}"
    page = client.get(path)
    assert page.status_code == 200 and "bob@example.org" in page.text
    assert re.search(r'value="Metz" checked', page.text)
    saved = client.post(path, data={"csrf_token": csrf(client, path), "language": "en",
                                    "tags": ["ai"]})
    assert saved.status_code == 200 and "Preferences saved." in saved.text  # its new language
    changed = app.store.subscriber(email="bob@example.org")
    assert changed is not None and (changed.language, changed.cities, changed.tags) == ("en", (), ("ai",))
    assert client.post(path, data={"language": "fr"}).status_code == 403
    followed = client.post(path, data={"csrf_token": csrf(client, path), "language": "en",
                                       "sources": ["venue", "lab"]})
    assert 'value="venue" checked' in followed.text and "<details open>" in followed.text
    assert app.store.subscriber(email="bob@example.org").sources == ("venue", "lab")  # type: ignore[union-attr]
    unknown = client.post(path, data={"csrf_token": csrf(client, path), "language": "en",
                                      "sources": ["nobody"]})
    assert "no organisation &#39;nobody&#39;" in unknown.text  # the page's language


def test_a_subscriber_adds_what_it_follows_to_its_calendar_app(
        site: tuple[Aggregator, httpx.Client]) -> None:
    """The preferences page gives a calendar of the events the digest follows; its address is
    not the secret of the preferences and unsubscribe links, and it follows their changes."""
    import icalendar

    def uids(path: str) -> set[str]:
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
        return {str(e["UID"]) for e in icalendar.Calendar.from_ical(answer.content).walk("VEVENT")}

    app, client = site
    subscriber, _ = app.add_subscriber("carol@example.org", confirmed=True, cities=["Metz"],
                                       language="en")
    path = f"/preferences/{subscriber.token}"
    page = client.get(path, params={"lang": "en"}).text
    found = re.search(r'value="(http://agenda\.example\.org/calendars/mine/([0-9a-f]{32})\.ics)"', page)
    assert found is not None and '<h2 id="my-calendar">Your own calendar</h2>' in page
    assert f'href="webcal://agenda.example.org/calendars/mine/{found.group(2)}.ics"' in page
    mine, key = f"/calendars/mine/{found.group(2)}.ics", found.group(2)
    assert subscriber.token not in mine
    metz = uids("/calendar.ics?city=Metz")
    assert metz and uids(mine) == metz and metz != {e.uid for e in app.published().events}
    assert "X-WR-CALNAME:Agenda numérique Grand Est – Luxembourg – my selection" in \
        client.get(mine).text.replace("\r\n ", "")
    etag = client.get(mine).headers["etag"]
    assert client.get(mine, headers={"If-None-Match": etag}).status_code == 304
    client.post(path, data={"csrf_token": csrf(client, path), "language": "en", "sources": ["lab"]})
    assert uids(mine) == uids("/calendar.ics?source=lab")  # what it follows now
    assert client.get(f"/preferences/{key}").status_code == 404  # not a key to the settings
    assert client.get("/calendars/mine/" + "0" * 32 + ".ics").status_code == 404
    assert client.get("/calendars/mine/nope.ics").status_code == 404
    app.unsubscribe(subscriber.token)
    assert client.get(mine).status_code == 404
    pending, _ = app.add_subscriber("dave@example.org", cities=["Metz"])
    assert "my-calendar" not in client.get(f"/preferences/{pending.token}").text  # confirmed only


def test_a_link_from_an_organisation_or_a_selection_ticks_its_choices(
        site: tuple[Aggregator, httpx.Client]) -> None:
    _, client = site
    lab = client.get("/sources/lab", params={"lang": "en"}).text
    assert '<a href="/subscribe?source=lab">Follow it in the weekly newsletter</a>' in lab
    form = client.get("/subscribe", params={"source": "lab", "lang": "en"}).text
    assert re.search(r'name="sources" value="lab" checked', form)
    assert "<details open>" in form  # the organisations' list is shown unfolded
    agenda = client.get("/", params={"city": "Metz", "q": "ia", "lang": "en"}).text
    assert '<a href="/subscribe?city=Metz">This selection weekly by email</a>' in agenda
    ticked = client.get("/subscribe", params={"city": "Metz", "tag": "ai"}).text
    assert re.search(r'name="cities" value="Metz" checked', ticked)
    assert re.search(r'name="tags" value="ai" checked', ticked)
    assert "checked" not in client.get("/subscribe", params={"city": "Atlantis"}).text
    assert "This selection weekly" not in client.get("/", params={"lang": "en"}).text


def test_bad_links_honeypot_and_rate_limit(site: tuple[Aggregator, httpx.Client],
                                           smtp_server: Sink) -> None:
    app, client = site
    for path in ("/confirm/nope-nope-nope", "/unsubscribe/nope-nope-nope", "/preferences/x" * 1):
        assert client.get(path).status_code == 404
    assert client.post("/unsubscribe/nope-nope-nope").status_code == 404
    token = csrf(client, "/subscribe")
    trap = client.post("/subscribe", data={"csrf_token": token, "email": "bot@example.org",
                                           "nickname": "I am a bot"})
    assert trap.status_code == 200 and status(app, "bot@example.org") == "absent"
    invalid = client.post("/subscribe", data={"csrf_token": token, "email": "nope"})
    assert invalid.status_code == 422 and 'value="nope"' in invalid.text
    assert "n&#39;est pas une adresse e-mail" in invalid.text  # why, in the page's language
    for n in range(5):  # the mistyped address above cost nothing of the budget
        assert client.post("/subscribe", data={"csrf_token": token,
                                               "email": f"r{n}@example.org"}).status_code == 200
    assert client.post("/subscribe", data={"csrf_token": token,
                                           "email": "late@example.org"}).status_code == 429
    assert status(app, "late@example.org") == "absent"
    assert len(smtp_server.messages) == 5


def test_a_sign_up_whose_confirmation_cannot_be_sent_is_offered_again(
    tmp_path: Path, smtp_server: Sink
) -> None:
    """The page said "Almost done: confirm with the link we sent to your address. The
    confirmation email could not be sent." and left no form: the visitor could not retry."""
    with socket.socket() as probe:  # a port nobody listens on: the mail server is down
        probe.bind(("127.0.0.1", 0))
        down = probe.getsockname()[1]
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'web.db'}", down, base_url=SITE)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        token = csrf(client, "/subscribe?lang=en")
        answer = client.post("/subscribe?lang=en", data={
            "csrf_token": token, "email": "ana@example.org", "cities": ["Metz"]})
        assert answer.status_code == 503
        assert "The confirmation email could not be sent: please try again" in answer.text
        assert "Almost done" not in answer.text and "Please fix" not in answer.text
        assert 'value="ana@example.org"' in answer.text and 'value="Metz" checked' in answer.text
        assert status(app, "ana@example.org") == "pending"
        app.settings = dataclasses.replace(
            app.settings, smtp=dataclasses.replace(app.settings.smtp, port=smtp_server.port))
        again = client.post("/subscribe?lang=en", data={  # the mail server is back
            "csrf_token": token, "email": "ana@example.org", "cities": ["Metz"]})
        assert again.status_code == 200 and "Almost done" in again.text
        assert len(smtp_server.messages) == 1


def test_add_to_calendar_link(site: tuple[Aggregator, httpx.Client]) -> None:
    _, client = site
    answer = client.get("/events/rencontre-ia.ics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    assert "UID:rencontre-ia" in answer.text and answer.text.count("BEGIN:VEVENT") == 1
    # an event to add, not a calendar to subscribe to: Outlook opened a file with a
    # calendar's name and refresh interval as a new calendar
    for subscription_only in ("X-WR-CALNAME", "NAME:", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert f"\r\n{subscription_only}" not in answer.text
    assert "\r\nMETHOD:PUBLISH\r\n" in answer.text and "BEGIN:VTIMEZONE" in answer.text
    assert client.get("/events/unknown.ics").status_code == 404


def test_a_subscriber_deletes_its_address_and_history_from_its_unsubscribe_page(
    site: tuple[Aggregator, httpx.Client],
) -> None:
    """Not only unsubscribed (the address kept, marked): nothing of it is left, its links and
    its own calendar answer 404 afterwards. A form, CSRF-checked: a mail scanner opening the
    page erases nothing."""
    app, client = site
    subscriber, _ = app.add_subscriber("eve@example.org", confirmed=True, cities=["Metz"])
    app.send_digest(WEEK)
    assert app.store.handled_deliveries(WEEK, app.clock())  # a delivery is on record
    page = client.get(f"/unsubscribe/{subscriber.token}?lang=en")
    assert page.status_code == 200 and "Unsubscribe and delete my address" in page.text
    assert status(app, "eve@example.org") == "confirmed"
    forget = f"/forget/{subscriber.token}"
    assert client.post(forget, data={}).status_code == 403  # no CSRF token
    token = csrf(client, f"/unsubscribe/{subscriber.token}")
    done = client.post(f"{forget}?lang=en", data={"csrf_token": token})  # the page's form
    assert done.status_code == 200 and "deleted" in done.text
    assert status(app, "eve@example.org") == "absent"
    assert not app.store.handled_deliveries(WEEK, app.clock())
    for path in (f"/preferences/{subscriber.token}", f"/unsubscribe/{subscriber.token}",
                 f"/calendars/mine/{calendar_key(subscriber.token)}.ics"):
        assert client.get(path).status_code == 404, path
    assert client.post(forget, data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize(("state", "says", "back"), [
    ("unsubscribed", "You are unsubscribed", "Subscribe again"),
    ("pending", "not confirmed yet", "Confirm my subscription")])
def test_a_reader_who_gets_no_digest_is_told_so_and_offered_the_way_back(
    site: tuple[Aggregator, httpx.Client], state: str, says: str, back: str
) -> None:
    """An old digest's Preferences or Unsubscribe link, opened after a one-click unsubscribe
    (or with a new sign-up still unconfirmed): the pages say no newsletter comes, "Save"
    does not answer "Preferences saved." as if it would, the unsubscribe page offers no
    "Unsubscribe" but the button back in, and that button works."""
    app, client = site
    subscriber, _ = app.add_subscriber("ana@example.org", language="en", confirmed=True)
    token = subscriber.token
    assert client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
                       ).status_code == 200
    if state == "pending":  # signed up again from the form, not confirmed yet
        app.add_subscriber("ana@example.org", language="en")
    assert status(app, "ana@example.org") == state
    back_form = f'<form method="post" action="/confirm/{token}?lang=en">'
    page = client.get(f"/preferences/{token}?lang=en").text
    assert says in page and back_form in page and back in page
    saved = client.post(f"/preferences/{token}?lang=en", data={
        "csrf_token": csrf(client, f"/preferences/{token}"), "language": "en",
        "cities": ["Metz"]}).text
    assert "Preferences saved." not in saved and says in saved and back_form in saved
    assert "for when you receive the newsletter again" in saved
    assert app.store.subscriber(email="ana@example.org").cities == ("Metz",)  # type: ignore[union-attr]
    leave = client.get(f"/unsubscribe/{token}?lang=en").text
    assert says in leave and back_form in leave
    assert f'action="/unsubscribe/{token}' not in leave
    assert f'action="/forget/{token}?lang=en"' in leave  # erasing stays possible
    for lang, words in (("fr", "aucune lettre"), ("de", "kein Newsletter")):
        assert words in client.get(f"/unsubscribe/{token}?lang={lang}").text
    done = client.post(f"/confirm/{token}?lang=en",
                       data={"csrf_token": csrf(client, f"/unsubscribe/{token}")})
    assert done.status_code == 200 and status(app, "ana@example.org") == "confirmed"
    again = client.get(f"/preferences/{token}?lang=en").text
    assert says not in again and back_form not in again
    assert f'action="/unsubscribe/{token}?lang=en"' in client.get(f"/unsubscribe/{token}?lang=en").text


def test_the_pages_a_digest_links_to_speak_the_subscribers_language(
    site: tuple[Aggregator, httpx.Client], smtp_server: Sink
) -> None:
    """Its emails' links carry no language: a German subscriber opening them in a webmail's
    browser or on a French family computer (French Accept-Language, a French cookie) gets its
    pages in German; the language switcher still wins, through the page's forms too."""
    app, client = site
    client.cookies.set("lang", "fr")
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    _, problem = app.add_subscriber("jo@example.org", language="de")
    assert problem is None
    [mail] = smtp_server.messages
    confirm = re.search(r"http://agenda\.example\.org(/confirm/\S+)", mail.get_content())
    assert confirm
    page = client.get(confirm.group(1), headers=french).text
    assert '<html lang="de"' in page and "Abonnement bestätigen" in page
    done = client.post(confirm.group(1), headers=french,
                       data={"csrf_token": csrf(client, confirm.group(1))})
    assert '<html lang="de"' in done.text and status(app, "jo@example.org") == "confirmed"
    token = app.store.subscriber(email="jo@example.org").token  # type: ignore[union-attr]
    for path in (f"/preferences/{token}", f"/unsubscribe/{token}"):
        html = client.get(path, headers=french).text
        assert '<html lang="de"' in html, path
        switched = client.get(f"{path}?lang=en", headers=french).text
        assert '<html lang="en"' in switched and f'action="{path}?lang=en"' in switched, path
    saved = client.post(f"/preferences/{token}?lang=en", headers=french, data={
        "csrf_token": csrf(client, f"/preferences/{token}"), "language": "de"})
    assert '<html lang="en"' in saved.text and "Preferences saved." in saved.text
    client.cookies.set("lang", "fr")
    left = client.post(f"/unsubscribe/{token}", headers=french, data={})
    assert '<html lang="de"' in left.text and "Sie sind abgemeldet" in left.text


def test_a_personal_calendar_revalidated_by_date_or_tag_follows_the_preferences(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    """/calendars/mine/KEY.ics changes when its subscriber changes what it follows, with no
    build: its Last-Modified said the build's time, and a client revalidating with
    If-Modified-Since alone was told 304 and kept the former selection until a next build."""
    clock = Clock(datetime.now(UTC))
    app = digest_app(tmp_path, db_url, smtp_server.port, clock=clock, base_url=SITE)
    subscriber, _ = app.add_subscriber("carol@example.org", confirmed=True, cities=["Metz"])
    mine = f"/calendars/mine/{calendar_key(subscriber.token)}.ics"
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        first = client.get(mine)
        assert first.status_code == 200
        by_date = {"If-Modified-Since": first.headers["last-modified"]}
        by_tag = {"If-None-Match": first.headers["etag"]}
        assert client.get(mine, headers=by_date).status_code == 304  # nothing changed yet
        assert client.get(mine, headers=by_tag).status_code == 304
        clock.now += timedelta(minutes=5)
        app.update_preferences(subscriber.token, language="fr", cities=["Nancy"])
        again = client.get(mine, headers=by_date)
        assert again.status_code == 200 and again.content != first.content
        assert again.headers["last-modified"] != first.headers["last-modified"]
        assert client.get(mine, headers=by_tag).status_code == 200
        assert client.get(mine, headers={"If-Modified-Since": again.headers["last-modified"]}
                          ).status_code == 304  # and revalidates again from then on
        app.update_preferences(subscriber.token, language="fr", cities=["Metz"])  # same second
        back = client.get(mine, headers={"If-Modified-Since": again.headers["last-modified"]})
        assert back.status_code == 200 and back.content == first.content


def test_behind_a_reverse_proxy_on_this_host_each_visitor_has_a_budget_of_its_own(
        site: tuple[Aggregator, httpx.Client], smtp_server: Sink) -> None:
    """nginx or Caddy in front, on this host: every request comes from 127.0.0.1, and five
    sign-ups an hour for the whole site would turn away the sixth visitor of a busy hour.
    The address the proxy forwards (X-Forwarded-For, trusted from this host alone, or from
    FORWARDED_ALLOW_IPS) is the visitor's."""
    app, client = site
    token = csrf(client, "/subscribe")
    for n in range(7):
        answer = client.post("/subscribe", data={"csrf_token": token,
                                                 "email": f"v{n}@example.org"},
                             headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})
        assert answer.status_code == 200, n
    same = {"X-Forwarded-For": "203.0.113.9"}
    codes = [client.post("/subscribe", headers=same, data={
        "csrf_token": token, "email": f"w{n}@example.org"}).status_code for n in range(6)]
    assert codes == [200] * 5 + [429]  # one visitor still has five
    assert len(smtp_server.messages) == 12


def test_a_subscriber_who_signs_up_again_is_emailed_the_link_to_her_preferences(
        site: tuple[Aggregator, httpx.Client], smtp_server: Sink) -> None:
    """A reader who lost her digests (a new phone) signed up again to change her cities: the
    page said "check your mail", and no mail came, ever. Now the mail brings the links to her
    preferences and to unsubscribe, in her language; the page and her filters are as they
    were (a stranger learns nothing and changes nothing)."""
    app, client = site
    assert "Already subscribed? Enter your address: we send you the link to change your " \
        "choices." in client.get("/subscribe?lang=en").text
    subscriber, _ = app.add_subscriber("ana@example.org", language="de", cities=["Metz"],
                                       confirmed=True)
    token = csrf(client, "/subscribe")
    fresh = client.post("/subscribe", data={"csrf_token": token, "email": "new@example.org"})
    again = client.post("/subscribe", data={"csrf_token": token, "email": "Ana@example.org",
                                            "language": "fr", "cities": ["Nancy"]})
    assert again.status_code == fresh.status_code == 200
    assert again.text.replace("Ana@example.org", "new@example.org") == fresh.text
    mail = next(m for m in smtp_server.messages if m["To"] == "ana@example.org")
    body = mail.get_content()
    assert mail["Subject"] == "Ihr Abonnement der Wochenagenda"
    assert f"{SITE}/preferences/{subscriber.token}" in body
    assert f"{SITE}/unsubscribe/{subscriber.token}" in body
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Content-Language"] == "de"
    kept = app.store.subscriber(email="ana@example.org")
    assert kept is not None and (kept.status, kept.language, kept.cities) == (
        "confirmed", "de", ("Metz",))
