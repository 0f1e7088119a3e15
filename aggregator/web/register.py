"""/register: an organisation submits its feeds, sees what we read in them, then waits.

"Preview" fetches every URL live through ``Aggregator.check_feed`` (the same guarded fetcher
as refreshes: size cap, timeouts, no private addresses) and shows the format, the counts and
the next three events, or the one-line reason the feed cannot be read. "Submit" checks the
fields, reads the feeds the same way (a feed that cannot be read sends the form back with its
reason, recording nothing), then stores the source PENDING (``Aggregator.register_source``)
and emails the contact. Both are rate limited
per IP, CSRF-checked, and a filled honeypot gets a thank-you page and nothing else.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Collection
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from ..core import Aggregator, RegistrationError
from ..cpulimit import OverBudget, cpu_budget
from ..dedup import unmerged
from ..errors import FeedError, PrivateAddressError
from ..models import LANGUAGES, FeedRef, ParsedFeed, feed_address
from ..reasons import reason_in, reasons_in
from ..render.agenda import upcoming
from ..render.times import iso
from ..topics import offered_topics, topic
from . import i18n
from .rootpath import local
from .security import CSRF_FIELD, HONEYPOT_FIELD, RateLimiter, check_csrf, client_ip
from .views import aggregator_of, Page, kinds, language, render

router = APIRouter(include_in_schema=False)
FIELDS = ("name", "kind", "city", "country", "language", "website", "contact", "tags", "feeds")
FORMATS = {"ical": "iCalendar", "rss": "RSS", "atom": "Atom", "jsonfeed": "JSON Feed",
           "jsonld": "schema.org JSON-LD"}
MAX_URLS = 10
PREVIEWS_AT_ONCE = 4
"""Forms whose feeds are read at once, over every visitor: each read holds one of the server's
threads (40 in all) until the sites answer, 30 s for a slow one, and 45 previews of a slow
address sent from as many addresses (which no per-address budget sees) held every thread:
the whole site waited for them."""
SLOT_WAIT = 20.0
"""Seconds a form waits, threadless, for one of those reads before being told to come back."""
PREVIEW_PARSE_SECONDS = 10.0
"""Processor time a form's feed may take to parse, and again to find its next dates (a
refresh's parse may take a minute): a real feed takes well under a second, 20,000 events 4 s
in a server thread, while a 10 MB body of ``<a `` held one of the few reads, in the web
server's own process, for the whole minute."""


def default_limits() -> dict[str, RateLimiter]:
    """Per-IP budgets (and one per mailbox): a person registers once and previews a handful of times; sign-ups
    send email, so a burst from one address is a script."""
    return {
        "register": RateLimiter(5, 3600.0),
        "preview": RateLimiter(30, 600.0),
        "subscribe": RateLimiter(5, 3600.0),
        "login": RateLimiter(10, 600.0),
        "manage": RateLimiter(20, 3600.0),
        # Per recipient, whoever asks: from a new address each time (a botnet, an IPv6
        # block), the sign-up and lost-link forms mailed a mailbox once a request.
        "mailbox": RateLimiter(3, 3600.0),
    }


def limit(request: Request, name: str) -> None:
    """Raises HTTPException 429 when this client spent its budget for ``name``, saying (and
    its Retry-After) how long until it may try again."""
    refused = over_budget(request, name)
    if refused is not None:
        raise refused


def over_budget(request: Request, name: str) -> HTTPException | None:
    """The 429 of :func:`limit`, returned (None: one more try counted) for a form to send
    back as typed (:func:`sent_back`): a spent budget must not lose what was typed."""
    limiter: RateLimiter = request.app.state.limits[name]
    return None if limiter.allow(client_ip(request)) else too_many(request, limiter)


def sent_back(form: HTMLResponse, refused: HTTPException) -> HTMLResponse:
    """The form as typed, answered 429 (``form``'s status), with when to try again."""
    form.headers.update(refused.headers or {})
    return form


def too_many(request: Request, limiter: RateLimiter) -> HTTPException:
    seconds = max(1, math.ceil(limiter.wait(client_ip(request))))
    minutes = max(1, math.ceil(seconds / 60))
    return HTTPException(status_code=429, detail=Page(language(request), "/", {}).t(
        "too_many", minutes=minutes), headers={"Retry-After": str(seconds)})


async def checked_form(request: Request) -> FormData:
    """The POSTed form once its CSRF token matched (403 otherwise)."""
    form, genuine = await posted_form(request)
    if not genuine:
        check_csrf(request, None)
    return form


async def posted_form(request: Request) -> tuple[FormData, bool]:
    """The POSTed form and whether its CSRF token matched: a form long to type is sent back
    as typed when it did not (the browser dropped its cookie), never acted on."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    try:
        check_csrf(request, token if isinstance(token, str) else None)
    except HTTPException:
        return form, False
    return form, True


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip()[:4000] if isinstance(value, str) else default


def form_page(request: Request, values: dict[str, str], **extra: Any) -> HTMLResponse:
    """The registration form (also the contact's /manage page: ``extra`` names its action,
    heading, status and button)."""
    page = Page(language(request), "/register", {})
    tags = offered_topics(aggregator_of(request).current_sources())
    topics = sorted((topic(tag, page.lang) for tag in tags), key=i18n.alphabetical)
    return render(request, "register.html", values=values, kinds=kinds(page), topics=topics,
                  languages=[(code, i18n.NAMES[code]) for code in LANGUAGES], **extra)


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request) -> Response:
    blank = dict.fromkeys(FIELDS, "") | {"country": "FR", "language": language(request)}
    return form_page(request, blank)


@router.post("/register", response_class=HTMLResponse)
async def register_post(request: Request) -> Response:
    form, genuine = await posted_form(request)
    values, urls = submitted(form)
    page = Page(language(request), "/register", {})
    if not genuine:  # as typed, with a token that works: nothing recorded
        return form_page(request, values, status_code=403, failure=page.t("form_expired"))
    if text(form, HONEYPOT_FIELD):
        return render(request, "message.html", heading=page.t("register"),
                      message=page.t("thanks"), error=False, link=local(request, "/"),
                      link_text=page.t("agenda"))
    action = "preview" if text(form, "action") == "preview" else "register"
    refused = over_budget(request, action)
    if refused is not None:  # the form again, as typed, saying how long
        return sent_back(form_page(request, values, status_code=429, failure=refused.detail),
                         refused)
    if action == "preview":
        if not urls:
            return form_page(request, values, **no_feeds(page))
        try:
            previews = await read_feeds(request, urls, page.lang)
        except HTTPException as busy:
            return sent_back(form_page(request, values, status_code=429, failure=busy.detail),
                             busy)
        return form_page(request, values, previews=previews)
    budget: RateLimiter = request.app.state.limits["register"]
    aggregator = aggregator_of(request)
    try:
        aggregator.check_registration(**source_fields(values, urls))
        previews = await read_new_feeds(request, urls)
        if unreadable(previews):
            budget.refund(client_ip(request))
            return form_page(request, values, status_code=422, previews=previews, failure=page.t(
                "feeds_unreadable", n=unreadable(previews)), error_field="feeds")
        _, mail_problem = await run_in_threadpool(
            lambda: aggregator.register_source(**source_fields(values, urls)))
    except RegistrationError as error:  # a typo costs no registration: five of them locked
        budget.refund(client_ip(request))  # the organiser out for an hour
        return form_page(request, values, error=page.reason(error.reason),
                         error_field=error.field)
    except HTTPException as spent:  # the previews' budget, which reading the feeds spends
        budget.refund(client_ip(request))
        return sent_back(form_page(request, values, status_code=429, failure=spent.detail),
                         spent)
    # The same answer when the contact had registered these feeds already (it is emailed
    # its link instead): the page must not tell a stranger who is whose contact.
    message = page.t("thanks") + (f" {page.t('mail_failed')}" if mail_problem else "")
    return render(request, "message.html", heading=values["name"], message=message,
                  error=False, link=local(request, "/sources"), link_text=page.t("sources"))


def no_feeds(page: Page) -> dict[str, str]:
    """What a preview of no address says, on the addresses' field."""
    return {"error": page.reason("give at least one feed or events page URL"),
            "error_field": "feeds"}


def submitted(form: FormData) -> tuple[dict[str, str], list[str]]:
    """The registration form's fields as typed, and its feed addresses (one per line): one
    more than allowed is kept, so that the form is refused ("at most 10"), not cut."""
    values = {name: text(form, name) for name in FIELDS}
    urls = [with_scheme(line.strip()) for line in values["feeds"].splitlines()
            if line.strip()][:MAX_URLS + 1]
    return values, urls


BARE_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?"
                       r"|\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?", re.IGNORECASE)


def with_scheme(url: str) -> str:
    """An address typed as people say it ("www.fablab.fr/agenda.ics"), as a browser's
    address bar reads it: over https://. Anything else is left as typed, for the preview
    or the form to say what is wrong with it."""
    host = re.split(r"[/?#]", url, maxsplit=1)[0]
    return f"https://{url}" if "://" not in url and BARE_HOST.fullmatch(host) else url


def source_fields(values: dict[str, str], urls: list[str]) -> dict[str, Any]:
    """What ``register_source`` and ``update_registration`` take from the form."""
    return {"name": values["name"], "kind": values["kind"], "city": values["city"],
            "website": values["website"], "contact": values["contact"],
            "feeds": [FeedRef(url) for url in urls], "country": values["country"] or "FR",
            "language": values["language"] or "fr", "tags": values["tags"].split(",")}


async def read_new_feeds(request: Request, urls: list[str],
                         known: Collection[str] = ()) -> list[dict[str, Any]]:
    """The previews of the feeds a sent form adds (those not in ``known``): a feed that
    cannot be read is refused before the operator approves it and the organiser waits for
    events that never come. Reading feeds is a preview's work, so it spends a preview."""
    new = [url for url in urls if feed_address(url) not in {feed_address(k) for k in known}]
    if not new:
        return []
    limit(request, "preview")
    return await read_feeds(request, new, Page(language(request), "/register", {}).lang)


async def read_feeds(request: Request, urls: list[str], lang: str) -> list[dict[str, Any]]:
    """:func:`previews_of` in a server thread once one of the :data:`PREVIEWS_AT_ONCE` reads
    is free (waiting holds no thread).

    Raises:
        HTTPException: 429, no read came free within :data:`SLOT_WAIT` seconds.
    """
    slots: asyncio.Semaphore = request.app.state.previews
    try:
        await asyncio.wait_for(slots.acquire(), SLOT_WAIT)
    except TimeoutError:
        raise HTTPException(status_code=429, headers={"Retry-After": "60"}, detail=Page(
            language(request), "/", {}).t("too_many", minutes=1)) from None
    try:
        return await run_in_threadpool(previews_of, aggregator_of(request), urls, lang)
    finally:
        slots.release()


def unreadable(previews: list[dict[str, Any]]) -> int:
    return sum(1 for preview in previews if not preview["ok"])


def previews_of(aggregator: Aggregator, urls: list[str], lang: str) -> list[dict[str, Any]]:
    """The feeds read at once: one after the other, ten slow sites held the form 5 minutes."""
    addresses = [feed_address(url) for url in urls]
    checked = aggregator.check_feeds(addresses, PREVIEW_PARSE_SECONDS)
    return [_preview(aggregator, url, one, lang)
            for url, one in zip(addresses, checked, strict=True)]


def _preview(aggregator: Aggregator, url: str, parsed: ParsedFeed | FeedError,
             lang: str) -> dict[str, Any]:
    """What one URL holds, or why it cannot be read."""
    page = Page(lang, "/register", {})
    if isinstance(parsed, PrivateAddressError):  # its reason maps our inside network
        return {"url": url, "ok": False, "reason": page.t("not_public")}
    if isinstance(parsed, FeedError):
        return {"url": url, "ok": False, "reason": reason_in(parsed.reason, lang)}
    summary = page.t("found", format=FORMATS.get(parsed.format, parsed.format),
                     events=page.count("n_events", len(parsed.events)),
                     items=page.count("n_items", len(parsed.items)))
    return {"url": url, "ok": True, "summary": summary, "title": parsed.title,
            "next": _next_events(parsed, aggregator.clock(), aggregator.settings.timezone, lang),
            "warnings": reasons_in(parsed.warnings[:5], lang),
            "warning_count": page.count("n_warnings_short", len(parsed.warnings))
            if parsed.warnings else ""}


def _next_events(parsed: ParsedFeed, now: datetime, timezone: str,
                 lang: str) -> list[tuple[str, str, str]]:
    """(when, when for machines, title) of the feed's next three dates as the agenda would show them: a weekly
    series that began months ago is on at its coming dates, an occurrence it moved at its
    new time."""
    zone = ZoneInfo(timezone)
    try:  # held to the parse's budget: 300 daily series since 1600 that fall only on a
        with cpu_budget(PREVIEW_PARSE_SECONDS):  # Monday 29 February took 80 s to walk
            coming = upcoming(unmerged(parsed.events), now=now, zone=zone, limit=3)
    except OverBudget:  # the feed is still found, without its next dates
        return []
    return [(i18n.moment(o.start, zone, lang), iso(o.start) or "", o.title) for o in coming]
