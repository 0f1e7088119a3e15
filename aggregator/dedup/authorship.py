"""Whose event (or article) it is, read from where the records link to.

Why: among sources of the same rank (a lab, a start-up and an association are all
organisers by kind), the merge fell back on SEQUENCE and LAST-MODIFIED, and a record without
LAST-MODIFIED (Outlook's, a hand-made file's) always lost: a start-up's repost of a lab's
day, half an hour late and titled "(LORIA)", spoke for the event in every calendar, and the
lab was only "also posted by". Reposts link to the organiser's own page ("programme and
registration on the lab's site"): the source whose website the cluster's records link to is
the one that organises it, as a reader following the links would conclude.

Pure: records and sources in, a count per source out.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from ..models import Event, NewsItem, Source


@functools.lru_cache(maxsize=4096)
def site_host(address: str) -> str:
    """The host of a website or link, lower-cased, without "www." ("" when it has none);
    sources.yaml may give a website without its scheme ("www.loria.fr")."""
    text = address.strip()
    if not text:
        return ""
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _on_site(link_host: str, site: str) -> bool:
    return bool(site) and (link_host == site or link_host.endswith("." + site))


def links_to_sources(records: Sequence[Event] | Sequence[NewsItem],
                     sources: Mapping[str, Source], *, from_others: bool = False) -> Counter[str]:
    """How many of ``records`` link to each of their sources' websites (by source id).

    ``from_others`` counts only the records of another source: a venue's copy linking to
    its own agenda page says nothing about who organises the event (every source links to
    its own pages), and it made the venue's "MEETUP PYTHON @ TOTEM" at the doors' time speak
    for the organiser's meetup, whose Google export gives no link."""
    found: Counter[str] = Counter()
    sites = {source_id: site_host(sources[source_id].website)
             for source_id in {record.source_id for record in records} if source_id in sources}
    for record in records:
        link = site_host(record.url if isinstance(record, Event) else record.link)
        if not link:
            continue
        for source_id, site in sites.items():
            if _on_site(link, site) and not (from_others and source_id == record.source_id):
                found[source_id] += 1
    return found
