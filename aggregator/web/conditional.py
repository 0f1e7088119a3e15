"""Conditional GET for calendars and feeds: ETag, Last-Modified and 304 answers.

Why: calendar clients and feed readers poll every few minutes to hours; a 304 costs a few
bytes where calendar.ics can weigh megabytes. RFC 9110 §13.2.2: If-None-Match wins, and
If-Modified-Since counts only without it. The ETag is a hash of the bytes, so every node
serving the same build answers with the same tag.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response

from .qvalues import weighted

CALENDAR = "text/calendar; charset=utf-8"
JSON = "application/json; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
GZIP_MIN_BYTES = 1024
ANY_ORIGIN = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}
"""CORS: the open data may be read by any site's scripts (no credentials go with ``*``),
its ETag too (a script revalidating with ``If-None-Match`` could not read it)."""
MAX_AGE = 300
"""Seconds clients may reuse an answer without asking: builds run at most every 15 minutes."""


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def gzipped(body: bytes) -> bytes | None:
    """The gzip form of an output file, made once per build (None when not worth it).

    Calendar clients and feed readers send ``Accept-Encoding: gzip``; calendar.ics shrinks
    about ten times. ``mtime=0`` keeps the bytes, hence the ETag, the same on every node."""
    if len(body) < GZIP_MIN_BYTES:
        return None
    return gzip.compress(body, compresslevel=6, mtime=0)


def conditional(
    request: Request, body: bytes, media_type: str, modified: datetime | None,
    *, etag: str | None = None, compressed: bytes | None = None, private: bool = False,
) -> Response:
    """The body, or a 304 when the client already holds it, as a Response (see :func:`answer`)."""
    status, headers, content = answer(request.headers, body, media_type, modified,
                                      etag=etag, compressed=compressed, private=private)
    return Response(content, status_code=status, headers=headers)


def answer(
    request_headers: Mapping[str, str], body: bytes, media_type: str, modified: datetime | None,
    *, etag: str | None = None, compressed: bytes | None = None, private: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body): the body, or a 304 when the client already holds it. The
    Content-Type is always ours, whatever the client's Accept header said (Thunderbird sends
    odd ones). With ``compressed`` (:func:`gzipped` of ``body``), a client accepting gzip gets
    that, under its own ETag (RFC 9110 §8.8.3: one tag per representation). A ``private``
    answer (a subscriber's own calendar) is for the client alone, never a shared cache's:
    a proxy or CDN kept it, and served it on after the subscriber left. Any other answer is
    open data, readable by a partner site's own scripts (CORS): browsers refused them
    ``fetch("…/events.json?city=Metz")``."""
    tag = etag or etag_of(body)
    scope = "private" if private else "public"
    headers = {"ETag": tag, "Cache-Control": f"{scope}, max-age={MAX_AGE}",
               "Content-Type": media_type}
    if not private:
        headers |= ANY_ORIGIN
    if compressed is not None:
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(request_headers.get("accept-encoding", "")):
            body, headers["ETag"] = compressed, tag[:-1] + '-gz"'
            headers["Content-Encoding"] = "gzip"
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified.replace(microsecond=0), usegmt=True)
    if _fresh(request_headers, (tag, tag[:-1] + '-gz"'), modified):
        return 304, {k: v for k, v in headers.items()
                     if k not in ("Content-Type", "Content-Encoding")}, b""
    return 200, headers, body


def accepts_gzip(accept_encoding: str) -> bool:
    """``gzip`` (or ``*``) listed without ``q=0``: RFC 9110 §12.5.3."""
    weights = dict(weighted(accept_encoding.lower()))
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def _fresh(request_headers: Mapping[str, str], tags: tuple[str, ...],
           modified: datetime | None) -> bool:
    """The client holds one of ``tags`` (either encoding: the content is the same), or a copy
    at least as new as ``modified``."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        held = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in held or any(tag in held for tag in tags)
    since = request_headers.get("if-modified-since")
    if since is None or modified is None:
        return False
    try:
        return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
