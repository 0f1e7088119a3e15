"""Adversarial review: the web app's HTTP behaviour as browsers, clients and caches see it.

Each test states what a client met; they fail on the code as reviewed. Nothing is mocked: the
web app runs under uvicorn on 127.0.0.1 and is spoken to over real HTTP with httpx.
"""

from __future__ import annotations

import re

import httpx
import pytest

from aggregator.digest.render import calendar_key
from aggregator.web import api
from webapp import ADMIN_TOKEN, Web, web  # noqa: F401  (fixture)


@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/x/y", "/%2F%2Fevil.example"])
def test_a_not_found_page_switches_language_on_this_site_not_another(web: Web, path: str) -> None:
    """``https://agenda…//evil.example/`` is a 404 whose language switcher linked to
    ``//evil.example/?lang=en``: a browser opens that as https://evil.example/, a link on
    our page to whatever site a phishing mail names."""
    with httpx.Client(timeout=30) as raw:  # the path as sent, not merged with a base URL
        answer = raw.get(httpx.URL(web.url + path))
    assert answer.status_code == 404
    switcher = re.findall(r'<a href="([^"]*)" hreflang=', answer.text)
    assert len(switcher) == 3
    for href in switcher:
        assert href.startswith("/") and href[1:2] not in ("/", "\\"), href


def test_a_subscribers_own_calendar_is_never_kept_by_a_shared_cache(web: Web) -> None:
    """/calendars/mine/KEY.ics is what one subscriber follows: it was answered
    ``Cache-Control: public``, so a proxy or CDN in front could keep it and serve it on (for
    five minutes after its owner unsubscribed)."""
    subscriber, _ = web.aggregator.add_subscriber("ana@example.org", confirmed=True,
                                                  cities=["Metz"])
    mine = f"/calendars/mine/{calendar_key(subscriber.token)}.ics"
    answer = web.client.get(mine)
    assert answer.status_code == 200
    assert answer.headers["cache-control"].split(",")[0] == "private"
    again = web.client.get(mine, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304 and "public" not in again.headers["cache-control"]
    # the open data stays cacheable by anyone
    assert web.client.get("/calendar.ics?city=Metz").headers["cache-control"].startswith("public")


@pytest.mark.parametrize("path", ["/calendar.ics", "/calendar.ics?city=Metz", "/calendars/metz.ics",
                                  "/events.json", "/events.json?city=Metz", "/news.json",
                                  "/news.json?tag=ai", "/events.atom", "/news.atom"])
def test_a_partner_sites_script_may_read_the_open_data(web: Web, path: str) -> None:
    """The open data is for partner sites; a script of theirs (``fetch`` in a visitor's
    browser) was refused every export: no ``Access-Control-Allow-Origin``."""
    origin = {"Origin": "https://partner.example.org"}
    for _ in range(2):  # the second /calendar.ics is the fast path's
        answer = web.client.get(path, headers=origin)
        assert answer.status_code == 200
        assert answer.headers.get("access-control-allow-origin") == "*"
    held = web.client.get(path, headers=origin | {"If-None-Match": answer.headers["etag"]})
    assert held.status_code == 304 and held.headers.get("access-control-allow-origin") == "*"


@pytest.mark.parametrize("path", ["/", "/news", "/calendars", "/sources", "/sources/lab",
                                  "/embed?city=Metz", "/docs", "/digests", "/nowhere"])
def test_a_page_a_shared_cache_may_keep_sets_no_cookie_of_a_visitor(web: Web, path: str) -> None:
    """The agenda and the other public pages are ``Cache-Control: no-cache``, which a shared
    cache may store (and revalidate); each also set a fresh CSRF cookie though it has no
    form. Stored with the page, that cookie was every later visitor's, known to whoever
    fetched the page too: the double-submit check then stops no forged form."""
    with httpx.Client(base_url=web.url, timeout=30) as visitor:  # no cookie yet
        answer = visitor.get(path)
    storable = not re.search(r"no-store|private", answer.headers.get("cache-control", ""))
    if storable:
        assert "set-cookie" not in answer.headers, answer.headers["set-cookie"]


def test_a_form_still_gets_its_csrf_cookie(web: Web) -> None:
    with httpx.Client(base_url=web.url, timeout=30) as visitor:
        visitor.get("/")
        form = visitor.get("/subscribe")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token and form.headers["cache-control"] == "no-store"
    assert f"csrf={token.group(1)};" in form.headers["set-cookie"]


@pytest.mark.parametrize("page", ["²", "1²", "٣"])
def test_an_odd_page_number_is_a_page_not_a_server_error(web: Web, page: str) -> None:
    """``/news?page=²`` answered 500: "²" passed ``str.isdigit`` and ``int()`` refused it."""
    answer = web.client.get("/news", params={"page": page})
    assert answer.status_code == 200 and "<h1" in answer.text


def test_an_odd_decision_number_on_the_admin_page_is_no_server_error(web: Web) -> None:
    """``/admin?approved=²`` (a hand-edited link) answered 500, the same isdigit slip."""
    answer = web.client.get("/admin", params={"approved": "²"},
                            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert answer.status_code == 200 and "#²" not in answer.text


def test_a_forged_admin_cookie_or_hidden_number_is_refused_not_a_server_error(web: Web) -> None:
    """An admin cookie whose expiry is "²" (byte 0xB2 in a header, read as Latin-1) and an
    "unhide" form naming number "²" answered 500: the same isdigit slip."""
    forged = web.client.get("/admin", headers={"Cookie": b"admin_session=\xb2.a.b"})
    assert forged.status_code == 303 and forged.headers["location"] == "/admin/login"
    unhide = web.client.post("/admin/events/unhide", data={"id": "²"},
                             headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert unhide.status_code == 422


def test_robots_keep_search_engines_off_a_subscribers_own_calendar(web: Web) -> None:
    """robots.txt kept the preferences and unsubscribe pages out, not /calendars/mine/KEY.ics,
    what one subscriber follows: its address, pasted on a crawled page, was indexed."""
    robots = web.client.get("/robots.txt").text.splitlines()
    assert "Disallow: /calendars/mine/" in robots
    assert "Disallow: /calendars/" not in robots  # the public calendars stay findable


def test_the_filtered_answers_kept_have_a_bound_in_bytes() -> None:
    """``/events.json?updated_since=`` any old instant (or a wide ``from``/``to``) is the whole
    events.json, tens of MB at N = 1,000, and each instant its own entry: 256 of them were
    kept until the next build, gigabytes of a web server asked by anyone."""
    cache, budget = api.RenderCache(), api.CACHE_BYTES
    assert budget <= 256 * 2**20
    whole = bytes(budget // 2)  # one object: the test itself holds it once
    for second in range(3):  # the second passes the budget; the third: the same once cleared
        found = cache.get(("json", "build", f"2000-01-01T00:00:{second:02}Z"), lambda: whole, None)
        assert found.body is whole
        kept = sum(len(e.body) + len(e.compressed or b"") for e in cache.entries.values())
        assert kept <= budget


@pytest.mark.parametrize("path", ["/events.json?updated_since=yesterday",
                                  "/events.json?from=2026-02-30", "/news.atom?tag=" + "x" * 61,
                                  "/calendars/atlantis.ics"])
def test_a_partner_sites_script_may_read_why_its_request_was_refused(web: Web, path: str) -> None:
    """The open data's errors are ``{"detail": "…"}`` (documented in OpenAPI), but without
    ``Access-Control-Allow-Origin`` a partner's script saw a network error, not the reason."""
    answer = web.client.get(path, headers={"Origin": "https://partner.example.org"})
    assert answer.status_code in (404, 422) and answer.json()["detail"]
    assert answer.headers.get("access-control-allow-origin") == "*"


def test_a_trailing_slash_redirect_stays_on_this_site_whatever_the_host_header(web: Web) -> None:
    """Starlette answered /news/ with a redirect to ``http://<Host header>/news``: a request
    with a forged Host (cached by a proxy that keys on the path) sent visitors elsewhere. The
    redirect is now relative, keeps the query, and is permanent."""
    answer = web.client.get("/news/", params={"lang": "de"},
                            headers={"Host": "evil.example"}, follow_redirects=False)
    assert answer.status_code in (301, 308)
    assert answer.headers["location"] == "/news?lang=de"
    followed = web.client.get("/news/", params={"lang": "de"}, follow_redirects=True)
    assert followed.status_code == 200 and '<html lang="de">' in followed.text
    assert web.client.get("/nowhere/", follow_redirects=False).status_code == 404
