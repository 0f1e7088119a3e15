"""The file schema of sources.yaml: pydantic models, and their errors in the operator's words.

pydantic stays at this edge; :func:`parse_sources` returns our own frozen models.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ConfigError
from ..models import EMAIL, LANGUAGES, SOURCE_KINDS, WEB_URL, FeedRef, Source, feed_address

DEFAULT_TIMEZONE = "Europe/Paris"
MIN_REFRESH = timedelta(minutes=15)  # issue 4: never poll a feed more often than this
DEFAULT_PAST_DAYS = 30  # issue 2: events from 30 days ago on

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """Turn ``30m``, ``1h``, ``2d`` into a timedelta; raise ValueError otherwise."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30m, 1h or 1d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class _FeedModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    type: Literal["ical", "rss", "atom", "jsonfeed", "jsonld", "auto"] = "auto"
    refresh: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = feed_address(value)
        if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
            raise ValueError("must be an http://, https:// or webcal:// URL")
        try:  # "https://exa mple.org", ":99999", "[::1": taken, then failing at every refresh
            parts = urlsplit(value)
            parts.port  # noqa: B018  (raises ValueError out of 0-65535)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a URL we can fetch: {error}") from None
        if not parts.hostname or re.search(r"\s|\.\.|^\.", parts.hostname):
            raise ValueError(f"{value!r} is not a URL we can fetch: {parts.hostname!r} is no "
                             "host name")
        return value

    @field_validator("refresh")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) < MIN_REFRESH:
            raise ValueError("must be at least 15m: feeds are never polled more often")
        return value


class _SourceModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9-]+$", max_length=100)  # feeds.source_id holds 100
    name: str = Field(min_length=1)
    kind: str
    city: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    language: str = "fr"
    website: str = ""
    contact: str = ""
    tags: list[str] = []
    priority: int = 0
    feeds: list[_FeedModel] = Field(min_length=1)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in SOURCE_KINDS:
            raise ValueError(f"must be one of {', '.join(SOURCE_KINDS)}")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    # "www.loria.fr" was linked as "#" on the organisations' pages, and a contact with a typo
    # never got the feed-health warnings: both are refused as the registration form does.
    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        if value.strip() and not WEB_URL.match(value.strip()):
            raise ValueError(f"{value!r} is not a web address; write it as https://www.example.org/")
        return value.strip()

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        if value.strip() and not EMAIL.match(value.strip()):
            raise ValueError(f"{value!r} is not an email address, as events@example.org")
        return value.strip()


class _SettingsModel(BaseModel):
    model_config = ConfigDict(extra="allow")
    timezone: str = DEFAULT_TIMEZONE
    past_days: int = Field(default=DEFAULT_PAST_DAYS, ge=0, le=36500)
    """-5 was taken: housekeeping deleted the next five days' events, a huge value crashed
    every build (a date before year 1)."""
    venues: dict[str, list[str]] = {}
    base_url: str | None = None
    output: str | None = None
    db: str | None = None
    digest_cron: str | None = None


def _describe(problems: list[dict[str, Any]], raw_sources: list[Any]) -> str:
    """One line per problem: 'source 'loria': field feeds.0.url: must be an http:// URL'."""
    lines = []
    for problem in problems:
        loc = list(problem["loc"])
        where = "settings"
        if loc and isinstance(loc[0], int):
            index = loc.pop(0)
            raw = raw_sources[index] if index < len(raw_sources) else {}
            ident = raw.get("id") if isinstance(raw, dict) else None
            where = f"source {ident!r}" if ident else f"source #{index + 1}"
        field_name = ".".join(str(part) for part in loc) or "(entry)"
        lines.append(f"{where}: field {field_name}: {_plain(problem, loc)}")
    return "; ".join(lines)


_HINTS = {"id": " (a slug: lower-case letters, digits and '-', as 'la-venue')",
          "country": " (an ISO 3166 code in capitals, as FR, LU, DE or BE)"}


def _plain(problem: dict[str, Any], loc: list[Any]) -> str:
    """pydantic's words in the operator's: they named our classes ("a valid dictionary or
    instance of _FeedModel"), and said "a valid string" of YAML's booleans (country: NO,
    Norway, is false) and numbers (refresh: 60), not what to write instead."""
    kind, given = problem.get("type"), problem.get("input")
    message = str(problem["msg"]).removeprefix("Value error, ")
    if kind == "model_type":
        example = "url: https://…" if "feeds" in loc else "id: …, name: …, feeds: […]"
        return f"must be a mapping of fields ({example}), not {given!r}"
    if kind == "extra_forbidden":
        known = list((_FeedModel if "feeds" in loc else _SourceModel).model_fields)
        near = difflib.get_close_matches(str(loc[-1]), known, n=1)
        return (f"unknown field{f' (did you mean {near[0]!r}?)' if near else ''}; "
                f"known: {', '.join(known)}")
    if kind == "string_type" and isinstance(given, bool):
        return (f"YAML read this value as {str(given).lower()} (it takes no, yes, off and on "
                "for false and true); put it in quotes")
    if kind == "string_type" and isinstance(given, int | float):
        return f"YAML read {given!r} as a number; put it in quotes"
    if kind == "string_pattern_mismatch":
        return message + _HINTS.get(str(loc[-1]), "")
    return _WORDS.get(str(kind), "{message}").format(message=message, given=given)


_WORDS = {
    "string_too_short": "must not be empty",
    "too_short": "must list at least one (as [{{url: https://…}}])",
    "list_type": "must be a list, as [a, b], not {given!r}",
    "dict_type": "must be a mapping (name: value, …), not {given!r}",
    "int_parsing": "{given!r} is not a whole number",
    "int_from_float": "{given!r} is not a whole number",
    "literal_error": "{given!r}: {message}",
    "greater_than_equal": "{given!r} is below 0: a number of days from 0 to 36500",
    "less_than_equal": "{given!r} is too large: a number of days from 0 to 36500",
}
"""pydantic's other messages, as the operator reads them ("List should have at least 1 item
after validation, not 0"; "Input should be a valid integer, unable to parse string as an
integer")."""


def parse_sources(raw: Any) -> tuple[tuple[Source, ...], dict[str, Any]]:
    """Validate the YAML document; return the sources and the raw settings block.

    Raises:
        ConfigError: naming the source, the field and the problem.
    """
    if not isinstance(raw, dict) or raw.get("sources") is None:
        # An empty file (or one whose sources were commented out) read as "no sources": the
        # next build published every event CANCELLED. `sources: []` still says it on purpose.
        raise ConfigError("sources.yaml: the top level must be a mapping with a 'sources' list "
                          "(`sources: []` to stop every feed on purpose)")
    for key in raw:  # other keys may hold YAML anchors; one spelt like these is a typo
        near = difflib.get_close_matches(str(key).lower(), ("settings", "sources"), cutoff=0.75)
        if near and key != near[0]:  # "setings:" was skipped: its time zone, venues… unused
            raise ConfigError(f"sources.yaml: top-level key {key!r}: did you mean {near[0]!r}?")
    raw_sources = raw["sources"]
    if not isinstance(raw_sources, list):
        raise ConfigError("sources.yaml: 'sources' must be a list of sources")
    if not isinstance(raw.get("settings") or {}, dict):
        raise ConfigError("sources.yaml: 'settings' must be a mapping (timezone: Europe/Paris, …)")
    models = []
    for index, entry in enumerate(raw_sources):
        try:
            models.append(_SourceModel.model_validate(entry))
        except ValidationError as error:
            shifted = [{**e, "loc": (index, *e["loc"])} for e in error.errors()]
            raise ConfigError("sources.yaml is invalid: " + _describe(shifted, raw_sources)) from None
    seen: set[str] = set()
    for model in models:
        if model.id in seen:
            raise ConfigError(f"sources.yaml is invalid: source {model.id!r}: field id: duplicate id")
        seen.add(model.id)
        _refuse_repeated_feeds(model)
    return tuple(_to_source(m) for m in models), dict(raw.get("settings") or {})


def _refuse_repeated_feeds(model: _SourceModel) -> None:
    """A source listing one feed twice (or as webcal:// and https://) stopped every refresh
    and `sources list` with the database's "UNIQUE constraint failed"."""
    urls = [feed.url for feed in model.feeds]
    for index, url in enumerate(urls):
        if url in urls[:index]:
            raise ConfigError(f"sources.yaml is invalid: source {model.id!r}: field "
                              f"feeds.{index}.url: {url} is listed twice in this source; "
                              "remove one of them")


def _to_source(model: _SourceModel) -> Source:
    feeds = tuple(
        FeedRef(url=f.url, type=f.type, refresh=parse_duration(f.refresh) if f.refresh else None)
        for f in model.feeds
    )
    return Source(
        id=model.id, name=model.name, kind=model.kind, city=model.city, country=model.country,
        language=model.language, website=model.website, contact=model.contact,
        tags=tuple(model.tags), feeds=feeds, priority=model.priority,
    )



FILE_SETTINGS_IN_ENVIRONMENT = {
    "past_days": "",
    "venues": " (venue ids, each with the names and addresses organisers write for it, as "
              "{metz-blida: [TCRM-Blida, 7 avenue de Blida]})",
}
"""`settings:` keys that build_settings does not read from the environment itself, with a hint
of what to write: AGGREGATOR_PAST_DAYS and AGGREGATOR_VENUES were ignored without a word,
though the contract and the shipped sources.yaml say that every key is settable by the
environment, which wins over the file."""


def with_environment(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """``settings:`` with AGGREGATOR_PAST_DAYS and AGGREGATOR_VENUES put over the file's values,
    each read as YAML ("5", "{venue: [name, address]}") and checked as the file's would be.

    Raises:
        ConfigError: naming the variable, its value and what to write.
    """
    merged = dict(raw)
    for key, hint in FILE_SETTINGS_IN_ENVIRONMENT.items():
        variable = f"AGGREGATOR_{key.upper()}"
        text = (env.get(variable) or "").strip()
        if not text:
            continue
        try:
            value = yaml.safe_load(text)
            _SettingsModel.model_validate({key: value})
        except yaml.YAMLError:
            raise ConfigError(f"{variable}={text!r}: not readable as YAML{hint}") from None
        except ValidationError as error:
            [problem, *_] = error.errors()
            words = _plain(dict(problem), list(problem["loc"]))
            raise ConfigError(f"{variable}={text!r}: {words}{hint}") from None
        merged[key] = value
    return merged
