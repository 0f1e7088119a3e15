"""Conditional GET for calendars and feeds: ETag, Last-Modified and 304 answers.

Why: calendar clients and feed readers poll every few minutes to hours; a 304 costs a few
bytes where calendar.ics can weigh megabytes. RFC 9110 §13.2.2: If-None-Match wins, and
If-Modified-Since counts only without it. The ETag is a hash of the bytes, so every node
serving the same build answers with the same tag.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response

CALENDAR = "text/calendar; charset=utf-8"
JSON = "application/json; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
MAX_AGE = 300
"""Seconds clients may reuse an answer without asking: builds run at most every 15 minutes."""


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def conditional(
    request: Request, body: bytes, media_type: str, modified: datetime | None,
    *, etag: str | None = None,
) -> Response:
    """The body, or a 304 when the client already holds it; the Content-Type is always ours,
    whatever the client's Accept header said (Thunderbird sends odd ones)."""
    tag = etag or etag_of(body)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={MAX_AGE}",
               "Content-Type": media_type}
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified.replace(microsecond=0), usegmt=True)
    if _fresh(request, tag, modified):
        return Response(status_code=304, headers={k: v for k, v in headers.items()
                                                  if k != "Content-Type"})
    return Response(body, headers=headers)


def _fresh(request: Request, tag: str, modified: datetime | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or tag in tags
    since = request.headers.get("if-modified-since")
    if since is None or modified is None:
        return False
    try:
        return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False
