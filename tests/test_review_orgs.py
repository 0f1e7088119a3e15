"""Review of the organiser's and the operator's flows (registering, /admin, /manage, the CLI),
as the people using them meet them.

Each test states what they met; it failed on the code as reviewed. Nothing is mocked: the web
app runs under uvicorn on 127.0.0.1 with a real SQLite store, the feeds on the loopback feed
server.
"""

from __future__ import annotations

import re
from typing import Any

from browser import browser  # noqa: F401  (fixture)
from test_web_pages import csrf
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_organiser import BEARER, mailed, send  # noqa: F401  (fixture)
from webapp import ADMIN_TOKEN, Web, web  # noqa: F401  (fixture)

BROWSER = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "de"}


def _log_in(web: Web, **extra: str) -> Any:  # noqa: F811
    token = csrf(web.client, "/admin/login")
    return web.client.post("/admin/login", data={"csrf_token": token,
                                                  "password": ADMIN_TOKEN, **extra})


def test_an_operator_whose_session_ended_is_sent_to_log_in_not_an_english_401(
        web: Web) -> None:  # noqa: F811
    """The admin login lasts 8 hours. Past it, the operator's bookmark of /admin/events (or
    a "Hide" clicked on a page left open) answered "Error 401 — log in at /admin/login or
    send Authorization: Bearer <token>", in English on a German page, with a link to the
    agenda only; /admin alone led to the login form."""
    for path in ("/admin/events?q=IA", "/admin/news", "/admin/events/explain?uid=x"):
        answer = web.client.get(path, headers=BROWSER)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/admin/login?next=%2Fadmin%2F"), path
    # logging in from there leads back to the page asked for, and only to an admin page
    asked = web.client.get("/admin/events?q=IA", headers=BROWSER).headers["location"]
    form = web.client.get(asked, headers=BROWSER).text
    assert 'name="next" value="/admin/events?q=IA"' in form
    assert _log_in(web, next="/admin/events?q=IA").headers["location"] == "/admin/events?q=IA"
    for elsewhere in ("https://evil.example/", "//evil.example/admin", "/admin\\@evil", "/news"):
        assert _log_in(web, next=elsewhere).headers["location"] == "/admin", elsewhere
    web.client.cookies.clear()
    # a decision posted once the session is over: nothing done, said so in the page's words
    refused = web.client.post("/admin/registrations/1/approve", headers=BROWSER,
                              data={"csrf_token": "x" * 40})
    assert refused.status_code == 401
    assert "Anmeldung erforderlich" in refused.text and "Bearer" not in refused.text
    assert 'href="/admin/login"' in refused.text
    # a script (a bearer) still reads why, in English
    script = web.client.get("/admin/events", headers={"Authorization": "Bearer guess",
                                                      "Accept": "application/json"})
    assert script.status_code == 401 and "Bearer" in script.json()["detail"]


def test_a_registration_sent_without_its_form_token_comes_back_as_typed(
        web: Web) -> None:  # noqa: F811
    """An organiser whose browser had dropped the form's cookie (a phone that closed the tab
    and restored it, a browser restarted) typed the whole form for a page titled "Requête
    refusée : rechargez la page et réessayez." reading "forbidden", in English, everything
    typed lost; nothing must be recorded, and the form must come back as typed."""
    typed = {"name": "Fablab des Vosges", "kind": "association", "city": "Épinal",
             "country": "FR", "language": "fr", "website": "", "contact": "fab@example.org",
             "tags": "makers", "feeds": f"{web.feeds.base_url}/new.ics", "action": "submit"}
    web.client.cookies.clear()
    answer = web.client.post("/register", data={"csrf_token": "stale" * 8, **typed},
                             headers={"Accept-Language": "fr"})
    assert answer.status_code == 403
    assert "forbidden" not in answer.text
    assert 'value="Fablab des Vosges"' in answer.text and "/new.ics</textarea>" in answer.text
    assert "rien n’a été enregistré" in answer.text
    assert web.aggregator.registrations() == []
    # the page sent back carries a token that works: sent again, it is registered
    token = re.search(r'name="csrf_token" value="([^"]+)"', answer.text)
    assert token and web.client.post("/register", data={"csrf_token": token.group(1), **typed}
                                      ).status_code == 200
    assert [r.source.name for r in web.aggregator.registrations()] == ["Fablab des Vosges"]
    # the contact's /manage page too: what was typed is not lost
    link = f"/manage/{web.aggregator.registrations()[0].token}"
    web.client.cookies.clear()
    changed = {**typed, "city": "Saint-Dié-des-Vosges"}
    answer = web.client.post(link, data={"csrf_token": "stale" * 8, **changed},
                             headers={"Accept-Language": "en"})
    assert answer.status_code == 403
    assert 'value="Saint-Dié-des-Vosges"' in answer.text and "nothing was recorded" in answer.text
    assert web.aggregator.registrations()[0].source.city == "Épinal"
    # elsewhere, the refusal says why in the page's language, not "forbidden"
    other = web.client.post("/subscribe", data={"csrf_token": "stale" * 8, "email": "a@b.org"},
                            headers={"Accept-Language": "de", "Accept": "text/html"})
    assert other.status_code == 403 and "forbidden" not in other.text


def test_a_feed_already_published_under_its_other_spelling_is_flagged_to_the_operator() -> None:
    """sources.yaml lists https://www.loria.fr/events.ics; a lab member registers
    "http://loria.fr/events.ics" (what the browser's bar showed): the admin page flagged
    only webcal://, case and a trailing slash, so the same calendar was approved again
    under a second name, its events listed by two organisations."""
    from aggregator.contacts import Registration
    from aggregator.models import FeedRef, Source
    from aggregator.registration_rules import taken_feeds as _taken
    from datetime import UTC, datetime

    def source(name: str, url: str) -> Source:
        return Source(id=name.lower(), name=name, kind="lab", city="Nancy", country="FR",
                      feeds=(FeedRef(url),))

    published = [source("LORIA", "https://www.loria.fr/events.ics"),
                 source("Inria", "https://inria.fr:443/agenda.ics")]
    now = datetime(2026, 12, 7, tzinfo=UTC)
    pending = [Registration(id=n, source=source(name, url), status="pending", created_at=now)
               for n, (name, url) in enumerate([
                   ("Loria bis", "http://loria.fr/events.ics"),
                   ("Inria bis", "webcal://www.inria.fr/agenda.ics"),
                   ("Other", "https://www.loria.fr/other.ics"),
                   ("Odd", "https://loria.fr:99999/events.ics")], start=1)]
    assert _taken(published, pending) == {(1, "http://loria.fr/events.ics"): "LORIA",
                                          (2, "webcal://www.inria.fr/agenda.ics"): "Inria"}


def test_a_refused_field_is_marked_and_focused_for_keyboard_and_screen_reader_users(
        browser: Any, web: Web) -> None:  # noqa: F811
    """In Chromium: the form came back with "À corriger : Courriel de contact — must be an
    email address" above it, and nothing else: the field itself was not marked invalid nor
    tied to the message, and the focus stayed at the top of the page, so a screen reader user
    heard the page title and had to hunt for which of nine fields to fix."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from test_web_browser import go, wait_for

    browser.delete_all_cookies()
    go(browser, web, "/register?lang=fr")
    for field, value in {"r-name": "Fablab", "r-city": "Épinal", "r-contact": "ana@localhost",
                         "r-feeds": f"{web.feeds.base_url}/new.ics"}.items():
        browser.find_element(By.ID, field).send_keys(value)
    Select(browser.find_element(By.ID, "r-kind")).select_by_value("association")
    browser.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "p.notice.error"))
    contact = browser.find_element(By.ID, "r-contact")
    assert contact.get_attribute("aria-invalid") == "true"
    described = (contact.get_attribute("aria-describedby") or "").split()
    assert described, "the field is not tied to its error"
    message = browser.find_element(By.ID, described[0]).text
    assert "Courriel de contact" in message and "adresse" in message
    assert browser.switch_to.active_element == contact
    assert browser.find_element(By.ID, "r-name").get_attribute("aria-invalid") in (None, "false")
    assert web.aggregator.registrations() == []


def test_an_organisation_that_withdrew_and_registers_again_keeps_its_page(
        mailed: Web, smtp_server: Sink) -> None:  # noqa: F811
    """A fablab withdrew for the summer, then its contact, link long lost, registered again
    on /register: a second source "nouvelle-asso-2" was created, its /sources page, embed
    code and calendar at new addresses, while the old one, withdrawn, could still be asked
    back and listed the organisation twice; the operator was not told either."""
    assert send(mailed, "/register").status_code == 200
    [first] = mailed.aggregator.registrations()
    mailed.client.post(f"/admin/registrations/{first.id}/approve", headers=BEARER)
    mailed.aggregator.withdraw_registration(first.token)
    again = send(mailed, "/register?lang=en")
    assert again.status_code == 200  # answered as any registration
    assert [r.status for r in mailed.aggregator.registrations()] == ["withdrawn"]
    told = smtp_server.to("hello@asso.example.org")[-1]
    assert str(told["Subject"]) == "Come back to the agenda: Nouvelle Asso"
    assert f"/manage/{first.token}" in told.get_content()
    assert "Ask to come back" in told.get_content()
    # someone else giving its feeds: a registration of its own, flagged to the operator
    assert send(mailed, "/register", contact="other@asso.example.org").status_code == 200
    page = mailed.client.get("/admin", params={"lang": "en"}, headers=BEARER).text
    assert "also the feed of: Nouvelle Asso (withdrawn from the agenda)" in page


def test_the_cli_operator_is_told_a_feed_is_published_already(site: Any) -> None:
    """/admin flags "also the feed of: Le Lab"; at a terminal, `sources register` and
    `registrations approve` of Le Lab's calendar under another name (and spelling) said
    nothing, and its events were listed by two organisations."""
    from sites import run

    lab = site.url("/lab.ics").replace("http://127.0.0.1", "HTTP://127.0.0.1") + "/"
    done = run("sources", "register", lab, "--name", "Lab bis", "--kind", "lab",
               "--city", "Nancy", "--contact", "bis@lab.example.org")
    assert done.exit_code == 0, done.output
    assert f"{lab} is also the feed of: Le Lab" in done.output
    approved = run("registrations", "approve", "1")
    assert approved.exit_code == 0
    assert f"{lab} is also the feed of: Le Lab" in approved.output
    other = run("sources", "register", site.url("/other.ics"), "--name", "Other", "--kind",
                "lab", "--city", "Nancy", "--contact", "o@lab.example.org")
    assert "also the feed of" not in other.output


def test_the_kind_of_organisation_is_chosen_not_start_up_by_default(
        browser: Any, web: Web) -> None:  # noqa: F811
    """The kind list opened on its first entry, "Start-up": a venue or a lab that filled in
    the rest was registered, then listed and filtered, as a start-up."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from test_web_browser import go

    browser.delete_all_cookies()
    go(browser, web, "/register?lang=en")
    kind = browser.find_element(By.ID, "r-kind")
    assert Select(kind).first_selected_option.get_attribute("value") == ""
    assert browser.execute_script("return arguments[0].validity.valueMissing", kind)
    Select(kind).select_by_value("venue")
    assert not browser.execute_script("return arguments[0].validity.valueMissing", kind)


def test_a_registration_declined_before_and_sent_again_is_flagged(web: Web) -> None:  # noqa: F811
    """Declined as spam, the same feeds came back the next day under the same name and
    contact: a fresh pending registration with nothing to say the operator had declined
    them (the list of decided ones is at the bottom of the page)."""
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert send(web, "/register", name="Casino Bonus").status_code == 200
    [first] = web.aggregator.registrations()
    web.client.post(f"/admin/registrations/{first.id}/reject", headers=bearer)
    assert send(web, "/register", name="Casino Bonus").status_code == 200
    page = web.client.get("/admin", params={"lang": "en"}, headers=bearer).text
    assert "also the feed of: Casino Bonus (declined)" in page
    assert web.aggregator.shared_feeds(2) == {f"{web.feeds.base_url}/new.ics":
                                              "Casino Bonus (rejected)"}


def test_the_manage_page_does_not_promise_changes_apply_to_what_is_not_published(
        web: Web) -> None:  # noqa: F811
    """Withdrawn from the agenda, the contact's page said "Registration withdrawn from the
    agenda. Changes apply from the next update": its feeds are not read at all until it comes
    back and is approved again; pending, nothing is published before a moderator's approval."""
    assert send(web, "/register").status_code == 200
    [registration] = web.aggregator.registrations()
    link = f"/manage/{registration.token}"
    pending = web.client.get(link, params={"lang": "en"}).text
    assert "Changes apply from the next update" not in pending
    assert "a moderator reviews it as you leave it here" in pending
    web.aggregator.withdraw_registration(registration.token)
    withdrawn = web.client.get(link, params={"lang": "de"}).text
    assert "Änderungen gelten ab der nächsten Aktualisierung" not in withdrawn
    assert "Ihre Änderungen gelten, wenn sie zurückkehrt" in withdrawn
    web.aggregator.rejoin_registration(registration.token)
    web.aggregator.approve_registration(registration.id)
    approved = web.client.get(link, params={"lang": "en"}).text
    assert "Registration approved. Changes apply from the next update" in approved


def test_a_right_to_left_name_does_not_swallow_what_follows_it_on_the_admin_page(
        web: Web) -> None:  # noqa: F811
    """"جمعية المطورين 2026" (a developers' association) registered: in Chromium the admin
    line read "(2026) 2026 جمعية المطورين — Association", its id pulled to the left of the
    name by the Arabic text's direction. Names and places typed by strangers are isolated
    (<bdi>) where words of the page follow them."""
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    name = "جمعية المطورين 2026"
    assert send(web, "/register", name=name, city="الرباط").status_code == 200
    page = web.client.get("/admin", params={"lang": "en"}, headers=bearer).text
    [registration] = web.aggregator.registrations()
    assert f"<strong><bdi>{name}</bdi></strong> ({registration.source.id})" in page
    assert "<bdi>الرباط</bdi>" in page
    web.client.post(f"/admin/registrations/{registration.id}/reject", headers=bearer)
    page = web.client.get("/admin", params={"lang": "en"}, headers=bearer).text
    assert f"<bdi>{name}</bdi> ({registration.source.id}): declined" in page


def test_the_operator_knows_the_reason_for_declining_is_emailed_to_the_contact(
        web: Web) -> None:  # noqa: F811
    """The field beside "Reject" was labelled "Reason", as a note for the record: the operator
    typed "spam, same guy as last week" and the contact got it word for word in the
    "declined" email."""
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert send(web, "/register").status_code == 200
    for lang, label in (("fr", "Motif (envoyé au contact)"), ("en", "Reason (emailed to the contact)"),
                        ("de", "Grund (wird dem Kontakt gesendet)")):
        page = web.client.get("/admin", params={"lang": lang}, headers=bearer).text
        assert f'class="inline">{label}<span class="hp">' in page, lang


def test_the_admin_page_does_not_say_the_contact_is_told_when_the_email_failed(
        web: Web) -> None:  # noqa: F811
    """Mail down (this site has no SMTP server): "Registration #1 approved: its events appear
    with the next update; its contact is told." The contact was told nothing, and the
    operator, believing otherwise, never wrote to them (the CLI warns of it)."""
    assert send(web, "/register").status_code == 200
    assert send(web, "/register", contact="b@asso.example.org",
                feeds=f"{web.feeds.base_url}/other.ics").status_code == 200
    _log_in(web)
    token = csrf(web.client, "/admin")
    for number, decision in ((1, "approve"), (2, "reject")):
        done = web.client.post(f"/admin/registrations/{number}/{decision}",
                               data={"csrf_token": token})
        assert done.status_code == 303
        page = web.client.get(done.headers["location"] + "&lang=en").text
        assert "Registration #" in page
        assert "its contact is told" not in page
        assert "the email to its contact could not be sent" in page


def test_switching_an_organisation_off_asks_first_and_says_what_it_does(
        web: Web) -> None:  # noqa: F811
    """"Disable" in the sources table took effect on the click, one row from the next
    organisation's: every coming event of the one clicked went out CANCELLED to the
    subscribed calendars at the next build. It now leads to a page saying so, whose button
    does it; a script (the bearer) still posts it directly."""
    _log_in(web)
    dashboard = web.client.get("/admin", params={"lang": "en"}).text
    row = dashboard.split('href="/sources/assoc"')[1].split("</tr>")[0]
    assert '<form class="inline" method="get" action="/admin/sources/assoc/disable">' in row
    asked = web.client.get("/admin/sources/assoc/disable", params={"lang": "en"})
    assert asked.status_code == 200 and web.aggregator.disabled_sources() == frozenset()
    assert "<h1>Disable “L&#39;Asso”?</h1>" in asked.text
    assert "1 coming event" in asked.text and "CANCELLED" not in asked.text
    assert 'method="post" action="/admin/sources/assoc/disable"' in asked.text
    assert web.client.get("/admin/sources/nobody/disable").status_code == 404
    token = csrf(web.client, "/admin/sources/assoc/disable")
    done = web.client.post("/admin/sources/assoc/disable", data={"csrf_token": token})
    assert done.status_code == 303 and web.aggregator.disabled_sources() == {"assoc"}
    web.client.cookies.clear()
    assert web.client.get("/admin/sources/assoc/disable", headers=BROWSER).status_code == 303


def test_a_feed_address_typed_without_https_is_read_as_one(web: Web) -> None:  # noqa: F811
    """Organisers type addresses as they say them: "www.fablab-epinal.fr/agenda.ics". The
    preview answered "Illisible : schéma '(none)' refusé : seulement http et https", and
    "Envoyer" refused the form; a browser's address bar reads it as https://…."""
    from aggregator.web.register import with_scheme

    assert with_scheme("www.fablab-epinal.fr/agenda.ics") == "https://www.fablab-epinal.fr/agenda.ics"
    assert with_scheme("Fablab.fr") == "https://Fablab.fr"
    assert with_scheme("calendar.google.com/calendar/ical/x%40group/public/basic.ics"
                       ) == "https://calendar.google.com/calendar/ical/x%40group/public/basic.ics"
    for kept in ("http://a.fr/x.ics", "webcal://a.fr/x.ics", "ftp://a.fr/x", "not a url",
                 "mailto:a@b.fr", ""):
        assert with_scheme(kept) == kept
    typed = "127.0.0.1:1/agenda.ics"  # nothing listens there: read, and said why
    answer = web.client.post("/register", data={
        "csrf_token": csrf(web.client, "/register"), "action": "preview", "feeds": typed,
        "name": "", "kind": "", "city": "", "country": "FR", "language": "fr", "website": "",
        "contact": "", "tags": ""}, headers={"Accept-Language": "fr"})
    assert 'data-url="https://127.0.0.1:1/agenda.ics"' in answer.text
    assert "schéma" not in answer.text
    assert f"{typed}</textarea>" in answer.text  # the form keeps what was typed


def test_previewing_no_feed_address_says_to_give_one(web: Web) -> None:  # noqa: F811
    """"Preview the feeds" with the addresses field empty showed a "What we found" heading
    over nothing at all."""
    answer = web.client.post("/register", data={
        "csrf_token": csrf(web.client, "/register"), "action": "preview", "feeds": " \n",
        "name": "Fablab", "kind": "", "city": "", "country": "FR", "language": "fr",
        "website": "", "contact": "", "tags": ""}, headers={"Accept-Language": "en"})
    assert "What we found" not in answer.text
    assert 'id="form-error"' in answer.text and "give at least one feed" in answer.text.lower()
    assert 'aria-invalid="true" aria-describedby="form-error" autofocus>' in answer.text


def test_the_french_emails_agree_with_any_organisation_name() -> None:
    """"« Le Lab » est validée", "« Le Fablab » n’a pas été retenue", "« Le Lab » vient
    d’être retirée": the participle agreed with a feminine word the sentence never said
    (l’inscription, l’organisation), so it read as a mistake with most names."""
    from aggregator.registration_notices import MESSAGES

    fields = {"name": "Le Lab", "feeds": 1, "feeds_en": "", "feeds_de": "", "source_id": "lab",
              "base_url": "https://x", "note": "", "manage": "https://x/m", "page": "p",
              "kept": 400, "undecided": 90}
    bodies = {what: MESSAGES[what]["fr"][1].format(**fields)
              for what in ("approved", "rejected", "withdrawn")}
    assert "L’inscription de « Le Lab » est validée" in bodies["approved"]
    assert "L’inscription de « Le Lab » n’a pas été retenue." in bodies["rejected"]
    assert "L’organisation « Le Lab » vient d’être retirée" in bodies["withdrawn"]


def test_the_admin_notices_agree_with_any_organisation_name() -> None:
    """"Le Lab est désactivée : plus lue, ses événements…" on the French admin page."""
    from aggregator.web.i18n_admin import ADMIN_MESSAGES

    assert ADMIN_MESSAGES["adm_done_disabled"][0].format(name="Le Lab").startswith(
        "L’organisation Le Lab est désactivée")
    assert ADMIN_MESSAGES["adm_done_enabled"][0].format(name="Le Lab").startswith(
        "L’organisation Le Lab est réactivée")


def test_a_registration_declined_by_a_slip_can_be_approved_from_the_admin_page(
        web: Web) -> None:  # noqa: F811
    """"Reject" sits next to "Approve": declined by a slip, the registration could be
    approved again only at a terminal (`registrations approve`), the admin page listing it
    as declined with no button."""
    assert send(web, "/register").status_code == 200
    _log_in(web)
    token = csrf(web.client, "/admin")
    web.client.post("/admin/registrations/1/reject", data={"csrf_token": token})
    page = web.client.get("/admin", params={"lang": "en"}).text
    decided = page.split("Decided registrations")[1]
    assert 'action="/admin/registrations/1/approve"' in decided
    assert '<input type="hidden" name="from" value="rejected">' in decided
    # a page left open on the pending list does not approve what was declined since
    stale = web.client.post("/admin/registrations/1/approve", data={"csrf_token": token})
    assert stale.status_code == 409
    done = web.client.post("/admin/registrations/1/approve",
                           data={"csrf_token": token, "from": "rejected"})
    assert done.status_code == 303
    assert [r.status for r in web.aggregator.registrations()] == ["approved"]


def test_an_organisation_with_a_long_unbroken_name_fits_a_phone(
        browser: Any, web: Web) -> None:  # noqa: F811
    """Names come as organisers type them: "Association_des_développeurs_web_du_Grand_Est…"
    (or a long German compound) made its page, its contact's /manage page and /admin scroll
    sideways on a phone, the heading cut at the screen's edge."""
    from test_web_browser import go

    name = "Association_des_développeurs_web_du_Grand_Est_et_du_Luxembourg_2026"
    assert send(web, "/register", name=name, website="https://www.une-adresse-de-site-tres-"
                "longue-pour-une-association.example.org/agenda/evenements/").status_code == 200
    [registration] = web.aggregator.registrations()
    web.aggregator.approve_registration(registration.id)
    web.aggregator.refresh()
    web.aggregator.build()
    browser.delete_all_cookies()
    browser.set_window_size(360, 800)
    try:
        wider = {}
        for path in (f"/sources/{registration.source.id}", f"/manage/{registration.token}",
                     "/sources"):
            go(browser, web, path)
            overflow = browser.execute_script("const e = document.documentElement;"
                                              "return e.scrollWidth - e.clientWidth")
            if overflow > 0:
                wider[path] = overflow
        assert wider == {}
    finally:
        browser.set_window_size(1280, 1024)


def test_if_this_was_not_you_write_to_us_reaches_the_operator(
        feed_server: Any, tmp_path: Any, smtp_server: Sink) -> None:  # noqa: F811
    """"Registration changed … If this was not you, write to us.": the warning a contact gets
    when its organisation's link is used, e.g. to hand it to a stranger. Replying wrote to
    AGGREGATOR_MAIL_FROM (a digest@ sender nobody reads) although AGGREGATOR_OPERATOR_EMAIL
    was set; and the /manage page of an organisation switched off said "Write to us to find
    out why" with no address."""
    from aggregator.config import SmtpSettings
    from webapp import site as make_site

    operator = "moderation@agenda.example.org"
    with make_site(feed_server, tmp_path, operator_email=operator,
                   smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port)) as served:
        assert send(served, "/register").status_code == 200
        [registration] = served.aggregator.registrations()
        received = smtp_server.to("hello@asso.example.org")[-1]
        assert received["Reply-To"] == operator
        served.aggregator.approve_registration(registration.id)
        send(served, f"/manage/{registration.token}", contact="thief@example.org")
        [former] = [m for m in smtp_server.to("hello@asso.example.org")
                    if "another contact" in str(m["Subject"])]
        assert former["Reply-To"] == operator
        served.aggregator.set_source_disabled(registration.source.id, True)
        [moved] = served.aggregator.registrations()
        page = served.client.get(f"/manage/{moved.token}", params={"lang": "en"}).text
        assert f'<a href="mailto:{operator}">{operator}</a>' in page


def test_a_double_click_on_approve_says_it_is_done_not_a_conflict(web: Web) -> None:  # noqa: F811
    """A double click on "Approve": the browser shows the second answer, "Error 409 —
    Registration #1 is already approved: reload the page. To stop publishing an approved
    organisation, disable its source", and the operator wonders whether it worked. The
    same decision taken twice is done (as `registrations approve` says, exit 0), nobody
    emailed again; the other decision on a decided one stays a 409."""
    assert send(web, "/register").status_code == 200
    _log_in(web)
    token = csrf(web.client, "/admin")
    for _ in range(2):
        done = web.client.post("/admin/registrations/1/approve", data={"csrf_token": token})
        assert done.status_code == 303
    page = web.client.get(done.headers["location"] + "&lang=en").text
    assert "Registration #1 was already approved (a double click?)" in page
    assert "nobody was emailed again" in page
    assert web.client.post("/admin/registrations/1/reject",
                           data={"csrf_token": token}).status_code == 409
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert web.client.post("/admin/registrations/1/approve", headers=bearer).status_code == 204


def test_a_change_to_an_unpublished_registration_is_not_said_to_apply_at_the_next_update(
        mailed: Web, smtp_server: Sink) -> None:  # noqa: F811
    """The contact corrects its city while the registration awaits approval: "The changes
    apply from the next update", it was told, as if it were published."""
    assert send(mailed, "/register").status_code == 200
    [pending] = mailed.aggregator.registrations("pending")
    assert send(mailed, f"/manage/{pending.token}", city="Remiremont").status_code == 200
    changed = smtp_server.to("hello@asso.example.org")[-1]
    assert str(changed["Subject"]) == "Registration changed: Nouvelle Asso"
    body = changed.get_content()
    assert "apply from the next update" not in body
    assert "It is not published for now" in body and "If this was not you" in body
    mailed.aggregator.approve_registration(pending.id)
    assert send(mailed, f"/manage/{pending.token}", city="Épinal").status_code == 200
    assert "apply from the next update" in smtp_server.to("hello@asso.example.org")[-1
                                                                                   ].get_content()


def test_a_country_typed_in_words_is_refused_not_cut_to_two_letters(
        browser: Any, web: Web) -> None:  # noqa: F811
    """The country field took two characters at most: "Allemagne" typed became "Al", valid
    to the form and stored as Albania ("Suisse": SU, "Autriche": AU, Australia)."""
    from selenium.webdriver.common.by import By
    from test_web_browser import go

    browser.delete_all_cookies()
    go(browser, web, "/register?lang=fr")
    country = browser.find_element(By.ID, "r-country")
    country.clear()
    country.send_keys("Allemagne")
    assert country.get_attribute("value") == "Allemagne"
    assert browser.execute_script("return arguments[0].validity.patternMismatch", country)
    assert "DE" in (country.get_attribute("title") or "")


def test_a_withdrawn_organisation_asking_for_its_lost_link_is_told_how_to_come_back(
        mailed: Web, smtp_server: Sink) -> None:  # noqa: F811
    """/manage "Change a registration" for a withdrawn organisation mailed "Here is the
    private link to change the registration", nothing about coming back, which is what it
    asked the link for."""
    assert send(mailed, "/register").status_code == 200
    [registration] = mailed.aggregator.registrations()
    mailed.aggregator.withdraw_registration(registration.token)
    answer = mailed.client.post("/manage", data={"csrf_token": csrf(mailed.client, "/manage"),
                                                 "email": "hello@asso.example.org"})
    assert answer.status_code == 200
    told = smtp_server.to("hello@asso.example.org")[-1]
    assert str(told["Subject"]) == "Come back to the agenda: Nouvelle Asso"
