"""/manage/TOKEN: an organisation's contact changes its registration (feeds, contact, place...).

Feeds move, contacts leave: without this the contact had to write to the operator, or
register again under another id (its published events then changed organisation). The
link is emailed to the contact when the registration is received and approved; its secret
is the authorisation, as the subscribers' preference links (``subscribe``). A change takes
effect at the next refresh, the source keeps its id, and the contact (the former one too,
when it changed) is told by email; a new contact gets a new link, the former one's stops.
"Preview" reads the feeds as the registration form does, and so does saving for each feed
address it adds (one that cannot be read is refused).
The contact can also withdraw the organisation from the agenda, and ask to come back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from ..core import Aggregator, RegistrationError
from ..registration_retention import kept_until
from ..render.text import long_day
from ..models import FeedRef, feed_address
from ..contacts import Registration
from .register import (checked_form, form_page, limit, no_feeds, over_budget, posted_form,
                       read_feeds, read_new_feeds, sent_back, source_fields, submitted, text,
                       unreadable)
from .directory import health_rows, overall_status
from .rootpath import local
from .security import HONEYPOT_FIELD, RateLimiter, client_ip
from .views import Page, aggregator_of, language, personal_data, render

router = APIRouter(include_in_schema=False)


def _registration(request: Request, token: str) -> Registration:
    try:
        return aggregator_of(request).registration_by_token(token)
    except RegistrationError:
        page = Page(language(request), request.url.path, {})
        raise HTTPException(status_code=404, detail=page.t("bad_link")) from None


def _values(registration: Registration) -> dict[str, str]:
    source = registration.source
    return {"name": source.name, "kind": source.kind, "city": source.city,
            "country": source.country, "language": source.language, "website": source.website,
            "contact": source.contact, "tags": ", ".join(source.tags),
            "feeds": "\n".join(feed.url for feed in source.feeds)}


def _page(request: Request, token: str, registration: Registration, values: dict[str, str],
          **extra: object) -> HTMLResponse:
    page = Page(language(request), request.url.path, {})
    aggregator = aggregator_of(request)
    status = page.t("manage_status", status=page.t(f"reg_{registration.status}"))
    if registration.status != "approved":  # its changes apply once it is (again); until
        status = page.t(f"manage_status_{registration.status}",  # housekeeping deletes it
                        until=_day(kept_until(registration), page.lang, aggregator))
    published = registration.status == "approved"
    leave = {"pending": "withdraw", "approved": "withdraw", "withdrawn": "rejoin"}
    switched_off = published and registration.source.id in aggregator.disabled_sources()
    if switched_off:  # by the operator: its feeds are not read, its page is gone
        published, status = False, page.t("manage_switched_off")
        extra.setdefault("write_to", aggregator.settings.operator_email or "")
    feeds = aggregator.feed_health(registration.source) if published else []
    zone = ZoneInfo(aggregator.settings.timezone)
    health = {} if switched_off else {"health": overall_status(feeds)}
    if feeds:  # a feed a 410 disabled can be asked back (templates/_health.html)
        health["revive_action"] = local(request, f"/manage/{token}")
    return form_page(request, values, form_action=local(request, f"/manage/{token}"),
                     status=status, feeds=health_rows(feeds, page.lang, zone), **health,
                     page_href=local(request, f"/sources/{quote(registration.source.id)}")
                     if published else "",
                     heading=page.t("manage_title", name=registration.source.name),
                     submit_label=page.t("save"), leave=leave.get(registration.status, ""),
                     data_link=local(request, f"/manage/{token}/data"), **extra)


def _day(moment: datetime | None, lang: str, aggregator: Aggregator) -> str:
    """The site's day of ``moment`` in words of ``lang`` ("7 mars 2027")."""
    if moment is None:
        return "?"
    return long_day(moment, ZoneInfo(aggregator.settings.timezone), lang)


@router.get("/manage", response_class=HTMLResponse)
def lost_link_form(request: Request) -> Response:
    """A contact who lost the link asks for it again by its address."""
    return render(request, "manage_request.html")


@router.post("/manage", response_class=HTMLResponse)
async def lost_link_post(request: Request) -> Response:
    form = await checked_form(request)
    page = Page(language(request), "/manage", {})
    mailbox = " ".join(text(form, "email").split()).casefold()
    if not text(form, HONEYPOT_FIELD):
        limit(request, "register")  # it sends email: the registration's budget
        if request.app.state.limits["mailbox"].allow(mailbox):  # and the contact's, whoever asks
            await run_in_threadpool(aggregator_of(request).send_manage_links, mailbox)
    # The same answer whether the address is registered or not.
    return render(request, "message.html", heading=page.t("manage_lost"),
                  message=page.t("manage_link_sent"), error=False, link=local(request, "/"),
                  link_text=page.t("agenda"))


@router.get("/manage/{token}", response_class=HTMLResponse)
def manage_page(request: Request, token: str) -> Response:
    registration = _registration(request, token)
    return _page(request, token, registration, _values(registration))


@router.get("/manage/{token}/data")
def manage_data(request: Request, token: str) -> Response:
    """The contact's copy of all that is kept about its registration, a JSON file to save
    (GDPR article 15, as a subscriber's /preferences/TOKEN/data)."""
    _registration(request, token)  # an unknown link: the page saying so
    data = aggregator_of(request).registration_data(token)
    return personal_data(data, "my-registration.json")


@router.post("/manage/{token}", response_class=HTMLResponse)
async def manage_post(request: Request, token: str) -> Response:
    form, genuine = await posted_form(request)
    registration = _registration(request, token)
    values, urls = submitted(form)
    page = Page(language(request), request.url.path, {})
    if not genuine:  # as typed, with a token that works: nothing changed
        return _page(request, token, registration, values if text(form, "name") else
                     _values(registration), status_code=403, failure=page.t("form_expired"))
    if text(form, "action") == "revive":
        return await _revive(request, token, registration, text(form, "feed"))
    if text(form, "action") in ("withdraw", "rejoin"):
        return await _leave_or_rejoin(request, token, registration, text(form, "action"),
                                      confirmed=text(form, "confirm") == "yes")
    preview = text(form, "action") == "preview"
    refused = over_budget(request, "preview" if preview else "manage")
    if refused is not None:  # the form again, as typed, saying how long
        return sent_back(_page(request, token, registration, values, status_code=429,
                               failure=refused.detail), refused)
    if preview and not urls:
        return _page(request, token, registration, values, **no_feeds(page))
    if preview:
        try:
            previews = await read_feeds(request, urls, page.lang)
        except HTTPException as busy:
            return sent_back(_page(request, token, registration, values, status_code=429,
                                   failure=busy.detail), busy)
        return _page(request, token, registration, values, previews=previews)
    budget: RateLimiter = request.app.state.limits["manage"]
    aggregator = aggregator_of(request)
    fields = _fields(registration, values, urls)
    try:
        aggregator.check_registration(**fields)
        known = [feed.url for feed in registration.source.feeds]
        previews = await read_new_feeds(request, urls, known)
        if unreadable(previews):  # a feed it already had may be down a while: kept unread
            budget.refund(client_ip(request))  # as a typo, a try that changed nothing
            return _page(request, token, registration, values, status_code=422,
                         previews=previews, failure=page.t("feeds_unreadable",
                                                           n=unreadable(previews)),
                         error_field="feeds")
        changed, mail_problem = await run_in_threadpool(
            lambda: aggregator.update_registration(token, **fields))
    except RegistrationError as error:  # a typo costs none of the hour's saves
        budget.refund(client_ip(request))
        return _page(request, token, registration, values,
                     error=page.reason(error.reason), error_field=error.field)
    except HTTPException as spent:  # the previews' budget, which reading new feeds spends
        budget.refund(client_ip(request))
        return sent_back(_page(request, token, registration, values, status_code=429,
                               failure=spent.detail), spent)
    notice = page.t("manage_saved") + (f" {page.t('mail_failed')}" if mail_problem else "")
    if changed.token != token:  # a new contact: its new link goes to it alone, not this page
        published = changed.source.id in aggregator.source_map()  # approved, not switched off
        message = page.t("manage_handed_unsent" if mail_problem else "manage_handed",
                         contact=changed.source.contact)
        return render(request, "message.html", heading=page.t(
            "manage_title", name=changed.source.name), message=message, error=bool(mail_problem),
            link=local(request, f"/sources/{quote(changed.source.id)}" if published else "/"),
            link_text=page.t("manage_page" if published else "agenda"))
    return _page(request, token, changed, _values(changed), notice=notice)


def _fields(registration: Registration, values: dict[str, str], urls: list[str]
            ) -> dict[str, Any]:
    """The form's fields; a feed address the registration had keeps its declared type
    (`sources register --type`), which the form neither shows nor sends."""
    fields = source_fields(values, urls)
    types = {feed.url: feed.type for feed in registration.source.feeds}
    fields["feeds"] = [FeedRef(ref.url, types.get(feed_address(ref.url), ref.type))
                       for ref in fields["feeds"]]
    return fields


async def _leave_or_rejoin(request: Request, token: str, registration: Registration,
                           action: str, *, confirmed: bool) -> HTMLResponse:
    """Withdraw the organisation from the agenda (only once its box is ticked: the button
    sits under the form, one slip away), or ask to come back."""
    page = Page(language(request), request.url.path, {})
    if action == "withdraw" and not confirmed:
        return _page(request, token, registration, _values(registration),
                     leave_error=page.t("withdraw_unconfirmed"))
    limit(request, "manage")
    change = (aggregator_of(request).withdraw_registration if action == "withdraw"
              else aggregator_of(request).rejoin_registration)
    try:
        changed, mail_problem = await run_in_threadpool(change, token)
    except RegistrationError as error:
        return _page(request, token, registration, _values(registration),
                     leave_error=page.reason(error.reason))
    notice = page.t("withdrawn_notice" if action == "withdraw" else "rejoined_notice") + (
        f" {page.t('mail_failed')}" if mail_problem else "")
    return _page(request, token, changed, _values(changed), notice=notice)


async def _revive(request: Request, token: str, registration: Registration, url: str
                  ) -> HTMLResponse:
    """Have a feed that a 410 Gone disabled read again at the next round: a 410 is often a
    slip (a calendar plugin off for a day), which only the operator could undo."""
    page = Page(language(request), request.url.path, {})
    limit(request, "manage")
    aggregator = aggregator_of(request)
    published = (registration.status == "approved"
                 and registration.source.id not in aggregator.disabled_sources())
    revived = published and await run_in_threadpool(aggregator.revive_feed,
                                                    registration.source, url)
    values = _values(registration)
    if not revived:
        return _page(request, token, registration, values, status_code=422,
                     failure=page.t("revive_refused"))
    minutes = max(1, round(aggregator.settings.daemon.tick.total_seconds() / 60))
    return _page(request, token, registration, values,
                 notice=page.t("revive_asked", minutes=minutes))
