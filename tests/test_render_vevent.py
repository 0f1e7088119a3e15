"""The fast one-off VEVENT writer gives exactly icalendar's bytes (icalendar is the reference)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.memo import BytesInMemory
from aggregator.models import Event, MergedEvent, Source
from aggregator.render import keep_blocks, make_blocks
from aggregator.render.ics import EventBlock, event_components, render_event_blocks, stamp_line

NOW = datetime(2026, 12, 1, 8, 0, 7, tzinfo=UTC)
ZONES = [ZoneInfo("Europe/Paris"), ZoneInfo("Europe/Luxembourg"), ZoneInfo("UTC"), UTC,
         ZoneInfo("America/New_York")]
SOURCES = {"lab": Source(id="lab", name="LORIA, Nancy; lab", kind="lab", city="Nancy", country="FR")}
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@st.composite
def merged_events(draw: st.DrawFn) -> MergedEvent:
    all_day = draw(st.booleans())
    if all_day:
        start: date | datetime = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
        end: date | datetime | None = draw(st.none() | st.just(start + timedelta(days=draw(st.integers(0, 3)))))
        tz_name = None
    else:
        zone = draw(st.sampled_from(ZONES))
        naive = draw(st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)))
        start = naive.replace(tzinfo=zone)
        end = draw(st.none() | st.just(start + timedelta(minutes=draw(st.integers(-60, 600)))))
        tz_name = getattr(zone, "key", "UTC")
    member = Event(uid=draw(text), title=draw(text), start=start, source_id=draw(st.sampled_from(["lab", "gone"])),
                   organizer=draw(text))
    return MergedEvent(
        uid=draw(text) or "x", title=draw(text), start=start, end=end, all_day=all_day, timezone=tz_name,
        location=draw(text), city=draw(text), url=draw(st.sampled_from(["", "https://ex.org/a?b=1,2;c"])),
        description=draw(text), status=draw(st.sampled_from(["CONFIRMED", "cancelled", "odd", ""])),
        categories=tuple(draw(st.lists(text, max_size=3))), rrule=None, rdates=(), exdates=(),
        sequence=draw(st.integers(-2, 50)),
        last_modified=draw(st.none() | st.just(datetime(2026, 11, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))))),
        members=(member,),
    )


def fast_block(event: MergedEvent) -> EventBlock:
    """The one-off writer's block (the path every event without recurrence takes)."""
    assert event.rrule is None and not event.rdates and not event.exdates
    return render_event_blocks([event], now=NOW, sources=SOURCES)[event.uid]


def written(block: EventBlock) -> bytes:
    return b"".join(block.chunks(stamp_line(NOW)))


def reference(event: MergedEvent) -> bytes:
    return b"".join(c.to_ical() for c in event_components(event, now=NOW, sources=SOURCES))


@settings(max_examples=300, deadline=None)
@given(merged_events())
def test_fast_writer_matches_icalendar_byte_for_byte(event: MergedEvent) -> None:
    assert written(fast_block(event)) == reference(event)


def test_long_accented_lines_fold_like_icalendar() -> None:
    start = datetime(2026, 12, 7, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
    event = MergedEvent(
        uid="u@x", title="Conférence « données » – " * 8, start=start, end=None, all_day=False,
        timezone="Europe/Paris", location="Ékotopia\\, 12 rue de l'Île; Épinal " * 5, city="Épinal",
        url="", description="Ligne 1\nLigne 2, avec\\barre; " * 20, status="CONFIRMED",
        categories=("IA", "données, ouvertes"), rrule=None, rdates=(), exdates=(), sequence=1,
        last_modified=None, members=(),
    )
    block = fast_block(event)
    assert written(block) == reference(event)
    assert block.tzids == {"Europe/Paris"}


def test_one_line_fast_path_agrees_with_the_full_rule_on_every_character() -> None:
    """one_line returns most titles untouched without its regexes; for every code point,
    alone or between letters and spaces, the answer is the full rule's."""
    import re

    from aggregator.render.text import one_line

    controls = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

    def full_rule(value: str) -> str:
        return re.sub(r"\s+", " ", controls.sub("", value)).strip()

    wide = [0xFEFF, 0xFFFE, 0xFFFF, 0x1F600, 0xE0001]
    for char in map(chr, [*range(0x3100), *wide]):  # all whitespace, and what feeds hold
        for value in (char, f"a{char}b", f"a {char}", f"{char} b", f"x{char}{char}y"):
            assert one_line(value) == full_rule(value), repr(value)
    assert one_line("Meetup IA & Data") == "Meetup IA & Data"
    assert one_line("  Meetup\u00a0IA\u2028 Data\x00 ") == "Meetup IA Data"


def test_blocks_in_the_same_zones_share_one_set_of_tzids() -> None:
    """40,000 blocks in Europe/Paris hold one set object, not 40,000 (memory, issue 8)."""
    start = datetime(2026, 12, 7, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
    blocks = [fast_block(MergedEvent(
        uid=f"u{n}@x", title=f"Talk {n}", start=start, end=None, all_day=False,
        timezone="Europe/Paris", location="", city="Metz", url="", description="",
        status="CONFIRMED", categories=(), rrule=None, rdates=(), exdates=(), sequence=0,
        last_modified=None, members=())) for n in range(3)]
    assert blocks[0].tzids == {"Europe/Paris"}
    assert all(block.tzids is blocks[0].tzids for block in blocks)


def test_status_of_gives_the_contracts_status_as_one_object() -> None:
    """Each agenda occurrence keeps its status: one object per status, not one string per
    occurrence (memory of a build, issue 8); anything unknown is CONFIRMED."""
    from aggregator.render.text import status_of

    assert status_of(" cancelled") == "CANCELLED" and status_of("TENTATIVE ") == "TENTATIVE"
    assert status_of("cancelled") is status_of("Cancelled ")
    assert status_of("postponed") == "CONFIRMED"


@settings(max_examples=50, deadline=None)
@given(st.lists(merged_events(), min_size=1, max_size=6, unique_by=lambda e: e.uid))
def test_blocks_made_in_another_process_are_kept_as_the_build_would_make_them(
        events: list[MergedEvent]) -> None:
    """A first build has another process make half of its calendar blocks
    (render.make_blocks, sent back as bytes) and keeps them in its memo (render.keep_blocks):
    each block and its time zones must be those the build makes itself, or a calendar would
    lack a VTIMEZONE its events name."""
    memo: BytesInMemory[MergedEvent, frozenset[str]] = BytesInMemory()
    keep_blocks(memo, events, make_blocks(events, now=NOW, sources=SOURCES))
    kept = render_event_blocks(events, now=NOW, sources=SOURCES, memo=memo)
    for event in events:
        made = render_event_blocks([event], now=NOW, sources=SOURCES)[event.uid]
        assert written(kept[event.uid]) == written(made)
        assert kept[event.uid].tzids == made.tzids
