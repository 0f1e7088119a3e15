"""PURE: the weekly digest email: what goes in, how it reads, the message (issue 5).

``select`` picks a week's events (14 days, recurring series expanded) and news (7 days,
grouped by organisation) for a subscriber's filters; ``labels`` holds every word in fr/en/de
and the Babel date patterns; ``render`` turns a selection into subject + HTML + text;
``message`` wraps that into the multipart email with the unsubscribe headers. Sending and the
once-per-week ledger are I/O and live in ``aggregator.digests`` and ``aggregator.mailer``.
"""

from __future__ import annotations

from .message import digest_message
from .render import RenderedDigest, render_digest, subject_line
from .select import (
    DigestContent, Filters, far_week, follows, parse_week, select_digest, week_occurrences, week_of,
)

__all__ = ["DigestContent", "Filters", "RenderedDigest", "digest_message", "far_week", "follows",
           "parse_week", "render_digest", "select_digest", "subject_line", "week_occurrences",
           "week_of"]
