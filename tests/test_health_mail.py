"""Feed health emails over real SMTP: one when a feed has been down a day, one when it is back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from conftest import make_settings, make_source
from mailsink import Sink, free_port, smtp_server  # noqa: F401

from aggregator.config import SmtpSettings
from aggregator.core import Aggregator, RegistrationError, make_aggregator
from aggregator.models import FeedRef
from aggregator.contacts import Registration

CALENDAR = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@lab\r\nSUMMARY:Talk\r\n"
            b"DTSTART:20300101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def test_one_email_after_a_day_down_and_one_on_recovery(
    feed_server: Any, tmp_path: Path, smtp_server: Sink
) -> None:
    feed_server.set("/a.ics", CALENDAR, "text/calendar")
    source = make_source("lab", feed_server.url("/a.ics"), contact="events@lab.example.org",
                         language="en", name="The Lab")
    quiet = make_source("quiet", feed_server.url("/b.ics"))  # failing too, but has no contact
    settings = make_settings(tmp_path, (source, quiet),
                             smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))
    clock = Clock()
    node_a = make_aggregator(settings, clock=clock)
    node_b = make_aggregator(settings, clock=clock)

    def cycle(hours: float) -> list[tuple[str, str, str]]:
        clock.now += timedelta(hours=hours)
        node_a.refresh_round("a")
        return node_a.watch_health() + node_b.watch_health()

    assert [o.result for o in node_a.refresh_round("a").outcomes] == ["updated", "error"]
    feed_server.fail("/a.ics", 503)
    assert cycle(2) == []
    assert cycle(10) == []
    assert cycle(13) == [("down", feed_server.url("/a.ics"), "sent")]  # 25 h without success
    # The feed that never worked counts from when it was first seen failing (2 h in).
    assert cycle(20) == [("down", feed_server.url("/b.ics"), "no contact address in sources.yaml")]
    assert cycle(24) == []  # still down: no second email
    feed_server.restore("/a.ics")
    assert cycle(24) == [("recovered", feed_server.url("/a.ics"), "sent")]
    assert cycle(24) == []
    [down, back] = smtp_server.to("events@lab.example.org")
    assert down["Subject"] == "Your feed has been failing for 24 hours: The Lab"
    assert feed_server.url("/a.ics") in down.get_content() and "503" in down.get_content()
    assert f"Your feeds' health: {settings.base_url}/sources/lab\r\n" in down.get_content()
    assert back["Subject"] == "Your feed works again: The Lab"
    assert len(smtp_server.messages) == 2
    health = {h.source: h for h in node_a.feed_health()}
    assert health["quiet"].status == "error" and health["quiet"].consecutive_failures >= 3
    node_a.close()
    node_b.close()


def test_gone_disables_and_a_permanent_redirect_moves_the_feed(
    feed_server: Any, tmp_path: Path
) -> None:
    feed_server.set("/new.ics", CALENDAR, "text/calendar")
    feed_server.redirect("/old.ics", "/new.ics", 301)
    feed_server.set("/gone.ics", CALENDAR, "text/calendar")
    feed_server.fail("/gone.ics", 410)
    sources = (make_source("moved", feed_server.url("/old.ics")),
               make_source("closed", feed_server.url("/gone.ics")))
    clock = Clock()
    aggregator = make_aggregator(make_settings(tmp_path, sources), clock=clock)
    aggregator.refresh_round("a")
    health = {h.source: h for h in aggregator.feed_health()}
    assert health["moved"].url == feed_server.url("/new.ics") and health["moved"].status == "ok"
    assert health["closed"].status == "disabled"
    clock.now += timedelta(days=3)
    feed_server.restore("/gone.ics")
    assert [o.url for o in aggregator.refresh_round("a").outcomes] == [feed_server.url("/new.ics")]
    assert feed_server.hits["/gone.ics"] == 1
    aggregator.close()


def test_a_feed_gone_for_good_mails_its_contact_once(
    feed_server: Any, tmp_path: Path, smtp_server: Sink
) -> None:
    """410 Gone stops the fetching at once (no 24 h wait: the server said it is final) and the
    organiser hears about it once, in its language, with where to register a new address."""
    feed_server.set("/gone.ics", CALENDAR, "text/calendar")
    source = make_source("closed", feed_server.url("/gone.ics"), contact="agenda@closed.example",
                         language="fr", name="Le Labo")
    settings = make_settings(tmp_path, (source,),
                             smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))
    clock = Clock()
    node_a = make_aggregator(settings, clock=clock)
    node_b = make_aggregator(settings, clock=clock)
    node_a.refresh_round("a")
    assert node_a.watch_health() == []
    feed_server.fail("/gone.ics", 410)
    clock.now += timedelta(hours=2)
    node_a.refresh_round("a")
    assert node_a.watch_health() + node_b.watch_health() == [
        ("gone", feed_server.url("/gone.ics"), "sent")]
    for _ in range(3):  # never again, and the feed is not fetched any more
        clock.now += timedelta(days=1)
        node_a.refresh_round("a")
        assert node_a.watch_health() + node_b.watch_health() == []
    assert feed_server.hits["/gone.ics"] == 2
    [gone] = smtp_server.to("agenda@closed.example")
    assert gone["Subject"] == "Votre flux n'existe plus : Le Labo"
    body = gone.get_content()
    assert feed_server.url("/gone.ics") in body and "410" in body
    assert "Si son adresse a changé, répondez-nous avec la nouvelle." in body  # sources.yaml's
    node_a.close()
    node_b.close()


@contextmanager
def organisers_site(tmp_path: Path, smtp_server: Sink, clock: Clock | None = None
                    ) -> Iterator[Aggregator]:
    """A site without sources.yaml sources, mailing through the test SMTP server."""
    settings = make_settings(tmp_path, (), base_url="https://agenda.example.org",
                             smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))
    aggregator = make_aggregator(settings, **({"clock": clock} if clock else {}))
    try:
        yield aggregator
    finally:
        aggregator.close()


def register(aggregator: Aggregator, feed: str, **fields: str) -> Registration:
    values = {"name": "Fablab", "kind": "association", "city": "Épinal", "website": "",
              "language": "en", "contact": "team@fablab.example.org"} | fields
    registration, problem = aggregator.register_source(feeds=[FeedRef(feed)], **values)
    assert problem is None
    return registration


def test_an_approved_organiser_is_told_where_its_page_and_embed_code_are(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    with organisers_site(tmp_path, smtp_server) as aggregator:
        registration = register(aggregator, "webcal://fablab.example.org/a.ics",
                                name="Fablab des Vosges")
        assert registration.source.feeds[0].url == "https://fablab.example.org/a.ics"
        assert aggregator.approve_registration(registration.id) is None
    received, approved = smtp_server.messages
    assert str(approved["Subject"]) == "Registration approved: Fablab des Vosges"
    body = approved.get_content()
    assert "the code to show your coming dates on your own site" in body
    assert f"https://agenda.example.org/sources/{registration.source.id}\r\n" in body


def test_a_change_through_the_private_link_is_told_to_the_new_and_the_former_contact(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    """A new contact (the former one leaves) gets a new private link, mailed to it alone: the
    former contact is told, without a link, and its own stops working."""
    with organisers_site(tmp_path, smtp_server) as aggregator:
        registration = register(aggregator, "https://fablab.example.org/a.ics", language="de",
                                contact="alt@fablab.example.org")
        link = f"https://agenda.example.org/manage/{registration.token}"
        assert link + "\r\n" in smtp_server.messages[0].get_content()  # kept by the contact
        changed, problem = aggregator.update_registration(
            registration.token, name="Fablab", kind="association", city="Épinal", website="",
            contact="neu@fablab.example.org", feeds=[FeedRef("https://fablab.example.org/b.ics")],
            country="FR", language="de")
    assert problem is None and changed.source.contact == "neu@fablab.example.org"
    notices = smtp_server.messages[1:]
    assert [str(m["To"]) for m in notices] == ["neu@fablab.example.org", "alt@fablab.example.org"]
    new, former = notices
    assert str(new["Subject"]) == "Sie sind der Kontakt von: Fablab"
    assert str(former["Subject"]) == "Anmeldung an einen anderen Kontakt übergeben: Fablab"
    # the organisation handed over: the one who left loses the link, the new one has its own
    assert changed.token != registration.token
    assert f"https://agenda.example.org/manage/{changed.token}\r\n" in new.get_content()
    assert "/manage/" not in former.get_content()
    assert "Dieser Link funktioniert nicht mehr" in former.get_content()
    with organisers_site(tmp_path, smtp_server) as aggregator:
        with pytest.raises(RegistrationError):
            aggregator.registration_by_token(registration.token)
        assert aggregator.registration_by_token(changed.token).source.city == "Épinal"
        same, _ = aggregator.update_registration(  # the same contact: the same link
            changed.token, name="Fablab 88", kind="association", city="Épinal", website="",
            contact="NEU@fablab.example.org", feeds=[FeedRef("https://fablab.example.org/b.ics")],
            country="FR", language="de")
    assert same.token == changed.token
    assert str(smtp_server.messages[-1]["Subject"]) == "Anmeldung geändert: Fablab 88"


def test_a_withdrawal_is_told_to_the_contact_with_the_way_back(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    """A leaked link could take an organisation out unseen: its contact hears of it, with the
    link to come back; coming back is a registration received again, for the operator."""
    with organisers_site(tmp_path, smtp_server) as aggregator:
        registration = register(aggregator, "https://fablab.example.org/a.ics", name="Fablab")
        aggregator.approve_registration(registration.id)
        withdrawn, problem = aggregator.withdraw_registration(registration.token)
        assert problem is None and withdrawn.status == "withdrawn"
        assert aggregator.withdrawn_sources() == {registration.source.id}
        assert registration.source.id not in {s.id for s in aggregator.current_sources()}
        back, _ = aggregator.rejoin_registration(registration.token)
        assert back.status == "pending" and aggregator.withdrawn_sources() == set()
    _, _, gone, received = smtp_server.messages
    assert str(gone["Subject"]) == "Organisation withdrawn: Fablab"
    assert ("To come back, or if this was not you:\r\n"
            f"https://agenda.example.org/manage/{registration.token}\r\n") in gone.get_content()
    assert str(received["Subject"]) == "Registration received: Fablab"
    assert 'the registration of "Fablab" (1 feed).' in received.get_content()  # not "1 feeds"


def test_a_registered_organisation_whose_feed_fails_is_sent_its_link_to_fix_it(
    feed_server: Any, tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    clock = Clock()
    feed_server.set("/moving.ics", CALENDAR, "text/calendar")
    with organisers_site(tmp_path, smtp_server, clock) as aggregator:
        registration = register(aggregator, feed_server.url("/moving.ics"), name="Moving Lab")
        aggregator.approve_registration(registration.id)
        aggregator.refresh_round("a")
        feed_server.fail("/moving.ics", 404)
        for _ in range(3):
            clock.now += timedelta(hours=13)
            aggregator.refresh_round("a")
            aggregator.watch_health()
    down = smtp_server.to("team@fablab.example.org")[-1]
    assert down["Subject"] == "Your feed has been failing for 24 hours: Moving Lab"
    assert ("If its address changed, give the new one with your private link:\r\n"
            f"https://agenda.example.org/manage/{registration.token}\r\n") in down.get_content()


def test_a_contact_who_lost_the_link_gets_it_again_and_nobody_else_learns_anything(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    with organisers_site(tmp_path, smtp_server) as aggregator:
        kept = register(aggregator, "https://fablab.example.org/a.ics", language="fr")
        refused = register(aggregator, "https://fablab.example.org/b.ics", name="Autre",
                           contact="team@fablab.example.org")
        aggregator.reject_registration(refused.id)
        before = len(smtp_server.messages)
        assert aggregator.send_manage_links("  Team@Fablab.example.org ") == 1  # not the refused one
        assert aggregator.send_manage_links("someone@else.example.org") == 0
    [sent] = smtp_server.messages[before:]
    assert str(sent["To"]) == "team@fablab.example.org"
    assert str(sent["Subject"]) == "Votre lien pour modifier : Fablab"
    assert f"https://agenda.example.org/manage/{kept.token}\r\n" in sent.get_content()


def test_a_lost_link_that_cannot_be_mailed_is_logged_for_the_operator(
    tmp_path: Path, caplog: Any
) -> None:
    from mailsink import free_port

    settings = make_settings(tmp_path, (), smtp=SmtpSettings(host="127.0.0.1", port=free_port()))
    aggregator = make_aggregator(settings)
    try:
        aggregator.register_source(name="Fablab", kind="association", city="Épinal", website="",
                                   contact="team@fablab.example.org",  # its email fails too
                                   feeds=[FeedRef("https://fablab.example.org/a.ics")])
        with caplog.at_level("WARNING", logger="aggregator.registrations"):
            assert aggregator.send_manage_links("team@fablab.example.org") == 1
    finally:
        aggregator.close()
    [record] = [r for r in caplog.records if r.name == "aggregator.registrations"]
    assert "its link to change 'fablab'" in record.getMessage()


def test_the_operator_is_told_what_awaits_a_decision_when_an_address_is_set(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    """Registrations wait for the operator: with AGGREGATOR_OPERATOR_EMAIL set, a new one, an
    organisation asking to come back and a withdrawal are announced there, not left to
    someone remembering to look at /admin."""
    import dataclasses

    with organisers_site(tmp_path, smtp_server) as aggregator:
        aggregator.settings = dataclasses.replace(aggregator.settings,
                                                  operator_email="moderation@agenda.example.org")
        registration = register(aggregator, "https://fablab.example.org/a.ics", name="Fablab")
        aggregator.approve_registration(registration.id)
        aggregator.withdraw_registration(registration.token)
        aggregator.rejoin_registration(registration.token)
    told = smtp_server.to("moderation@agenda.example.org")
    assert [str(m["Subject"]) for m in told] == [
        "Inscription à valider : Fablab", "Organisation retirée par son contact : Fablab",
        "Inscription à valider : Fablab"]
    body = told[0].get_content()
    assert "https://fablab.example.org/a.ics" in body and "team@fablab.example.org" in body
    assert "https://agenda.example.org/admin#pending" in body
    assert f"aggregator registrations approve {registration.id}" in body
    assert all("moderation@" not in str(m["To"]) for m in smtp_server.to("team@fablab.example.org"))


def test_the_operator_is_told_what_a_published_organisation_changes_unreviewed(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    """An approved organisation's edits go out without review (the operator approved the
    organisation, not each edit): a leaked /manage link could swap its feed for a spammer's
    or rename it, and nobody knew. The operator is told what changed, before and after; a
    pending registration's edits are not announced (its approval reviews them)."""
    import dataclasses

    with organisers_site(tmp_path, smtp_server) as aggregator:
        aggregator.settings = dataclasses.replace(aggregator.settings,
                                                  operator_email="moderation@agenda.example.org")
        registration = register(aggregator, "https://fablab.example.org/a.ics", name="Fablab")
        source = registration.source
        values = {"name": source.name, "kind": source.kind, "city": "Remiremont",
                  "website": source.website, "contact": source.contact, "country": source.country,
                  "language": source.language, "tags": source.tags, "feeds": source.feeds}
        aggregator.update_registration(registration.token, **values)  # pending: not told
        aggregator.approve_registration(registration.id)
        aggregator.update_registration(registration.token, **values | {
            "name": "Fablab des Vosges", "feeds": [FeedRef("https://casino.example/b.ics")]})
        aggregator.update_registration(registration.token, **values | {  # "Save" again
            "name": "Fablab des Vosges", "feeds": [FeedRef("https://casino.example/b.ics")]})
    told = smtp_server.to("moderation@agenda.example.org")
    assert [str(m["Subject"]) for m in told] == [
        "Inscription à valider : Fablab",
        "Organisation publiée modifiée par son contact : Fablab des Vosges"]
    body = told[1].get_content()
    assert "nom : Fablab → Fablab des Vosges" in body
    assert ("flux : https://fablab.example.org/a.ics → https://casino.example/b.ics" in body)
    assert "ville" not in body  # unchanged since its approval
    assert f"aggregator sources disable {source.id}" in body


def test_without_an_operator_address_nobody_else_is_mailed(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    with organisers_site(tmp_path, smtp_server) as aggregator:
        register(aggregator, "https://fablab.example.org/a.ics")
    assert [str(m["To"]) for m in smtp_server.messages] == ["team@fablab.example.org"]


def test_the_contact_reads_the_error_in_its_own_language(
    tmp_path: Path, smtp_server: Sink
) -> None:
    """A French association's contact reads why its feed fails in French, not in English."""
    url = f"http://127.0.0.1:{free_port()}/agenda.ics"  # nothing listens there
    source = make_source("asso", url, contact="agenda@asso.example.org", language="fr",
                         name="L'Asso")
    settings = make_settings(tmp_path, (source,),
                             smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))
    clock = Clock()
    node = make_aggregator(settings, clock=clock)
    sent = []
    for _ in range(4):  # failing from the first read on, for 39 hours
        node.refresh_round("a")
        sent += node.watch_health()
        clock.now += timedelta(hours=13)
    assert sent == [("down", url, "sent")]
    [down] = smtp_server.to("agenda@asso.example.org")
    assert "Dernière erreur : connexion impossible : " in down.get_content()
    assert "cannot connect" not in down.get_content()
    node.close()


def test_the_operator_is_told_when_a_published_organisation_adds_another_ones_feed(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    """A registration of a feed another organisation publishes is flagged on /admin; the same
    feed added later through a published organisation's private link went out unflagged
    (its events twice under two names, or a leaked link pointing at a rival's calendar)."""
    import dataclasses

    with organisers_site(tmp_path, smtp_server) as aggregator:
        aggregator.settings = dataclasses.replace(aggregator.settings,
                                                  operator_email="moderation@agenda.example.org")
        lab = register(aggregator, "https://lab.example.org/lab.ics", name="Le Lab",
                       contact="lab@lab.example.org")
        aggregator.approve_registration(lab.id)
        fablab = register(aggregator, "https://fablab.example.org/a.ics", name="Fablab")
        aggregator.approve_registration(fablab.id)
        source = fablab.source
        aggregator.update_registration(
            fablab.token, name=source.name, kind=source.kind, city=source.city,
            website=source.website, contact=source.contact, country=source.country,
            language=source.language, tags=source.tags,
            feeds=[*source.feeds, FeedRef("http://www.lab.example.org/lab.ics")])
    [changed] = [m for m in smtp_server.to("moderation@agenda.example.org")
                 if str(m["Subject"]).startswith("Organisation publiée modifiée")]
    assert ("flux déjà publié par Le Lab : http://www.lab.example.org/lab.ics"
            in changed.get_content())
