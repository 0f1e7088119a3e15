"""README and docs/ point readers at each other: every relative link must reach a file, and
its #anchor a heading of that file (as GitHub names them), or the reader lands nowhere.

Links and headings are read with markdown-it-py (CommonMark), so that code blocks, inline
code and tables are what a renderer takes them for.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
MARKDOWN = MarkdownIt("commonmark").enable("table")


def tokens(page: Path) -> list[Token]:
    """Every token of the page, inline children included."""
    flat: list[Token] = []
    for token in MARKDOWN.parse(page.read_text(encoding="utf-8")):
        flat.append(token)
        flat.extend(token.children or ())
    return flat


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    flat = tokens(page)
    for i, token in enumerate(flat):
        if token.type == "heading_open":
            text = "".join(child.content for child in flat[i + 1].children or ())
            slug = github_slug(text)
            found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
    return found


def relative_links(page: Path) -> list[str]:
    hrefs = [str(t.attrs["href"]) for t in tokens(page) if t.type == "link_open"]
    return [h for h in hrefs if not urlsplit(h).scheme and not h.startswith("//")]


def test_the_pages_link_to_each_other() -> None:
    """The check below would pass on pages without links: README must point at docs/."""
    linked = {urlsplit(h).path for h in relative_links(REPO / "README.md")}
    missing = [p.relative_to(REPO).as_posix() for p in PAGES[1:]
               if p.relative_to(REPO).as_posix() not in linked]
    assert not missing, f"README links to no {missing}: add them to 'Where to read more'"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_reaches_a_file_and_heading(page: Path) -> None:
    broken = []
    for href in relative_links(page):
        parts = urlsplit(href)
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if not target.exists():
            broken.append(f"{href}: no file {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
        elif parts.fragment and target.suffix == ".md" and unquote(parts.fragment) not in anchors(target):
            broken.append(f"{href}: no heading #{parts.fragment} in {target.name}")
    assert not broken, f"{page.name} has broken links: {broken}"
