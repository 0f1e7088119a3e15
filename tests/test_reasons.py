"""A feed's errors and warnings in the reader's language (aggregator/reasons).

The catalogue is keyed by the English the code writes, so the two must not drift apart: every
message written by the fetcher and the parsers has a catalogue entry (else a French organiser
reads English), and every entry is still written somewhere (else it is dead weight). The
corpus test (test_parse_corpus) holds the messages 513 real files give to a translation.
"""

from __future__ import annotations

import ast
import ctypes
import ctypes.util
import errno
import os
import re
import socket
import string
from pathlib import Path

import pytest

from aggregator.reasons import NUMBERS, fields, reason_in
from aggregator.reasons.catalog import CATALOG
from aggregator.reasons.system import SYSTEM

PACKAGE = Path(__file__).resolve().parents[1] / "aggregator"
HOLE = "\x00"
ERRORS = {"ParseError": 1, "FetchError": 1, "BlockedAddressError": 1, "PrivateAddressError": 1,
          "SkippedEvent": 0, "RegistrationError": 1, "SubscriberError": 1}
"""Exceptions whose message an organiser or a subscriber reads, and where that message is."""
LISTS = ("warnings", "notes", "problems")
"""Lists of warnings the parsers fill."""
WRITERS = ("describe", "describe_bozo", "free_busy_warning", "_rule_problem", "type_mismatch",
           "checked_rule", "zone_warnings", "skipped_lines_note", "double_encoding_note",
           "unread_dates_note", "status_reason", "undated_note", "guessed_order_note",
           "typed_dates_note", "iso_dates_note", "future_dates_note", "_other_kind", "no_uid_note",
           "shared_id_note", "costly_series_note")
"""Functions whose returned text is (part of) a message."""
NAMES = ("reason", "note", "flag", "problem", "warnings")
"""Variables a message is put together in before it is raised or listed."""
PARTS = ("blocks", "kept")
"""Variables holding a piece of a message (the rest is written around them)."""
UNTRANSLATED = {"HTTP \x00"}
"""The status line ("HTTP 404 Not Found") reads the same in every language."""


def shape(node: ast.expr) -> str | None:
    """The text an expression writes, with a HOLE where a value goes; None if not text."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts = [shape(value) if isinstance(value, ast.Constant) else HOLE
                 for value in node.values]
        return None if None in parts else "".join(parts)  # type: ignore[arg-type]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = shape(node.left), shape(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return HOLE
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):  # "...".strip()
        return shape(node.func.value)
    if isinstance(node, ast.IfExp):
        return shape(node.body)  # the other branch is found on its own
    return None


def written_messages() -> tuple[dict[str, str], dict[str, str]]:
    """Each message shape the package writes, with where; and each piece of one."""
    found: dict[str, str] = {}
    parts: dict[str, str] = {}

    def add(node: ast.expr | None, path: Path, into: dict[str, str] = found) -> None:
        if node is None:
            return
        if isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                if not isinstance(element, ast.Starred):
                    add(element, path, into)
            return
        for branch in (node.body, node.orelse) if isinstance(node, ast.IfExp) else (node,):
            text = shape(branch)
            if text and re.search(r"[a-zA-Z]", text):  # not "{kind}: {text}", a value
                into.setdefault(text, f"{path.relative_to(PACKAGE)}:{node.lineno}")

    for path in sorted(PACKAGE.rglob("*.py")):
        if "reasons" in path.parts or "demo" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(
                    node.func, "attr", None)
                owner = getattr(node.func, "value", None)
                if name in ERRORS and len(node.args) > ERRORS[name]:
                    add(node.args[ERRORS[name]], path)
                elif (name in ("append", "extend") and owner is not None
                      and getattr(owner, "attr", getattr(owner, "id", None)) in LISTS
                      and node.args):
                    given = node.args[0]
                    add(given.elt if isinstance(given, ast.GeneratorExp) else given, path)
            elif isinstance(node, ast.FunctionDef) and node.name in WRITERS:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return):
                        add(inner.value, path)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in NAMES for t in node.targets):
                add(node.value, path)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in PARTS for t in node.targets):
                add(node.value, path, parts)
    return found, parts


def template_shape(template: str) -> str:
    return "".join(text + (HOLE if name is not None else "")
                   for text, name, _, _ in string.Formatter().parse(template))


def covers(written: str, template: str, *, piece: bool = False) -> bool:
    """Whether the code's ``written`` shape can produce ``template`` (a ``piece`` of it): a
    HOLE of the code may hold fixed words of the template (a value put together elsewhere),
    or nothing (a plural's "s")."""
    pattern = re.compile("".join(".*?" if part.startswith(HOLE) else re.escape(part)
                                 for part in re.split(f"({HOLE}+)", written)
                                 if part).replace(".*?" * 2, ".*?"), re.DOTALL)
    found = (pattern.search if piece else pattern.fullmatch)(template_shape(template))
    return found is not None


WRITTEN, PIECES = written_messages()


def test_the_scan_finds_the_messages_it_must_check() -> None:
    assert len(WRITTEN) > 80
    assert "skipped VEVENT \x00: \x00" in WRITTEN
    assert any(written.startswith("cannot connect: \x00; ") for written in WRITTEN)


@pytest.mark.parametrize("written", sorted(set(WRITTEN) - UNTRANSLATED))
def test_every_message_the_code_writes_is_in_the_catalogue(written: str) -> None:
    assert any(covers(written, english) for english, _, _ in CATALOG), (
        f"{written!r} ({WRITTEN[written]}) is not in aggregator/reasons/catalog.py: add it, "
        "with its French and German")


@pytest.mark.parametrize("piece", sorted(PIECES))
def test_every_piece_of_a_message_is_in_the_catalogue(piece: str) -> None:
    assert any(covers(piece, english, piece=True) for english, _, _ in CATALOG), (
        f"{piece!r} ({PIECES[piece]}) is in no message of aggregator/reasons/catalog.py")


@pytest.mark.parametrize("row", CATALOG, ids=[row[0][:50] for row in CATALOG])
def test_every_catalogue_entry_is_still_written(row: tuple[str, str, str]) -> None:
    assert any(covers(written, row[0]) for written in WRITTEN), (
        f"nothing writes {row[0]!r} any more: update or drop its entry")


@pytest.mark.parametrize("row", CATALOG + SYSTEM, ids=[row[0][:50] for row in CATALOG + SYSTEM])
def test_each_translation_keeps_every_value(row: tuple[str, str, str]) -> None:
    english, french, german = row
    assert sorted(fields(french)) == sorted(fields(english)) == sorted(fields(german))
    samples = {name: "1,000" for name in NUMBERS} | {"what": "'Atelier: soudure'"}
    values = {name: samples.get(name, f"<{name}-{i}>") for i, name in enumerate(fields(english))}
    message = english.format_map(values)
    for lang, expected in (("fr", french), ("de", german)):
        translated = reason_in(message, lang)
        assert translated == expected.format_map(values), (lang, message, translated)
    assert reason_in(message, "en") == message


def test_a_message_inside_a_message_is_translated_and_quotes_are_kept() -> None:
    said = "VEVENT 'Atelier: soudure' has no UID: generated one"
    assert reason_in(said, "fr") == "VEVENT 'Atelier: soudure' sans UID : un UID a été créé"
    nested = "skipped VEVENT (no SUMMARY, no UID): unreadable DTSTART '2026-13-45'"
    assert reason_in(nested, "de") == ("VEVENT (ohne SUMMARY und UID) übersprungen: unlesbares "
                                       "DTSTART '2026-13-45'")
    rule = "VEVENT 'Réunion': RRULE 'FREQ=WEEKLY;COUNT=0': COUNT=0 is not a positive number: " \
           "read as a single event"
    assert reason_in(rule, "fr") == ("VEVENT 'Réunion' : RRULE 'FREQ=WEEKLY;COUNT=0' : COUNT=0 "
                                     "n'est pas un nombre positif : lu comme un événement unique")
    # a library's own words inside stay as they are; the specific entry wins over the general
    assert reason_in("incomplete answer: Server disconnected", "fr") == \
        "réponse incomplète : Server disconnected"
    # the system's words are translated (aggregator/reasons/system.py)
    advice = ("; the site's server does not answer at this address: we will try again; if the "
              "feed has moved, give us its new address")
    assert reason_in(f"cannot connect: Connection refused{advice}", "de") == (
        "keine Verbindung möglich: Verbindung abgelehnt; der Server der Website antwortet unter "
        "dieser Adresse nicht: wir versuchen es erneut; wenn der Feed umgezogen ist, geben Sie "
        "uns seine neue Adresse")
    assert reason_in("invalid URL: no host", "de") == "ungültige Adresse: kein Hostname"


def test_a_title_full_of_separators_is_read_as_a_title() -> None:
    """A feed chooses its titles: one full of ": " is quoted as it is, and a number's place
    holds only a number (the patterns no longer try every split of such a title)."""
    title = "'" + ": " * 39 + "'"
    said = f"VEVENT {title}: RRULE 'FREQ=SOMETIMES': it has no valid FREQ: read as a single event"
    assert reason_in(said, "fr") == (f"VEVENT {title} : RRULE 'FREQ=SOMETIMES' : elle n'a pas de "
                                     "FREQ valide : lu comme un événement unique")
    assert reason_in("left out several private events (CLASS:PRIVATE or CONFIDENTIAL): not "
                     "published", "fr").startswith("left out several")


def test_what_the_catalogue_does_not_know_stays_as_written() -> None:
    for text in ("HTTP 404 Not Found", "a message from a newer version", ""):
        assert reason_in(text, "fr") == text and reason_in(text, "de") == text
    assert reason_in("timed out", "es") == "timed out"  # not a language of the site


def system_words() -> set[str]:
    """What this machine's C library and OpenSSL say for each of their error codes, as the
    fetcher quotes them (OpenSSL's without its final full stop)."""
    words = {os.strerror(code) for code in errno.errorcode}
    libc = ctypes.CDLL(None)
    libc.gai_strerror.restype = ctypes.c_char_p
    words |= {libc.gai_strerror(getattr(socket, name)).decode()
              for name in dir(socket) if name.startswith("EAI_")}
    crypto = ctypes.CDLL(ctypes.util.find_library("crypto"))
    crypto.X509_verify_cert_error_string.restype = ctypes.c_char_p
    words |= {crypto.X509_verify_cert_error_string(code).decode().rstrip(".")
              for code in range(100)}
    return words


def test_the_system_words_translated_are_the_systems_own() -> None:
    """A key no system writes would never match: each is what the C library or OpenSSL says
    for some error; the two with a name in them are Python's own (ssl), which the TLS tests
    provoke (tests/test_fetch_tls.py)."""
    words = system_words()
    assert {"Connection refused", "Name or service not known", "certificate has expired"} <= words
    unknown = [english for english, _, _ in SYSTEM if not fields(english) and english not in words]
    assert not unknown, f"no error of this machine says {unknown}: fix or drop them"
    assert [english for english, _, _ in SYSTEM if fields(english)] == [
        "Hostname mismatch, certificate is not valid for {name}",
        "IP address mismatch, certificate is not valid for {name}"]


def test_a_fetch_error_reads_in_the_organisers_language_through_and_through() -> None:
    assert reason_in("cannot resolve lab.example: Name or service not known", "de") == \
        "lab.example nicht auffindbar: Name unbekannt"
    certificate = reason_in(
        "the site's TLS certificate is not valid: certificate has expired; the site must serve "
        "a certificate for its name from a public authority, with its intermediate "
        "certificates (a self-signed or expired one is refused)", "fr")
    assert certificate.startswith("le certificat TLS du site n'est pas valide : le certificat "
                                  "a expiré ; le site doit présenter")
