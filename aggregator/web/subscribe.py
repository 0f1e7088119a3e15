"""The weekly digest sign-up: /subscribe, /confirm, /preferences, /unsubscribe, /forget.

No GET changes anything: mail scanners (Safe Links, Proofpoint) open every link of a message,
so each link opens a page whose button POSTs. Sign-up is CSRF-checked, rate limited per IP
and has a honeypot; it answers the same "check your mail" whatever the address's state, so
the form does not reveal who is subscribed. POST /unsubscribe/TOKEN needs no CSRF token: it
is RFC 8058's one-click target, which mail clients POST ("List-Unsubscribe=One-Click") without
any page; the unguessable token is the authorisation. The unsubscribe page also lets the
subscriber delete its address and history altogether (POST /forget/TOKEN, CSRF-checked).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from ..core import Selection, SubscriberError
from ..models import SOURCE_KINDS
from ..contacts import Subscriber
from ..reasons import reason_in
from ..redact import masked
from .districts import district_choice, unknown_city
from ..digest.render import calendar_key
from . import i18n
from .public import Filter, agenda_cities, offered, webcal
from .register import checked_form, limit, text
from .rootpath import local
from .unknown_filters import unknown_topic
from .security import HONEYPOT_FIELD, client_ip
from ..slug import slugify
from ..topics import offered_topics, topic, topic_slug
from .views import aggregator_of, Page, kinds, language, personal_data, privacy_text, render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("aggregator.web")


def _choices(request: Request, page: Page) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(field, legend, options) of the filter checkboxes: the cities and topics we publish."""
    sources = aggregator_of(request).current_sources()
    cities = sorted({s.city for s in sources}, key=i18n.alphabetical)
    tags = sorted(offered_topics(sources), key=i18n.alphabetical)
    organisations = sorted(((s.id, s.name) for s in sources),
                           key=lambda pair: i18n.alphabetical(pair[1]))
    return [("cities", page.t("cities"), [(c, c) for c in cities]),
            ("kinds", page.t("kinds"), kinds(page)),
            ("tags", page.t("topics"), sorted(((t, topic(t, page.lang)) for t in tags),
                                              key=lambda pair: i18n.alphabetical(pair[1]))),
            ("sources", page.t("sub_sources"), organisations)]


def _form(request: Request, *, values: dict[str, Any], action: str, heading: str,
          button: str, ask_email: bool, status_code: int = 200, **extra: Any) -> HTMLResponse:
    page = Page(language(request), request.url.path, {})
    choices = _choices(request, page)
    published = aggregator_of(request).published()
    values = values | _held(choices, values, page,
                            lambda city: district_choice(request, published, city))
    return render(request, "subscribe.html", status_code=status_code, values=values,
                  action=action, heading=heading, button=button, ask_email=ask_email,
                  languages=[(code, i18n.NAMES[code]) for code in i18n.LANGUAGES],
                  choices=choices, notice=extra.pop("notice", ""),
                  error=extra.pop("error", ""), error_field=extra.pop("error_field", ""),
                  unsubscribe_link=extra.pop("unsubscribe_link", ""),
                  data_link=extra.pop("data_link", ""),
                  calendar_https=extra.pop("calendar_https", ""),
                  calendar_webcal=extra.pop("calendar_webcal", ""),
                  failure=extra.pop("failure", ""), **extra)


def _held(choices: list[tuple[str, str, list[tuple[str, str]]]], values: dict[str, Any],
          page: Page, district: Callable[[str], tuple[str, str, str] | None]
          ) -> dict[str, list[str]]:
    """Each group's chosen values as the form lists them: a city, kind or topic stored in
    another spelling ("metz", "KI") is the offered one it names, and one the form does not
    list (a city only events are in, an organisation gone) is added to ``choices``, ticked.
    Left out, saving the preferences dropped it, and the subscriber followed everything. A
    followed district (``district``: :func:`.districts.district_choice`) is said so, after
    its city: "Kirchberg (a district of Luxembourg)", the whole city one click away."""
    held: dict[str, list[str]] = {}
    for group, _, options in choices:
        def key(value: str, group: str = group) -> str:
            return value if group == "sources" else topic_slug(value) if group == "tags" \
                else slugify(value)

        offered = {key(value): value for value, _ in options}
        held[group] = []
        for value in values[group]:
            found = offered.get(key(value)) if key(value) else None
            if found is None and (near := district(value) if group == "cities" else None):
                _beside_its_city(options, value, *near[1:])
                offered = {key(v): v for v, _ in options}
            elif found is None:
                options.append((value, topic(value, page.lang) if group == "tags" else value))
            held[group].append(found or value)
    return held


def _beside_its_city(options: list[tuple[str, str]], district: str, city: str, label: str
                     ) -> None:
    """A followed ``district``'s checkbox after its ``city``'s, the city added unticked
    where the form did not list it (only events are in Esch-sur-Alzette): following
    Belval, the whole city stays one click away."""
    listed = [value for value, _ in options]
    if city and city not in listed:
        options.append((city, city))
        listed.append(city)
    options.insert(listed.index(city) + 1 if city else len(options), (district, label))


def _submitted(form: FormData) -> dict[str, Any]:
    return {"email": text(form, "email"), "language": text(form, "language", "fr"),
            **{group: [v for v in form.getlist(group) if isinstance(v, str)][:50]
               for group in ("cities", "kinds", "tags", "sources")}}


def _known_filters(request: Request, values: dict[str, Any],
                   followed: Subscriber | None = None) -> None:
    """Refuses a city the agenda reads as naming nothing (:func:`.districts.unknown_city`:
    a typo, "rue") and a topic that is neither offered nor one the site knows in any
    language (:func:`.unknown_filters.unknown_topic`, as ``?tag=KI``, the agenda's notice's
    reading; the store refuses kinds, with :func:`.selection.named_kind`, and organisations
    as the notice reads them), as a form posted by hand may send: stored as sent, the
    digest followed it, empty every week. What the subscriber already
    ``followed`` stays (an operator's `subscribers add --city`): saving must not fail on it.

    Raises:
        SubscriberError: the first such city or topic.
    """
    published = aggregator_of(request).published()
    for city in values["cities"]:
        if (followed is None or city not in followed.cities) and unknown_city(
                request, published, city):
            name = " ".join(city.split())[:100]
            raise SubscriberError("cities", f"no city and no event’s place is named “{name}”")
    for tag in values["tags"]:
        if (followed is None or tag not in followed.tags) and unknown_topic(request, tag):
            name = " ".join(tag.split())[:100]
            raise SubscriberError("tags", f"no topic is named “{name}”")


def _subscriber(request: Request, token: str) -> Subscriber:
    """Raises HTTPException 404 (a page saying the link is not valid) for an unknown token."""
    try:
        subscriber = aggregator_of(request).subscriber_by_token(token)
    except SubscriberError:
        page = Page(language(request), request.url.path, {})
        raise HTTPException(status_code=404, detail=page.t("bad_link")) from None
    request.state.language = subscriber.language  # its pages speak its language
    return subscriber


def _target(request: Request, path: str) -> str:
    """A form's target on a subscriber's page keeps the switcher's ``?lang=``: the answer
    would otherwise be in the subscriber's stored language, not the one the visitor chose."""
    lang = request.query_params.get("lang")
    path = local(request, path)
    return f"{path}?lang={lang}" if lang in i18n.LANGUAGES else path


def _message(request: Request, heading: str, message: str, error: bool = False) -> HTMLResponse:
    page = Page(language(request), request.url.path, {})
    return render(request, "message.html", heading=heading, message=message, error=error,
                  link=local(request, "/"), link_text=page.t("agenda"))


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_form(request: Request, city: Filter = "", kind: Filter = "", tag: Filter = "",
                   source: Filter = "") -> Response:
    """The sign-up form, its choices ticked as the link says (``?source=lab`` from an
    organisation's page, ``?city=Metz`` from a city's agenda): only what the form offers. A
    district's agenda (``?city=Kirchberg``) ticks the district, said so ("Kirchberg (a
    district of Luxembourg)"), after its city, unticked: it ticked the whole city, and the
    digest brought all of Luxembourg. A word naming no city nor place (a typo) ticks none."""
    page = Page(language(request), "/subscribe", {})
    aggregator = aggregator_of(request)
    published, sources = aggregator.published(), aggregator.current_sources()
    chosen = offered(request, published,
                     Selection(city=city, kind=kind, tag=tag, source=source))
    listed = {  # what the agenda offers, its cities with events' (a city only events are in)
        "cities": agenda_cities(published, sources), "kinds": set(SOURCE_KINDS),
        "tags": offered_topics(sources),
        "sources": {s.id for s in sources}}
    if chosen.city not in listed["cities"] and (
            near := district_choice(request, published, chosen.city)):
        chosen = replace(chosen, city=near[0])  # a district: itself, its city beside it
        listed["cities"].add(near[0])
    values = {"email": "", "language": page.lang} | {
        group: [value] if value in listed[group] else []
        for group, value in (("cities", chosen.city), ("kinds", chosen.kind),
                             ("tags", chosen.tag), ("sources", chosen.source))}
    return _form(request, values=values, action=_target(request, "/subscribe"),
                 heading=page.t("subscribe_title"),
                 button=page.t("do_subscribe"), ask_email=True)


@router.post("/subscribe", response_class=HTMLResponse)
async def subscribe_post(request: Request) -> Response:
    form = await checked_form(request)
    page = Page(language(request), "/subscribe", {})
    if text(form, HONEYPOT_FIELD):
        return _message(request, page.t("subscribe_title"), page.t("check_mail"))
    limit(request, "subscribe")
    values = _submitted(form)
    mailbox = str(values["email"]).strip().casefold()
    if not request.app.state.limits["mailbox"].allow(mailbox):  # asked three times this hour:
        return _message(request, page.t("subscribe_title"), page.t("check_mail"))  # no more
    try:
        await run_in_threadpool(_known_filters, request, values)
        subscriber, problem = await run_in_threadpool(
            aggregator_of(request).add_subscriber, values["email"], language=values["language"],
            cities=values["cities"], kinds=values["kinds"], tags=values["tags"],
            sources=values["sources"], remind=True,
            consent_notice=privacy_text(page.lang, "privacy_subscribe",
                                        aggregator_of(request).settings))
    except SubscriberError as error:  # a typo sends nothing: it costs none of the budget
        request.app.state.limits["subscribe"].refund(client_ip(request))
        request.app.state.limits["mailbox"].refund(mailbox)
        return _form(request, values=values, action=_target(request, "/subscribe"), status_code=422,
                     heading=page.t("subscribe_title"), button=page.t("do_subscribe"),
                     ask_email=True,
                     error=f"{page.t(_field(error.field))} — {page.reason(error.reason)}",
                     error_field=error.field)
    if problem:  # stored, but unconfirmable without the email: the form again, to retry
        # and the operator told: every sign-up failed so for days, and no log said a word
        log.warning("sign-up kept (subscriber %d), its confirmation email not sent (the "
                    "visitor is asked to try again): %s", subscriber.id, masked(problem))
        return _form(request, values=values, action=_target(request, "/subscribe"), status_code=503,
                     heading=page.t("subscribe_title"), button=page.t("do_subscribe"),
                     ask_email=True, failure=page.t("subscribe_mail_failed"))
    return _message(request, page.t("subscribe_title"), page.t("check_mail"))


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> Response:
    subscriber = _subscriber(request, token)
    page = Page(language(request), request.url.path, {})
    return render(request, "subscription_action.html", heading=page.t("subscribe_title"),
                  email=subscriber.email, action=_target(request, f"/confirm/{token}"),
                  button=page.t("confirm_button"), forget_action="", state="",
                  summary=_summary(request, page, subscriber),
                  preferences_link=_target(request, f"/preferences/{token}"))


def _summary(request: Request, page: Page, subscriber: Subscriber) -> list[tuple[str, str]]:
    """What a subscription sends, as (group, its choices) in the page's language, in the
    words its form ticks them ("Labor", "KI", "Kirchberg (a district of Luxembourg)", an
    organisation's name), "all" for a group left empty, then its language: the confirmation
    page showed only the address, and a slip was learnt from the first digest."""
    values: dict[str, Any] = {"cities": list(subscriber.cities), "kinds": list(subscriber.kinds),
                              "tags": list(subscriber.tags), "sources": list(subscriber.sources)}
    choices, published = _choices(request, page), aggregator_of(request).published()
    held = _held(choices, values, page, lambda city: district_choice(request, published, city))
    said = []
    for group, _, options in choices:
        labels, name = dict(options), {"tags": "topics"}.get(group, group)
        chosen = ", ".join(labels.get(value, value) for value in held[group])
        said.append((page.t(f"sum_{name}"), chosen or page.t(f"sum_{name}_all")))
    return [*said, (page.t("language"), i18n.NAMES.get(subscriber.language, ""))]


@router.post("/confirm/{token}", response_class=HTMLResponse)
async def confirm_post(request: Request, token: str) -> Response:
    await checked_form(request)
    _subscriber(request, token)
    await run_in_threadpool(aggregator_of(request).confirm_subscriber, token)
    page = Page(language(request), request.url.path, {})
    return _message(request, page.t("subscribe_title"), page.t("confirmed"))


@router.get("/preferences/{token}", response_class=HTMLResponse)
def preferences_page(request: Request, token: str) -> Response:
    return _preferences(request, token, _subscriber(request, token))


@router.post("/preferences/{token}", response_class=HTMLResponse)
async def preferences_post(request: Request, token: str) -> Response:
    form = await checked_form(request)
    followed = _subscriber(request, token)
    values = _submitted(form)
    try:
        await run_in_threadpool(_known_filters, request, values, followed)
        subscriber = await run_in_threadpool(
            aggregator_of(request).update_preferences, token, language=values["language"],
            cities=values["cities"], kinds=values["kinds"], tags=values["tags"],
            sources=values["sources"])
    except SubscriberError as error:
        return _preferences(request, token, _subscriber(request, token),
                            error=reason_in(error.reason, language(request)),
                            error_field=error.field)
    request.state.language = subscriber.language  # as just chosen
    page = Page(language(request), request.url.path, {})
    saved = "saved" if subscriber.status == "confirmed" else "saved_inactive"
    return _preferences(request, token, subscriber, notice=page.t(saved))


@router.get("/preferences/{token}/data")
def preferences_data(request: Request, token: str) -> Response:
    """The subscriber's copy of all that is kept about it, a JSON file to save: its page and
    its emails told it what is kept, this is the proof (GDPR articles 15 and 20)."""
    _subscriber(request, token)  # an unknown link: the page saying so
    data = aggregator_of(request).subscriber_data(token)
    return personal_data(data, "my-subscription.json")


def _preferences(request: Request, token: str, subscriber: Subscriber, **extra: Any) -> Response:
    page = Page(language(request), request.url.path, {})
    values = {"email": subscriber.email, "language": subscriber.language,
              "cities": list(subscriber.cities), "kinds": list(subscriber.kinds),
              "sources": list(subscriber.sources),
              "tags": list(subscriber.tags)}
    calendar = (f"{aggregator_of(request).settings.base_url}/calendars/mine/"
                f"{calendar_key(subscriber.token)}.ics") if subscriber.status == "confirmed" else ""
    return _form(request, values=values, action=_target(request, f"/preferences/{token}"),
                 heading=f"{page.t('preferences')} — {subscriber.email}", button=page.t("save"),
                 ask_email=False, unsubscribe_link=local(request, f"/unsubscribe/{token}"),
                 data_link=local(request, f"/preferences/{token}/data"),
                 calendar_https=calendar, calendar_webcal=webcal(calendar),
                 **_state(request, page, subscriber, token), **extra)


def _state(request: Request, page: Page, subscriber: Subscriber, token: str) -> dict[str, Any]:
    """What a token page says of a subscription that sends nothing (pending, unsubscribed,
    suspended after bounces) and the button back in: a reader following an old digest's
    link would otherwise believe the newsletter still comes."""
    if subscriber.status == "confirmed":
        return {"state": "", "back_action": "", "back_button": ""}
    return {"state": page.t(f"state_{subscriber.status}"),
            "back_action": _target(request, f"/confirm/{token}"),
            "back_button": page.t(f"back_{subscriber.status}")}


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> Response:
    subscriber = _subscriber(request, token)
    page = Page(language(request), request.url.path, {})
    gone = subscriber.status in ("pending", "unsubscribed")  # nothing left to unsubscribe
    action = "" if gone else _target(request, f"/unsubscribe/{token}")
    return render(request, "subscription_action.html", heading=page.t("unsubscribe"),
                  email=subscriber.email, action=action,
                  button=page.t("unsubscribe"), forget_action=_target(request, f"/forget/{token}"),
                  summary=[], preferences_link="",
                  **_state(request, page, subscriber, token))


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_post(request: Request, token: str) -> Response:
    """RFC 8058 one-click: no CSRF token, the secret in the URL is the authorisation."""
    _subscriber(request, token)
    await run_in_threadpool(aggregator_of(request).unsubscribe, token)
    page = Page(language(request), request.url.path, {})
    return _message(request, page.t("unsubscribe"), page.t("unsubscribed"))


@router.post("/forget/{token}", response_class=HTMLResponse)
async def forget_post(request: Request, token: str) -> Response:
    """The subscriber deletes its address and all that is kept about it (GDPR article 17,
    listmonk's "wipe"): a form of the unsubscribe page, CSRF-checked, never a link."""
    _subscriber(request, token)
    await checked_form(request)
    try:
        await run_in_threadpool(aggregator_of(request).forget_subscriber, token)
    except SubscriberError:  # erased meanwhile, by a second click or the operator
        pass
    page = Page(language(request), request.url.path, {})
    return _message(request, page.t("forget"), page.t("forgotten"))


def _field(name: str) -> str:
    return {"email": "email", "language": "language", "cities": "cities", "kinds": "kinds",
            "sources": "sub_sources",
            "tags": "topics"}.get(name, "email")
