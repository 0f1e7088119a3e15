"""Normalisation for deduplication: canonical URLs, UTC instants and local days.

Every comparison the scorer makes goes through these functions, so that two spellings of the
same thing (a tracking-tagged link, a time written in another zone) become equal before any
fuzzy matching, and so the blocking keys that keep the cost linear are computed once per record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..memo import Memo, shared
from ..models import Event, Source, When
from .places import CITY_PHRASES, Place, PlaceNormaliser, fold, tokens_of
from .text import Title, TitleNormaliser

TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_", "_hs")
TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mkt_tok", "wt.mc_id", "_ga", "_gl",
     "xtor"}
)
"""Query parameters that identify a campaign or a click, never the page (utm_*, fbclid, ...;
``xtor``: AT Internet's, on French publishers' feed links, ``?xtor=RSS-1``)."""

_URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//(?:[^@/?#]*@)?([^/?#:]*)(?::(\d*))?([^?#]*)"
                  r"(?:\?([^#]*))?(?:#(.*))?")
"""scheme://user@host:port/path?query#fragment; a regex, 5x cheaper than urlsplit at 100k."""
_PLAIN_URL = re.compile(r"(https?://)([^/?#\[\]\s]+)(/[^?#\s]*)?", re.IGNORECASE)
"""An http(s) link with a host and no query, fragment, IPv6 literal or whitespace: most links,
which :func:`clean_url` only lower-cases (urlsplit was a quarter of news dedup, issue 8)."""
_MEETUP_EVENT = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]{2})?/)?([^/]+)/events/(\d+)", re.I)
_EVENTBRITE_EVENT = re.compile(r"^/e/(?:[^/]*-)?(\d{6,})/?$")


def is_tracking(name: str, value: str = "") -> bool:
    """True for a query parameter that only tracks a campaign or a click (given its
    ``value``, also Medium's ``source=rss-…``: see :data:`FEED_SOURCE`)."""
    lowered = name.lower()
    return (lowered in TRACKING_NAMES or lowered.startswith(TRACKING_PREFIXES)
            or (lowered == "source" and value.lower().startswith(FEED_SOURCE)))


FEED_SOURCE = "rss"
"""Medium (and publications on their own domain) link each story of a feed with
``?source=rss-<author id>------2``, ``?source=rss----<publication id>---4``: where the click
came from, not the page. Kept, a relay linking to the story's address stayed a second
article, and readers' clicks carried the tag. Another site's ``source`` parameter names
something of the page and stays."""


def clean_url(url: str) -> str:
    """The link as a reader should follow it: tracking parameters and #fragment removed,
    host lower-cased; scheme and ``www.`` kept, so the link still works."""
    url = url.strip()
    if not url:
        return ""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:  # nothing to remove: urlsplit and urlunsplit would give it back
        return f"{plain[1].lower()}{plain[2].lower()}{plain[3] or ''}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not is_tracking(k, v)])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, ""))


def untracked(url: str) -> str:
    """The link without its tracking parameters (``?utm_source=…``), everything else as
    written (a #fragment may name the event on a page that lists several)."""
    if "?" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not is_tracking(k, v)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def url_key(url: str, *, fragment: bool = False) -> str:
    """A comparison key for a link: scheme, ``www.``, default port, trailing slash, fragment and
    tracking parameters folded away; Meetup and Eventbrite event pages reduced to their id.
    With ``fragment`` (events) a #fragment is kept: on a festival's programme page it names
    one session ("#docker", "#kubernetes"), and two parallel sessions were one event.

    Returns "" for an empty or unparsable link, so that two missing links never match.
    """
    url = url.strip()
    match = _URL.match(url if "//" in url else "//" + url) if url else None
    if match is None:
        return ""
    host = match.group(1).lower().rstrip(".").removeprefix("www.").removeprefix("m.")
    if not host:
        return ""
    path = match.group(3)
    if "%" in path or not path.isascii():
        path = _spelled_once(path)
    if "amp" in path.lower():
        path = _AMP_PAGE.sub("/", path)
    special = _platform_key(host, path)
    if special:
        return special
    if match.group(2) and match.group(2) not in ("80", "443"):
        host = f"{host}:{match.group(2)}"
    path = (re.sub(r"/+", "/", path) if "//" in path else path).rstrip("/")
    query = match.group(4)
    if query:
        query = urlencode(sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True)
                                 if not is_tracking(k, v) and not _is_amp(k, v)))
    key = f"{host}{path}?{query}" if query else f"{host}{path}"
    anchor = match.group(5) if fragment else None
    return f"{key}#{anchor}" if anchor and not is_tracking(anchor) else key


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _spelled_once(path: str) -> str:
    """A path whatever its spelling: Hugo writes a post's accented address percent-encoded
    in its feed ("%C3%A9t%C3%A9"), WordPress with lower-case digits ("%c3%a9"), a relay as
    the browser shows it ("été"), and a relay of the article was a second article. Letters
    are read (NFC), what must stay escaped ("%2F") is written in capitals."""
    path = _ESCAPES.sub(_read_escapes, path) if "%" in path else path
    return path if path.isascii() else unicodedata.normalize("NFC", path)


def _read_escapes(run: re.Match[str]) -> str:
    try:
        text = bytes.fromhex(run.group().replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return run.group().upper()
    return "".join(c if c.isalnum() or c in "-._~" else f"%{ord(c):02X}"
                   if c.isascii() else c for c in text)


_AMP_PAGE = re.compile(r"/amp(?=/|$)", re.IGNORECASE)
"""The AMP copy of a page (``/amp/x``, ``/x/amp/``), which relays link to as often as to the
page; with ``m.`` hosts and ``?amp=1`` it is the same article (a relay at
``m.labo.example.org`` stayed a second item)."""


def _platform_key(host: str, path: str) -> str:
    """Event platforms whose pages carry locale prefixes, slugs or many TLDs around one id."""
    if host.endswith("meetup.com"):
        match = _MEETUP_EVENT.match(path)
        if match:
            return f"meetup.com/{match.group(1).lower()}/events/{match.group(2)}"
    if host.startswith("eventbrite.") or ".eventbrite." in host:
        match = _EVENTBRITE_EVENT.match(path)
        if match:
            return f"eventbrite/e/{match.group(1)}"
    return ""


def _is_amp(name: str, value: str) -> bool:
    """``?amp``, ``?amp=1``, ``?output=amp``: the page's AMP copy."""
    return name.lower() == "amp" or (name.lower() == "output" and value.lower() == "amp")


def is_specific(key: str) -> bool:
    """False for a link to a site root, which says nothing about which event it is."""
    return "/" in key or "?" in key


@lru_cache(maxsize=256)
def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone, or None for an unknown or missing name (never raises)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def instant(when: When, tz_name: str | None, default_tz: ZoneInfo) -> datetime:
    """``when`` as an aware UTC datetime: dates at local midnight, floating times in their
    zone (or the default one), so every start compares as one instant."""
    if not isinstance(when, datetime):
        return datetime.combine(when, time(), default_tz).astimezone(UTC)
    if when.tzinfo is None:
        return when.replace(tzinfo=zone(tz_name) or default_tz).astimezone(UTC)
    return when.astimezone(UTC)


def local_day(event: Event, default_tz: ZoneInfo) -> date:
    """The calendar day the event starts on, as people in the region read it."""
    if not isinstance(event.start, datetime):
        return event.start
    return instant(event.start, event.timezone, default_tz).astimezone(default_tz).date()


def sort_instant(event: Event, default_tz: ZoneInfo) -> datetime:
    """The start used to order events (all-day at local midnight)."""
    return instant(event.start, event.timezone, default_tz)


ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything the scorer and the blocking need about one event, computed once."""

    source_id: str
    uid: str
    feed: str
    minute: int | None
    """UTC minutes since the epoch; None for an all-day event."""
    day: int
    """Local start day (proleptic ordinal) in the build's time zone."""
    title: Title
    place: Place
    cities: frozenset[str]
    url: str
    """Canonical link key when specific, else ""."""
    home: str = ""
    """The organiser's own city, when neither title nor place names one: weak evidence
    (similar.conflict), since an organisation in Nancy may post a talk it gives in Metz."""
    located: bool = False
    """The record gives a location (an address that names no city is presumably local)."""
    groups: frozenset[str] = frozenset()
    """The letters of "groupe A", "session B": two groups of one training are two events."""

    @property
    def key(self) -> str:
        """The record's key (``source_id:uid``, as policy.record_key), made when asked:
        kept in each profile between builds, it was 12 MB of a daemon at N = 3,000."""
        return f"{self.source_id}:{self.uid}"


def profile_events(events: Sequence[Event], sources: Mapping[str, Source], tz: ZoneInfo,
                   titles: TitleNormaliser, places: PlaceNormaliser) -> list[Profile]:
    """One :class:`Profile` per event. A venue's own feed places its events in its city when
    neither title nor location names one (venues host at home; umbrellas post everywhere)."""
    venue_city = {s.id: fold(s.city) for s in sources.values() if s.kind == "venue"}
    home_city = {s.id: CITY_PHRASES.get(" ".join(tokens_of(fold(s.city))), "")
                 for s in sources.values() if s.kind not in UMBRELLA_KINDS}
    _PROFILES.new_build((venue_city, home_city, str(tz), titles.signature, places.signature))
    profiles = [_PROFILES.get(e, lambda: _profile(e, venue_city, home_city, tz, titles, places))
                for e in events]
    _PROFILES.settle()
    return profiles


UMBRELLA_KINDS = frozenset({"venue", "institution"})
"""Sources whose city says nothing of where an organiser's event is: a venue's city is strong
evidence already (above), an umbrella institution posts events all over the region."""
_GROUP = re.compile(r"\b(?:groupe?|gruppe|equipe|team|track|session|niveau|level)\s+([a-z])"
                    r"\b(?!\s*[a-z0-9'])")
_GROUP_HINT = re.compile(r"gr[ou]|quipe|team|track|session|niveau|level", re.IGNORECASE)


_PROFILES: Memo[Event, Profile] = Memo()
"""Profiles of the previous build's records: a record's profile depends on it and on the
context given to new_build only (a daemon rebuilds with mostly the same records)."""


def _profile(e: Event, venue_city: Mapping[str, str], home_city: Mapping[str, str],
             tz: ZoneInfo, titles: TitleNormaliser, places: PlaceNormaliser) -> Profile:
    title, place = titles(e.title), places(e.location)
    cities = title.cities | place.cities
    if not cities and e.source_id in venue_city:
        home = CITY_PHRASES.get(venue_city[e.source_id], "")
        cities = frozenset({home}) if home else cities
    link = url_key(e.url, fragment=True)
    timed = isinstance(e.start, datetime) and not e.all_day
    start = instant(e.start, e.timezone, tz) if timed else None
    return Profile(
        source_id=e.source_id, uid=e.uid, feed=e.feed_url or e.source_id,
        minute=int(start.timestamp()) // 60 if start is not None else None,
        day=local_day(e, tz).toordinal(), title=title, place=place, cities=shared(cities),
        url=link if is_specific(link) else "",
        home="" if cities else home_city.get(e.source_id, ""), located=bool(e.location.strip()),
        groups=_groups(e.title))


@lru_cache(maxsize=16384)
def _groups(title: str) -> frozenset[str]:
    """The group letters a title names ("Formation Python – groupe A"): "a" is a French stop
    word, so the title scorer never saw it, and groups A and B were one event."""
    if _GROUP_HINT.search(title) is None:  # most titles: no fold, no second regex
        return _NO_GROUP
    found = _GROUP.findall(fold(title))
    return frozenset(found) if found else _NO_GROUP


_NO_GROUP: frozenset[str] = frozenset()
