"""Every benchmark, then one table of figures against the issue's targets.

    python bench/run_all.py                 # N = 300 and 1,000 (about 10 minutes here)
    python bench/run_all.py --sizes 300,1000,3000   # add N = 3,000 (about 40 minutes more)
    python bench/run_all.py --quick         # N = 300 only, short web runs

Each N runs in fresh processes (bench/pipeline.py, bench/peer.py), the feed server in its own;
the web app is driven by bench/loadgen.py in another process (bench/web.py); the digest
benchmark runs when bench/digest.py exists. Prints the Markdown table README's "Performance"
section holds, and writes every raw figure as JSON (``--json``, default bench/last-run.json).
Needs the benchmark's extra packages: `pip install -r bench/requirements.txt`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import httpx_floor  # noqa: E402
import peer  # noqa: E402
import pipeline  # noqa: E402
import web  # noqa: E402

BUILD_EVENTS = 50_000


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}"


def run(sizes: list[str], web_n: int, web_seconds: float) -> dict[str, object]:
    results: dict[str, object] = {"machine": machine(), "pipeline": {}, "peer": {},
                                  "httpx_floor": {}, "load_before": os.getloadavg()[0]}
    for size in sizes:
        print(f"pipeline N={size} ...", file=sys.stderr, flush=True)
        results["pipeline"][size] = json.loads(pipeline.measure(size))  # type: ignore[index]
        print(f"peer N={size} ...", file=sys.stderr, flush=True)
        results["peer"][size] = peer.compare(size)  # type: ignore[index]
        print(f"transport alone N={size} ...", file=sys.stderr, flush=True)
        results["httpx_floor"][size] = httpx_floor.measure(int(size))  # type: ignore[index]
    print("web ...", file=sys.stderr, flush=True)
    results["web"] = web.run(web_n, web_seconds)
    digest = HERE / "digest.py"
    if digest.exists():
        print("digest ...", file=sys.stderr, flush=True)
        out = subprocess.run([sys.executable, str(digest)], capture_output=True, text=True)
        try:
            results["digest"] = json.loads(out.stdout)
        except ValueError:
            results["digest"] = {"returncode": out.returncode,
                                 "output": out.stdout.strip().splitlines()[-5:]}
    results["load_after"] = os.getloadavg()[0]
    return results


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table(results: dict[str, object]) -> str:
    """The figures per N, each target's verdict beside it; the web app's; the digest's."""
    lines = [_pipeline_table(results), ""]
    web_rows = ["| web app | body | requests/s | p50 | p99 | target |", "|---|---|---|---|---|---|"]
    for case in results["web"]:  # type: ignore[attr-defined]
        ok = case["rps"] >= 2000 and case["p99_ms"] < 50
        web_rows.append(
            f"| {case['case']} ({case['connections']} connections, N={case['n']}) | "
            f"{case['body_bytes']:,} B | {case['rps']:,} | {case['p50_ms']} ms | {case['p99_ms']} ms | "
            f"≥ 2,000/s, p99 < 50 ms: {_verdict(ok)} |")
    lines += ["\n".join(web_rows), ""]
    if "digest" in results:  # bench/digest.py's own figures, as it prints them
        lines += ["Digest (bench/digest.py): `" + json.dumps(results["digest"]) + "`", ""]
    lines.append(f"Machine: {results['machine']}; 1-minute load average "
                 f"{results.get('load_before', 0):.1f} before, {results.get('load_after', 0):.1f} after.")
    return "\n".join(lines)


def _pipeline_table(results: dict[str, object]) -> str:
    """The refresh, build and peer figures per N (bench/pipeline.py, peer.py, httpx_floor.py)."""
    runs: dict[str, dict[str, float]] = results["pipeline"]  # type: ignore[assignment]
    peers: dict[str, dict[str, object]] = results["peer"]  # type: ignore[assignment]
    sizes = list(runs)
    head = "| figure | " + " | ".join(f"N={s}" for s in sizes) + " | target |"
    rows = [head, "|" + "---|" * (len(sizes) + 2)]

    def row(name: str, cells: list[str], target: str = "") -> None:
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {target} |")

    row("feeds / events out / news out",
        [f"{r['feeds']:.0f} / {r['events_out']:,.0f} / {r['items_out']:,.0f}" for r in runs.values()])
    row("parse floor (feedparser + icalendar, one process)", [f"{r['floor_s']:.2f} s" for r in runs.values()])
    row("cold refresh", [f"{r['cold_refresh_s']:.2f} s = {r['cold_refresh_s'] / r['floor_s']:.2f}× floor, "
                         f"{_verdict(r['cold_refresh_s'] <= r['floor_s'])}" for r in runs.values()],
        "≤ 1.0× floor")
    row("warm refresh (all 304)", [f"{r['warm_refresh_s']:.2f} s = {100 * r['warm_refresh_s'] / r['cold_refresh_s']:.0f} % of cold, "
                                   f"{_verdict(r['warm_refresh_s'] <= 0.05 * r['cold_refresh_s'])}" for r in runs.values()],
        "≤ 5 % of cold")
    if all("warm_rounds_s" in r for r in runs.values()):  # runs before 2026-12-05 (14th) lack it
        row("same, as a daemon's tick (every feed due, rounds of 100)",
            [f"{r['warm_rounds_s']:.2f} s = {100 * r['warm_rounds_s'] / r['cold_refresh_s']:.0f} % of cold"
             for r in runs.values()])
    floors: dict[str, dict[str, float]] = results.get("httpx_floor") or {}  # type: ignore[assignment]
    if floors and all(s in floors for s in sizes):  # runs before 2026-11-29 lack it
        row("the fetcher's transport alone (httpx on aiohttp since 2026-12-05), the same 304s "
            "(the warm refresh's floor)",
            [f"{floors[s]['seconds']:.2f} s = {100 * floors[s]['seconds'] / r['cold_refresh_s']:.1f} % "
             f"of cold, {floors[s]['ms_per_request']:.2f} ms a request" for s, r in runs.items()])
    per_event = {s: r["build_s"] / r["events_out"] for s, r in runs.items()}
    row("build (first, fresh process)", [f"{r['build_s']:.2f} s → {per_event[s] * BUILD_EVENTS:.1f} s per 50k events, "
                                         f"{_verdict(per_event[s] * BUILD_EVENTS <= 5)}" for s, r in runs.items()],
        "50,000 events ≤ 5 s")
    if all("cli_build_s" in r for r in runs.values()):  # runs before 2026-12-04 (7th) lack it
        row("build as `aggregator build` (fresh process, keeps nothing for a next build)",
            [f"{r['cli_build_s']:.2f} s → {r['cli_build_s'] / r['events_out'] * BUILD_EVENTS:.1f} s "
             f"per 50k events, peak {r['cli_build_peak_mb']:.0f} MB, "
             f"{_verdict(r['cli_build_s'] / r['events_out'] * BUILD_EVENTS <= 5)}"
             for r in runs.values()], "50,000 events ≤ 5 s")
    row("rebuild (same process, nothing changed)", [f"{r['rebuild_s']:.2f} s → {r['rebuild_s'] / r['events_out'] * BUILD_EVENTS:.1f} s per 50k events, "
                                                    f"{_verdict(r['rebuild_s'] / r['events_out'] * BUILD_EVENTS <= 5)}" for r in runs.values()],
        "50,000 events ≤ 5 s")
    if all("churn_rebuild_s" in r for r in runs.values()):  # runs before 2026-12-04 lack it
        row("a daemon's round: 5 % of sources edit their feeds, refresh + rebuild",
            [f"{r['churn_refresh_s']:.2f} s + {r['churn_rebuild_s']:.2f} s → rebuild "
             f"{r['churn_rebuild_s'] / r['events_out'] * BUILD_EVENTS:.1f} s per 50k events; peak "
             f"{max(r['churn_refresh_tree_peak_mb'], r['churn_rebuild_tree_peak_mb']):.0f} MB"
             for r in runs.values()])
    first = per_event[sizes[0]]
    row("build time per event vs the smallest N", [f"{per_event[s] / first:.2f}×" for s in sizes],
        "linear: ≈ 1.0×")
    steps = ("cold_refresh", "warm_refresh", "build", "rebuild")
    row("peak memory, largest process (cold / warm / build / rebuild)",
        [" / ".join(f"{r[f'{step}_peak_mb']:.0f}" for step in steps) + " MB" for r in runs.values()])
    if all("build_tree_peak_mb" in r for r in runs.values()):  # runs before 2026-11-29 lack it
        row("peak memory, all processes at once (cold / warm / build / rebuild)",
            [" / ".join(f"{r[f'{step}_tree_peak_mb']:.0f}" for step in steps) + " MB, "
             + _verdict(max(r[f"{step}_tree_peak_mb"] for step in steps) <= 500)
             for r in runs.values()],
            "≤ 500 MB at N=3,000")
    row("RSS/Atom refresh: ours / lemon24/reader (cold)",
        [f"{p['ours']['cold_s']:.2f} s / {p['reader']['cold_s']:.2f} s = {p['ratio_cold']:.2f}, "  # type: ignore[index]
         f"{_verdict(float(p['ratio_cold']) <= 0.5)}" for p in peers.values()],  # type: ignore[arg-type]
        "≤ 0.5")
    row("same, warm (ours / reader; reader skips feeds not yet due)",
        [f"{p['ours']['warm_s']:.2f} s / {p['reader']['warm_s']:.2f} s" for p in peers.values()])  # type: ignore[index]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,1000", help="comma-separated N (default 300,1000)")
    parser.add_argument("--quick", action="store_true", help="N=300 only, 3-second web runs")
    parser.add_argument("--web-n", type=int, default=25, help="sources behind the web calendar")
    parser.add_argument("--web-seconds", type=float, default=5.0)
    parser.add_argument("--json", type=Path, default=HERE / "last-run.json")
    parser.add_argument("--table-only", action="store_true", help="print the table of --json")
    args = parser.parse_args()
    if args.table_only:
        print(table(json.loads(args.json.read_text())))
        return
    sizes = ["300"] if args.quick else args.sizes.split(",")
    results = run(sizes, args.web_n, 3.0 if args.quick else args.web_seconds)
    args.json.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))


if __name__ == "__main__":
    main()
