"""The whole ingestion pipeline (fetch_due: HTTP ▶ parse ▶ sanitize ▶ language ▶ upsert) at scale.

200 generated feeds × 50 entries (five languages, some feeds declaring theirs, some not) served
with ETags by a local aiohttp server on 127.0.0.1, ingested into a fresh SQLite database (and
PostgreSQL with --pg URL or AIVE_TEST_DATABASE_URL: a scratch database, its public schema is
dropped). Prints, all measured in this run:

- items/s of the first run (every entry new);
- its time against bare `feedparser.parse` of the same bytes (goal ≤ 1.5), and the same ratio
  for `parse_feed` alone (parse + sanitize + normalize, no language, no database);
- its CPU time (this process plus the parse worker process, see newsletter.feeds.workers)
  against bare `feedparser.parse`'s: parsing in a worker process overlaps storing on another
  core, so the wall-clock ratio improves while the work done does not shrink; both are shown;
- the speed-up of a second run where every feed answers 304 (goal ≥ 20×), each source's row
  updated as in life (validators, success time, next fetch);
- memory (goal ≤ 300 MB): the process's peak RSS during the timed first runs (VmHWM, reset
  before each run: libraries, language models, the served feeds and the pipeline) plus the
  parse workers' peak (each worker imports this script again, as `spawn` does), what was
  resident before, and the pipeline's own peak of Python allocations (tracemalloc, in one extra
  untimed run, since tracing slows Python down).

The language models ingestion needs are loaded before timing, as a long-running worker does at
start-up: lingua's fast models for long texts and langdetect; lingua's high-accuracy models are
loaded only if a text shorter than `LONG_TEXT` comes (none here). The parse worker is started
before timing too (`--parse-processes 0` parses in a thread instead, as before).
`--profile` prints the first run's cProfile top functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import io
import os
import pstats
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
from aiohttp import web
from scratch_database import migrated_engine
from sqlalchemy import func, select

from newsletter.feeds import parse_feed, workers
from newsletter.feeds.fetch import Fetcher, FetchLimits
from newsletter.feeds.ingest import fetch_due
from newsletter.feeds.language import detector_for
from storage.engine import SessionFactory, create_session_factory
from storage.feeds import Item, Source
from storage.models import metadata

INTERVAL = timedelta(minutes=30)
PHRASES = {
    "ca": "L'ajuntament obre un nou espai de lectura per a infants i famílies al barri del port.",
    "fr": "La ville ouvre un nouvel espace de lecture pour les enfants et familles du quartier.",
    "es": "El ayuntamiento abre un nuevo espacio de lectura para niños y familias del barrio.",
    "pt": "A câmara abre um novo espaço de leitura para crianças e famílias do bairro do porto.",
    "en": "The city council opens a new reading space for children and families near the harbour.",
}
LANGS = list(PHRASES)


def feed(index: int, entries: int) -> bytes:
    lang = LANGS[index % len(LANGS)]
    phrase = PHRASES[lang]
    declared = f"<language>{lang}</language>" if index % 2 == 0 else ""
    items = "".join(
        f"<item><title>{phrase[:60]} {index}-{i}</title>"
        f"<link>https://city{index}.example/news/{i}?utm_source=rss</link>"
        f"<guid isPermaLink='false'>urn:city{index}:{i}</guid>"
        f"<pubDate>Mon, {i % 28 + 1:02d} Sep 2025 10:00:00 +0200</pubDate>"
        f"<category>education</category><category>youth</category>"
        f"<description><![CDATA[<p>{phrase} <a href='/news/{i}/more' onclick='t()'>+</a>"
        f"<img src='/img/{i}.jpg' onerror='x()'></p><script>alert(1)</script>]]></description>"
        f"<content:encoded><![CDATA[<div><p>{phrase * 4}</p><p><em>{phrase}</em></p>"
        f"<p>{phrase * 3}</p></div>]]></content:encoded></item>"
        for i in range(entries)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>City {index}</title><link>https://city{index}.example/</link>{declared}"
        f"{items}</channel></rss>"
    ).encode()


def serve(bodies: list[bytes]) -> web.Application:
    etags = [f'"{hashlib.sha256(body).hexdigest()[:16]}"' for body in bodies]

    async def handler(request: web.Request) -> web.Response:
        index = int(request.match_info["n"])
        etag = etags[index]
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=bodies[index], headers={"ETag": etag}, content_type="application/rss+xml"
        )

    app = web.Application()
    app.router.add_get("/feed/{n}", handler)
    return app


async def fresh_database(url: str) -> SessionFactory:
    engine = await migrated_engine(url)
    assert metadata.tables  # models registered
    return create_session_factory(engine)


async def ingest_once(
    sessions: SessionFactory, limits: FetchLimits, now: datetime
) -> tuple[float, float]:
    """Wall-clock seconds of one run, and CPU seconds of this process plus the parse workers."""
    async with Fetcher("https://aive.example", limits) as fetcher:
        started, cpu = time.perf_counter(), cpu_seconds()
        reports = await fetch_due(sessions, fetcher, now, INTERVAL, only_due=False)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if any(r.not_modified for r in reports) and not all(r.not_modified for r in reports):
        raise SystemExit("some feeds answered 304, some did not")
    errors = [r for r in reports if r.error]
    if errors:
        raise SystemExit(f"{len(errors)} sources failed, first: {errors[0].error}")
    return elapsed, cpu


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the running parse workers."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    for pid in workers.worker_pids():
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def workers_rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of the parse workers (now, or their peak with VmHWM)."""
    total = 0.0
    for pid in workers.worker_pids():
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith(f"{field}:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


async def run_database(
    url: str, base: str, count: int, profile: bool, trace: bool = False
) -> dict[str, float]:
    """First run (every entry new), then a second one (every feed 304) on a fresh database.

    With ``trace``, only the first run, under tracemalloc: its peak is in the result.
    """
    sessions = await fresh_database(url)
    async with sessions() as session:
        session.add_all(Source(url=f"{base}/feed/{i}") for i in range(count))
        await session.commit()
    # every feed is on 127.0.0.1 here; in life, many hosts
    limits = FetchLimits(per_host=20, private_addresses=True)
    now = datetime.now(UTC)
    if trace:
        tracemalloc.start()
        await ingest_once(sessions, limits, now)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"traced_peak": peak / 2**20}
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    reset_peak_rss()
    first, first_cpu = await ingest_once(sessions, limits, now)
    peak_rss = rss_mb("VmHWM")
    workers_peak = workers_rss_mb("VmHWM")
    if profiler:
        profiler.disable()
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Item)) or 0
    second, _ = await ingest_once(sessions, limits, now + timedelta(minutes=1))
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
    return {
        "first": first,
        "first_cpu": first_cpu,
        "second": second,
        "items": count,
        "peak_rss": peak_rss,
        "workers_peak": workers_peak,
    }


def bare_timings(bodies: list[bytes], base: str) -> tuple[float, float, float]:
    """Seconds for bare feedparser.parse (wall, CPU) and parse_feed over all bodies (best of 3)."""
    bare = bare_cpu = ours = float("inf")
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        for body in bodies:
            feedparser.parse(io.BytesIO(body))
        bare = min(bare, time.perf_counter() - started)
        bare_cpu = min(bare_cpu, time.process_time() - cpu)
        started = time.perf_counter()
        for i, body in enumerate(bodies):
            parse_feed(body, f"{base}/feed/{i}")
        ours = min(ours, time.perf_counter() - started)
    return bare, bare_cpu, ours


def rss_mb(field: str = "VmRSS") -> float:
    """The process's resident memory now (VmRSS) or its peak since the last reset (VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss() -> None:
    """Start VmHWM afresh from the current RSS (Linux: writing 5 to clear_refs)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


async def main(args: argparse.Namespace) -> int:
    bodies = [feed(i, args.entries) for i in range(args.feeds)]
    runner = web.AppRunner(serve(bodies), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    libraries = rss_mb()
    loaded = time.perf_counter()
    detector_for().preload(short_texts=False)
    print(f"language models loaded in {time.perf_counter() - loaded:.1f} s (not timed below)")
    if args.parse_processes is not None:
        workers.PARSE_PROCESSES = args.parse_processes
    loaded = time.perf_counter()
    workers.start()
    print(
        f"{workers.PARSE_PROCESSES} parse worker process(es) started in "
        f"{time.perf_counter() - loaded:.1f} s (not timed below)"
    )
    before = rss_mb()
    total = sum(map(len, bodies))
    print(f"{args.feeds} feeds × {args.entries} entries, {total / 1e6:.1f} MB of XML")
    print(
        f"resident before ingesting: {before:.0f} MB (libraries and served feeds "
        f"{libraries:.0f} MB, language models {before - libraries:.0f} MB)"
    )
    peak_rss = workers_peak = 0.0

    databases = [("sqlite", f"sqlite+aiosqlite:///{Path(args.tmp) / 'bench.db'}")]
    pg = args.pg or os.environ.get("AIVE_TEST_DATABASE_URL")
    if pg:
        databases.append(("postgresql", pg))
    try:
        for name, url in databases:
            # the machine may be busy: best of `rounds` fresh databases, baselines interleaved
            bare = bare_cpu = ours = first = first_cpu = second = float("inf")
            items = 0.0
            for round_ in range(args.rounds):
                round_bare, round_bare_cpu, round_ours = bare_timings(bodies, base)
                bare, ours = min(bare, round_bare), min(ours, round_ours)
                bare_cpu = min(bare_cpu, round_bare_cpu)
                db_url = url.replace("bench.db", f"bench-{round_}.db")
                result = await run_database(db_url, base, len(bodies), args.profile)
                first, second = min(first, result["first"]), min(second, result["second"])
                first_cpu = min(first_cpu, result["first_cpu"])
                items = result["items"]
                peak_rss = max(peak_rss, result["peak_rss"])
                workers_peak = max(workers_peak, result["workers_peak"])
            print(f"== {name} (best of {args.rounds} rounds)")
            print(f"first run: {first:.2f} s, {items:.0f} items, {items / first:,.0f} items/s")
            print(f"bare feedparser.parse of the same bytes: {bare:.2f} s")
            print(
                f"ratio pipeline / feedparser: {first / bare:.2f} (goal ≤ 1.5; includes HTTP, "
                "language detection and the database)"
            )
            print(
                f"CPU time pipeline (this process + parse workers) / feedparser: "
                f"{first_cpu / bare_cpu:.2f} ({first_cpu:.2f} s against {bare_cpu:.2f} s: the "
                "work done, whichever core did it)"
            )
            print(
                f"ratio parse_feed / feedparser (parse + sanitize + normalize): {ours / bare:.2f}"
            )
            print(f"second run, every feed 304: {second:.3f} s, speed-up {first / second:.0f}×")
        traced = 0.0
        if not args.no_trace:
            url = databases[0][1].replace("bench.db", "bench-traced.db")
            traced = (await run_database(url, base, len(bodies), False, trace=True))["traced_peak"]
    finally:
        await runner.cleanup()
    print(
        f"peak RSS during the first runs: {peak_rss:.0f} MB this process, "
        f"{workers_peak:.0f} MB the parse workers: {peak_rss + workers_peak:.0f} MB "
        "(goal ≤ 300 MB)"
    )
    print(f"  of which resident in this process before ingesting: {before:.0f} MB")
    if traced:
        print(f"  pipeline's own peak of Python allocations (tracemalloc): {traced:.0f} MB")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--pg", help="also run on this PostgreSQL URL (scratch database)")
    parser.add_argument("--rounds", type=int, default=2, help="fresh databases; best is kept")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--parse-processes", type=int, help="parse worker processes (0: parse in a thread)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        parser.set_defaults(tmp=tmp)
        raise SystemExit(asyncio.run(main(parser.parse_args())))
