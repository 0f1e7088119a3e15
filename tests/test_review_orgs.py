"""Review of the organiser's and the operator's flows (registering, /admin, /manage, the CLI),
as the people using them meet them.

Each test states what they met; it failed on the code as reviewed. Nothing is mocked: the web
app runs under uvicorn on 127.0.0.1 with a real SQLite store, the feeds on the loopback feed
server.
"""

from __future__ import annotations

import re
from typing import Any

from test_web_pages import csrf
from webapp import ADMIN_TOKEN, Web, web  # noqa: F401  (fixture)

BROWSER = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "de"}


def _log_in(web: Web, **extra: str) -> Any:  # noqa: F811
    token = csrf(web.client, "/admin/login")
    return web.client.post("/admin/login", data={"csrf_token": token,
                                                  "password": ADMIN_TOKEN, **extra})


def test_an_operator_whose_session_ended_is_sent_to_log_in_not_an_english_401(
        web: Web) -> None:  # noqa: F811
    """The admin login lasts 8 hours. Past it, the operator's bookmark of /admin/events (or
    a "Hide" clicked on a page left open) answered "Error 401 — log in at /admin/login or
    send Authorization: Bearer <token>", in English on a German page, with a link to the
    agenda only; /admin alone led to the login form."""
    for path in ("/admin/events?q=IA", "/admin/news", "/admin/events/explain?uid=x"):
        answer = web.client.get(path, headers=BROWSER)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/admin/login?next=%2Fadmin%2F"), path
    # logging in from there leads back to the page asked for, and only to an admin page
    asked = web.client.get("/admin/events?q=IA", headers=BROWSER).headers["location"]
    form = web.client.get(asked, headers=BROWSER).text
    assert 'name="next" value="/admin/events?q=IA"' in form
    assert _log_in(web, next="/admin/events?q=IA").headers["location"] == "/admin/events?q=IA"
    for elsewhere in ("https://evil.example/", "//evil.example/admin", "/admin\\@evil", "/news"):
        assert _log_in(web, next=elsewhere).headers["location"] == "/admin", elsewhere
    web.client.cookies.clear()
    # a decision posted once the session is over: nothing done, said so in the page's words
    refused = web.client.post("/admin/registrations/1/approve", headers=BROWSER,
                              data={"csrf_token": "x" * 40})
    assert refused.status_code == 401
    assert "Anmeldung erforderlich" in refused.text and "Bearer" not in refused.text
    assert 'href="/admin/login"' in refused.text
    # a script (a bearer) still reads why, in English
    script = web.client.get("/admin/events", headers={"Authorization": "Bearer guess",
                                                      "Accept": "application/json"})
    assert script.status_code == 401 and "Bearer" in script.json()["detail"]
