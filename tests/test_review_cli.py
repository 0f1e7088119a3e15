"""The operator's command line as a real process: `python -m aggregator …` with its own
environment, against a real feed server on 127.0.0.1 and a real SQLite file.

What is checked: the exit code, one clear line on stderr naming what is wrong and what to do,
never a traceback, and a standard output a script can read.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from aggregator import config
from aggregator.errors import ConfigError
from sites import SOON, ics, one_calendar

REPO = Path(__file__).resolve().parents[1]


def start(tmp_path: Path, *args: str, env: Mapping[str, str] | None = None,
          config: str = "") -> subprocess.Popen[str]:
    """`python -m aggregator [--config sources.yaml] ARGS…` in ``tmp_path`` (not waited for:
    a test starts its cases together, each process costs two seconds of imports)."""
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith("AGGREGATOR_")}
    environ.update({"PYTHONPATH": str(REPO),
                    "AGGREGATOR_DB": f"sqlite:///{tmp_path}/data/a.db", **(env or {})})
    prefix = ["--config", config] if config else []
    return subprocess.Popen([sys.executable, "-m", "aggregator", *prefix, *args], cwd=tmp_path,
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def done(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in out + err, err
    return process.returncode, out, err


def aggregator(tmp_path: Path, *args: str, **options: Any) -> tuple[int, str, str]:
    return done(start(tmp_path, *args, **options))


def source(feeds: str, extra: str = "") -> str:
    return ("sources:\n  - {id: lab, name: Le Lab, kind: lab, city: Nancy, country: FR"
            f"{extra}, feeds: [{feeds}]}}\n")


@pytest.fixture
def feeds(feed_server: Any) -> Any:
    feed_server.set("/lab.ics", ics("talk-1@lab", "Rencontre IA", SOON), "text/calendar")
    return feed_server


def test_a_feed_listed_twice_in_a_source_is_refused_naming_it(tmp_path: Path, feeds: Any) -> None:
    """It stopped every refresh, and `sources list`, with the database's "UNIQUE constraint
    failed" (exit 1): nothing said which source or line to mend."""
    url = feeds.url("/lab.ics")
    (tmp_path / "sources.yaml").write_text(source(
        f"{{url: '{url}'}}, {{url: '{url.replace('http://', 'webcal://')}'}}, "
        f"{{url: '{url}', refresh: 1d}}"))
    code, out, err = aggregator(tmp_path, "refresh", env={"AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1"})
    assert code == 2 and out == ""
    assert "source 'lab': field feeds.2.url:" in err and "listed twice" in err
    assert "UNIQUE" not in err


def test_what_the_schema_refuses_is_said_in_the_operators_words(tmp_path: Path) -> None:
    """pydantic's wording reached the operator: "a valid dictionary or instance of
    _FeedModel", "Input should be a valid string" for YAML's NO (Norway: false) or a bare
    60, "Extra inputs are not permitted" for a misspelt field, "Input should be a valid
    integer, unable to parse string as an integer". And a website or a contact
    that could not be used was taken: the website was linked as "#" on the organisations'
    pages, feed-health warnings to the contact were never delivered."""
    (tmp_path / "sources.yaml").write_text(source(
        "'https://lab.example.org/a.ics', {url: 'https://lab.example.org/b.ics', refresh: 60}",
        ", lang: en, website: www.loria.fr, contact: 'events at loria.fr', tags: ai,"
        " priority: high").replace("country: FR", "country: NO").replace("Le Lab", "''"))
    code, out, err = aggregator(tmp_path, "refresh")
    assert code == 2 and out == ""
    for expected in (
        "field feeds.0: must be a mapping of fields (url: https://…), not 'https://",
        "field country: YAML read this value as false",
        "field feeds.1.refresh: YAML read 60 as a number; put it in quotes",
        "field lang: unknown field (did you mean 'language'?); known: id, name",
        "field website: 'www.loria.fr' is not a web address; write it as https://",
        "field contact: 'events at loria.fr' is not an email address",
        "field name: must not be empty", "field tags: must be a list, as [a, b], not 'ai'",
        "field priority: 'high' is not a whole number",
    ):
        assert f"source 'lab': {expected}" in err
    assert "_FeedModel" not in err and "Input should" not in err and "Extra inputs" not in err
    assert "String should have" not in err



def test_a_database_url_with_a_typo_is_a_bad_setting_not_a_server_down(tmp_path: Path) -> None:
    """"postgres://" (as hosting providers hand it out) or "sqlit:///" said "check that the
    server is running" and exited 1, as if the database were down: refresh exits 2 on a bad
    setting, and the message says which URLs are taken."""
    (tmp_path / "sources.yaml").write_text("sources: []\n")
    code, out, err = aggregator(tmp_path, "refresh",
                                env={"AGGREGATOR_DB": "postgres://agenda:s3cret@db.example.org/agenda"})
    assert code == 2 and out == "" and "s3cret" not in err
    assert "AGGREGATOR_DB='postgres://agenda:***@db.example.org/agenda' is not a database URL" in err
    assert "write sqlite:///PATH (a file, made if missing) or postgresql+psycopg://" in err
    assert "server is running" not in err


def test_adding_a_confirmed_subscriber_again_says_its_preferences_are_kept(tmp_path: Path) -> None:
    """The operator re-adding a subscriber with another language read "confirmed", exit 0,
    and the digest went on in the old language: the web form's rule (an address already
    confirmed keeps its state) applied without a word."""
    from aggregator.core import make_aggregator

    (tmp_path / "sources.yaml").write_text("sources: []\n")
    app = make_aggregator(config.load(tmp_path / "sources.yaml",
                                      {"AGGREGATOR_DB": f"sqlite:///{tmp_path}/data/a.db"}))
    app.add_subscriber("ana@example.org", confirmed=True)
    app.close()
    code, out, err = aggregator(tmp_path, "subscribers", "add", "Ana@example.org", "--lang", "en",
                                "--city", "Metz")
    assert code == 0 and out == "ana@example.org: confirmed\n"
    assert ("warning: ana@example.org was confirmed already: its language and filters are "
            "unchanged (add --confirmed to replace them with these)\n") in err


def test_a_key_given_twice_or_a_file_not_in_utf8_is_refused_at_its_line(tmp_path: Path) -> None:
    """YAML keeps the last of two keys: a source's second `language:` replaced the first
    unsaid. A Latin-1 file said "'utf-8' codec can't decode byte 0xe9 in position 47"."""
    text = source("{url: 'https://lab.example.org/a.ics'}").replace(
        "country: FR", "country: FR,\n     language: fr, language: en")
    (tmp_path / "twice.yaml").write_text(text)
    (tmp_path / "latin1.yaml").write_bytes(source("{url: 'https://lab.example.org/a.ics'}")
                                           .replace("Le Lab", "Le Lab d'été").encode("latin-1"))
    twice = start(tmp_path, "refresh", config="twice.yaml")
    latin1 = start(tmp_path, "refresh", config="latin1.yaml")
    code, out, err = done(twice)
    assert code == 2 and out == ""
    assert "'language' is given twice in this mapping (first on line 3): keep one" in err
    assert 'in "twice.yaml", line 3' in err
    code, out, err = done(latin1)
    assert code == 2 and out == ""
    assert "latin1.yaml: line 2: byte 0xe9 is not UTF-8; save the file as UTF-8" in err


def test_a_misspelt_settings_block_is_refused_not_skipped(tmp_path: Path) -> None:
    """`setings:` was skipped without a word: the feeds were read in the default time zone,
    and the venues given there were not used."""
    (tmp_path / "sources.yaml").write_text("setings:\n  timezone: America/New_York\nsources: []\n")
    code, out, err = aggregator(tmp_path, "refresh")
    assert code == 2 and out == ""
    assert "sources.yaml: top-level key 'setings': did you mean 'settings'?" in err


def test_an_output_directory_that_is_a_file_says_what_to_change(tmp_path: Path) -> None:
    """"cannot write output.txt/calendar.ics: File exists" said neither what was wrong nor
    which setting to change."""
    (tmp_path / "sources.yaml").write_text("sources: []\n")
    (tmp_path / "output.txt").write_text("not a directory")
    code, out, err = aggregator(tmp_path, "build", env={"AGGREGATOR_OUTPUT": "output.txt"})
    assert code == 1 and out == ""
    assert ("cannot write output.txt/calendar.ics: a file stands where a directory is needed; "
            "the output directory (AGGREGATOR_OUTPUT) must be a directory this user can write"
            ) in err


def test_a_bad_smtp_port_in_the_file_is_refused_and_said_to_be_in_the_file(tmp_path: Path) -> None:
    """Port 0, -1 or 99999 was taken: `digest send` then put every digest off "to retry"
    (or skipped it, exit 0) instead of saying the setting is wrong. And a bad value under
    `settings:` was blamed on an AGGREGATOR_* variable the operator had not set."""
    (tmp_path / "sources.yaml").write_text("settings:\n  smtp_port: 99999\nsources: []\n")
    code, out, err = aggregator(tmp_path, "digest", "send")
    assert code == 2 and out == ""
    assert "AGGREGATOR_SMTP_PORT='99999': a port number from 1 to 65535" in err
    assert "(given in sources.yaml as settings: smtp_port)" in err



def test_text_from_feeds_and_the_public_form_is_printed_as_text(tmp_path: Path, feeds: Any) -> None:
    """A feed's answer quoting "[/x]", a city or an organisation's name typed as "[/x]" in a
    form, were read as Rich markup: `refresh` (after storing), `subscribers list` and
    `registrations list` ended in a MarkupError traceback."""
    from aggregator.core import make_aggregator
    from aggregator.models import FeedRef

    feeds.set("/odd.ics", b"Maintenance [/x] [b]soon\n", "text/calendar")
    (tmp_path / "sources.yaml").write_text(source(f"{{url: '{feeds.url('/odd.ics')}'}}"))
    env = {"AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1", "AGGREGATOR_SMTP_PORT": "9",
           "COLUMNS": "300"}  # wide enough for the tables' cells on one line
    settings = config.load(tmp_path / "sources.yaml", {
        **env, "AGGREGATOR_DB": f"sqlite:///{tmp_path}/data/a.db"})
    app = make_aggregator(settings)
    try:
        app.add_subscriber("ana@example.org", cities=["[/x] Metz"], confirmed=True)
        app.register_source(name="[/x] Asso", kind="association", city="[/b]Toul", website="",
                            contact="hello@asso.example.org",
                            feeds=[FeedRef("https://asso.example.org/a.ics")])
    finally:
        app.close()
    runs = [start(tmp_path, *args, env=env) for args in (
        ("refresh",), ("subscribers", "list"), ("registrations", "list"))]
    (refreshed, table, _), (listed, subscribers, _), (pending, registrations, _) = map(done, runs)
    assert refreshed == 0 and listed == 0 and pending == 0
    assert "starts with 'Maintenance [/x] [b]soon'" in table
    assert "[/x] Metz" in subscribers
    assert "[/x] Asso" in registrations and "[/b]Toul" in registrations


# The values below are checked where the settings are read, as each command reads them; the
# process tests above show a ConfigError becoming exit 2 and one line on stderr.

@pytest.mark.parametrize(("variable", "value", "expected"), [
    # every digest was put off "to retry": "SMTP server smtp.example.org:587:25 unreachable"
    ("AGGREGATOR_SMTP_HOST", "smtp.example.org:587",
     "AGGREGATOR_SMTP_HOST='smtp.example.org:587': the server's name alone, as smtp.example.org "
     "(its port goes in AGGREGATOR_SMTP_PORT"),
    ("AGGREGATOR_SMTP_HOST", "smtps://mail.example.org", "the server's name alone"),
    # read as off without a word: feeds on the LAN were refused, the setting looked right
    ("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "enabled",
     "AGGREGATOR_ALLOW_PRIVATE_NETWORKS='enabled': 1 for on, 0 (or unset) for off"),
    ("AGGREGATOR_TIMEZONE", "europe/paris",
     "'europe/paris' is not an IANA time zone (did you mean 'Europe/Paris'?)"),
    ("AGGREGATOR_TIMEZONE", "Luxembourg",
     "'Luxembourg' is not an IANA time zone (did you mean 'Europe/Luxembourg'?)"),
])
def test_an_environment_value_that_cannot_work_is_refused_saying_what_to_write(
        tmp_path: Path, variable: str, value: str, expected: str) -> None:
    (tmp_path / "sources.yaml").write_text("sources: []\n")
    with pytest.raises(ConfigError) as refused:
        config.load(tmp_path / "sources.yaml", {variable: value})
    assert expected in str(refused.value) and refused.value.exit_code == 2


@pytest.mark.parametrize(("variable", "value"), [
    ("AGGREGATOR_SMTP_HOST", "smtp.example.org"), ("AGGREGATOR_SMTP_HOST", "::1"),
    ("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "0"), ("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "true"),
])
def test_the_usual_spellings_are_still_taken(tmp_path: Path, variable: str, value: str) -> None:
    (tmp_path / "sources.yaml").write_text("sources: []\n")
    config.load(tmp_path / "sources.yaml", {variable: value})


@pytest.mark.parametrize(("days", "expected"), [
    ("-5", "settings: field past_days: -5 is below 0: a number of days from 0 to 36500"),
    ("1000000", "settings: field past_days: 1000000 is too large: a number of days from 0"),
])
def test_a_past_days_setting_that_would_delete_or_crash_is_refused(tmp_path: Path, days: str,
                                                                   expected: str) -> None:
    """-5 was taken, and housekeeping then deleted the next five days' events; a million
    days made every build fail on a date before year 1."""
    (tmp_path / "sources.yaml").write_text(f"settings:\n  past_days: {days}\nsources: []\n")
    with pytest.raises(ConfigError, match=re.escape(expected)):
        config.load(tmp_path / "sources.yaml", {})


@pytest.mark.parametrize(("url", "expected"), [
    ("https://agenda.exa mple.org/a.ics", "'agenda.exa mple.org' is no host name"),
    ("https://example..org/a.ics", "'example..org' is no host name"),
    ("https://example.org:99999/a.ics", "Port out of range 0-65535"),
    ("https://[::1/a.ics", "Invalid IPv6 URL"),
])
def test_a_feed_url_that_can_never_be_fetched_is_refused(tmp_path: Path, url: str,
                                                         expected: str) -> None:
    """Taken, it failed at every refresh ("cannot resolve agenda.exa mple.org") instead of
    being refused with the file, naming the source and the field."""
    (tmp_path / "sources.yaml").write_text(source(f"{{url: '{url}'}}"))
    with pytest.raises(ConfigError) as refused:
        config.load(tmp_path / "sources.yaml", {})
    assert (f"source 'lab': field feeds.0.url: '{url}' is not a URL we can fetch: {expected}"
            in str(refused.value))


def test_feed_urls_as_published_are_still_taken(tmp_path: Path) -> None:
    urls = ["https://example.org./a b.ics", "https://[::1]:8080/a.ics", "webcal://p42.icloud.com/x",
            "http://user:pw@example.org/feed/", "https://xn--bcher-kva.example/agenda.ics"]
    (tmp_path / "sources.yaml").write_text(source(", ".join(f"{{url: '{u}'}}" for u in urls)))
    [lab] = config.load(tmp_path / "sources.yaml", {}).sources
    assert len(lab.feeds) == len(urls)


def test_help_and_a_refused_file_do_not_wait_for_the_whole_application(tmp_path: Path) -> None:
    """`aggregator --help`, `--version` or a typo in sources.yaml took 2.6 s: the command
    line imported the facade (storage, fetching, parsing, rendering) before reading its
    arguments. It is imported by the first command that needs it."""
    probe = ("import sys\nfrom aggregator.cli import cli\n"
             "try:\n    cli(['--config', 'missing.yaml', 'refresh'])\nexcept SystemExit as stop:\n"
             "    print(stop.code, sorted(m for m in sys.modules if m in ("
             "'aggregator.core', 'aggregator.store', 'aggregator.fetch', 'sqlalchemy')))\n")
    found = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert found.stdout == "2 []\n", found.stdout + found.stderr


def test_a_city_or_topic_no_organisation_lists_is_named_with_the_nearest_one(
        tmp_path: Path) -> None:
    """`subscribers add --city Mets` answered "pending", exit 0: the digest compares cities
    as written, and the subscriber got "nothing planned" every week, for a typo. Now stored
    as asked (an organisation may come), with a warning naming the one meant."""
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        "  - {id: lab, name: Le Lab, kind: lab, city: Metz, country: FR, tags: [Open Data],\n"
        "     feeds: [{url: 'https://lab.example.org/a.ics'}]}\n"
        "  - {id: asso, name: Asso, kind: association, city: Épinal, country: FR,\n"
        "     feeds: [{url: 'https://asso.example.org/a.ics'}]}\n")
    code, out, err = aggregator(tmp_path, "subscribers", "add", "ana@example.org", "--confirmed",
                                "--city", "Mets", "--city", "epinal", "--tag", "opendata",
                                "--tag", "open-data", "--city", "Strasbourg")
    assert code == 0 and out == "ana@example.org: confirmed\n", err
    said = " ".join(err.split())
    assert "warning: no organisation is in Mets: did you mean Metz?" in said
    assert "warning: no organisation is in Strasbourg (cities: Metz, Épinal)" in said
    assert "warning: no organisation has the topic opendata: did you mean open-data?" in said
    assert "epinal" not in said and said.count("warning:") == 3


def test_sources_check_answers_for_the_feed_while_sources_yaml_is_being_edited(
        tmp_path: Path, feeds: Any) -> None:
    """An operator checks a new organisation's feed before adding it, while sources.yaml
    holds a half-written entry: it answered "invalid: sources.yaml is invalid: …", exit 1,
    as if the feed were. The feed is checked (with the default settings), and the file's
    problem is a warning."""
    (tmp_path / "sources.yaml").write_text("sources:\n  - {id: new-org}\n")
    env = {"AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1"}
    code, out, err = aggregator(tmp_path, "sources", "check", feeds.url("/lab.ics"), env=env)
    assert code == 0 and out.startswith("valid ical feed: "), err
    assert "1 event" in out and "Rencontre IA" in out
    said = " ".join(err.split())
    assert said.startswith("warning: sources.yaml is invalid: source 'new-org': field name")
    assert said.endswith("the feed is checked with the default settings")
    code, out, err = aggregator(tmp_path, "sources", "check", feeds.url("/nothing.ics"), env=env)
    assert code == 1 and out == "" and "invalid: " in err and "404" in err


def test_past_days_and_venues_are_settable_by_the_environment_as_the_file_says(
        tmp_path: Path, feed_server: Any) -> None:
    """The contract and the shipped sources.yaml say that every `settings:` key can also be
    set by an AGGREGATOR_* variable, which wins over the file; AGGREGATOR_PAST_DAYS and
    AGGREGATOR_VENUES were ignored without a word: a build kept 30 days of past events, and
    two talks of one title at one hour in two venues, one of them named by the operator, were
    fused into one (the built-in venues alone: one venue unknown, no conflict)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    feed_server.set("/lab.ics", one_calendar(
        ics("old@lab", "Atelier d'il y a cinq jours", now - timedelta(days=5)),
        ics("talk@lab", "Rencontre Rust", SOON)), "text/calendar")
    feed_server.set("/venue.ics", ics("v-1@venue", "Rencontre Rust", SOON).replace(
        b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", b"La Grande Halle\\, Metz"),
        "text/calendar")
    (tmp_path / "sources.yaml").write_text(
        "settings:\n  past_days: 30\n"
        f"sources:\n  - {{id: lab, name: Le Lab, kind: lab, city: Metz, country: FR,"
        f" feeds: [{{url: '{feed_server.url('/lab.ics')}'}}]}}\n"
        f"  - {{id: venue, name: La Venue, kind: venue, city: Metz, country: FR,"
        f" feeds: [{{url: '{feed_server.url('/venue.ics')}'}}]}}\n")
    env = {"AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1", "AGGREGATOR_OUTPUT": str(tmp_path / "out")}
    assert aggregator(tmp_path, "refresh", env=env)[0] == 0
    venues = "{grande-halle: [La Grande Halle]}"
    code, _, err = aggregator(tmp_path, "build", env={
        **env, "AGGREGATOR_PAST_DAYS": "2", "AGGREGATOR_VENUES": venues})
    assert code == 0, err
    calendar = (tmp_path / "out" / "calendar.ics").read_text()
    assert "il y a cinq jours" not in calendar  # the environment's 2 days, not the file's 30
    assert calendar.count("SUMMARY:Rencontre Rust") == 2  # two venues, the operator's and Blida
    for variable, value, expected in (
            ("AGGREGATOR_PAST_DAYS", "-5",
             "AGGREGATOR_PAST_DAYS='-5': -5 is below 0: a number of days from 0 to 36500"),
            ("AGGREGATOR_VENUES", "metz-blida",
             "AGGREGATOR_VENUES='metz-blida': must be a mapping (name: value, …), not 'metz-blida' "
             "(venue ids, each with the names and addresses organisers write for it")):
        code, out, err = aggregator(tmp_path, "build", env={**env, variable: value})
        assert code == 2 and out == "" and expected in err, err
