"""Digest subscribers: sign-up with double opt-in, preferences, unsubscribe (issue 5).

Why double opt-in: anyone can type anyone's address into the form, and mailing someone who
never asked is what gets a sender blocked. So a new address is PENDING and gets one email with
a link to /confirm/TOKEN; only confirmed addresses get digests. The link opens a page with a
button: mail scanners (Safe Links, Proofpoint) open every link, so no GET changes anything.

The token is 192 random bits kept with the subscriber rather than an HMAC of the address: it
needs no server-wide secret to configure, and it can be looked up (one indexed query) and
revoked; a guess has a 2^-192 chance, like a forged signature would.
"""

from __future__ import annotations

import difflib
import re
import secrets
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from .cluster import PENDING_RETENTION
from .config import Settings
from .digest.render import calendar_key
from .errors import AggregatorError
from .mailer import send_one
from .models import EMAIL, LANGUAGES, SOURCE_KINDS, MergedEvent, Source
from .contacts import Subscriber, SubscriberStatus
from .published import built_at
from .render import slugify
from .districts import district
from .selection import Offer, named_kind
from .store import Store

MAX_FILTERS = 20
CALENDAR_KEY = re.compile(r"[0-9a-f]{32}")
CALENDAR_KEYS_TTL = 300.0
"""Seconds the calendar keys of every subscriber are kept: a calendar app polls each few
hours, 10,000 subscribers' keys take a table read and 10,000 hashes to compute."""
CALENDAR_KEYS_RETRY = 10.0
"""An unknown key reads them again (a subscriber who just confirmed), at most this often:
random keys asked in a loop must not cost a table read each."""


class SubscriberError(AggregatorError):
    """A sign-up value is invalid, or no subscriber matches; ``field`` names the form field."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"subscriber: {field}: {message}")
        self.field = field
        self.reason = message


CONFIRM_MAIL = {
    "fr": ("Confirmez votre abonnement à l’agenda hebdomadaire",
           "Bonjour,\n\nQuelqu’un (vous, sans doute) a demandé à recevoir chaque semaine "
           "l’agenda du numérique de la région à l’adresse {email}.\n\n"
           "Pour confirmer, ouvrez ce lien puis cliquez sur « Confirmer mon abonnement » :\n"
           "{link}\n\n"
           "Si vous n’avez rien demandé, ignorez ce message : vous ne recevrez rien.\n"),
    "en": ("Confirm your subscription to the weekly agenda",
           "Hello,\n\nSomeone (you, probably) asked for the region's weekly digital agenda "
           "to be sent to {email}.\n\nTo confirm, open this link and press \"Confirm my "
           "subscription\":\n"
           "{link}\n\nIf you did not ask, ignore this message: you will get nothing.\n"),
    "de": ("Bestätigen Sie Ihr Abonnement der Wochenagenda",
           "Hallo,\n\njemand (vermutlich Sie) hat die wöchentliche Digital-Agenda der Region "
           "für {email} bestellt.\n\nZum Bestätigen öffnen Sie diesen Link und klicken Sie "
           "auf „Abonnement bestätigen“:\n{link}\n\nWenn Sie nichts bestellt haben, "
           "ignorieren Sie diese Nachricht: Sie erhalten nichts.\n"),
}

ALREADY_MAIL = {
    "fr": ("Votre abonnement à l’agenda hebdomadaire",
           "Bonjour,\n\nQuelqu’un (vous, sans doute) a demandé à recevoir l’agenda du "
           "numérique de la région à l’adresse {email}, qui le reçoit déjà chaque semaine.\n\n"
           "Pour changer vos villes, thèmes, organisations ou votre langue :\n{preferences}\n\n"
           "Pour ne plus le recevoir :\n{unsubscribe}\n\n"
           "Si vous n’avez rien demandé, ignorez ce message : rien ne change.\n"),
    "en": ("Your subscription to the weekly agenda",
           "Hello,\n\nSomeone (you, probably) asked for the region's weekly digital agenda "
           "to be sent to {email}, which already gets it every week.\n\n"
           "To change your cities, topics, organisations or language:\n{preferences}\n\n"
           "To stop getting it:\n{unsubscribe}\n\n"
           "If you did not ask, ignore this message: nothing changes.\n"),
    "de": ("Ihr Abonnement der Wochenagenda",
           "Hallo,\n\njemand (vermutlich Sie) hat die wöchentliche Digital-Agenda der Region "
           "für {email} bestellt; diese Adresse erhält sie bereits jede Woche.\n\n"
           "Städte, Themen, Organisationen oder Sprache ändern:\n{preferences}\n\n"
           "Abbestellen:\n{unsubscribe}\n\n"
           "Wenn Sie nichts bestellt haben, ignorieren Sie diese Nachricht: nichts ändert "
           "sich.\n"),
}
"""To an address already confirmed that signs up again: the reader who lost the link to its
preferences gets it (no digest is at hand in a new mailbox app), and the form answers the same,
and as slowly, as for a new address: it tells no stranger who is subscribed."""


class SubscribersMixin:
    """Methods of Aggregator behind `subscribers ...` and the /subscribe pages."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]
    _calendar_keys: tuple[float, dict[str, str]] | None = None
    """(when read, calendar key -> token) of every subscriber."""

    def add_subscriber(
        self, email: str, *, language: str = "fr", cities: Sequence[str] = (),
        kinds: Sequence[str] = (), tags: Sequence[str] = (), sources: Sequence[str] = (),
        confirmed: bool = False, remind: bool = False, consent_notice: str | None = None,
    ) -> tuple[Subscriber, str | None]:
        """Sign an address up; unless ``confirmed`` (an operator's import of people who
        already consented) it stays pending and gets the confirmation email.
        ``consent_notice`` is what the form told the visitor, kept as proof of its consent.

        Returns the subscriber and any mail problem (the sign-up is stored either way).
        An address already confirmed keeps its state and filters (the form must not let a
        stranger change them); with ``remind`` (the web form) it is emailed the links to its
        preferences and to unsubscribe (:data:`ALREADY_MAIL`).
        One suspended after bounces gets the confirmation link like a new one: its reader,
        the mailbox mended, signed up again and got neither a link nor a digest, ever.

        Raises:
            SubscriberError: the address, language or a filter is invalid.
        """
        address = _address(email)
        values = _preferences(language, cities, kinds, tags, sources, self._source_ids(),
                              self.current_sources())
        existing = self.store.subscriber(email=address)
        if existing is not None and existing.status == "confirmed" and not confirmed:
            return existing, self._send_links(existing) if remind else None
        status: SubscriberStatus = "confirmed" if confirmed else "pending"
        if existing is None:
            subscriber = self.store.insert_subscriber(
                address, values["language"], values["cities"], values["kinds"],
                values["tags"], status, secrets.token_urlsafe(24), self.clock(),
                values["sources"], consent_notice)
        else:  # a new request: the 30 days before an unconfirmed sign-up is forgotten restart
            extra: dict[str, Any] = ({"confirmed_at": self.clock(), "hard_bounces": 0}
                                     if confirmed else {"created_at": self.clock()})
            if consent_notice is not None:  # what this request was told: created_at's words
                extra["consent_notice"] = consent_notice
            self.store.update_subscriber(existing.id, status=status,
                                         changed_at=self._changed_now(existing), **values,
                                         **extra)
            subscriber = self.store.subscriber(email=address)  # type: ignore[assignment]
        if confirmed:
            return subscriber, None
        return subscriber, self._send_confirmation(subscriber)

    def _source_ids(self) -> frozenset[str]:
        """The organisations a subscriber may follow: those published now."""
        return frozenset(source.id for source in self.current_sources())

    def current_sources(self) -> tuple[Source, ...]:
        raise NotImplementedError  # provided by Aggregator

    def subscriber_by_calendar_key(self, key: str) -> Subscriber:
        """The confirmed subscriber whose personal calendar address holds ``key``.

        Raises:
            SubscriberError: no confirmed subscriber has this calendar (unknown, or since
                unsubscribed or removed).
        """
        if CALENDAR_KEY.fullmatch(key):
            now = time.monotonic()
            cached = self._calendar_keys
            if cached is None or now - cached[0] > CALENDAR_KEYS_TTL or (
                    key not in cached[1] and now - cached[0] > CALENDAR_KEYS_RETRY):
                keys = {calendar_key(s.token): s.token for s in self.store.subscribers()}
                cached = self._calendar_keys = (now, keys)
            token = cached[1].get(key)
            if token is not None:
                subscriber = self.store.subscriber(token=token)
                if subscriber is not None and subscriber.status == "confirmed":
                    return subscriber
        raise SubscriberError("calendar", "this calendar address is not valid (any more)")

    def subscriber_by_token(self, token: str) -> Subscriber:
        """Raises SubscriberError when the link is unknown (mistyped, or the address removed),
        or a sign-up's never confirmed in 30 days: without `aggregator run`, whose
        housekeeping deletes it, a stale link confirmed months after, as long as it lived."""
        found = self.store.subscriber(token=token) if 8 <= len(token) <= 64 else None
        if found is not None and found.status == "pending" and (
                found.created_at < self.clock() - PENDING_RETENTION):
            found = None
        if found is None:
            raise SubscriberError("token", "this link is not valid (any more)")
        return found

    def subscriber_data(self, token: str | None = None, *, email: str = "") -> dict[str, Any]:
        """All that is kept about a subscriber, as its own copy (GDPR articles 15 and 20, as
        listmonk's "export your data"): its address, choices, state and delivery history, and
        what it consented to, when (article 7(1)); not its secret, which a downloaded file
        would spread beyond its mailbox. By ``email``: the operator's copy (`subscribers show`).

        Raises:
            SubscriberError: the link is not valid (any more), or no such subscriber.
        """
        subscriber = (self.subscriber_by_token(token) if token is not None
                      else self.store.subscriber(email=_address(email)))
        if subscriber is None:
            raise SubscriberError("email", f"{email.strip()} is not subscribed")
        when = {name: moment.isoformat() if moment else None for name, moment in (
            ("created_at", subscriber.created_at), ("confirmed_at", subscriber.confirmed_at),
            ("changed_at", subscriber.changed_at))}
        return {"email": subscriber.email, "language": subscriber.language,
                "status": subscriber.status, "cities": list(subscriber.cities),
                "kinds": list(subscriber.kinds), "tags": list(subscriber.tags),
                "sources": list(subscriber.sources), **when,
                "consent_notice": subscriber.consent_notice,
                "hard_bounces": subscriber.hard_bounces, "last_error": subscriber.last_error,
                "deliveries": [{"week": d.week, "state": d.state, "attempts": d.attempts,
                                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                                "last_error": d.last_error}
                               for d in self.store.deliveries_of(subscriber.id)]}

    def confirm_subscriber(self, token: str) -> Subscriber:
        """Confirm a pending sign-up (or resubscribe after an unsubscribe); idempotent."""
        subscriber = self.subscriber_by_token(token)
        if subscriber.status != "confirmed":
            self.store.update_subscriber(subscriber.id, status="confirmed",
                                         confirmed_at=self.clock(), hard_bounces=0)
        return self.subscriber_by_token(token)

    def update_preferences(
        self, token: str, *, language: str, cities: Sequence[str] = (),
        kinds: Sequence[str] = (), tags: Sequence[str] = (), sources: Sequence[str] = (),
    ) -> Subscriber:
        """Change what the digest holds and its language.

        Raises:
            SubscriberError: unknown token or invalid value.
        """
        subscriber = self.subscriber_by_token(token)
        known = self._source_ids()
        values = _preferences(language, cities, kinds, tags, sources, known,
                              self.current_sources())
        # An organisation switched off or out of sources.yaml for now is not on the form: the
        # follow stays for when it comes back, where saving the language dropped it for good.
        values["sources"] += [s for s in subscriber.sources if s not in known]
        self.store.update_subscriber(subscriber.id, changed_at=self._changed_now(subscriber),
                                     **values)
        return self.subscriber_by_token(token)

    def _changed_now(self, subscriber: Subscriber) -> datetime:
        """When a change of its choices dates the subscriber's own calendar (Last-Modified):
        now, yet a second after any date that calendar was served with (the build's, a former
        change's), so that a client revalidating by date, to the second, sees every change."""
        built = built_at(self.settings.output_dir)
        served = [when.replace(microsecond=0) for when in (
            built, subscriber.changed_at, subscriber.confirmed_at) if when is not None]
        after = max(served) + timedelta(seconds=1) if served else None
        now = self.clock()
        return after if after is not None and after > now else now

    def unsubscribe(self, token: str) -> Subscriber:
        """Stop the digests (RFC 8058 one-click lands here); the address is kept so a
        resubscription needs no new confirmation email and so the ledger stays readable, until
        housekeeping finds the ledger holds none of its digests any more (400 days)."""
        subscriber = self.subscriber_by_token(token)
        self.store.update_subscriber(subscriber.id, status="unsubscribed")
        return self.subscriber_by_token(token)

    def subscribers(self) -> list[Subscriber]:
        return self.store.subscribers()

    def forget_subscriber(self, token: str) -> None:
        """The subscriber's own erasure from its unsubscribe page: its address, choices and
        delivery history are deleted, as :meth:`remove_subscriber` does for the operator.

        Raises:
            SubscriberError: the link is not valid (any more).
        """
        self.store.delete_subscriber(self.subscriber_by_token(token).email)

    def remove_subscriber(self, email: str) -> None:
        """Forget an address entirely (a data-protection erasure request).

        Raises:
            SubscriberError: no such subscriber.
        """
        if not self.store.delete_subscriber(_address(email)):
            raise SubscriberError("email", f"{email.strip()} is not subscribed")

    def _send_confirmation(self, subscriber: Subscriber) -> str | None:
        return self._send(subscriber, CONFIRM_MAIL,
                          link=f"{self.settings.base_url}/confirm/{subscriber.token}")

    def _send_links(self, subscriber: Subscriber) -> str | None:
        base = self.settings.base_url
        return self._send(subscriber, ALREADY_MAIL,
                          preferences=f"{base}/preferences/{subscriber.token}",
                          unsubscribe=f"{base}/unsubscribe/{subscriber.token}")

    def _send(self, subscriber: Subscriber, templates: dict[str, tuple[str, str]],
              **links: str) -> str | None:
        subject, body = templates.get(subscriber.language, templates["fr"])
        message = EmailMessage()
        message["From"] = self.settings.smtp.mail_from
        message["To"] = subscriber.email
        message["Subject"] = subject
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation answer to it
        message.set_content(body.format(email=subscriber.email, **links))
        message["Content-Language"] = subscriber.language  # after: set_content drops it
        return send_one(self.settings, message)


def _address(email: str) -> str:
    address = email.strip().lower()
    # ASCII only: an internationalised address needs SMTPUTF8 end to end, which we do not use.
    if len(address) > 254 or not address.isascii() or not EMAIL.match(address):
        raise SubscriberError("email", f"{email.strip()[:80]!r} is not an email address")
    return address


def _preferences(
    language: str, cities: Sequence[str], kinds: Sequence[str], tags: Sequence[str],
    sources: Sequence[str], known_sources: frozenset[str], organisations: Sequence[Source] = (),
) -> dict[str, Any]:
    """The preferences as stored, the digest comparing them with the ``organisations``' as
    slugs: a city named in another of the region's languages as they name it ("Luxemburg":
    Luxembourg), a topic named in any language as the one of theirs it names ("KI": ai), as
    the web forms read them (:class:`.selection.Offer`, the one reading of both). Typed so
    on the command line, they were stored as typed, and the digest held nothing each week.

    Raises:
        SubscriberError: an unknown language, kind or organisation, or too many filters.
    """
    if language not in LANGUAGES:
        raise SubscriberError("language", f"must be one of {', '.join(LANGUAGES)}")
    offer = Offer.of({source.city for source in organisations},
                     {tag for source in organisations for tag in source.tags})
    clean_cities = _unique(offer.city(" ".join(c.split())[:100]) for c in cities)
    clean_kinds = _unique(named_kind(k) or k.strip().lower() for k in kinds)
    for kind in clean_kinds:
        if kind not in SOURCE_KINDS:
            raise SubscriberError("kinds", f"{kind!r} is not one of {', '.join(SOURCE_KINDS)}")
    clean_tags = _unique(slugify(offer.tag(t.strip())) for t in tags)
    clean_sources = _unique(s.strip() for s in sources)
    for source_id in clean_sources:
        if source_id not in known_sources:
            raise SubscriberError("sources", f"no organisation {source_id[:100]!r}")
    for name, values in (("cities", clean_cities), ("kinds", clean_kinds), ("tags", clean_tags),
                         ("sources", clean_sources)):
        if len(values) > MAX_FILTERS:
            raise SubscriberError(name, f"at most {MAX_FILTERS}")
    return {"language": language, "cities": clean_cities, "kinds": clean_kinds,
            "tags": clean_tags, "sources": clean_sources}


def unmatched_filters(subscriber: Subscriber, sources: Sequence[Source],
                      events: Callable[[], Sequence[MergedEvent]] = tuple) -> list[str]:
    """What no organisation of ``sources`` gives among the subscriber's cities and topics,
    each with the nearest one (a typo: "Mets" followed nothing, and its digest said
    "nothing planned" every week). Compared as the digest compares them, as slugs. A city
    that names a district (:func:`.districts.district`) is followed where the table knows
    it (Kirchberg) or some of the published ``events``' places name it (Gasperich), asked
    for then."""
    cities = {slugify(s.city): s.city for s in sources}
    topics = {slugify(t): slugify(t) for s in sources for t in s.tags}
    said = []
    for wanted, known, missing in ((subscriber.cities, cities, "is in"),
                                   (subscriber.tags, topics, "has the topic")):
        for value in wanted:
            if slugify(value) in known or (known is cities and _followed_place(value, events)):
                continue  # a district (Belval) is followed at its venues and named places
            near = difflib.get_close_matches(slugify(value), list(known), n=1, cutoff=0.6)
            hint = (f": did you mean {known[near[0]]}?" if near else
                    f" ({'cities' if known is cities else 'topics'}: "
                    f"{', '.join(known.values()) or 'none yet'})")
            said.append(f"no organisation {missing} {value}{hint}")
    return said


def _followed_place(city: str, events: Callable[[], Sequence[MergedEvent]]) -> bool:
    near = district(city)
    return near is not None and (near.known or any(
        near.holds(event.location, event.city) for event in events()))


def _unique(values: object) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))  # type: ignore[attr-defined]
