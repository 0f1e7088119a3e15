"""The warm refresh's floor: the HTTP transport alone asking N sources' feeds with If-None-Match.

`python bench/httpx_floor.py [N]` serves N generated sources (bench/feedserve.py), fetches each
feed once for its ETag, then times conditional GETs of every feed (all answered 304) through
the transport the fetcher uses (httpx's interface on aiohttp, `aggregator.fetch.transport`)
with nothing of ours around it: the same pool limits (32 connections, 4 at a time to the one
host), uvloop. Our warm refresh does this plus the address checks, the decisions and the
database writes; its figure in bench/pipeline.py compares with this one.
`--httpcore` times httpx's own transport instead (httpcore), which the fetcher used until
2026-12-05.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import httpx
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregator import fetch  # noqa: E402

PER_HOST = 4
HTTPCORE = "--httpcore" in sys.argv


async def conditional_round(base_url: str, n: int, rounds: int = 3) -> list[float]:
    urls = [f"{base_url}/org-{i:05d}/{name}" for i in range(n) for name in ("events.ics", "news")]
    parsed = {url: httpx.URL(url) for url in urls}  # once, as the fetcher caches its URLs
    etags: dict[str, str] = {}
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    wire = (httpx.AsyncHTTPTransport(limits=limits) if HTTPCORE
            else fetch.transport(fetch.FetchLimits(concurrency=32)))
    async with wire as transport:
        gate = asyncio.Semaphore(PER_HOST)

        async def get(url: str) -> int:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with gate:
                response = await transport.handle_async_request(
                    httpx.Request("GET", parsed[url], headers=headers))
                if HTTPCORE or response.status_code != 304:
                    await response.aread()  # httpcore closes a connection left unread
                await response.aclose()  # aiohttp gives it back by itself after a 304
            etags.setdefault(url, response.headers.get("etag", ""))
            return response.status_code

        await asyncio.gather(*(get(url) for url in urls))  # learn the ETags
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            codes = await asyncio.gather(*(get(url) for url in urls))
            timings.append(time.perf_counter() - started)
            assert set(codes) == {304}, set(codes)
        return timings


def measure(n: int) -> dict[str, float]:
    """The best of three rounds for N sources (2N feeds), the feed server in its own process."""
    server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "feedserve.py"), str(n)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        timings = uvloop.run(conditional_round(base_url, n))
    finally:
        server.terminate()
        server.wait(10)
    return {"requests": 2 * n, "seconds": min(timings), "ms_per_request": min(timings) / (2 * n) * 1e3}


def main() -> None:
    sizes = [arg for arg in sys.argv[1:] if arg.isdigit()]
    n = int(sizes[0]) if sizes else 300
    figures = measure(n)
    print(f"{figures['requests']:.0f} conditional GETs (304) through "
          f"{'httpcore' if HTTPCORE else 'the transport'} alone: best of 3 "
          f"{figures['seconds']:.3f} s, {figures['ms_per_request']:.2f} ms each")


if __name__ == "__main__":
    main()
