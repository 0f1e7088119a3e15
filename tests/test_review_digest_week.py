"""`digest send --week` of a week far from today; news items in the language they declare.

A typo (2025-W49 for 2026-W49) sent that old week's digest to every confirmed subscriber, at
once and for good: the ledger then holds it, nothing can take it back. The daemon sends the
current week (Monday 07:00, or when it comes back within the week); a run stopped by the relay
is finished by hand with `--week` of that week, possibly the next Monday. So this week and the
week before go ahead; any other is refused unless `--any-week` says it is meant. Real SMTP
(aiosmtpd), SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import httpx
import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.digest import week_of
from aggregator.digests import DigestError
from aggregator.parse import parse_body
from digest_site import Clock, cli_environment, close_apps, digest_app  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401
from sites import rss_feed
from test_digest_send import digests
from test_news_undated import one_feed_site
from webapp import running

PARIS = ZoneInfo("Europe/Paris")
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_a_far_week_is_refused_and_the_message_says_how_to_go_ahead(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    app = digest_app(tmp_path, db_url, smtp_server.port)  # Monday 7 December 2026: 2026-W50
    app.add_subscriber("ana@example.org", confirmed=True)

    with pytest.raises(DigestError) as refused:
        app.send_digest("2025-W50")  # a year off: the typo
    told = str(refused.value)
    assert "2025-W50" in told and "this week is 2026-W50" in told and "--any-week" in told
    assert refused.value.exit_code == 2
    assert digests(smtp_server) == [] and app.digest_ledger("2025-W50") == []

    # looking is always allowed: the dry run and the archive copy of any week
    planned = app.send_digest("2025-W50", dry_run=True).planned
    assert [plan.email for plan in planned] == ["ana@example.org"]
    assert [path.name for path in app.digest_preview("2025-W50")] == ["2025-W50.html",
                                                                     "2025-W50.txt"]
    # the operator who means it says so
    assert app.send_digest("2025-W50", any_week=True).sent == ("ana@example.org",)
    assert [m["To"] for m in digests(smtp_server)] == ["ana@example.org"]


@pytest.mark.parametrize(("week", "allowed"), [
    ("2026-W50", True), ("2026-W49", True),  # this week; last week's run finished late
    ("2026-W51", False), ("2026-W48", False), ("2026-W05", False), ("2027-W50", False)])
def test_this_week_and_the_week_before_go_ahead_other_weeks_do_not(
    smtp_server: Sink, tmp_path: Path, week: str, allowed: bool
) -> None:
    # Sunday 23:30 in UTC is already Monday 00:30 in Paris, the agenda's zone: 2026-W50
    clock = Clock(datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port, clock)
    app.add_subscriber("ana@example.org", confirmed=True)
    if allowed:
        assert app.send_digest(week).sent == ("ana@example.org",)
        assert app.send_digest(week, retries_only=True).sent == ()
    else:
        for retries_only in (False, True):  # a retry of an old week is a send too
            with pytest.raises(DigestError, match=f"{week}.*this week is 2026-W50"):
                app.send_digest(week, retries_only=retries_only)
        assert digests(smtp_server) == []


def test_the_cli_refuses_a_far_week_with_exit_2_and_sends_it_with_any_week(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    """The CLI reads the real clock: the weeks are reckoned from today."""
    app = digest_app(tmp_path, db_url, smtp_server.port)
    app.add_subscriber("ana@example.org", confirmed=True)
    app.close()
    env = cli_environment(tmp_path, db_url, smtp_server.port)
    now = datetime.now(UTC)
    this, far = week_of(now, PARIS), week_of(now - timedelta(weeks=52), PARIS)
    runner = CliRunner()

    refused = runner.invoke(cli, ["digest", "send", "--week", far], env=env)
    assert refused.exit_code == 2, refused.output
    assert far in refused.output and f"this week is {this}" in refused.output
    assert "--any-week" in refused.output and "Traceback" not in refused.output
    assert digests(smtp_server) == []

    dry = runner.invoke(cli, ["digest", "send", "--week", far, "--dry-run"], env=env)
    assert dry.exit_code == 0 and f"{far}: would send 1" in dry.output, dry.output
    sent = runner.invoke(cli, ["digest", "send", "--week", far, "--any-week"], env=env)
    assert sent.exit_code == 0 and f"{far}: sent 1" in sent.output, sent.output
    current = runner.invoke(cli, ["digest", "send", "--week", this], env=env)
    assert current.exit_code == 0 and f"{this}: sent 1" in current.output, current.output
    assert len(digests(smtp_server)) == 2
    helped = runner.invoke(cli, ["digest", "send", "--help"], env=env)
    assert "--any-week" in helped.output and "this week or the week before" in helped.output


# --- an article's own language ---------------------------------------------------------------
# A French organisation's feed that says, as its CMS does by default, that it is in US English
# (WordPress `<language>en-US</language>`, Hugo `languageCode = "en-us"`), with one article
# marked English and one German by the entry's own xml:lang: the entry's word is taken, the
# feed's is not (the organisation's `language` stays the rest's).

LAB_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
<title>Le Lab</title><id>https://lab.example.org/</id><updated>2026-12-04T09:00:00Z</updated>
<entry><title>Nouveau bureau</title><id>https://lab.example.org/bureau</id>
<link href="https://lab.example.org/bureau"/><updated>2026-12-04T09:00:00Z</updated>
<summary>Le bureau a \xc3\xa9t\xc3\xa9 \xc3\xa9lu.</summary></entry>
<entry xml:lang="en"><title>Call for papers</title><id>https://lab.example.org/cfp</id>
<link href="https://lab.example.org/cfp"/><updated>2026-12-03T09:00:00Z</updated>
<summary>Submit your papers.</summary></entry>
<entry><title xml:lang="de-DE">Neue R\xc3\xa4ume</title><id>https://lab.example.org/raeume</id>
<link href="https://lab.example.org/raeume"/><updated>2026-12-02T09:00:00Z</updated>
<content type="text" xml:lang="de-DE">Wir ziehen um.</content></entry>
</feed>"""


def test_an_article_declared_in_another_language_is_marked_so_everywhere(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    app = one_feed_site(feed_server, tmp_path, db_url, "/news.atom", LAB_ATOM,
                        Clock(datetime(2026, 12, 4, 16, 0, tzinfo=UTC)), "lab")
    try:
        app.refresh()
        app.build()
        output = tmp_path / "output"
        languages = {item["title"]: item.get("language")
                     for item in json.loads((output / "news.json").read_text())["items"]}
        assert languages == {"Nouveau bureau": None, "Call for papers": "en", "Neue Räume": "de"}

        atom = ElementTree.fromstring((output / "news.atom").read_bytes())
        entries = {entry.findtext(f"{ATOM}title"): entry.get(XML_LANG)
                   for entry in atom.iter(f"{ATOM}entry")}
        assert atom.get(XML_LANG) == "fr"  # the feed's en-US is its CMS's, not the lab's
        assert entries == {"Nouveau bureau": None, "Call for papers": "en", "Neue Räume": "de"}

        with running(app) as url:
            french = httpx.get(f"{url}/news", timeout=30).text
            english = httpx.get(f"{url}/news", headers={"Accept-Language": "en"}, timeout=30).text
        assert '<h2 lang="en"><a href="https://lab.example.org/cfp"' in french
        assert '<h2 lang="de"><a href="https://lab.example.org/raeume"' in french
        assert '<h2><a href="https://lab.example.org/bureau"' in french
        assert '<h2><a href="https://lab.example.org/cfp"' in english
        assert '<h2 lang="fr"><a href="https://lab.example.org/bureau"' in english

        app.digest_preview("2026-W50")  # the news of the week before Monday 7 December
        digest = (output / "digest" / "2026-W50.html").read_text()
        assert '<a href="https://lab.example.org/cfp" lang="en" style=' in digest
        assert '<a href="https://lab.example.org/raeume" lang="de" style=' in digest
        assert '<a href="https://lab.example.org/bureau" style=' in digest
    finally:
        app.close()


def test_only_an_item_s_own_declaration_counts() -> None:
    """RSS has no xml:lang: an item says its language with dc:language (a JSON Feed item
    with ``language``); the channel's <language> is the CMS's default as often as not, and
    says nothing of one item."""
    parsed = parse_body(rss_feed(
        "<language>en-US</language>"
        "<item><title>Nouveau bureau</title><link>https://lab.example.org/1</link></item>"
        "<item><title>Call for papers</title><link>https://lab.example.org/2</link>"
        "<dc:language>EN-gb</dc:language></item>"
        "<item><title>Quoi</title><link>https://lab.example.org/3</link>"
        "<dc:language>not a language</dc:language></item>"
        "<item><title>Stamped</title><link>https://lab.example.org/4</link>"
        "<dc:language>en-us</dc:language></item>").replace(
        b"<rss ", b'<rss xmlns:dc="http://purl.org/dc/elements/1.1/" '), "rss",
        "https://lab.example.org/feed")
    assert [(item.title, item.language) for item in parsed.items] == [
        ("Nouveau bureau", ""), ("Call for papers", "en"), ("Quoi", ""), ("Stamped", "")]
    jsonfeed = parse_body(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Lab", "language": "en-US",
        "items": [{"id": "1", "title": "Nouveau bureau", "content_text": "x"},
                  {"id": "2", "title": "Neue Räume", "content_text": "y", "language": "de-AT"}],
    }).encode(), "jsonfeed", "https://lab.example.org/feed.json")
    assert [item.language for item in jsonfeed.items] == ["", "de"]
