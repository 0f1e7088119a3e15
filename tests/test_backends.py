"""The same refresh and build on SQLite and on PostgreSQL give byte-identical outputs (issue 4)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from aggregator import config
from aggregator.config import Settings
from aggregator.core import make_aggregator
from aggregator.demo.feeds import build_demo

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def outputs(settings: Settings, db_url: str, output: Path) -> dict[str, bytes]:
    settings = dataclasses.replace(settings, db_url=db_url, output_dir=output,
                                   allow_private_networks=True)
    aggregator = make_aggregator(settings, clock=lambda: NOW)
    try:
        outcomes = aggregator.refresh()
        assert {o.result for o in outcomes} == {"updated"}
        aggregator.build()
    finally:
        aggregator.close()
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*"))
            if p.is_file()}


@pytest.mark.postgres
def test_sqlite_and_postgresql_publish_the_same_bytes(
    feed_server: Any, tmp_path: Path, postgres_url: str
) -> None:
    site = build_demo(date.today(), feed_server.base_url)
    for target, demo_file in site.files.items():
        feed_server.set(target, demo_file.body, demo_file.content_type)
    (tmp_path / "sources.yaml").write_text(site.sources_yaml, encoding="utf-8")
    settings = config.load(tmp_path / "sources.yaml", {})
    on_sqlite = outputs(settings, f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "sqlite")
    on_postgres = outputs(settings, postgres_url, tmp_path / "postgres")
    assert sorted(on_sqlite) == sorted(on_postgres) and "calendar.ics" in on_sqlite
    different = [name for name in on_sqlite if on_sqlite[name] != on_postgres[name]]
    assert different == []
