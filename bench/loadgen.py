"""A small HTTP/1.1 load generator for loopback: `python bench/loadgen.py URL [seconds] [conns]`.

Keep-alive connections on raw asyncio streams, each sending one GET after the other (no
pipelining), so a request's latency is the server's answer time plus loopback. Pure Python
and single-process: it spends ~40 us per request, far less than the app, and runs in its own
process so it does not share the server's interpreter lock. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from urllib.parse import urlsplit


async def _worker(host: str, port: int, request: bytes, until: float, warm_until: float,
                  latencies: list[float], statuses: Counter[int], sizes: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            if started >= warm_until:
                latencies.append(time.perf_counter() - started)
                statuses[int(head[9:12])] += 1
                sizes.append(length)
    finally:
        writer.close()


async def load(url: str, seconds: float = 5.0, connections: int = 16,
               headers: dict[str, str] | None = None, warmup: float = 1.0) -> dict[str, object]:
    """Hammer ``url`` for ``warmup`` + ``seconds``; figures cover the last ``seconds`` only."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Accept-Encoding": "identity", **(headers or {})}
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    sizes: list[int] = []
    start = time.perf_counter()
    warm_until, until = start + warmup, start + warmup + seconds
    await asyncio.gather(*(
        _worker(host, port, request, until, warm_until, latencies, statuses, sizes)
        for _ in range(connections)))
    latencies.sort()
    done = len(latencies)
    return {
        "requests": done, "rps": round(done / seconds),
        "p50_ms": round(latencies[done // 2] * 1000, 2) if done else None,
        "p99_ms": round(latencies[min(done - 1, int(done * 0.99))] * 1000, 2) if done else None,
        "statuses": dict(statuses), "body_bytes": max(sizes, default=0),
        "connections": connections,
    }


def main() -> None:
    url = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    connections = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    headers = dict(h.split(": ", 1) for h in sys.argv[4:])
    print(json.dumps(asyncio.run(load(url, seconds, connections, headers))))


if __name__ == "__main__":
    main()
