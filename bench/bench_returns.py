"""Benchmark of the return workflow's reads at a brand's real scale (issue 3, "Benchmark"); run by ``make bench``.

Measures, in process with Django's test Client against the database in
``DATABASE_URL`` (PostgreSQL with ``seed_scale --returns 1000000``), p50/p95 over
many warm iterations and the query count of:
- the store's return list page (``cases:return_list``) as store1 (S001, the store with the most returns),
- the technician's inspection queue (``inspection:inspection_queue``) as tech1,
- the API list ``/api/v1/returns/`` as tech1 (every Return) at page 1 and at page 1,000 (the cursor of
  page 1,000 is reached by following ``next``; only that request is timed),
- a Return's detail page (``cases:return_detail``) as store1,
each beside its baseline: a minimal scoped page of the same rows through the same stack (``bench/minimal_urls.py``:
session, login, scope, one query, a bare table or JSON), and, for reference, the bare ORM query. It writes
``bench/RESULTS.md`` with the machine's description, and EXPLAIN ANALYZE of each page's slowest query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/as_bench python bench/bench_returns.py --ensure 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, reverse  # noqa: E402

from aftersales.models import TransitionLog  # noqa: E402
from cases.choices import ReturnState  # noqa: E402
from cases.models import Return  # noqa: E402
from stores.models import Store  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
NOTES_MARK = "<!-- notes: kept when the script rewrites the figures above -->"
MAX_QUERIES = 8
ABSOLUTE_TARGET_MS = 15.0


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@dataclass
class Measure:
    name: str
    p50: float
    p95: float
    queries: int | None
    sql: tuple[str, ...] = ()


def timed(name: str, call: Callable[[], object], *, iterations: int, warmup: int, count_queries: bool) -> Measure:
    for _ in range(warmup):
        check(call())
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        check(call())
        samples.append((time.perf_counter() - started) * 1000)
    queries, sql = None, ()
    if count_queries:
        with CaptureQueriesContext(connection) as captured:
            check(call())
        queries = len(captured.captured_queries)
        sql = tuple(query["sql"] for query in captured.captured_queries)
    p95 = statistics.quantiles(samples, n=100)[94]
    return Measure(name, statistics.median(samples), p95, queries, sql)


def check(result: object) -> None:
    status = getattr(result, "status_code", 200)
    if status != 200:
        raise SystemExit(f"Benchmark request answered {status}: {getattr(result, 'content', b'')[:300]!r}")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def ensure(count: int) -> None:
    """Load the demo brand and ``seed_scale`` Returns up to ``count`` (once; later runs reuse the data)."""
    call_command("migrate", verbosity=0)
    if not Store.objects.filter(code="S001").exists():
        call_command("seed_demo", "--no-history", "--password", "demo12345", stdout=StringIO())
    missing = count - Return.objects.count()
    if missing > 0:
        started = time.monotonic()
        call_command("seed_scale", "--returns", str(missing), "--with-log", stdout=sys.stdout)
        say(f"seed_scale --returns {missing} --with-log took {time.monotonic() - started:.0f} s")


def explain(sql: str) -> tuple[float, float, str] | None:
    """(planning ms, execution ms, plan) of one SELECT, or None when it is not one (or not on PostgreSQL)."""
    if " FOR SELECT " in sql and sql.startswith("DECLARE"):
        sql = "SELECT " + sql.split(" FOR SELECT ", 1)[1]  # a server-side cursor's query (an iterated queryset)
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    timing = {line.split(":")[0]: float(line.split(":")[1].split()[0]) for line in lines if line.endswith(" ms")}
    return timing.get("Planning Time", 0.0), timing.get("Execution Time", 0.0), "\n".join(lines)


def machine() -> list[str]:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line]
        cpu = names[0] if names else cpu
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0]
    return [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {os.cpu_count()} × {cpu}",
        f"- RAM: {memory}",
        f"- Database: {database}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, {platform.platform()}",
        f"- Load average as the figures were written (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ensure", type=int, default=0, help="Load data up to this many Returns first.")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--page", type=int, default=1000, help="The deep API page to time.")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave bench/RESULTS.md alone.")
    options = parser.parse_args()
    if options.ensure:
        ensure(options.ensure)
    # The test Client's host, without setup_test_environment(): its template instrumentation would be timed too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The product's URLs plus the minimal baseline pages.
    settings.ROOT_URLCONF = "bench.minimal_urls"
    clear_url_caches()
    runs = {"iterations": options.iterations, "warmup": options.warmup}

    store = Store.objects.get(code="S001")
    store_user, technician = client_for("store1"), client_for("tech1")
    total = Return.objects.count()
    store_rows = Return.objects.filter(store=store).count()
    received = Return.objects.filter(state=ReturnState.RECEIVED).count()
    detail_pk = (
        Return.objects.filter(store=store, state=ReturnState.RETURNED).order_by("-id").values_list("pk", flat=True)[0]
    )
    log_rows = TransitionLog.objects.for_object(Return(pk=detail_pk)).count()

    # Reach the deep page by following `next`, as a client would; only the last request is timed.
    url = "/api/v1/returns/"
    for _ in range(options.page - 1):
        url = technician.get(url).json()["next"]
    deep_url = url
    deep_first_id = technician.get(deep_url).json()["results"][0]["id"]

    pairs: list[tuple[Measure, Measure]] = []

    def pair(
        name: str,
        page: Callable[[], object],
        baseline_name: str,
        baseline: Callable[[], object],
        orm: Callable[[], object],
    ) -> None:
        measured = timed(name, page, count_queries=True, **runs)
        base = timed(baseline_name, baseline, count_queries=False, **runs)
        bare = timed("ORM", orm, count_queries=False, **runs)
        pairs.append((measured, base, bare))
        say(f"{name:<40} p50 {measured.p50:7.2f} ms  p95 {measured.p95:7.2f} ms  {measured.queries} queries")
        say(f"{baseline_name:<40} p50 {base.p50:7.2f} ms  p95 {base.p95:7.2f} ms")
        say(f"{'bare ORM query':<40} p50 {bare.p50:7.2f} ms  p95 {bare.p95:7.2f} ms")

    pair(
        "Store return list page (store1, S001)",
        lambda: store_user.get(reverse("cases:return_list")),
        "minimal scoped list of S001's newest 50",
        lambda: store_user.get("/bench/minimal/returns/"),
        lambda: list(Return.objects.filter(store=store).order_by("-id")[:50]),
    )
    pair(
        "Inspection queue page (tech1)",
        lambda: technician.get(reverse("inspection:inspection_queue")),
        "minimal scoped list, received, earliest due 50",
        lambda: technician.get("/bench/minimal/inspection/"),
        lambda: list(Return.objects.filter(state=ReturnState.RECEIVED).order_by("due_at", "id")[:50]),
    )
    pair(
        "API /api/v1/returns/ page 1 (tech1)",
        lambda: technician.get("/api/v1/returns/"),
        "minimal scoped JSON list, newest 50",
        lambda: technician.get("/bench/minimal/api/returns/"),
        lambda: list(Return.objects.order_by("-id")[:50]),
    )
    pair(
        f"API /api/v1/returns/ page {options.page:,} (tech1)",
        lambda: technician.get(deep_url),
        f"minimal scoped JSON list from row {(options.page - 1) * 50 + 1:,}",
        lambda: technician.get(f"/bench/minimal/api/returns/?before={deep_first_id}"),
        lambda: list(Return.objects.filter(id__lte=deep_first_id).order_by("-id")[:50]),
    )
    pair(
        "Return detail page (store1)",
        lambda: store_user.get(reverse("cases:return_detail", kwargs={"pk": detail_pk})),
        "minimal scoped detail with its log",
        lambda: store_user.get(f"/bench/minimal/returns/{detail_pk}/"),
        lambda: (
            Return.objects.get(pk=detail_pk),
            list(TransitionLog.objects.for_object(Return(pk=detail_pk)).select_related("actor")),
        ),
    )
    if not options.no_write:
        write(pairs, options, total=total, store_rows=store_rows, received=received, log_rows=log_rows)


def write(pairs, options, *, total: int, store_rows: int, received: int, log_rows: int) -> None:
    page_1, page_deep = pairs[2][0], pairs[3][0]  # (measured, baseline, bare ORM) per row
    deep_ratio = page_deep.p95 / page_1.p95
    lines = [
        "# Benchmark results: the return workflow at scale",
        "",
        "Written by `bench/bench_returns.py` (`make bench`); see `bench/README.md` for what each figure means.",
        "",
        "## Machine",
        *machine(),
        "",
        "## Data",
        f"- {total:,} Returns (`seed_scale`), {store_rows:,} of them at S001; {received:,} waiting for inspection;",
        f"  the detail page's Return has {log_rows} transition-log rows.",
        f"- {options.iterations} timed iterations after {options.warmup} warm-up ones, per row below,",
        "  with Django's test Client in process (no network, no web server), one database connection.",
        "",
        "## Figures",
        "",
        f"Targets (issue 3): p95 at most 2× the minimal scoped list of the same rows (about {ABSOLUTE_TARGET_MS:.0f} ms"
        f" in process), page {options.page:,} within 20 % of page 1, at most {MAX_QUERIES} queries per page.",
        "",
        "The baseline is a minimal scoped page of the same rows through the same stack (`bench/minimal_urls.py`);",
        "the bare ORM query's time is shown for reference.",
        "",
        "| what | p50 ms | p95 ms | queries | baseline p50 ms | baseline p95 ms | p95 / baseline | bare ORM p95 ms |"
        " verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for measured, base, bare in pairs:
        ratio = measured.p95 / base.p95
        misses = []
        if measured.p95 > 2 * base.p95:
            misses.append("over 2× baseline")
        if measured.queries is not None and measured.queries > MAX_QUERIES:
            misses.append(f"over {MAX_QUERIES} queries")
        verdict = "met" if not misses else "MISSED: " + ", ".join(misses)
        lines.append(
            f"| {measured.name} | {measured.p50:.2f} | {measured.p95:.2f} | {measured.queries} | {base.p50:.2f} | "
            f"{base.p95:.2f} | {ratio:.1f}× | {bare.p95:.2f} | {verdict} |"
        )
    lines += [
        "",
        f"Page {options.page:,} against page 1 (p95): {deep_ratio:.2f}× — "
        + ("met (within 20 %)." if deep_ratio <= 1.2 else "MISSED (more than 20 % slower)."),
        "",
        "## Each page's queries, EXPLAIN (ANALYZE, BUFFERS)",
        "",
        "Planning and execution time of every query of one request, then the plan of the costliest.",
    ]
    for measured, _base, _bare in pairs:
        explained = [(sql, explain(sql)) for sql in measured.sql]
        lines += ["", f"### {measured.name}", "", "| query | planning ms | execution ms |", "|---|---:|---:|"]
        for sql, result in explained:
            shown = sql if len(sql) <= 110 else sql[:107] + "..."
            timing = f"{result[0]:.2f} | {result[1]:.2f}" if result else "– | –"
            lines.append(f"| `{shown.replace('|', '/')}` | {timing} |")
        costly = [(sql, result) for sql, result in explained if result]
        if costly:
            sql, (_planning, _execution, plan) = max(costly, key=lambda item: item[1][0] + item[1][1])
            lines += ["", "```sql", sql, "```", "", "```", plan, "```"]
    notes = ""
    if RESULTS.exists() and NOTES_MARK in RESULTS.read_text():
        notes = RESULTS.read_text().split(NOTES_MARK, 1)[1]
    RESULTS.write_text("\n".join(lines) + "\n\n" + NOTES_MARK + (notes or "\n"))
    say(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
