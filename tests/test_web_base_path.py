"""The web app behind a reverse proxy that serves it under a path: AGGREGATOR_BASE_URL=
http://host/agenda, the proxy strips /agenda and forwards the rest to the app's routes at /.
Every link, form, asset, redirect, cookie, email and output file must then say /agenda/…:
"/news" led to the host's other sites. Over real HTTP through a real prefix-stripping proxy
(tests/prefix_proxy.py); a base URL written with a trailing slash works the same."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pytest

from aggregator.config import SmtpSettings
from aggregator.core import Aggregator, make_aggregator
from aggregator.models import FeedRef
from conftest import make_settings
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from prefix_proxy import prefix_proxy
from sites import SOON, ics
from webapp import ADMIN_TOKEN, Web, publish_feeds, running, sources

PREFIX = "/agenda"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Behind:
    """The app behind the proxy: ``base`` is the public base URL (without its slash)."""

    aggregator: Aggregator
    client: httpx.Client
    base: str
    web: Web

    def ours(self, text: str) -> list[str]:
        """Every URL of this site in ``text`` (http, https or webcal), as written."""
        netloc = re.escape(urlsplit(self.base).netloc)
        return re.findall(rf"(?:https?|webcal)://{netloc}[^\s\"'<>\\]*", text)


@pytest.fixture(params=["", "/"], ids=["no-slash", "trailing-slash"])
def behind(request: pytest.FixtureRequest, feed_server: Any, smtp_server: Sink,
           tmp_path: Path) -> Iterator[Behind]:
    publish_feeds(feed_server)
    with prefix_proxy(PREFIX) as proxy:
        settings = make_settings(
            tmp_path, sources(feed_server.base_url),
            admin_token=ADMIN_TOKEN, base_url=proxy.url + PREFIX + request.param,
            smtp=SmtpSettings(host="127.0.0.1", port=smtp_server.port))
        assert settings.base_url == proxy.url + PREFIX
        aggregator = make_aggregator(settings)
        aggregator.refresh(force=True)
        aggregator.build()
        with running(aggregator) as url, httpx.Client(timeout=30) as client:
            proxy.upstream = url
            web = Web(aggregator, client, url, feed_server, tmp_path)
            yield Behind(aggregator, client, settings.base_url, web)
        aggregator.close()


class Links(HTMLParser):
    """href, src and form actions of a page; ``follow``: those a GET may open."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[str] = []
        self.follow: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src", "action"):
            value = found.get(name)
            if value is None:
                continue
            self.all.append(value)
            if name != "action" or (found.get("method") or "get").lower() == "get":
                self.follow.append(value)


def check_under_path(behind: Behind, where: str, text: str) -> None:
    for url in behind.ours(text):
        path = urlsplit(url).path
        assert path.startswith(PREFIX + "/"), f"{where}: {url} is outside {PREFIX}/"


def get(behind: Behind, url: str) -> httpx.Response:
    """GET through the proxy, following redirects whose Location stays under the path."""
    answer = behind.client.get(url)
    for _ in range(5):
        if not answer.is_redirect:
            break
        location = urljoin(url, answer.headers["location"])
        assert urlsplit(location).path.startswith(PREFIX + "/"), f"{url} -> {location}"
        url = location
        answer = behind.client.get(url)
    return answer


def crawl(behind: Behind, *starts: str, limit: int = 400) -> dict[str, httpx.Response]:
    """Every page, asset, feed and calendar reachable from ``starts`` (paths under the
    prefix), each checked: 200, its links and URLs of this site under the path."""
    origin = behind.base[:-len(PREFIX)]
    todo = [origin + start for start in starts]
    seen: dict[str, httpx.Response] = {}
    while todo and len(seen) < limit:
        url = todo.pop(0).partition("#")[0]
        if url in seen:
            continue
        answer = seen[url] = get(behind, url)
        assert answer.status_code == 200, f"{url}: {answer.status_code}"
        body = answer.text.replace("\r\n ", "")  # calendars fold long lines
        check_under_path(behind, url, body)
        if "text/html" in answer.headers.get("content-type", ""):
            links = Links()
            links.feed(body)
            for link in links.all:
                target = urljoin(url, link)
                if urlsplit(target).netloc == urlsplit(origin).netloc:
                    assert urlsplit(target).path.startswith(PREFIX + "/"), f"{url}: {link}"
            found = [urljoin(url, link) for link in links.follow]
        else:
            found = [html.unescape(u) for u in behind.ours(body)]
        todo += [re.sub("^webcal://", "http://", u) for u in found
                 if urlsplit(re.sub("^webcal://", "http://", u)).netloc
                 == urlsplit(origin).netloc]
    assert len(seen) < limit, "the crawl did not end: a page links to new pages endlessly"
    return seen


def text_of(mail: EmailMessage) -> str:
    """An email's text parts and its List-Unsubscribe header, where its links are."""
    parts = [str(part.get_content()) for part in mail.walk()
             if part.get_content_maintype() == "text"]
    return "\n".join([*parts, str(mail.get("List-Unsubscribe", ""))])


def uid_of(web: Web, title: str) -> str:
    events = json.loads((web.tmp_path / "output" / "events.json").read_text())["events"]
    [uid] = [e["uid"] for e in events if e["title"] == title and e["status"] != "CANCELLED"]
    return str(uid)


def rebuild(aggregator: Aggregator) -> None:
    aggregator.refresh(force=True)
    aggregator.build()


def csrf(behind: Behind, path: str) -> str:
    match = CSRF.search(behind.client.get(behind.base + path).text)
    assert match, f"{path} has no CSRF field"
    return match.group(1)


def test_every_page_link_form_asset_and_redirect_stays_under_the_path(behind: Behind) -> None:
    web = behind.web
    # an event merged into another: its page redirects (301) to the one it joined
    web.feeds.set("/venue.ics", ics("blida-99@venue", "Atelier soudure Blida", SOON),
                  "text/calendar")
    rebuild(behind.aggregator)
    copy = uid_of(web, "Atelier soudure Blida")
    web.feeds.set("/venue.ics", ics("blida-99@venue", "Rencontre IA", SOON), "text/calendar")
    rebuild(behind.aggregator)
    kept = uid_of(web, "Rencontre IA")

    seen = crawl(behind, "/agenda/", "/agenda/embed?source=lab", "/agenda/admin/login",
                 "/agenda/manage", "/agenda/robots.txt", "/agenda/sitemap.xml",
                 "/agenda/openapi.json", "/agenda/digests.atom")
    base = behind.base
    for reached in ("/news", "/calendars", "/subscribe", "/sources", "/register", "/docs",
                    "/digests", "/static/site.css", "/static/copy.js", "/calendar.ics",
                    "/news.atom", "/sources/lab", f"/events/{quote(kept, safe='')}",
                    f"/events/{quote(kept, safe='')}.ics", "/calendars/metz.ics"):
        assert any(url.partition("?")[0] == base + reached for url in seen), reached
    assert f"Disallow: {PREFIX}/admin" in seen[base + "/robots.txt"].text
    assert seen[base + "/openapi.json"].json()["servers"] == [{"url": PREFIX}]

    moved = behind.client.get(f"{base}/events/{quote(copy, safe='')}?lang=de")
    assert moved.status_code == 301
    assert moved.headers["location"] == f"{PREFIX}/events/{quote(kept, safe='')}?lang=de"
    # the router's own redirect (a trailing slash too many) also keeps the path
    slashed = behind.client.get(base + "/news/")
    assert slashed.is_redirect and urlsplit(slashed.headers["location"]).path == PREFIX + "/news"
    assert get(behind, base + "/news/").status_code == 200
    # what is not under the path is not the app's
    assert behind.client.get(base[:-len(PREFIX)] + "/news").status_code == 404


def test_the_operator_signs_in_acts_and_signs_out_under_the_path(behind: Behind) -> None:
    base, client = behind.base, behind.client
    refused = client.get(base + "/admin")
    assert refused.status_code == 303 and refused.headers["location"] == PREFIX + "/admin/login"
    form = client.get(base + "/admin/login")
    assert f"Path={PREFIX}/;" in form.headers["set-cookie"]  # the CSRF cookie
    token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
    signed = client.post(base + "/admin/login", data={"csrf_token": token,
                                                      "password": ADMIN_TOKEN})
    assert signed.status_code == 303 and signed.headers["location"] == PREFIX + "/admin"
    assert f"Path={PREFIX}/admin;" in signed.headers["set-cookie"]
    dashboard = client.get(base + "/admin?lang=en")  # the session cookie comes back
    assert dashboard.status_code == 200 and "Feed health" in dashboard.text
    crawl(behind, "/agenda/admin", "/agenda/admin/events", "/agenda/admin/news")
    refreshed = client.post(base + "/admin/refresh", data={"csrf_token": token})
    assert refreshed.status_code == 303
    assert refreshed.headers["location"].startswith(PREFIX + "/admin?feeds=")
    assert get(behind, base + "/admin").status_code == 200
    out = client.post(base + "/admin/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == PREFIX + "/admin/login"
    assert client.get(base + "/admin").status_code == 303
    # an admin page asked without a session leads to the login form, and back to it
    asked = client.get(base + "/admin/news?q=x")
    assert asked.headers["location"] == PREFIX + "/admin/login?next=%2Fadmin%2Fnews%3Fq%3Dx"
    back = client.post(base + "/admin/login", data={"csrf_token": token, "password": ADMIN_TOKEN,
                                                    "next": "/admin/news?q=x"})
    assert back.headers["location"] == PREFIX + "/admin/news?q=x"


def test_emails_and_output_files_link_under_the_path(behind: Behind, smtp_server: Sink) -> None:
    base, client, aggregator = behind.base, behind.client, behind.aggregator
    signed = client.post(base + "/subscribe?lang=en", data={
        "csrf_token": csrf(behind, "/subscribe"), "email": "ana@example.org", "language": "en"})
    assert signed.status_code == 200 and "Almost done" in signed.text
    check_under_path(behind, "/subscribe", signed.text)
    [confirmation] = smtp_server.messages
    [link] = {u for u in behind.ours(text_of(confirmation)) if "/confirm/" in u}
    path = urlsplit(link).path[len(PREFIX):]
    confirmed = client.post(link, data={"csrf_token": csrf(behind, path)})
    assert confirmed.status_code == 200 and "confirmed" in confirmed.text
    check_under_path(behind, link, confirmed.text)

    registration, _ = aggregator.register_source(
        name="Nouveau", kind="association", city="Metz", website="", contact="new@example.org",
        feeds=[FeedRef(behind.web.feeds.base_url + "/new.ics")])
    aggregator.approve_registration(registration.id)
    rebuild(aggregator)
    assert aggregator.send_digest().sent == ("ana@example.org",)
    aggregator.digest_preview()

    followed: set[str] = set()
    for mail in smtp_server.messages:
        check_under_path(behind, str(mail["Subject"]), text_of(mail))
        followed |= set(behind.ours(text_of(mail)))
    output = aggregator.settings.output_dir
    files = [p for p in output.rglob("*") if p.is_file()]
    assert {"calendar.ics", "news.atom", "index.html"} <= {p.name for p in files}
    for file in files:
        written = file.read_text(encoding="utf-8").replace("\r\n ", "")
        check_under_path(behind, str(file.relative_to(output)), written)
        followed |= {html.unescape(u) for u in behind.ours(written)}
    assert any("/unsubscribe/" in u for u in followed) and any("/manage/" in u for u in followed)
    for url in sorted(followed):
        url = re.sub("^webcal://", "http://", url)
        assert get(behind, url).status_code == 200, url

