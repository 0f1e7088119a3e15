"""Organisations that register through the web form: pending until the operator approves.

Why a store-backed list next to sources.yaml: organisers should not need a pull request to be
listed, yet nothing a stranger submits may reach the published calendar unchecked. So a
registration is stored PENDING with its feeds; ``current_sources()`` (what refresh and build
use) adds only APPROVED registrations, and leaves out every source the operator switched off.
The contact gets an email when the registration is received and when it is decided.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from .cluster import DATA_MARK
from .config import Settings
from .errors import IdTakenError
from .mailer import notify_contact
from .notices import OPERATOR_MESSAGES
from .redact import masked
from .registration_notices import MESSAGES
from .registration_retention import UNDECIDED_RETENTION, WITHDRAWN_RETENTION, kept_until
from .registration_rules import (
    DECIDABLE, AlreadyDecided, DecisionRefused, RegistrationError,
    changes, check_decision, feeds_taken, taken_feeds, validated_source,
)
from .models import EMAIL, FEED_TYPES, FeedRef, Source
from .contacts import Registration, RegistrationStatus
from .render import slugify
from .render.text import long_day
from .store import Store

__all__ = ["EMAIL", "FEED_TYPES", "AlreadyDecided", "DecisionRefused", "RegistrationError",
           "RegistrationsMixin"]

SOURCES_TTL = 10.0
"""Seconds the approved registrations are cached: current_sources() runs once per feed in a
refresh, and another node's approval only needs to show up within a refresh interval."""
ID_ATTEMPTS = 5
"""Ids tried when others take the chosen one at the same moment (forms sent at once)."""
log = logging.getLogger(__name__)


class RegistrationsMixin:
    """Methods of Aggregator behind /register and the /admin moderation pages."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]
    _registered_cache: tuple[float, tuple[Source, ...], frozenset[str]] | None = None

    def active_sources(self) -> tuple[Source, ...]:
        """sources.yaml's sources, then approved registrations; switched-off ones left out."""
        disabled = self._registered()[1]
        return tuple(source for source in self.operated_sources() if source.id not in disabled)

    def configured_ids(self) -> frozenset[str]:
        """Every source id the operator configures, switched off or not: a feed's id outside
        them is a source renamed or removed (``Store.sync_feeds``)."""
        return frozenset(source.id for source in self.operated_sources())

    def operated_sources(self) -> tuple[Source, ...]:
        """sources.yaml's sources, then approved registrations, switched off or not: what the
        operator can switch (the admin page, `sources disable`)."""
        approved = self._registered()[0]
        configured = {source.id for source in self.settings.sources}
        return self.settings.sources + tuple(s for s in approved if s.id not in configured)

    def _registered(self) -> tuple[tuple[Source, ...], frozenset[str]]:
        """The approved registrations' sources and the switched-off ids, read at most every
        SOURCES_TTL seconds."""
        cached = self._registered_cache
        if cached is None or cached[0] < time.monotonic():
            approved = tuple(r.source for r in self.store.registrations("approved"))
            cached = (time.monotonic() + SOURCES_TTL, approved, self.store.disabled_sources())
            self._registered_cache = cached
        return cached[1], cached[2]

    def _sources_changed(self, published: bool = True) -> None:
        """Forget the cached sources; when the change shows in the outputs (``published``),
        mark the data as moved on, so that the daemon of every node builds again: a source
        switched off, withdrawn or renamed stores no record, and its events stayed published
        until some feed changed."""
        self._registered_cache = None
        if published:
            self.store.bump_mark(DATA_MARK)

    def register_source(
        self, *, name: str, kind: str, city: str, website: str, contact: str,
        feeds: Sequence[FeedRef], country: str = "FR", language: str = "fr",
        tags: Sequence[str] = (),
    ) -> tuple[Registration, str | None]:
        """Store a PENDING source and email its contact; returns it and any mail problem.
        The same contact sending the same feeds again (a double click, the back button, a
        registration forgotten) gets the one it has, and its link to change it, by email;
        one it withdrew, the link to ask to come back under its id (its page, embed code and
        calendar addresses), not a second source.

        Raises:
            RegistrationError: a field is missing or invalid; names the field.
        """
        source = self._validated(name=name, kind=kind, city=city, website=website,
                                 contact=contact, feeds=feeds, country=country,
                                 language=language, tags=tags)
        for attempt in range(ID_ATTEMPTS):
            twin = self._twin(source)
            if twin is not None:
                return twin, self._notify(twin, "comeback" if twin.status == "withdrawn"
                                          else "link")
            try:
                registration = self.store.add_registration(source, self.clock(),
                                                           secrets.token_urlsafe(24))
                break
            except IdTakenError:  # the same form sent twice at once (a double click), or
                if attempt + 1 == ID_ATTEMPTS:  # another organisation of that name
                    raise
                source = replace(source, id=self._free_id(source.name))
        self._tell_operator(registration, "pending")
        return registration, self._notify(registration, "received")

    def _twin(self, source: Source) -> Registration | None:
        """The registration the same contact made of the same feeds, if still there (a
        withdrawn one comes back by its link, its id kept)."""
        same = (source.contact.casefold(), {feed.url for feed in source.feeds})
        for twin in self.store.registrations():
            if twin.status in ("pending", "approved", "withdrawn") and same == (
                    twin.source.contact.casefold(), {feed.url for feed in twin.source.feeds}):
                return twin
        return None

    def check_registration(
        self, *, name: str, kind: str, city: str, website: str, contact: str,
        feeds: Sequence[FeedRef], country: str = "FR", language: str = "fr",
        tags: Sequence[str] = (),
    ) -> None:
        """What :meth:`register_source` checks, storing and sending nothing: the form says
        which field is wrong before it reads the feeds.

        Raises:
            RegistrationError: a field is missing or invalid; names the field.
        """
        self._validated(name=name, kind=kind, city=city, website=website, contact=contact,
                        feeds=feeds, country=country, language=language, tags=tags)

    def manage_link(self, source_id: str) -> str | None:
        """The contact's /manage link of a registered source (None for sources.yaml's)."""
        found = [r for r in self.store.registrations() if r.source.id == source_id and r.token]
        return f"{self.settings.base_url}/manage/{found[0].token}" if found else None

    def send_manage_links(self, email: str) -> int:
        """Email its private link to the contact of each registration with this address (a
        contact who lost it); the count is for the operator, never shown to the asker (who
        must not learn which addresses are registered)."""
        wanted = " ".join(email.split()).casefold()
        found = [r for r in self.store.registrations()
                 if r.token and r.status != "rejected" and r.source.contact.casefold() == wanted]
        for registration in found:
            problem = self._notify(registration, "comeback" if registration.status == "withdrawn"
                                   else "link")
            if problem:  # the asker is told the same either way: the operator must hear of it
                log.warning("could not email the contact of registration %d its link to change "
                            "%r: %s", registration.id, registration.source.id, masked(problem))
        return len(found)

    def registration_data(self, token: str) -> dict[str, object]:
        """All that is kept about a registration, as its contact's own copy (GDPR art. 15, as
        a subscriber's data download): what it gave, its state and dates (the day the operator
        was reminded of it undecided among them), the operator's note, and until when it is kept (None: as long as it is published); not the link's secret,
        which a downloaded file would spread beyond its mailbox.

        Raises:
            RegistrationError: unknown link (field ``token``).
        """
        registration = self.registration_by_token(token)
        source = registration.source
        until = kept_until(registration)
        when = {name: moment.isoformat() if moment else None for name, moment in (
            ("created_at", registration.created_at), ("changed_at", registration.changed_at),
            ("decided_at", registration.decided_at), ("reminded_at", registration.reminded_at),
            ("kept_until", until))}
        return {"source_id": source.id, "name": source.name, "kind": source.kind,
                "city": source.city, "country": source.country, "language": source.language,
                "website": source.website, "contact": source.contact, "tags": list(source.tags),
                "feeds": [{"url": feed.url, "type": feed.type} for feed in source.feeds],
                "status": registration.status, "note": registration.note, **when}

    def registration_by_token(self, token: str) -> Registration:
        """The registration of a contact's /manage/TOKEN link.

        Raises:
            RegistrationError: no registration has this secret (field ``token``).
        """
        found = self.store.registration_by_token(token) if 16 <= len(token) <= 64 else None
        if found is None:
            raise RegistrationError("token", "this link is not valid (any more)")
        return found

    def update_registration(
        self, token: str, *, name: str, kind: str, city: str, website: str, contact: str,
        feeds: Sequence[FeedRef], country: str, language: str, tags: Sequence[str] = (),
    ) -> tuple[Registration, str | None]:
        """The contact's changes, in force from the next refresh (an approved source keeps its
        id, so its published events stay its own); the contact is told, and the former one
        too when it changed, so that a leaked link cannot take an organisation over unseen.
        A new contact gets a new link (``token`` of the registration returned), mailed to it
        alone: the one who left must not keep the power to change or withdraw it.
        Returns the registration and any mail problem.

        Raises:
            RegistrationError: unknown link, or a field missing or invalid (names the field).
        """
        before = self.registration_by_token(token)
        source = self._validated(before.source.id, name=name, kind=kind, city=city,
                                 website=website, contact=contact, feeds=feeds, country=country,
                                 language=language, tags=tags)
        if source == before.source:  # "Save" clicked twice, or to be sure: nothing to tell
            return before, None
        handed = before.source.contact.casefold() != source.contact.casefold()
        new_token = secrets.token_urlsafe(24) if handed else token
        self.store.update_registration(before.id, source, self.clock(), new_token)
        self._sources_changed(published=before.status == "approved")
        after = self.registration_by_token(new_token)
        if before.status == "approved":  # published unreviewed: the operator should know
            language = self.settings.operator_language
            taken = feeds_taken(before.source, after.source, self.active_sources(), language)
            self._tell_operator(after, "changed", changes="\n".join(
                [*changes(before.source, after.source, language), *taken]))
        problems = [self._notify(after, "handed" if handed else "changed"
                                 if before.status == "approved" else "changed_unpublished")]
        if handed:  # told without the link, which no longer works
            problems.append(self._notify(before, "handed_former"))
        return after, next((p for p in problems if p), None)

    def withdraw_registration(self, token: str) -> tuple[Registration, str | None]:
        """The contact takes its organisation out of the agenda: its feeds are no longer read
        and, from the next build, its events leave the outputs without being published
        CANCELLED (they still take place; see :func:`lifecycle.publish`). The contact is
        emailed how to come back: its link works WITHDRAWN_RETENTION, then housekeeping erases
        what it gave (:mod:`registration_retention`). Returns the registration and any mail
        problem.

        Raises:
            RegistrationError: unknown link, or a registration declined or already withdrawn.
        """
        before = self.registration_by_token(token)
        if before.status not in ("pending", "approved"):
            raise RegistrationError("status", f"a registration {before.status} cannot be withdrawn")
        self.store.decide_registration(before.id, "withdrawn", self.clock())
        self._sources_changed(published=before.status == "approved")
        after = self.registration_by_token(token)
        self._tell_operator(after, "withdrawn")
        return after, self._notify(after, "withdrawn")

    def rejoin_registration(self, token: str) -> tuple[Registration, str | None]:
        """A withdrawn organisation asks to come back: pending again, for the operator to
        approve as any registration (what it publishes may have changed meanwhile).

        Raises:
            RegistrationError: unknown link, or a registration that is not withdrawn.
        """
        before = self.registration_by_token(token)
        if before.status != "withdrawn":
            raise RegistrationError("status", f"a registration {before.status} is not withdrawn")
        self.store.decide_registration(before.id, "pending", self.clock())
        self._sources_changed(published=False)
        after = self.registration_by_token(token)
        self._tell_operator(after, "pending")
        return after, self._notify(after, "received")

    def withdrawn_sources(self) -> frozenset[str]:
        """Ids of the organisations that withdrew (none of sources.yaml's): their events
        leave the outputs as they are, not CANCELLED."""
        configured = {source.id for source in self.settings.sources}
        return frozenset(r.source.id for r in self.store.registrations("withdrawn")
                         if r.source.id not in configured)

    def shared_feeds(self, registration_id: int) -> dict[str, str]:
        """Each feed of this registration that another source publishes, or another
        registration asks for, withdrew or was declined for, with their names (/admin flags
        them too)."""
        everyone = self.store.registrations()
        others = [replace(r.source, name=r.source.name + ("" if r.status == "pending" else
                                                          f" ({r.status})"))
                  for r in everyone if r.id != registration_id and r.status != "approved"]
        mine = [r for r in everyone if r.id == registration_id]
        published = [s for s in self.operated_sources() if not mine or s.id != mine[0].source.id]
        return {url: names for (_, url), names in taken_feeds([*published, *others], mine).items()}

    def registrations(self, status: str | None = None) -> list[Registration]:
        """Every registration, or those pending/approved/rejected/withdrawn, oldest first."""
        return self.store.registrations(status)  # type: ignore[arg-type]

    def approve_registration(self, registration_id: int) -> str | None:
        """Publish a registered source from the next refresh on; returns any mail problem.

        Raises:
            RegistrationError: no such registration; DecisionRefused: withdrawn by its
                contact, or (AlreadyDecided) approved already.
        """
        return self._set_status(registration_id, "approved", "")

    def reject_registration(self, registration_id: int, note: str = "") -> str | None:
        """Refuse a registration (kept for the record); returns any mail problem.

        Raises:
            RegistrationError: no such registration; DecisionRefused: approved (switch its
                source off instead) or withdrawn, or (AlreadyDecided) declined already.
        """
        return self._set_status(registration_id, "rejected", note.replace("\x00", "")[:1000])

    def set_source_disabled(self, source_id: str, disabled: bool) -> None:
        """Switch a source (from sources.yaml or registered) off, or back on.

        Raises:
            RegistrationError: no such source (the admin page stored a switch for it: a
                typo, or a stale page, kept a row nothing reads).
        """
        self._registered_cache = None  # afresh: another node may have approved it just now
        if source_id not in {source.id for source in self.operated_sources()}:
            raise RegistrationError("source", f"no source {source_id!r} in sources.yaml or "
                                              "among the approved registrations")
        self.store.set_source_disabled(source_id, disabled, self.clock())
        self._sources_changed()

    def disabled_sources(self) -> frozenset[str]:
        return self.store.disabled_sources()

    def _set_status(self, registration_id: int, status: RegistrationStatus, note: str
                    ) -> str | None:
        """Decide a registration if :data:`DECIDABLE` allows it from its state, atomically
        (another node or terminal may decide it meanwhile); returns any mail problem.

        Raises:
            RegistrationError: no such registration.
            DecisionRefused: the decision does not apply to its state (AlreadyDecided: it is
                in that state already); nothing changed, nobody emailed.
        """
        for _ in range(3):  # decided elsewhere between the read and the update: read again
            before = self._registration(registration_id)
            check_decision(before, status)
            if self.store.decide_registration(registration_id, status, self.clock(), note,
                                              only_from=DECIDABLE[status]):
                break
        else:
            raise DecisionRefused(registration_id, before.status, (
                f"#{registration_id} keeps being decided elsewhere meanwhile; nothing changed: "
                "try again"))
        self._sources_changed(published="approved" in (before.status, status))
        return self._notify(self._registration(registration_id), status)

    def _registration(self, registration_id: int) -> Registration:
        """Raises: RegistrationError: no registration has this number."""
        found = [r for r in self.store.registrations() if r.id == registration_id]
        if not found:
            raise RegistrationError("id", f"no registration #{registration_id}")
        return found[0]

    def _validated(self, source_id: str = "", **values: object) -> Source:
        source = validated_source(source_id, **values)
        return source if source.id else replace(source, id=self._free_id(source.name))

    def _free_id(self, name: str) -> str:
        """A slug of the name that neither sources.yaml nor another registration uses."""
        base = (slugify(name) or "organisation")[:60].strip("-")
        candidates = [base] + [f"{base}-{n}" for n in range(2, 50)]
        taken = {s.id for s in self.settings.sources} | self.store.taken_source_ids(candidates)
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        raise RegistrationError("name", "too many organisations with this name")

    def _tell_operator(self, registration: Registration, what: str, **extra: object) -> None:
        """Email the operator (``AGGREGATOR_OPERATOR_EMAIL``, if set) what awaits them; a
        failure is logged, never the registrant's concern."""
        to = self.settings.operator_email
        if not to:
            return
        source = registration.source
        fields: dict[str, object] = {
            "name": source.name, "kind": source.kind, "city": source.city,
            "contact": source.contact, "id": registration.id,
            "feeds": "\n".join(f"  {feed.url}" for feed in source.feeds),
            "base_url": self.settings.base_url, "source_id": source.id, **extra}
        problem = notify_contact(self.settings, to, self.settings.operator_language,
                                 OPERATOR_MESSAGES[what], fields)
        if problem:
            log.warning("could not tell the operator (AGGREGATOR_OPERATOR_EMAIL) about %r: %s",
                        source.id, masked(problem))

    def _notify(self, registration: Registration, what: str) -> str | None:
        """Email the contact; a mail failure is returned, never raised (the data is stored).
        Its ``page`` is the organisation's page while published, else (a 404 then) the
        contact's own link."""
        source, until = registration.source, kept_until(registration)
        manage = f"{self.settings.base_url}/manage/{registration.token}"
        fields: dict[str, object] = {
            "name": source.name, "feeds": len(source.feeds), "source_id": source.id,
            "feeds_en": f"{len(source.feeds)} feed" + ("s" if len(source.feeds) != 1 else ""),
            "feeds_de": f"{len(source.feeds)} Feed" + ("s" if len(source.feeds) != 1 else ""),
            "base_url": self.settings.base_url, "note": registration.note, "manage": manage,
            "kept": WITHDRAWN_RETENTION.days, "undecided": UNDECIDED_RETENTION.days,
            "until": long_day(until, ZoneInfo(self.settings.timezone), source.language)
            if until else "",  # a withdrawn one's link: WITHDRAWN_RETENTION after
            "page": f"{self.settings.base_url}/sources/{source.id}"
            if registration.status == "approved" and source.id not in self.disabled_sources()
            else manage}
        return notify_contact(self.settings, source.contact, source.language, MESSAGES[what],
                              fields, reply_to=self.settings.operator_email)  # "write to us"
