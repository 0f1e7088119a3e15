"""The people the site writes to, as records: an organisation's registration (its contact),
a digest subscriber, one week's digest delivery to one, and a message ready for the relay.

Plain data, as :mod:`aggregator.models` (which keeps the feeds' records); apart from it so that
each stays a size one reads at a sitting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .models import Source


RegistrationStatus = Literal["pending", "approved", "rejected", "withdrawn"]


@dataclass(frozen=True, slots=True)
class Registration:
    """An organisation registered through the web form; published only once approved."""

    id: int
    source: Source
    status: RegistrationStatus
    created_at: datetime
    decided_at: datetime | None = None
    note: str = ""
    """The operator's reason for a rejection, shown to nobody but the operator and contact."""
    token: str = ""
    """The secret of the contact's link to manage the registration (/manage/TOKEN)."""
    changed_at: datetime | None = None
    """When the contact last changed it through that link."""
    reminded_at: datetime | None = None  # the operator, of it still undecided


SubscriberStatus = Literal["pending", "confirmed", "suspended", "unsubscribed"]


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Someone who asked for the weekly digest (issue 5); only ``confirmed`` ones get it.

    Empty ``cities``/``kinds``/``tags``/``sources`` mean everything. ``token`` is the secret
    in their confirm, preferences and unsubscribe links.
    """

    id: int
    email: str
    language: str
    status: SubscriberStatus
    token: str
    created_at: datetime
    cities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    confirmed_at: datetime | None = None
    hard_bounces: int = 0
    last_error: str | None = None
    sources: tuple[str, ...] = ()
    """Organisations followed (source ids): their events and news only."""
    changed_at: datetime | None = None
    """When its preferences last changed: its own calendar changed then, not at a build."""
    consent_notice: str | None = None
    """The privacy notice its sign-up form showed, as read (GDPR art. 7(1)); None: not kept."""


DeliveryState = Literal["sending", "sent", "retry", "failed"]


@dataclass(frozen=True, slots=True)
class DigestDelivery:
    """One row of the digest ledger: a subscriber's digest of one ISO week and its fate."""

    subscriber_id: int
    week: str
    state: DeliveryState
    attempts: int
    email: str = ""
    sent_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A message already serialised for SMTP (CRLF lines): what bulk senders hand the mailer,
    so 10,000 digests are not flattened by the email package one line at a time."""

    sender: str
    recipient: str
    data: bytes
    message_id: str = ""
    eight_bit: bool = False
    """The body has 8bit parts: sent with BODY=8BITMIME (RFC 6152) where the relay offers it."""
