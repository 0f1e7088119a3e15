"""What went wrong with a feed, in the reader's language.

A feed's errors and warnings are written in English where they happen (the parser, the
fetcher) and stored as written: the operator's CLI, the logs and the JSON API read them so. The
pages an organiser or a visitor reads (a source's health, the registration preview, the
admin's table) and the emails to a feed's contact are in French, English or German; there
:func:`reason_in` reads a stored message back against :data:`catalog.CATALOG`, gettext's way
(the English text is the key), and gives the message in the reader's language.

A message the catalogue does not know stays in English rather than being lost, and what a
message quotes (a title, a library's own words, a number) is kept as it is. The corpus test
holds every message the conformance corpus makes to a translation. The system's own words
that a fetch error quotes ("Connection refused", "certificate has expired") are translated too
(:data:`.system.SYSTEM`).
"""

from __future__ import annotations

import functools
import re
import string

from .catalog import CATALOG
from .system import SYSTEM

LANGUAGES = ("en", "fr", "de")
NESTED = frozenset({"why", "what"})
"""Placeholders that hold a message of their own ("skipped VEVENT {what}: {why}", where
``why`` is "no DTSTART"), translated in turn. Others (titles, URLs, numbers) are quoted."""
NUMBERS = frozenset({"n", "max", "cut", "kept", "total", "days", "size", "cap", "at", "line",
                     "seconds", "status", "depth", "mb", "id"})
"""Placeholders that always hold a number ("1,000", "2.5", "-3"), matched as one: a feed's
titles are the feed's to choose, and a title full of ": " made the patterns whose every
placeholder matched anything backtrack for 32 ms on one 275-character warning (0.2 ms now),
of which a feed may have fifty on its page."""
NUMBER = r"-?[0-9][0-9,.]*"
QUOTED = r"'(?:[^'\\]|\\.)*'" + "|" + r'"(?:[^"\\]|\\.)*"'
"""A value written by ``repr`` (a title, in either quotes, its own quotes escaped)."""
SHAPES = {**{name: NUMBER for name in NUMBERS},
          "what": rf"(?:UID )?(?:{QUOTED})|\(no SUMMARY, no UID\)"}
"""What a placeholder can hold, where the code that writes it says so: a number, or a VEVENT
as ``parse.ical_dates.describe`` names it (so a title holding ": " is not split there)."""


def reason_in(text: str, lang: str) -> str:
    """``text`` (a stored English message) in ``lang``; as it is when not in the catalogue."""
    if lang == "en" or lang not in LANGUAGES or not text:
        return text
    column = LANGUAGES.index(lang)
    for pattern, translations in _patterns():
        found = pattern.fullmatch(text)
        if found is not None:
            values = {name: reason_in(value, lang) if name in NESTED else value
                      for name, value in found.groupdict().items()}
            return translations[column].format_map(values)
    return text


def reasons_in(texts: tuple[str, ...] | list[str], lang: str) -> list[str]:
    return [reason_in(text, lang) for text in texts]


def fields(template: str) -> list[str]:
    """The placeholders of a template, in order (a repeated one once)."""
    return list(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(template)
                              if name is not None))


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], tuple[str, str, str]], ...]:
    """Each English template as a pattern, the most literal text first: "invalid URL: no host"
    is tried before "invalid URL: {why}"."""
    compiled = []
    for row in CATALOG + SYSTEM:
        english = row[0]
        parts: list[str] = []
        seen: set[str] = set()
        literal = 0
        for text, name, _, _ in string.Formatter().parse(english):
            parts.append(re.escape(text))
            literal += len(text)
            if name is not None:
                value = SHAPES.get(name, ".+?")
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
                seen.add(name)
        compiled.append((literal, re.compile("".join(parts), re.DOTALL), row))
    compiled.sort(key=lambda entry: -entry[0])
    return tuple((pattern, row) for _, pattern, row in compiled)
