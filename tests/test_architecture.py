"""The structure itself: layer import rules (STYLE.md) and a README that documents every command.

Like httpx's and sqlite-utils' structure tests: a rule that only lives in a document erodes;
this test fails the day a pure module imports the network or a CLI command goes undocumented.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from aggregator.cli import cli

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "aggregator"

PURE = ("aggregator.parse", "aggregator.dedup", "aggregator.render", "aggregator.decide",
        "aggregator.lifecycle", "aggregator.cadence", "aggregator.digest", "aggregator.recurrence",
        "aggregator.listing_budget", "aggregator.day_cycle", "aggregator.selection", "aggregator.notices",
        "aggregator.reasons", "aggregator.redact")
DATA = ("aggregator.models", "aggregator.contacts", "aggregator.errors", "aggregator.instants", "aggregator.memo",
        "aggregator.proxies")
EDGES = ("aggregator.fetch", "aggregator.netguard", "aggregator.store", "aggregator.publish",
         "aggregator.mailer", "aggregator.config", "aggregator.spill")
IO_LIBRARIES = ("httpx", "sqlalchemy", "alembic", "smtplib", "apscheduler", "fastapi",
                "starlette", "uvicorn", "aiosmtpd", "psycopg")
ENTRY_POINTS = ("aggregator.cli", "aggregator.web", "aggregator.schedule", "aggregator.demo",
                "aggregator.daemon")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module a file imports (relative imports resolved)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", [p for p in MODULES if within(module_name(p), PURE + DATA)],
                         ids=lambda p: module_name(p))
def test_pure_and_data_modules_do_no_io(path: Path) -> None:
    bad = {n for n in imports_of(path) if within(n, IO_LIBRARIES + EDGES)}
    bad |= {n for n in imports_of(path) if within(n, ("aggregator.core",) + ENTRY_POINTS)}
    assert not bad, f"{module_name(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", [p for p in MODULES if within(module_name(p), DATA)],
                         ids=lambda p: module_name(p))
def test_data_modules_import_only_data(path: Path) -> None:
    ours = {n for n in imports_of(path) if n.startswith("aggregator")}
    assert all(within(n, DATA) for n in ours), f"{module_name(path)} imports {sorted(ours)}"


@pytest.mark.parametrize("path", [p for p in MODULES if within(module_name(p), EDGES)],
                         ids=lambda p: module_name(p))
def test_edges_do_not_reach_into_the_pure_core_or_each_other(path: Path) -> None:
    me = next(e for e in EDGES if within(module_name(path), (e,)))
    allowed = DATA + (me, "aggregator") + (("aggregator.netguard",) if me == "aggregator.fetch" else ())
    ours = {n for n in imports_of(path) if n.startswith("aggregator")}
    bad = {n for n in ours if not within(n, allowed) and n != "aggregator.USER_AGENT"}
    assert not bad, f"{module_name(path)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", [p for p in MODULES if within(module_name(p), ENTRY_POINTS)],
                         ids=lambda p: module_name(p))
def test_entry_points_go_through_the_facade(path: Path) -> None:
    bad = {n for n in imports_of(path) if within(n, ("aggregator.store", "aggregator.fetch"))}
    assert not bad, f"{module_name(path)} imports {sorted(bad)}"


def commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            names += commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


@pytest.mark.parametrize("command", commands(cli))
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\s+{re.escape(command)}\b", readme, re.M), f"README does not document `{command}`"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 450, f"{module_name(path)} has {lines} lines: split it along its seams"
