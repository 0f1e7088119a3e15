"""TZID resolution: turn whatever an exporter wrote after ``TZID=`` into an IANA ``ZoneInfo``.

Every timed start we store is an aware datetime in a :class:`zoneinfo.ZoneInfo`, so renderers
can write one VTIMEZONE per IANA name and expand recurrences across DST. Exporters disagree on
what a TZID is: Google and Apple use IANA names, Outlook/Exchange use Windows names ("Romance
Standard Time"), Evolution/Lightning prefix a vendor path ("/mozilla.org/20050126_1/Europe/Paris"),
Lotus Notes and Exchange's "Customized Time Zone" invent names and ship only a VTIMEZONE, and
hand-made files use floating times. We try, in order: UTC aliases, the IANA name, the Windows
name (icalendar's CLDR table), the IANA suffix of a vendor path, the VTIMEZONE's X-LIC-LOCATION,
then the IANA zone whose offsets match the VTIMEZONE's over a year; otherwise the feed's floating
zone (X-WR-TIMEZONE or the configured default) with a warning.

We do our own resolution rather than trust icalendar's: its provider caches custom VTIMEZONEs
process-wide by TZID, so one feed's "Eastern" would leak into another's.
"""

from __future__ import annotations

import re
import warnings
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache

from icalendar import Component, Timezone
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

UTC_ALIASES = frozenset({"utc", "z", "gmt", "etc/utc", "etc/gmt", "uct", "universal", "zulu"})
PREFERRED_ZONES = (
    "Europe/Paris", "Europe/London", "Europe/Berlin", "Europe/Luxembourg", "Europe/Brussels",
    "Europe/Helsinki", "Europe/Moscow", "America/New_York", "America/Chicago", "America/Denver",
    "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "America/Sao_Paulo",
    "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Asia/Dubai", "Asia/Bangkok", "Asia/Singapore",
    "Australia/Sydney", "Australia/Brisbane", "Pacific/Auckland", "Africa/Johannesburg",
)  # fmt: skip
"""Tie-breakers when several IANA zones share a custom VTIMEZONE's offsets."""
GMT_OFFSET = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2})|[.,](25|50?|75)(?!\d))?",
                        re.IGNORECASE)
"""An offset as Outlook ("(UTC+05:30)"), Lotus Notes ("GMT +0100") and WordPress ("UTC+5.5",
a site's manual offset in decimal hours) name it."""
DISPLAY_PREFIX = re.compile(r"^\s*\((?:GMT|UTC)[^)]*\)\s*", re.IGNORECASE)
SAMPLE_WEEKS = 53
MIN_MATCH = 0.9
"""Share of weekly samples that must agree: old Outlook US rules (DST from April, pre-2007)
still match America/New_York on 48 of 53 weeks (corpus: ical4j__tmeher.ics, icalevents__no_uid.ics)."""


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    """Return the IANA zone called ``name``, or None (bad names, paths, directories)."""
    if not name or len(name) > 64 or name.startswith((".", "/", "posix/", "right/")) or "\\" in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        return None


def clean_tzid(tzid: str) -> str:
    """Strip the quotes, spaces and slashes exporters wrap around a TZID (Lotus Notes, libical)."""
    return tzid.strip().strip('"').strip().strip("/").strip()


def well_known_zone(tzid: str) -> zoneinfo.ZoneInfo | None:
    """Resolve a TZID without looking at the file: UTC, IANA, Windows or vendor-path names."""
    cleaned = clean_tzid(tzid)
    if cleaned.lower() in UTC_ALIASES:
        return zoneinfo.ZoneInfo("UTC")
    for candidate in candidate_names(cleaned):
        if candidate.lower() in UTC_ALIASES:  # Exchange Online's "tzone://Microsoft/Utc"
            return zoneinfo.ZoneInfo("UTC")
        zone = zone_or_none(candidate)
        if zone is not None:
            return zoneinfo.ZoneInfo("UTC") if zone.key.lower() in UTC_ALIASES else zone
    return None


def calendar_zone(declared: str, default: zoneinfo.ZoneInfo, notes: list[str]
                  ) -> zoneinfo.ZoneInfo | None:
    """The zone X-WR-TIMEZONE names: a zone's name, else an offset as WordPress writes a
    site's manual one ("UTC+1", "UTC+5.5"); None, the organiser told, when it names none."""
    zone = well_known_zone(declared)
    if zone is None and (zone := zone_from_description(declared)) is not None:
        notes.append(f"X-WR-TIMEZONE {declared!r} is not a zone name: read as {zone.key}")
    if zone is None:
        notes.append(f"unknown X-WR-TIMEZONE {declared!r}: floating times read as {default.key}")
    return zone


def candidate_names(cleaned: str) -> Iterator[str]:
    """IANA names a cleaned TZID may stand for, best first."""
    yield cleaned
    if cleaned in WINDOWS_TO_OLSON:
        yield WINDOWS_TO_OLSON[cleaned]
    parts = cleaned.split("/")
    for start in range(1, len(parts)):  # /mozilla.org/20050126_1/Europe/Paris
        yield "/".join(parts[start:])


@cache
def all_zones() -> tuple[str, ...]:
    """Every IANA zone we may match a custom VTIMEZONE to, preferred ones first."""
    names = sorted(
        n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/"))
    )
    return tuple(dict.fromkeys([*PREFERRED_ZONES, *names]))


@cache
def zones_by_city() -> dict[str, str]:
    """IANA names by their last part, lower-cased: "amsterdam" -> "Europe/Amsterdam"."""
    return {name.rsplit("/", 1)[-1].lower(): name for name in reversed(all_zones())}


def zone_from_description(tzid: str, year: int = 2000) -> zoneinfo.ZoneInfo | None:
    """Guess the zone of an Outlook display name: "(UTC+01:00) Amsterdam, Berlin, Bern, ...".

    "Eastern Time (US & Canada)" is Windows' "Eastern Standard Time" (corpus
    nodeical__windows-quoted-tz-rrule.ics); else the first city that is an IANA zone wins
    (nodeical__test_with_tz_list.ics); else a whole-hour "GMT+01:00" alone becomes Etc/GMT-1,
    and another ("UTC+5.5", WordPress's name for a manual offset) the IANA zone that keeps it
    all ``year`` (Asia/Kolkata).
    """
    label = DISPLAY_PREFIX.sub("", tzid).split("(")[0].strip()
    windows = WINDOWS_TO_OLSON.get(label.replace(" Time", " Standard Time"))
    if windows is not None:
        return zone_or_none(windows)
    for token in re.split(r"[,()/;]", tzid):
        name = zones_by_city().get(token.strip().replace(" ", "_").lower())
        if name is not None:
            return zone_or_none(name)
    offset = GMT_OFFSET.search(tzid)
    if offset is None:
        return None
    minutes = int(offset.group(3) or 0) + int(60 * float(f"0.{offset.group(4) or 0}"))
    shift = timedelta(hours=int(offset.group(2)), minutes=minutes) \
        * (1 if offset.group(1) == "+" else -1)
    if minutes:
        return matching_zone(timezone(shift), year, ())
    return fixed_offset_zone([shift])


def sample_instants(year: int) -> list[datetime]:
    """Wall-clock times, one a week through ``year``, at noon (clear of DST switch hours)."""
    first = datetime(year, 1, 1, 12)
    return [first + timedelta(weeks=week) for week in range(SAMPLE_WEEKS)]


def offsets(zone: tzinfo, instants: Iterable[datetime]) -> list[timedelta | None]:
    """UTC offsets of ``zone`` at each naive wall time."""
    return [zone.utcoffset(moment) for moment in instants]


def matching_zone(
    custom: tzinfo, year: int, preferred: Iterable[str]
) -> zoneinfo.ZoneInfo | None:
    """The IANA zone whose offsets agree most with ``custom`` through ``year``, if close enough."""
    instants = sample_instants(year)
    wanted = offsets(custom, instants)
    best: tuple[int, str] = (0, "")
    for name in dict.fromkeys([*preferred, *all_zones()]):
        zone = zone_or_none(name)
        if zone is None:
            continue
        score = sum(a == b for a, b in zip(wanted, offsets(zone, instants), strict=True))
        if score > best[0]:
            best = (score, name)
        if score == len(instants):
            break
    if best[0] < MIN_MATCH * len(instants):
        return fixed_offset_zone(wanted)
    return zoneinfo.ZoneInfo(best[1])


def fixed_offset_zone(wanted: list[timedelta | None]) -> zoneinfo.ZoneInfo | None:
    """``Etc/GMT±N`` for a VTIMEZONE with one whole-hour offset all year and no IANA twin."""
    if len(set(wanted)) != 1 or wanted[0] is None or wanted[0] % timedelta(hours=1):
        return None
    hours = int(wanted[0] / timedelta(hours=1))
    return zone_or_none("UTC" if hours == 0 else f"Etc/GMT{-hours:+d}")


def observance_year(component: Timezone) -> int:
    """The year a VTIMEZONE's rules are sampled in: its latest observance, at least 2000."""
    years = [2000]
    for sub in component.subcomponents:
        start = getattr(sub.get("DTSTART"), "dt", None)
        if isinstance(start, datetime) and start.year < 2100:
            years.append(start.year)
    return max(years) + 1


class TimezoneResolver:
    """Resolves the TZIDs of one calendar; holds its VTIMEZONEs and floating zone.

    One resolver per parsed body keeps the work bounded (each TZID resolved once) and
    collects the warnings an organiser can act on.
    """

    def __init__(
        self,
        vtimezones: Mapping[str, Component],
        floating: zoneinfo.ZoneInfo,
        preferred: tuple[str, ...] = (),
    ) -> None:
        self.vtimezones = {clean_tzid(tzid): component for tzid, component in vtimezones.items()}
        self.floating = floating
        self.preferred = preferred
        self.warnings: list[str] = []
        self.resolved: dict[str, zoneinfo.ZoneInfo] = {}

    def resolve(self, tzid: str, year: int | None = None) -> zoneinfo.ZoneInfo:
        """Return the IANA zone for ``tzid``; unknown ones fall back to the floating zone.

        ``year`` is when the first value written in that TZID falls: a custom VTIMEZONE is
        compared with IANA zones in that year (its rules may have changed since).
        """
        if tzid not in self.resolved:
            zone = well_known_zone(tzid) or self.from_vtimezone(tzid, year)
            if zone is not None and clean_tzid(tzid) in WINDOWS_TO_OLSON \
                    and zone_or_none(clean_tzid(tzid)) is None:  # not "UTC", IANA's too
                self.warnings.append(f"TZID {tzid!r} is a Windows zone name: read as "
                                     f"{zone.key} (an IANA name such as {zone.key} is portable)")
            described = year if year is not None and 1900 < year < 2200 else 2000
            if zone is None and (zone := zone_from_description(tzid, described)) is not None:
                self.warnings.append(f"TZID {tzid!r} is not a zone name: read as {zone.key}")
            if zone is None:
                zone = self.floating
                self.warnings.append(f"unknown TZID {tzid!r}: times read as {zone.key}")
            self.resolved[tzid] = zone
        return self.resolved[tzid]

    def from_vtimezone(self, tzid: str, year: int | None) -> zoneinfo.ZoneInfo | None:
        """Match the file's own VTIMEZONE for ``tzid`` to an IANA zone."""
        component = self.vtimezones.get(clean_tzid(tzid))
        if not isinstance(component, Timezone):
            return None
        location = component.get("X-LIC-LOCATION")
        if location is not None and (zone := well_known_zone(str(location))) is not None:
            return zone
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                custom = component.to_tz(lookup_tzid=False)
            sampled = year if year is not None and 1900 < year < 2200 else observance_year(component)
            return matching_zone(custom, sampled, self.preferred)
        except Exception:  # noqa: BLE001 - a broken VTIMEZONE is the organiser's to fix
            return None
