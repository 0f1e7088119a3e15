"""Read sources.yaml and the AGGREGATOR_* environment into one frozen :class:`Settings`.

This is the only module that reads ``os.environ`` or the configuration file. Everything else
receives the frozen settings (or the slice it needs), so tests build settings from plain values.
Precedence: command-line option, environment, file, default.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from pydantic import ValidationError

from ..addresses import ascii_sender, ascii_url
from ..errors import ConfigError
from ..models import Source
from ..notices import OPERATOR_LANGUAGE, OPERATOR_LANGUAGES
from ..proxies import NO_PROXIES, Proxies, from_environment
from .schema import (  # noqa: F401  (parse_sources: imported from here too)
    DEFAULT_PAST_DAYS, DEFAULT_TIMEZONE, _describe, _SettingsModel, parse_duration, parse_sources,
    with_environment,
)

DEFAULT_CONFIG = "sources.yaml"
DEFAULT_DB = "sqlite:///data/aggregator.db"
DEFAULT_OUTPUT = "output"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_REFRESH = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    user: str | None = None
    password: str | None = None
    security: Literal["none", "starttls", "tls"] = "none"
    mail_from: str = "digest@localhost"


@dataclass(frozen=True, slots=True)
class DaemonSettings:
    """How `aggregator run` schedules its jobs (issue 4); each value has an AGGREGATOR_ variable."""

    tick: timedelta = timedelta(seconds=60)
    """How often a node looks for due feeds (AGGREGATOR_TICK); each feed keeps its own interval."""
    build_delay: timedelta = timedelta(seconds=30)
    """Debounce: a build waits this long after a refresh stored changes (AGGREGATOR_BUILD_DELAY)."""
    digest_cron: str = "0 7 * * mon"
    """Crontab of the weekly digest in the settings' time zone (AGGREGATOR_DIGEST_CRON);
    six fields means seconds first."""
    housekeeping_cron: str = "30 4 * * *"
    lease: timedelta = timedelta(minutes=10)
    """How long a node's claim on a feed lasts if it dies (AGGREGATOR_LEASE)."""
    batch: int = 100
    """Feeds a node claims per round (AGGREGATOR_FEED_BATCH), so nodes share a cycle."""
    node: str = ""
    """This node's name in leases and logs (AGGREGATOR_NODE); default host:pid."""
    digest_per_minute: int = 0
    """At most this many digests a minute from the weekly job (AGGREGATOR_DIGEST_PER_MINUTE,
    as `digest send --per-minute`); 0: no limit."""
    digest_connections: int = 1
    """SMTP sessions at once of the weekly job (AGGREGATOR_DIGEST_CONNECTIONS, 1 to 32)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the application needs to know, validated once."""

    sources: tuple[Source, ...] = ()
    config_path: Path | None = None
    db_url: str = DEFAULT_DB
    output_dir: Path = Path(DEFAULT_OUTPUT)
    base_url: str = DEFAULT_BASE_URL
    allow_private_networks: bool = False
    timezone: str = DEFAULT_TIMEZONE
    past_days: int = DEFAULT_PAST_DAYS
    venues: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Operator's venue aliases for deduplication: (venue id, names and addresses)."""
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    admin_token: str | None = None
    operator_email: str | None = None
    """Where registrations awaiting a decision, and withdrawals, are announced; unset, the
    operator looks at /admin (or `aggregator registrations list`)."""
    operator_language: str = OPERATOR_LANGUAGE
    """The language of the operator's emails (AGGREGATOR_OPERATOR_LANGUAGE: fr, en or de)."""
    privacy_url: str | None = None
    """The operator's privacy policy (AGGREGATOR_PRIVACY_URL): who runs the site, on which
    legal basis, whom to write to; the forms that take an address link it beside their notice."""
    metrics_token: str | None = None
    """When set, /metrics answers only ``Authorization: Bearer <it>`` (Prometheus'
    ``authorization`` setting); unset, /metrics is open, to be kept behind the proxy."""
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    proxies: Proxies = NO_PROXIES
    """The outgoing proxy feeds are fetched through (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY,
    NO_PROXY: the standard variables, not ours; see :mod:`aggregator.proxies`)."""

    @property
    def base_path(self) -> str:
        """The path of ``base_url`` ("" at a host's root, "/agenda" behind a proxy serving the
        app under /agenda): every link the app gives a browser starts with it."""
        return urlsplit(self.base_url).path.rstrip("/")

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise ConfigError(f"unknown source {source_id!r}: it is not in sources.yaml")


def _env_flag(name: str, value: str | None) -> bool:
    """AGGREGATOR_<name> as on or off; another word ("enabled", "2") was read as off unsaid."""
    text = (value or "").strip().lower()
    if text not in {"", "0", "false", "no", "off", "1", "true", "yes", "on"}:
        raise ConfigError(f"AGGREGATOR_{name}={value!r}: 1 for on, 0 (or unset) for off")
    return text in {"1", "true", "yes", "on"}


def load(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    require_file: bool = True,
    **overrides: Any,
) -> Settings:
    """Build the Settings from the file, the environment and explicit overrides.

    With ``require_file=False`` a missing file means "no sources" (for `sources check`).

    Raises:
        ConfigError: unreadable file, invalid YAML or an invalid entry (exit code 2).
    """
    env = os.environ if environ is None else environ
    config_path = Path(path or env.get("AGGREGATOR_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = _read_yaml(config_path)
    except FileNotFoundError:
        if not require_file:
            return build_settings((), None, env, **overrides)
        raise ConfigError(
            f"{config_path}: no such file; pass --config PATH or set AGGREGATOR_CONFIG"
        ) from None
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{config_path}: cannot read it as YAML: {error}") from None
    sources, raw_settings = parse_sources(raw)
    given = {key for key, value in raw_settings.items() if value is not None}
    raw_settings, file_env = settings_as_environment(raw_settings, env)
    raw_settings = with_environment(raw_settings, env)
    try:
        file_settings = _SettingsModel.model_validate(raw_settings)
    except ValidationError as error:
        raise ConfigError("sources.yaml is invalid: "
                          + _describe([dict(e) for e in error.errors()], [])) from None
    try:
        return build_settings(sources, file_settings, file_env, config_path=config_path,
                              **overrides)
    except ConfigError as error:
        # "AGGREGATOR_SMTP_PORT='abc': …" of a value the file gave, not the environment: the
        # operator looked for the variable, and found none
        named = re.match(r"AGGREGATOR_([A-Z_]+)=", error.message)
        key = named.group(1).lower() if named else ""
        if key in given and f"AGGREGATOR_{key.upper()}" not in env:
            raise ConfigError(f"{error.message} (given in {config_path} as settings: {key})"
                              ) from None
        raise


class _Loader(yaml.SafeLoader):
    """YAML's safe loader refusing a key given twice in one mapping: YAML keeps the last, so a
    source's second ``language:`` (or a second ``feeds:`` list) replaced the first unsaid."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"{key!r} is given twice in this mapping (first on line "
                        f"{seen[key] + 1}): keep one", key_node.start_mark)
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def _read_yaml(path: Path) -> Any:
    """The YAML document in ``path``; its errors name the file and the line.

    Raises:
        OSError, yaml.YAMLError: as open() and PyYAML do.
        ConfigError: the file is not UTF-8 (it said "'utf-8' codec can't decode byte 0xe9
            in position 47", not where, nor what to do).
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line}: byte {data[error.start]:#04x} is not UTF-8; "
                          "save the file as UTF-8 (Latin-1 and UTF-16 are not read)") from None
    loader = _Loader(text)
    loader.name = str(path)  # the marks say "in 'sources.yaml', line 3", not "<unicode string>"
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


ENVIRONMENT_SETTINGS = ("allow_private_networks", "smtp_host", "smtp_port", "smtp_user",
                        "smtp_password", "smtp_security", "mail_from", "admin_token",
                        "metrics_token", "operator_email", "operator_language", "privacy_url",
                        "tick", "build_delay", "lease", "feed_batch", "node", "digest_per_minute",
                        "digest_connections")
"""Settings read from AGGREGATOR_<NAME>, which `settings:` may give too (the environment wins)."""


def settings_as_environment(raw: dict[str, Any], env: Mapping[str, str]
                            ) -> tuple[dict[str, Any], Mapping[str, str]]:
    """``settings:`` without the keys that name environment variables, and the environment
    with them as defaults. A key that is neither is refused with the nearest name: a typo
    ("timezon: America/New_York") was ignored without a word, and the default zone used.

    Raises:
        ConfigError: an unknown key.
    """
    known = (*_SettingsModel.model_fields, *ENVIRONMENT_SETTINGS)
    for key in raw:
        if key not in known:
            near = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ConfigError(f"sources.yaml is invalid: settings: unknown key {key!r}{hint}; "
                              f"known: {', '.join(known)}")
    given = {f"AGGREGATOR_{key.upper()}": str(value) for key, value in raw.items()
             if key in ENVIRONMENT_SETTINGS and value is not None}
    own = {key: value for key, value in raw.items() if key not in ENVIRONMENT_SETTINGS}
    return own, {**given, **env} if given else env


def _smtp_settings(env: Mapping[str, str]) -> SmtpSettings:
    """The relay the digests and notices go through, each setting checked where a mistake
    would otherwise put every digest off "to retry"."""
    security = (env.get("AGGREGATOR_SMTP_SECURITY") or "none").lower()
    if security not in ("none", "starttls", "tls"):
        raise ConfigError(f"AGGREGATOR_SMTP_SECURITY={security!r}: none, starttls or tls "
                          "(tls is what some call ssl, on port 465)")
    port_text = (env.get("AGGREGATOR_SMTP_PORT") or "25").strip()
    # 0, -1 or 99999 were taken: each digest was then put off "to retry", or skipped, unsent
    port = int(port_text) if port_text.isdigit() else 0
    if not 1 <= port <= 65535:
        raise ConfigError(f"AGGREGATOR_SMTP_PORT={port_text!r}: a port number from 1 to 65535 "
                          "(25, 587 with starttls, 465 with tls)")
    mail_from = env.get("AGGREGATOR_MAIL_FROM") or "digest@localhost"
    if "@" not in parseaddr(mail_from)[1]:  # "notanemail" went out as MAIL FROM, refused later
        raise ConfigError(f"AGGREGATOR_MAIL_FROM={mail_from!r}: an email address, as "
                          "digest@example.org or 'Agenda <digest@example.org>'")
    mail_from = ascii_sender(mail_from)
    host = (env.get("AGGREGATOR_SMTP_HOST") or "localhost").strip()
    if re.search(r"[/\s]|^[^:]*:\d*$", host):  # "smtp.example.org:587", "smtp://…": every
        # digest was put off "to retry" with "smtp.example.org:587:25 unreachable"
        raise ConfigError(f"AGGREGATOR_SMTP_HOST={host!r}: the server's name alone, as "
                          "smtp.example.org (its port goes in AGGREGATOR_SMTP_PORT, tls or "
                          "starttls in AGGREGATOR_SMTP_SECURITY)")
    return SmtpSettings(
        host=host,
        port=port,
        user=env.get("AGGREGATOR_SMTP_USER") or None,
        password=env.get("AGGREGATOR_SMTP_PASSWORD") or None,
        security=security,  # type: ignore[arg-type]
        mail_from=mail_from,
    )


def build_settings(
    sources: tuple[Source, ...],
    file_settings: _SettingsModel | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Merge file settings, environment and overrides into a validated Settings."""
    env = environ or {}
    fs = file_settings or _SettingsModel()
    timezone = env.get("AGGREGATOR_TIMEZONE") or fs.timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"settings: field timezone: {timezone!r} is not an IANA time zone"
                          f"{_nearest_zone(timezone)}") from None
    values: dict[str, Any] = dict(
        sources=sources,
        db_url=env.get("AGGREGATOR_DB") or fs.db or DEFAULT_DB,
        output_dir=Path(env.get("AGGREGATOR_OUTPUT") or fs.output or DEFAULT_OUTPUT),
        base_url=env.get("AGGREGATOR_BASE_URL") or fs.base_url or DEFAULT_BASE_URL,
        allow_private_networks=_env_flag("ALLOW_PRIVATE_NETWORKS",
                                         env.get("AGGREGATOR_ALLOW_PRIVATE_NETWORKS")),
        timezone=timezone,
        past_days=fs.past_days,
        venues=tuple((venue, tuple(names)) for venue, names in sorted(fs.venues.items())),
        smtp=_smtp_settings(env),
        admin_token=env.get("AGGREGATOR_ADMIN_TOKEN") or None,
        metrics_token=env.get("AGGREGATOR_METRICS_TOKEN") or None,
        operator_email=env.get("AGGREGATOR_OPERATOR_EMAIL") or None,
        operator_language=_operator_language(env.get("AGGREGATOR_OPERATOR_LANGUAGE")),
        privacy_url=env.get("AGGREGATOR_PRIVACY_URL") or None,
        daemon=_daemon_settings(env, fs),
        proxies=_proxies(env),
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    values["base_url"] = values["base_url"].rstrip("/")  # links append "/path" to it
    # Every email's links start with it: "notaurl" made links nobody could follow; nor can
    # a query or a fragment be followed by "/path".
    if not re.match(r"https?://[^/\s?#]+(/[^\s?#]*)?$", values["base_url"]):
        raise ConfigError(f"AGGREGATOR_BASE_URL={values['base_url']!r}: the web app's public "
                          "address, as https://agenda.example.org or https://example.org/agenda")
    values["base_url"] = ascii_url(values["base_url"])
    policy = values.get("privacy_url")
    if policy is not None and not re.match(r"https?://[^/\s?#]+\S*$", policy):
        raise ConfigError(f"AGGREGATOR_PRIVACY_URL={policy!r}: the full address of the "
                          "operator's privacy policy, as https://example.org/privacy")
    return Settings(**values)


def _operator_language(value: str | None) -> str:
    """AGGREGATOR_OPERATOR_LANGUAGE, checked: "english" or "EN-gb" would have sent the
    operator's emails in a language nobody chose."""
    language = (value or OPERATOR_LANGUAGE).strip().lower()
    if language not in OPERATOR_LANGUAGES:
        raise ConfigError(f"AGGREGATOR_OPERATOR_LANGUAGE={value!r}: the language of the "
                          f"operator's emails, one of {', '.join(OPERATOR_LANGUAGES)}")
    return language


def _proxies(env: Mapping[str, str]) -> Proxies:
    try:
        return from_environment(env)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _nearest_zone(name: str) -> str:
    """" (did you mean 'Europe/Paris'?)" for "europe/paris" or "Paris"; else an example."""
    zones = {zone.casefold(): zone for zone in available_timezones()}
    wanted = name.strip().casefold().replace(" ", "_")
    near = [zones[wanted]] if wanted in zones else [
        zone for key, zone in sorted(zones.items()) if key.rpartition("/")[2] == wanted]
    near = near or difflib.get_close_matches(name, sorted(zones.values()), n=1, cutoff=0.8)
    return f" (did you mean {near[0]!r}?)" if near else ", as Europe/Paris or Europe/Luxembourg"


NODE_MAX = 150
"""Longest AGGREGATOR_NODE: a lease's owner column holds 200 characters, the name and its
"/refresh-1a2b3c4d" suffix (SQLite stored any length; PostgreSQL refused it)."""


def _count(text: str) -> int:
    """A count an operator typed; int()'s own message ("invalid literal for int() with base
    10") is kept, with what to write instead."""
    try:
        return int(text)
    except ValueError as error:
        raise ValueError(f"{error}: write a whole number, as 2") from None


def _daemon_settings(env: Mapping[str, str], fs: _SettingsModel) -> DaemonSettings:
    """The daemon's knobs from AGGREGATOR_* (tests shorten them; operators rarely need to)."""
    base = DaemonSettings()

    def read(name: str, parse: Callable[[str], Any], default: Any) -> Any:
        """AGGREGATOR_<name> parsed, its name in the error ("invalid literal for int()" did
        not say which variable)."""
        text = env.get(f"AGGREGATOR_{name}")
        if not text:
            return default
        try:
            return parse(text)
        except ValueError as error:
            raise ConfigError(f"AGGREGATOR_{name}={text!r}: {error}") from None

    batch = read("FEED_BATCH", _count, base.batch)
    node = env.get("AGGREGATOR_NODE") or ""
    if len(node) > NODE_MAX:  # PostgreSQL refused every lease: no feed was ever fetched
        raise ConfigError(f"AGGREGATOR_NODE is {len(node)} characters long: a node's name "
                          f"has at most {NODE_MAX} (each lease it holds stores it); shorten it")
    if batch < 1:  # 0 was taken: the daemon then never fetched a feed, and said nothing
        raise ConfigError(f"AGGREGATOR_FEED_BATCH={batch}: feeds claimed per round must be "
                          "at least 1 (default 100)")
    per_minute = read("DIGEST_PER_MINUTE", _count, base.digest_per_minute)
    connections = read("DIGEST_CONNECTIONS", _count, base.digest_connections)
    if per_minute < 0 or not 1 <= connections <= 32:
        raise ConfigError(f"AGGREGATOR_DIGEST_PER_MINUTE={per_minute}, AGGREGATOR_DIGEST_"
                          f"CONNECTIONS={connections}: messages a minute from 0 (no limit) "
                          "and SMTP sessions at once from 1 to 32")
    lease = read("LEASE", parse_duration, base.lease)
    if not lease:  # every claim free again at once, and its renewal in a loop without pause
        raise ConfigError(f"AGGREGATOR_LEASE={env.get('AGGREGATOR_LEASE')!r}: a node's claim "
                          "on a feed must last some time (default 10m)")
    try:
        return DaemonSettings(
            tick=read("TICK", parse_duration, base.tick),
            build_delay=read("BUILD_DELAY", parse_duration, base.build_delay),
            digest_cron=env.get("AGGREGATOR_DIGEST_CRON") or fs.digest_cron or base.digest_cron,
            lease=lease,
            batch=batch,
            node=node,
            digest_per_minute=per_minute,
            digest_connections=connections,
        )
    except ValueError as error:
        raise ConfigError(f"daemon settings: {error}") from None


RELOADED = ("sources", "venues", "past_days")
"""What a running daemon takes from an edited sources.yaml; the other settings (database,
output, base URL, time zone, schedules...) are read once, at start."""


def reloaded(current: Settings, fresh: Settings) -> tuple[Settings, tuple[str, ...]]:
    """``current`` with what a running daemon takes from ``fresh`` (:data:`RELOADED`), and
    the names of the other settings that differ, which only a restart applies."""
    waiting = tuple(f.name for f in fields(Settings) if f.name not in RELOADED
                    and getattr(current, f.name) != getattr(fresh, f.name))
    return replace(current, **{name: getattr(fresh, name) for name in RELOADED}), waiting


ADMIN_TOKEN_MIN = 16
"""Characters below which an admin token is a password anyone could guess: the login allows
ten tries each ten minutes per address, and a botnet has many addresses."""


def admin_token_warning(settings: Settings) -> str:
    """What `serve` and `run` say at start of a guessable AGGREGATOR_ADMIN_TOKEN (empty when
    there is none, or it is long enough)."""
    token = settings.admin_token or ""
    if not token or len(token) >= ADMIN_TOKEN_MIN:
        return ""
    return (f"AGGREGATOR_ADMIN_TOKEN has {len(token)} characters: anyone could guess it; set "
            "it to a random one of 32, such as `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(24))'`")
