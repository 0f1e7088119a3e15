"""An organiser brings back a feed its server once said was gone (HTTP 410).

A 410 stops the reading at once (issue 7). But a 410 is often a slip: a CMS plugin switched
off for a day, a calendar made private then public again. The organiser could only write to
the operator, who ran `refresh --force`. Their private /manage link now asks for it to be read
again: the next round reads it, and keeps it only if it answers. Real web app, feed server,
SQLite (and PostgreSQL with CI=true) and SMTP server; nothing mocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from aggregator.config import SmtpSettings
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_organiser import send
from test_web_pages import csrf
from webapp import Web, site

REVIVE = re.compile(r'<button type="submit" name="action" value="revive"[^>]*>([^<]+)</button>')


@pytest.fixture
def published(feed_server: Any, tmp_path: Path, smtp_server: Sink,  # noqa: F811
              db_url: str) -> Iterator[tuple[Web, str]]:
    """An organisation registered on the web, approved, and its feed read once."""
    with site(feed_server, tmp_path, db_url,
              smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port)) as web:
        assert send(web, "/register", contact="agenda@asso.example.org").status_code == 200
        [pending] = web.aggregator.registrations("pending")
        web.aggregator.approve_registration(pending.id)
        web.aggregator.refresh_round("node")
        yield web, pending.token


def revive(web: Web, token: str, url: str) -> httpx.Response:
    path = f"/manage/{token}"
    return web.client.post(path, data={"csrf_token": csrf(web.client, path),
                                       "action": "revive", "feed": url})


def health(web: Web, url: str) -> str:
    [feed] = [f for f in web.aggregator.feed_health() if f.url == url]
    return feed.status


def test_an_organiser_brings_back_a_feed_once_gone(
    published: tuple[Web, str], smtp_server: Sink,  # noqa: F811
) -> None:
    web, token = published
    url = f"{web.feeds.base_url}/new.ics"
    assert health(web, url) == "ok"
    assert REVIVE.search(web.client.get(f"/manage/{token}").text) is None  # nothing to revive
    web.feeds.fail("/new.ics", 410)
    web.aggregator.refresh(force=True)
    assert health(web, url) == "disabled"
    assert web.aggregator.watch_health() == [("gone", url, "sent")]
    [gone] = smtp_server.to("agenda@asso.example.org")[-1:]
    assert f"/manage/{token}" in gone.get_content() and "read it again" in gone.get_content()

    page = web.client.get(f"/manage/{token}", params={"lang": "en"}).text
    assert REVIVE.findall(page) == ["Read it again"]
    web.feeds.restore("/new.ics")  # the organiser put it back
    answer = revive(web, token, url)
    assert answer.status_code == 200
    assert "will read it again within" in answer.text
    assert REVIVE.search(answer.text) is None  # asked once: no second button meanwhile
    hits = web.feeds.hits["/new.ics"]
    web.aggregator.refresh_round("node")  # the daemon's next round
    assert web.feeds.hits["/new.ics"] == hits + 1
    assert health(web, url) == "ok"
    assert web.aggregator.watch_health() == [("recovered", url, "sent")]


def test_a_feed_still_gone_stays_off_and_its_contact_is_not_mailed_again(
    published: tuple[Web, str], smtp_server: Sink,  # noqa: F811
) -> None:
    web, token = published
    url = f"{web.feeds.base_url}/new.ics"
    web.feeds.fail("/new.ics", 410)
    web.aggregator.refresh(force=True)
    web.aggregator.watch_health()
    mailed = len(smtp_server.to("agenda@asso.example.org"))
    hits = web.feeds.hits["/new.ics"]
    assert revive(web, token, url).status_code == 200
    web.aggregator.refresh_round("node")
    assert health(web, url) == "disabled"
    assert web.aggregator.watch_health() == []
    assert len(smtp_server.to("agenda@asso.example.org")) == mailed
    web.aggregator.refresh_round("node")  # and it is not read at every round
    assert web.feeds.hits["/new.ics"] == hits + 1  # the one retry asked for


def test_only_the_organisations_own_gone_feeds_can_be_brought_back(
    published: tuple[Web, str],
) -> None:
    """Another organisation's feed, one switched off by nobody, or an unknown address:
    nothing changes (a private link is not a way to make the aggregator fetch anything)."""
    web, token = published
    other = f"{web.feeds.base_url}/assoc.ics"
    web.feeds.fail("/assoc.ics", 410)
    web.aggregator.refresh(force=True)
    assert health(web, other) == "disabled"
    for url in (other, f"{web.feeds.base_url}/new.ics", "http://10.0.0.1/x.ics"):
        answer = revive(web, token, url)
        assert answer.status_code == 422, url
    assert health(web, other) == "disabled"
