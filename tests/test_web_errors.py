"""Error pages as people read them: in their language, with the reason; JSON for programs."""

from __future__ import annotations

import logging

import pytest

from webapp import Web, web  # noqa: F401  (fixture)


def test_a_page_that_is_not_found_says_why_in_the_readers_language(web: Web) -> None:
    """An old link from a digest: the reason in the reader's language on the page, in
    English (for programs) in a JSON answer."""
    client = web.client
    page = client.get("/events/gone@aggregator", params={"lang": "de"})
    assert page.status_code == 404
    assert "Seite nicht gefunden" in page.text and "längst vorbei" in page.text
    assert "no such event" not in page.text
    french = client.get("/sources/nobody", params={"lang": "fr"})
    assert french.status_code == 404 and "Aucune organisation" in french.text
    assert "n’existe pas" in client.get("/digests/2026-W99x", params={"lang": "fr"}).text
    data = client.get("/events/gone@aggregator", headers={"Accept": "application/json"})
    assert data.json() == {"detail": "no such event in the published calendar"}


def test_a_page_with_a_broken_parameter_says_which_in_the_readers_language(web: Web) -> None:
    """A link cut or mangled by a mail client (``?page=1234567``, a city of 101 characters)
    gave a French or German reader "Error 422" and "query.page: String should have at most
    6 characters": FastAPI's words for programs. JSON answers keep them."""
    client = web.client
    page = client.get("/news", params={"lang": "de", "page": "1234567"})
    assert page.status_code == 422
    assert "Ungültige Adresse" in page.text and "„page“" in page.text
    assert "Error 422" not in page.text and "String should" not in page.text
    french = client.get("/", params={"lang": "fr", "city": "x" * 101, "from": "2026-12-0777"})
    assert french.status_code == 422
    assert "Adresse incorrecte" in french.text and "« city », « from »" in french.text
    data = client.get("/news.json", params={"tag": "x" * 61})
    assert data.status_code == 422 and "String should have at most" in data.json()["detail"]


def test_a_page_the_database_fails_says_retry_and_the_operator_log_says_why(
    web: Web, caplog: pytest.LogCaptureFixture,
) -> None:
    """The page no longer shows the store's words to readers; they must then be in the
    operator's log, or nobody could tell why the page fails."""
    import sqlite3

    path = web.aggregator.settings.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as database:  # a table gone: every feed-health read fails
        database.execute("ALTER TABLE feeds RENAME TO feeds_elsewhere")
    with caplog.at_level(logging.WARNING, logger="aggregator.web"):
        page = web.client.get("/sources/lab", params={"lang": "en"})
    assert page.status_code == 503
    assert "please try again in a few minutes" in page.text
    assert "no such table" not in page.text
    [record] = [r for r in caplog.records if r.name == "aggregator.web"]
    assert "/sources/lab" in record.getMessage() and "no such table: feeds" in record.getMessage()
