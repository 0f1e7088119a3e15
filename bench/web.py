"""Benchmark the web app answering /calendar.ics: `python bench/web.py [N] [seconds]`.

Builds the output of N generated sources (default 25: ~1,000 events, a region's calendar),
runs the web app (aggregator.web, uvicorn, one process) in a subprocess on loopback, and
drives it with bench/loadgen.py in another process: the cached calendar with its body, then
with If-None-Match (304). Prints one JSON line per case: requests per second, p50 and p99.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from feedgen import generate  # noqa: E402

from aggregator.config import build_settings  # noqa: E402
from aggregator.core import make_aggregator  # noqa: E402
from aggregator.demo.server import FeedServer  # noqa: E402
from aggregator.models import FeedRef, Source  # noqa: E402

CONNECTIONS = 16


def build_output(n: int, directory: Path) -> None:
    """Refresh and build N generated sources into ``directory`` (bench.db and output/)."""
    files: dict[str, tuple[bytes, str]] = {}
    sources = []
    generated = generate(n, date.today())
    for g in generated:
        files[f"/{g.id}/events.ics"] = (g.ics, "text/calendar")
        files[f"/{g.id}/news"] = (g.news, g.news_type)
    with FeedServer(files) as server:
        for g in generated:
            feeds = (FeedRef(f"{server.base_url}/{g.id}/events.ics"),
                     FeedRef(f"{server.base_url}/{g.id}/news"))
            sources.append(Source(id=g.id, name=g.id, kind=g.kind, city=g.city, country="FR",
                                  feeds=feeds))
        aggregator = make_aggregator(_settings(directory, tuple(sources)))
        aggregator.refresh()
        aggregator.build()
        aggregator.close()


def _settings(directory: Path, sources: tuple[Source, ...] = ()) -> object:
    return build_settings(sources, None, {}, db_url=f"sqlite:///{directory}/bench.db",
                          output_dir=directory / "output", allow_private_networks=True)


def serve(directory: Path) -> None:
    """The app on an ephemeral port (its URL on the first line), until terminated."""
    from aggregator.web.server import WebServer

    server = WebServer(make_aggregator(_settings(directory)), port=0)  # type: ignore[arg-type]
    server.serve(on_ready=lambda: print(server.url, flush=True))


def run(n: int, seconds: float) -> list[dict[str, object]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        build_output(n, directory)
        app = subprocess.Popen([sys.executable, __file__, "--serve", tmp],
                               stdout=subprocess.PIPE, text=True)
        try:
            assert app.stdout is not None
            url = app.stdout.readline().strip() + "/calendar.ics"
            etag = _etag(url)
            for case, headers in (("calendar.ics 200", []), ("calendar.ics 304",
                                                              [f"If-None-Match: {etag}"])):
                out = subprocess.run(
                    [sys.executable, str(HERE / "loadgen.py"), url, str(seconds),
                     str(CONNECTIONS), *headers],
                    capture_output=True, text=True, check=True)
                figures = json.loads(out.stdout)
                results.append({"case": case, "n": n, **figures})
        finally:
            app.terminate()
            app.wait(15)
    return results


def _etag(url: str) -> str:
    import httpx

    response = httpx.get(url, timeout=30, headers={"Accept-Encoding": "identity"})
    response.raise_for_status()
    return response.headers["etag"]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    for result in run(n, seconds):
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
