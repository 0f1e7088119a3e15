"""The weekly digest as its subscribers read it: review findings (digest content)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aggregator.digest import Filters, render_digest, select_digest
from aggregator.published import decode_event, decode_item
from digest_site import BASE_URL, NEWS, SOURCES, WEEK, event

PARIS = ZoneInfo("Europe/Paris")
BY_ID = {s.id: s for s in SOURCES}


def digest(events: list[dict[str, Any]], language: str, filters: Filters = Filters()) -> Any:
    content = select_digest(WEEK, [decode_event(e) for e in events],
                            [decode_item(i) for i in NEWS], BY_ID, PARIS, filters)
    return render_digest(content, language=language, base_url=BASE_URL, zone=PARIS,
                         sources=BY_ID).personalise("tok")


def weekly_meetup_with_a_cancelled_date() -> dict[str, Any]:
    series = event("meetup", "Meetup hebdo", "2026-11-02T19:00:00+01:00",
                   "2026-11-02T21:00:00+01:00", "Metz", "venue", rrule="FREQ=WEEKLY")
    series["overrides"] = [{
        "recurrence_id": "2026-12-07T19:00:00+01:00", "title": "Meetup hebdo",
        "start": "2026-12-07T19:00:00+01:00", "end": "2026-12-07T21:00:00+01:00",
        "location": "", "status": "CANCELLED", "timezone": "Europe/Paris", "url": "",
        "description": "", "sequence": 1}]
    return series


@pytest.mark.parametrize(("language", "badge"), [("fr", "ANNULÉ"), ("en", "CANCELLED"),
                                                 ("de", "ABGESAGT")])
def test_a_cancelled_date_of_a_series_is_marked_once_in_the_digests_language(
        language: str, badge: str) -> None:
    # A German digest read "[ABGESAGT] Annulé : Meetup hebdo": the calendar's French
    # "called off" prefix leaked into the title, beside the digest's own badge.
    rendered = digest([weekly_meetup_with_a_cancelled_date()], language)
    assert f"[{badge}] Meetup hebdo\n" in rendered.text
    assert re.search(rf'<span class="badge"[^>]*>{badge}</span> <a [^>]*>Meetup hebdo</a>',
                     rendered.html)
    for leaked in ("Annulé :", "Cancelled:", "Abgesagt:"):
        assert leaked not in rendered.text and leaked not in rendered.html
    # the other dates of the series are not called off
    assert rendered.text.count("Meetup hebdo") == 2
    assert rendered.text.count(f"[{badge}]") == 1
