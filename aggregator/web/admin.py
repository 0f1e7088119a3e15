"""/admin: the operator approves registrations, switches sources off, watches feed health,
and merges or splits event clusters.

Everything here refuses every request while AGGREGATOR_ADMIN_TOKEN is unset. With it, a client
authenticates with ``Authorization: Bearer TOKEN`` (scripts; no CSRF needed, a browser never
sends that header on its own) or through the login form, which sets a signed, HttpOnly,
SameSite=Strict cookie; every POST made with the cookie must carry the CSRF token.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from ..core import Aggregator, BuildReport, RegistrationError
from ..errors import CurationError
from ..contacts import Registration
from ..registration_retention import kept_until, pending_since
from ..registration_rules import taken_feeds
from ..registrations import AlreadyDecided, DecisionRefused
from ..render.agenda import by_next_date
from ..render.text import long_day
from .i18n_errors import ADMIN_LOGIN
from .register import checked_form, limit, text
from .rootpath import local
from .security import (
    ADMIN_COOKIE, ADMIN_SESSION, admin_session, bearer_given, bearer_valid, check_csrf,
    new_admin_session, sign_admin,
)
from .views import Page, aggregator_of, language, render

router = APIRouter(prefix="/admin", include_in_schema=False)
MAX_EVENTS = 300


def _token(request: Request) -> str:
    """The admin token; 403 for everything while it is unset."""
    token = aggregator_of(request).settings.admin_token
    if not token:
        raise HTTPException(status_code=403, detail="the admin pages are disabled: set "
                                                    "AGGREGATOR_ADMIN_TOKEN to enable them")
    return token


def authenticated(request: Request) -> str:
    """"bearer" or "cookie" (kept on ``request.state`` for :func:`_by_script`); 401 without
    valid credentials."""
    token = _token(request)
    if bearer_valid(token, request):
        request.state.admin_via = "bearer"
        return "bearer"
    session = admin_session(token, request.cookies.get(ADMIN_COOKIE, ""), time.time())
    if session is not None and not aggregator_of(request).admin_session_ended(session[0]):
        request.state.admin_via = "cookie"
        request.state.admin_session = session
        return "cookie"
    raise HTTPException(status_code=401, detail=ADMIN_LOGIN)


def _signed_in(request: Request) -> Response | None:
    """None when the request may see an admin page; else, for a browser (no bearer), the way
    to the login form, which leads back here: the 8 hours of a login end on a page left
    open, or a bookmark (a script's wrong bearer gets its 401)."""
    try:
        authenticated(request)
    except HTTPException as error:
        if error.status_code != 401 or bearer_given(request):
            raise
        here = request.scope["path"][len(request.scope.get("root_path", "")):]
        query = request.url.query
        login = local(request, "/admin/login")
        if here != "/admin" or query:
            login += "?" + urlencode({"next": here + (f"?{query}" if query else "")})
        return RedirectResponse(login, status_code=303)
    return None


BACK = re.compile(r"/admin(/[A-Za-z0-9_.~-]+)*(\?[A-Za-z0-9_.~%+=&:@,;-]*)?", re.ASCII)
"""The admin pages a login may lead back to: a local admin path and its query, nothing that
could send the operator to another site ("//host", "/admin\\@host")."""


async def admin_form(request: Request) -> dict[str, Any]:
    """An authenticated admin POST's form (CSRF-checked unless it came with the bearer)."""
    via = authenticated(request)
    if via == "bearer":
        form = await request.form()
    else:
        form = await checked_form(request)
    return {key: form.getlist(key) for key in form.keys()}


def _refreshed(request: Request) -> dict[str, int] | None:
    """The counts "refresh now" redirected with: numbers only, so that a crafted link cannot
    put words of its own on the admin's page."""
    try:
        return {key: int(request.query_params[key])
                for key in ("feeds", "failed", "skipped", "events")}
    except (KeyError, ValueError):
        return None


def _by_script(request: Request) -> bool:
    """Whether an authenticated request came from a script (the bearer token), which wants a
    status, not a page. Not any Authorization header: behind a proxy's basic auth (nginx
    ``auth_basic``) the browser sends ``Authorization: Basic …`` with every request."""
    return getattr(request.state, "admin_via", "") == "bearer"


def _done(request: Request, **notice: str | int) -> Response:
    """204 for a script; for the operator's browser, back to /admin saying what was done
    (``notice``: a decision and what it was on): it came back to the page unchanged but for
    the list, with no word that anything happened."""
    if _by_script(request):
        return Response(status_code=204)
    return RedirectResponse(
        local(request, "/admin") + (f"?{urlencode(notice)}" if notice else ""), status_code=303)


DECISIONS = ("approved", "rejected", "disabled", "enabled")


def _done_notice(request: Request, aggregator: Aggregator) -> dict[str, str] | None:
    """What the last decision redirected with, in words of ours only: a registration's number
    or a known source's name, so that a crafted link cannot put words on the admin's page."""
    found = [(what, request.query_params[what]) for what in DECISIONS
             if what in request.query_params]
    if not found:
        return None
    what, value = found[0]
    if what in ("approved", "rejected"):
        how = next((f"_{how}" for how in ("unsent", "again") if how in request.query_params), "")
        return {"what": what + how, "name": f"#{int(value)}"} if value.isdecimal() else None
    names = {source.id: source.name for source in aggregator.operated_sources()}
    return {"what": what, "name": names[value]} if value in names else None


def _back(value: str) -> str:
    """Where a login leads: the admin page it was asked from (``next``), or the dashboard."""
    path = value.partition("?")[0]
    return value if BACK.fullmatch(value) and "/." not in path else "/admin"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/admin") -> Response:  # noqa: A002
    _token(request)
    return render(request, "admin_login.html", back=_back(next))


@router.post("/login")
async def login(request: Request) -> Response:
    token = _token(request)
    limit(request, "login")
    form = await checked_form(request)
    back = _back(text(form, "next", "/admin"))
    if not hmac.compare_digest(text(form, "password").encode(), token.encode()):
        return render(request, "admin_login.html", status_code=401, failed=True, back=back)
    response = RedirectResponse(local(request, back), status_code=303)
    expires = int(time.time()) + ADMIN_SESSION
    response.set_cookie(ADMIN_COOKIE, sign_admin(token, expires, new_admin_session()),
                        max_age=ADMIN_SESSION,
                        httponly=True, samesite="strict", path=local(request, "/admin"),
                        secure=aggregator_of(request).settings.base_url.startswith("https://"))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Ends the session on every node, not only in this browser: a copy of its cookie is
    refused from now on."""
    await admin_form(request)
    session: tuple[str, int] | None = getattr(request.state, "admin_session", None)
    if session is not None:
        await run_in_threadpool(aggregator_of(request).end_admin_session, *session)
    response = RedirectResponse(local(request, "/admin/login"), status_code=303)
    response.delete_cookie(ADMIN_COOKIE, path=local(request, "/admin"))
    return response


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request) -> Response:
    login = _signed_in(request)
    if login is not None:  # a browser: log in
        return login
    aggregator = aggregator_of(request)
    registered = aggregator.registrations()
    disabled = aggregator.disabled_sources()
    every = aggregator.operated_sources()
    pending = sorted((r for r in registered if r.status == "pending"), key=pending_since)
    page = Page(language(request), request.url.path, {})
    earlier = [replace(r.source, name=f"{r.source.name} ({page.t('reg_' + r.status)})")
               for r in registered if r.status in ("withdrawn", "rejected")]  # sent again
    return render(request, "admin.html",
                  pending=pending, taken=taken_feeds([*every, *earlier], pending),
                  undecided=_undecided(pending, page.lang, aggregator),
                  decided=[r for r in registered if r.status != "pending"],
                  sources=every, disabled=disabled, health=aggregator.feed_health(),
                  refreshed=_refreshed(request), done=_done_notice(request, aggregator))


def _undecided(pending: Sequence[Registration], lang: str, aggregator: Aggregator
               ) -> dict[int, dict[str, str | int]]:
    """Of each pending registration, what housekeeping does if nobody decides it: the day
    it is deleted (its contact told), in how many days, and the day the operator was
    reminded of it; the operator learnt it only from the reminder's email."""
    zone, today = ZoneInfo(aggregator.settings.timezone), aggregator.clock()
    return {r.id: {"until": long_day(until, zone, lang), "days": max(0, (until - today).days),
                   "reminded": long_day(r.reminded_at, zone, lang) if r.reminded_at else ""}
            for r in pending if (until := kept_until(r))}


@router.post("/registrations/{registration_id}/{decision}")
async def decide(request: Request, registration_id: int, decision: str) -> Response:
    form = await admin_form(request)
    aggregator = aggregator_of(request)
    if decision not in ("approve", "reject"):
        raise HTTPException(status_code=404, detail="approve or reject")
    note = (form.get("note") or [""])[0]
    status = {r.id: r.status for r in aggregator.registrations()}.get(registration_id)
    target = {"approve": "approved", "reject": "rejected"}[decision]
    if status == target:  # a double click, a script run twice: done, nobody emailed again
        return _done(request, **{target: registration_id}, again=1)
    seen = (form.get("from") or ["pending"])[0]  # the state the operator's page showed
    if status is not None and (status != seen or seen not in ("pending", "rejected")
                               or (seen == "rejected" and decision != "approve")):
        raise _stale(request, registration_id, status)  # a page left open while decided
    try:
        if decision == "approve":
            problem = await run_in_threadpool(aggregator.approve_registration, registration_id)
        else:
            problem = await run_in_threadpool(aggregator.reject_registration, registration_id,
                                              str(note))
    except AlreadyDecided:  # by another node or a terminal just now, the same way
        return _done(request, **{target: registration_id}, again=1)
    except DecisionRefused as refused:  # decided on another node or at a terminal just now
        raise _stale(request, registration_id, refused.status) from None
    except RegistrationError as error:
        raise HTTPException(status_code=404, detail=error.reason) from None
    unsent = {"unsent": 1} if problem else {}  # the operator must tell the contact
    return _done(request, **{target: registration_id}, **unsent)


def _stale(request: Request, registration_id: int, status: str) -> HTTPException:
    """409: the registration is no longer pending (the page was left open), in words for
    the operator's browser."""
    page = Page(language(request), request.url.path, {})
    return HTTPException(status_code=409, detail=page.t(
        "adm_stale", id=registration_id, status=page.t(f"reg_{status}")))


@router.get("/sources/{source_id}/disable", response_class=HTMLResponse)
def disable_asked(request: Request, source_id: str) -> Response:
    """What switching an organisation off does, and the button that does it: a click in the
    sources table sent its coming events out CANCELLED to every subscribed calendar."""
    login = _signed_in(request)
    if login is not None:
        return login
    aggregator = aggregator_of(request)
    source = {s.id: s for s in aggregator.operated_sources()}.get(source_id)
    if source is None:
        raise HTTPException(status_code=404, detail=f"no source {source_id!r}")
    coming = by_next_date(aggregator.published().posted_by(source_id), now=aggregator.clock(),
                          zone=ZoneInfo(aggregator.settings.timezone))
    return render(request, "admin_disable.html", source=source, coming=len(coming))


@router.post("/sources/{source_id}/{switch}")
async def switch_source(request: Request, source_id: str, switch: str) -> Response:
    await admin_form(request)
    if switch not in ("disable", "enable"):
        raise HTTPException(status_code=404, detail="disable or enable")
    try:
        await run_in_threadpool(aggregator_of(request).set_source_disabled, source_id,
                                switch == "disable")
    except RegistrationError as error:
        raise HTTPException(status_code=404, detail=error.reason) from None
    return _done(request, **{f"{switch}d": source_id})


@router.post("/refresh")
async def refresh_and_build(request: Request) -> Response:
    """Fetch every feed and rebuild now, instead of waiting for the schedule."""
    await admin_form(request)
    aggregator = aggregator_of(request)
    outcomes = await run_in_threadpool(aggregator.refresh)
    report = await _rebuilt(aggregator)
    if _by_script(request):
        return Response(status_code=204)
    counts = {"feeds": len(outcomes), "failed": sum(o.result == "error" for o in outcomes),
              "skipped": sum(o.result == "skipped" for o in outcomes), "events": report.events}
    return RedirectResponse(local(request, "/admin?") + urlencode(counts), status_code=303)


async def _rebuilt(aggregator: Aggregator) -> BuildReport:
    """The operator's own rebuild, once every page shows it: the new build's view is waited
    for, not answered from the previous one meanwhile (a hidden article stayed on /news for
    a second)."""
    report = await run_in_threadpool(aggregator.build_by_hand)
    await run_in_threadpool(lambda: aggregator.published(wait=True))
    return report


@router.get("/events", response_class=HTMLResponse)
def events(request: Request, q: str = "") -> Response:
    """Coming merged events with their records, to merge or split clusters: the first
    :data:`MAX_EVENTS` by their next date (a series at its coming one), not the published
    order, which starts with the past weeks' events."""
    login = _signed_in(request)
    if login is not None:
        return login
    aggregator = aggregator_of(request)
    published = aggregator.published()
    chosen = [e for e in published.events if e.status != "CANCELLED"
              and (not q or q.casefold() in e.title.casefold())]
    coming = by_next_date(chosen, now=aggregator.clock(),
                          zone=ZoneInfo(aggregator.settings.timezone))[:MAX_EVENTS]
    names = {s.id: s.name for s in aggregator.current_sources()}
    return render(request, "admin_events.html", names=names, q=q,
                  events=[(o.start, o.event) for o in coming],
                  hidden=aggregator.hidden_events())


@router.get("/events/explain", response_class=HTMLResponse)
def explain(request: Request, uid: str) -> Response:
    login = _signed_in(request)
    if login is not None:
        return login
    try:
        pairs = aggregator_of(request).explain_event(uid)
    except CurationError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return render(request, "admin_explain.html", uid=uid, pairs=pairs)


@router.post("/events/merge")
async def merge(request: Request) -> Response:
    return await _curated(request, lambda aggregator, form: aggregator.merge_events_override(
        form.get("uid", [])))


@router.post("/events/split")
async def split(request: Request) -> Response:
    return await _curated(request, lambda aggregator, form: aggregator.split_event_override(
        _first(form, "uid"), _first(form, "record")))


@router.post("/events/hide")
async def hide(request: Request) -> Response:
    """Leave an event out of every build (an internal meeting, spam), its feed kept."""
    return await _curated(request, lambda aggregator, form: aggregator.hide_event(
        _first(form, "uid")))


@router.post("/events/unhide")
async def unhide(request: Request) -> Response:
    return await _curated(request, lambda aggregator, form: aggregator.unhide_event(
        _hidden_number(form, "events")))


@router.get("/news", response_class=HTMLResponse)
def news(request: Request, q: str = "") -> Response:
    """The newest articles (or those whose title holds ``q``), to hide one: a sponsored
    post, spam in a feed that is otherwise sound."""
    login = _signed_in(request)
    if login is not None:
        return login
    aggregator = aggregator_of(request)
    wanted = q.casefold()
    chosen = [i for i in aggregator.published().items if wanted in i.title.casefold()]
    names = {s.id: s.name for s in aggregator.current_sources()}
    return render(request, "admin_news.html", names=names, q=q, items=chosen[:MAX_EVENTS],
                  hidden=aggregator.hidden_news())


@router.post("/news/hide")
async def hide_article(request: Request) -> Response:
    return await _curated(request, lambda aggregator, form: aggregator.hide_news(
        _first(form, "id")), back="/admin/news")


@router.post("/news/unhide")
async def unhide_article(request: Request) -> Response:
    return await _curated(request, lambda aggregator, form: aggregator.unhide_news(
        _hidden_number(form, "news")), back="/admin/news")


async def _curated(request: Request, decide: Callable[[Aggregator, dict[str, Any]], object],
                   back: str = "/admin/events") -> Response:
    """The operator's decision on events or articles from its form, then a build at once,
    so that the page they come back to (``back``) shows it; a decision refused is a 422
    saying why."""
    form = await admin_form(request)
    aggregator = aggregator_of(request)
    try:
        await run_in_threadpool(decide, aggregator, form)
    except CurationError as error:
        raise _refused(request, error) from None
    await _rebuilt(aggregator)
    if _by_script(request):
        return Response(status_code=204)
    return RedirectResponse(local(request, back), status_code=303)


def _refused(request: Request, error: CurationError) -> HTTPException:
    """A curation refused, in words for the operator's browser: the command the CLI's
    message points to (``error.command``) is the admin page's own list or explanation here.
    "Show again" of one no longer hidden (a double click, a second tab) is a stale page
    (409, as a registration decided meanwhile); anything else is a 422 saying why."""
    page = Page(language(request), request.url.path, {})
    if error.kind == "not-hidden":
        return HTTPException(status_code=409, detail=page.t("adm_not_hidden"))
    if error.kind == "not-a-record":
        return HTTPException(status_code=422, detail=f"{error.reason}: {page.t('adm_see_why')}")
    return HTTPException(status_code=422, detail=error.reason)


def _first(form: dict[str, Any], name: str) -> str:
    return str((form.get(name) or [""])[0])


def _hidden_number(form: dict[str, Any], command: str) -> int:
    """The number of the hidden event or article a "Show again" form names.

    Raises:
        CurationError: not a number (a hand-made request).
    """
    number = _first(form, "id")
    if not number.isdecimal():  # "²" is a digit int() refuses
        raise CurationError(f"{command} unhide: {number!r} is not the number of a hidden one")
    return int(number)


__all__ = ["check_csrf", "router"]
