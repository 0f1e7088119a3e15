"""sources.yaml is validated with messages that name the source, the field and the problem."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from aggregator import config
from aggregator.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
GOOD = """
settings: {timezone: Europe/Luxembourg}
sources:
  - id: loria
    name: LORIA
    kind: lab
    city: Nancy
    country: FR
    tags: [ai]
    feeds:
      - url: https://www.loria.fr/events.ics
        type: ical
        refresh: 2h
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_becomes_frozen_settings(tmp_path: Path) -> None:
    settings = config.load(write(tmp_path, GOOD), environ={})
    [source] = settings.sources
    assert source.id == "loria" and source.tags == ("ai",) and source.language == "fr"
    assert source.feeds[0].refresh == timedelta(hours=2) and source.feeds[0].type == "ical"
    assert settings.timezone == "Europe/Luxembourg"
    assert settings.db_url == "sqlite:///data/aggregator.db"


@pytest.mark.parametrize(("given", "fetched"), [
    ("webcal://p42-caldav.icloud.com/published/2/MTIz", "https://p42-caldav.icloud.com/published/2/MTIz"),
    ("WEBCALS://agenda.example.org/?ical=1", "https://agenda.example.org/?ical=1"),
    ("  https://www.loria.fr/events.ics ", "https://www.loria.fr/events.ics"),
    ("http://www.loria.fr/events.ics", "http://www.loria.fr/events.ics"),
])
def test_calendar_apps_webcal_links_are_read_as_https(tmp_path: Path, given: str, fetched: str) -> None:
    settings = config.load(write(tmp_path, GOOD.replace("https://www.loria.fr/events.ics", f"'{given}'")),
                           environ={})
    assert settings.sources[0].feeds[0].url == fetched


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    env = {"AGGREGATOR_DB": "sqlite:///x.db", "AGGREGATOR_OUTPUT": "/tmp/out",
           "AGGREGATOR_BASE_URL": "https://agenda.example.org/", "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
           "AGGREGATOR_SMTP_SECURITY": "starttls", "AGGREGATOR_SMTP_PORT": "587"}
    settings = config.load(write(tmp_path, GOOD), environ=env)
    assert settings.db_url == "sqlite:///x.db" and str(settings.output_dir) == "/tmp/out"
    assert settings.base_url == "https://agenda.example.org" and settings.allow_private_networks
    assert settings.smtp.security == "starttls" and settings.smtp.port == 587


@pytest.mark.parametrize(("change", "expected"), [
    (("kind: lab", "kind: university"), "source 'loria': field kind: must be one of startup"),
    (("id: loria", "id: LORIA Lab"), "source 'LORIA Lab': field id: String should match pattern"),
    (("https://www.loria.fr/events.ics", "ftp://loria.fr/x"), "source 'loria': field feeds.0.url: must be an http"),
    (("refresh: 2h", "refresh: 5m"), "field feeds.0.refresh: must be at least 15m"),
    (("refresh: 2h", "refresh: often"), "field feeds.0.refresh: 'often' is not a duration"),
    (("country: FR", "country: France"), "source 'loria': field country"),
    (("    city: Nancy\n", ""), "source 'loria': field city: Field required"),
    (("    tags: [ai]\n", "    tags: [ai]\n    colour: red\n"), "source 'loria': field colour: unknown field"),
])
def test_invalid_entries_name_source_field_and_problem(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(write(tmp_path, GOOD.replace(*change)), environ={})
    assert expected in str(caught.value)
    assert caught.value.exit_code == 2


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    doubled = GOOD + GOOD.split("sources:\n", 1)[1]
    with pytest.raises(ConfigError, match="source 'loria': field id: duplicate id"):
        config.load(write(tmp_path, doubled), environ={})


def test_unknown_timezone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="field timezone: 'Europe/Nancy' is not an IANA time zone"):
        config.load(write(tmp_path, GOOD.replace("Europe/Luxembourg", "Europe/Nancy")), environ={})


def test_missing_and_broken_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file; pass --config PATH or set AGGREGATOR_CONFIG"):
        config.load(tmp_path / "nope.yaml", environ={})
    with pytest.raises(ConfigError, match="cannot read it as YAML"):
        config.load(write(tmp_path, "sources: [\n  - id: x\n bad"), environ={})


def test_shipped_sources_yaml_is_valid() -> None:
    settings = config.load(REPO / "sources.yaml", environ={})
    assert len(settings.sources) >= 3


def test_operator_venue_aliases_are_read_for_deduplication(tmp_path: Path) -> None:
    text = GOOD.replace("settings: {timezone: Europe/Luxembourg}",
                        "settings:\n  venues:\n    nancy-octroi: [Octroi Nancy, 47 boulevard d'Austrasie]")
    settings = config.load(write(tmp_path, text), environ={})
    assert settings.venues == (("nancy-octroi", ("Octroi Nancy", "47 boulevard d'Austrasie")),)


@pytest.mark.parametrize("text", ["", "# sources commented out for the holidays\n",
                                  "settings: {timezone: Europe/Paris}\n", "sources:\n"])
def test_a_file_without_its_sources_list_is_refused(tmp_path: Path, text: str) -> None:
    """Read as "no sources", it made the next build publish every event CANCELLED."""
    with pytest.raises(ConfigError, match="a mapping with a 'sources' list"):
        config.load(write(tmp_path, text), environ={})
    assert config.load(write(tmp_path, "sources: []\n"), environ={}).sources == ()


def test_settings_are_a_mapping_of_known_keys(tmp_path: Path) -> None:
    """`settings: [1]` ended in a TypeError's traceback; a typo was ignored without a word."""
    with pytest.raises(ConfigError, match="'settings' must be a mapping"):
        config.load(write(tmp_path, GOOD.replace("{timezone: Europe/Luxembourg}", "[1]")),
                    environ={})
    with pytest.raises(ConfigError, match=r"unknown key 'timezon' \(did you mean 'timezone'\?\)"):
        config.load(write(tmp_path, GOOD.replace("timezone:", "timezon:")), environ={})


def test_a_setting_the_environment_gives_may_be_written_in_the_file(tmp_path: Path) -> None:
    """The contract: every key of `settings:` is also settable by environment, which wins."""
    text = GOOD.replace("{timezone: Europe/Luxembourg}",
                        "{smtp_host: mail.example.org, smtp_port: 587, feed_batch: 20}")
    settings = config.load(write(tmp_path, text), environ={"AGGREGATOR_SMTP_PORT": "2525"})
    assert settings.smtp.host == "mail.example.org" and settings.smtp.port == 2525
    assert settings.daemon.batch == 20


@pytest.mark.parametrize(("value", "expected"), [
    ("0", "AGGREGATOR_FEED_BATCH=0: feeds claimed per round must be at least 1"),
    ("ten", "AGGREGATOR_FEED_BATCH='ten': invalid literal for int()"),
    ("soon", "AGGREGATOR_LEASE='soon': "),
])
def test_a_daemon_variable_out_of_range_is_refused_by_its_name(
        tmp_path: Path, value: str, expected: str) -> None:
    """FEED_BATCH=0 was taken: the daemon then never fetched a feed, and said nothing."""
    name = "AGGREGATOR_LEASE" if value == "soon" else "AGGREGATOR_FEED_BATCH"
    with pytest.raises(ConfigError) as caught:
        config.load(write(tmp_path, GOOD), environ={name: value})
    assert expected in str(caught.value)


@pytest.mark.parametrize("name", ["AGGREGATOR_FEED_BATCH", "AGGREGATOR_DIGEST_PER_MINUTE",
                                  "AGGREGATOR_DIGEST_CONNECTIONS"])
def test_a_count_that_is_no_whole_number_says_what_to_write(tmp_path: Path, name: str) -> None:
    """"ten" or "1.5" for a count was refused with Python's own words ("invalid literal for
    int() with base 10"), which tell an operator nothing of what to write instead."""
    for value in ("ten", "1.5"):
        with pytest.raises(ConfigError) as caught:
            config.load(write(tmp_path, GOOD), environ={name: value})
        assert f"{name}={value!r}" in str(caught.value)
        assert "a whole number, as 2" in str(caught.value)


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("AGGREGATOR_BASE_URL", "notaurl", "the web app's public address"),
    ("AGGREGATOR_BASE_URL", "agenda.example.org", "the web app's public address"),
    ("AGGREGATOR_BASE_URL", "https://example.org/agenda#top", "the web app's public address"),
    ("AGGREGATOR_MAIL_FROM", "notanemail", "an email address"),
])
def test_addresses_every_email_carries_are_checked(
        tmp_path: Path, name: str, value: str, expected: str) -> None:
    """Taken as they were, they went into every digest's links and MAIL FROM."""
    with pytest.raises(ConfigError, match=f"{name}='{value}': {expected}"):
        config.load(write(tmp_path, GOOD), environ={name: value})
    fine = config.load(write(tmp_path, GOOD), environ={
        "AGGREGATOR_BASE_URL": "https://agenda.example.org/agenda/",
        "AGGREGATOR_MAIL_FROM": "Agenda numérique <digest@agenda.example.org>"})
    assert fine.base_url == "https://agenda.example.org/agenda"
    assert fine.base_path == "/agenda"  # where the app's links start (a proxy serves it there)
    at_root = config.load(write(tmp_path, GOOD), environ={})
    assert (at_root.base_url, at_root.base_path) == ("http://127.0.0.1:8000", "")
