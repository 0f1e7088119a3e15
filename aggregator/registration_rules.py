"""PURE: what a registration may hold, and which operator decisions apply to it.

Both doors (the web form with /manage, and the CLI's `sources register`) validate with
:func:`validated_source`; /admin and `registrations approve|reject` decide with
:data:`DECIDABLE` and :func:`check_decision`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from .errors import AggregatorError
from .contacts import Registration, RegistrationStatus
from .models import (
    EMAIL, FEED_TYPES, LANGUAGES, SOURCE_KINDS, WEB_URL, FeedRef, Source, feed_address,
)
from .topics import typed_topics

MAX_FEEDS = 10
MAX_TEXT = 200


class RegistrationError(AggregatorError):
    """A registration form value is invalid; ``field`` names the form field."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"registration: field {field}: {message}")
        self.field = field
        self.reason = message


class DecisionRefused(RegistrationError):
    """The operator's decision does not apply to the registration as it stands: declining
    an organisation already published, publishing again one its contact withdrew. Both
    doors (/admin, the CLI) share this rule; ``status`` is the registration's state."""

    exit_code = 1

    def __init__(self, registration_id: int, status: str, message: str) -> None:
        super().__init__("id", message)
        self.message = message
        self.args = (message,)
        self.registration_id = registration_id
        self.status = status


class AlreadyDecided(DecisionRefused):
    """The registration is already in the state asked for (a script run twice): nothing
    changes and nobody is emailed again; not a failure for the command line."""

    exit_code = 0


DECIDABLE: dict[str, tuple[RegistrationStatus, ...]] = {
    "approved": ("pending", "rejected"),
    "rejected": ("pending",),
}
"""The states each decision may be taken from: a declined registration may still be
approved (the operator changed its mind); an approved one is switched off, not declined
(its contact would be told "declined" for an organisation published for months); a
withdrawn one comes back only when its contact asks to (pending again)."""


def validated_source(source_id: str = "", **values: object) -> Source:
    text = {key: _line(value) for key, value in values.items() if isinstance(value, str)}
    for field in ("name", "city"):
        if not text[field]:
            raise RegistrationError(field, "required")
    if text["kind"] not in SOURCE_KINDS:
        raise RegistrationError("kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    if text["language"] not in LANGUAGES:
        raise RegistrationError("language", f"must be one of {', '.join(LANGUAGES)}")
    if not re.fullmatch(r"[A-Z]{2}", text["country"].upper()):
        raise RegistrationError("country", "must be a two-letter ISO code such as FR or LU")
    if text["website"] and not WEB_URL.match(text["website"]):
        raise RegistrationError("website", "must be an http:// or https:// address")
    if not EMAIL.match(text["contact"]):
        raise RegistrationError("contact", "must be an email address")
    feeds = _feeds(values["feeds"])  # type: ignore[arg-type]
    tags = typed_topics(values["tags"])  # type: ignore[arg-type]
    return Source(
        id=source_id, name=text["name"], kind=text["kind"],
        city=text["city"], country=text["country"].upper(), language=text["language"],
        website=text["website"], contact=text["contact"], tags=tags, feeds=feeds,
    )


def check_decision(registration: Registration, status: RegistrationStatus) -> None:
    """Raises DecisionRefused (or AlreadyDecided) unless ``status`` may follow its state."""
    now = registration.status
    if now in DECIDABLE[status]:
        return
    label = f"#{registration.id} ({registration.source.name})"
    since = (registration.decided_at or registration.created_at).strftime("%Y-%m-%d")
    if now == status:
        raise AlreadyDecided(registration.id, now, f"{label} is already {now} (since {since}); "
                                                   "nothing changed, its contact was not "
                                                   "emailed again")
    if now == "withdrawn":
        raise DecisionRefused(registration.id, now, (
            f"{label} was withdrawn by its contact on {since}: it comes back only when its "
            "contact asks to, from its private link (it is then pending again, to approve); "
            "nothing changed"))
    if now == "approved":  # declining it would unpublish it and tell its contact "declined"
        raise DecisionRefused(registration.id, now, (
            f"{label} is already approved and published since {since}: declining it now would "
            "take it out of the outputs and tell its contact it was declined; nothing changed. "
            "To stop publishing it, switch its source off: "
            f"`aggregator sources disable {registration.source.id}`"))
    raise DecisionRefused(registration.id, now, f"{label} is {now}: it cannot be {status}")


def taken_feeds(published: Sequence[Source], pending: Sequence[Registration]
                ) -> dict[tuple[int, str], str]:
    """For each pending registration's feed that another source already publishes, or
    another pending registration asks for, who: the same form sent twice, or a lab's feed
    registered again under another name, reached the operator unflagged ((id, url) -> name)."""
    owners: dict[str, list[tuple[int, str]]] = {}
    for source in published:
        for feed in source.feeds:
            owners.setdefault(same_feed(feed.url), []).append((0, source.name))
    for registration in pending:
        for feed in registration.source.feeds:
            owners.setdefault(same_feed(feed.url), []).append(
                (registration.id, registration.source.name))
    return {(registration.id, feed.url): ", ".join(
                name for owner, name in owners[same_feed(feed.url)] if owner != registration.id)
            for registration in pending for feed in registration.source.feeds
            if any(owner != registration.id for owner, _ in owners[same_feed(feed.url)])}


def same_feed(url: str) -> str:
    """A feed's address as two registrations of it compare: webcal:// and http:// as
    https://, the host in lower case without "www." or a default port, no trailing slash
    (what an organiser copies from the browser's bar may be any of them)."""
    parts = urlsplit(feed_address(url))
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    except ValueError:  # not a port number: compared as typed
        port = parts.netloc.rpartition(":")[2]
    return urlunsplit(("https", host + port, parts.path.rstrip("/"), parts.query, ""))


def _line(value: str) -> str:
    return " ".join(re.sub("[\x00-\x1f\x7f]", " ", value).split())[:MAX_TEXT]  # NUL: PG refuses


def _feeds(refs: Sequence[FeedRef]) -> tuple[FeedRef, ...]:
    unique = list(dict.fromkeys(FeedRef(feed_address(r.url), r.type) for r in refs
                                if r.url.strip()))
    if not unique:
        raise RegistrationError("feeds", "give at least one feed or events page URL")
    if len(unique) > MAX_FEEDS:
        raise RegistrationError("feeds", f"at most {MAX_FEEDS} URLs")
    for ref in unique:
        if not WEB_URL.match(ref.url) or len(ref.url) > 2000:
            raise RegistrationError("feeds", f"{ref.url[:80]!r} is not an http://, https:// or "
                                             "webcal:// URL")
        if ref.type not in FEED_TYPES:
            raise RegistrationError("feeds", f"unknown type {ref.type!r}")
    return tuple(unique)


FIELD_NAMES = {
    "fr": {"name": "nom", "kind": "type", "city": "ville", "country": "pays",
           "language": "langue", "website": "site", "contact": "contact", "tags": "thèmes",
           "feeds": "flux"},
    "en": {"name": "name", "kind": "kind", "city": "city", "country": "country",
           "language": "language", "website": "website", "contact": "contact",
           "tags": "topics", "feeds": "feeds"},
    "de": {"name": "Name", "kind": "Art", "city": "Stadt", "country": "Land",
           "language": "Sprache", "website": "Website", "contact": "Kontakt",
           "tags": "Themen", "feeds": "Feeds"},
}
"""A registration's fields as the operator's emails name them, in each operator language."""
_SAID = {"fr": "{label} : {old} → {new}", "en": "{label}: {old} → {new}",
         "de": "{label}: {old} → {new}"}
_TAKEN = {"fr": "flux déjà publié par {owners} : {url}",
          "en": "feed already published by {owners}: {url}",
          "de": "Feed bereits veröffentlicht von {owners}: {url}"}


def changes(before: Source, after: Source, language: str = "fr") -> list[str]:
    """What a contact changed, one line per field, in the operator's ``language``:
    "nom : Fablab → Fablab des Vosges"."""
    lines = []
    for field, label in FIELD_NAMES[language].items():
        old, new = getattr(before, field), getattr(after, field)
        if field == "feeds":
            old, new = (tuple(feed.url for feed in feeds) for feeds in (old, new))
        if old != new:
            shown = [", ".join(value) if isinstance(value, tuple) else str(value) or "—"
                     for value in (old, new)]
            lines.append(_SAID[language].format(label=label, old=shown[0], new=shown[1]))
    return lines


def feeds_taken(before: Source, after: Source, published: Sequence[Source],
                language: str = "fr") -> list[str]:
    """The feeds ``after`` adds that another published organisation already publishes, each
    as a line for the operator, in its ``language``: "flux déjà publié par Le Lab : http://…".
    A registration of such a feed is flagged on /admin; added through a published
    organisation's private link, it went out unflagged."""
    owners: dict[str, list[str]] = {}
    for source in published:
        if source.id != after.id:
            for feed in source.feeds:
                owners.setdefault(same_feed(feed.url), []).append(source.name)
    had = {same_feed(feed.url) for feed in before.feeds}
    return [_TAKEN[language].format(owners=", ".join(owners[key]), url=feed.url)
            for feed in after.feeds
            if (key := same_feed(feed.url)) not in had and key in owners]
