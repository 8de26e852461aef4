"""Benchmark of the service desk (issue 14, "Performance") at scale; not a timed test.

On the database in ``DATABASE_URL`` (PostgreSQL), topped up to ``--cases`` service cases (bulk SQL, once; about
3 % of them running, the rest closed, a third of the customers calling more than once):
- the desk's queue as the code reads it (``servicedesk.selectors.servicecase_queue``, first page of 50, for
  hotline1 and for store1) next to the minimal scoped list of the same rows (the user's scope, the rows with their
  customer and store, as ``bench/minimal_urls.py`` reads Returns; target ≤ 2×), and its queries; and, for
  reference, the narrowest read of those rows (three columns, no scope) and the queue's own SQL run by hand (the
  floor of the columns and joins a row shows, without the ORM), all in interleaved rounds;
- the phone lookup (``customer_by_phone`` + the caller's cases), and its queries;
- the 15-minute SLA scan's candidate selection (``servicedesk.alerts.sla_candidates``: the ORM query, rows into
  Python) next to hand-written SQL of the same selection (target ≤ 2×);
- ``EXPLAIN`` of the queue and of the scan, which read ``servicecase_queue_idx`` and the three partial indexes.
It replaces its section of ``bench/RESULTS.md``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/as_bench_desk python bench/bench_servicedesk.py --cases 1000000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from servicedesk.alerts import sla_candidates  # noqa: E402
from servicedesk.models import Customer, ServiceCase  # noqa: E402
from servicedesk.selectors import customer_by_phone, customer_cases, servicecase_queue  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION_START = "<!-- bench_servicedesk: start -->"
SECTION_END = "<!-- bench_servicedesk: end -->"
TARGET_RATIO = 2.0
RAW_SCAN = """
SELECT id, CASE WHEN first_response_due < %(now)s THEN 'breached' ELSE 'due_soon' END, 'sla_first_response'
  FROM servicedesk_servicecase WHERE first_response_warn <= %(now)s
UNION ALL
SELECT id, CASE WHEN appointment_due < %(now)s THEN 'breached' ELSE 'due_soon' END, 'sla_appointment'
  FROM servicedesk_servicecase WHERE appointment_warn <= %(now)s
UNION ALL
SELECT id, CASE WHEN resolution_due < %(now)s THEN 'breached' ELSE 'due_soon' END, 'sla_resolution'
  FROM servicedesk_servicecase WHERE resolution_warn <= %(now)s
"""
LOAD_CUSTOMERS = """
INSERT INTO servicedesk_customer (name, phone, email, province, consent_at, consent_purpose, created_at, updated_at)
SELECT '客户' || i, '139' || lpad(i::text, 8, '0'), '', '广东', now(), 'bench', now(), now()
FROM generate_series(%(first)s, %(last)s) AS i
ON CONFLICT DO NOTHING
"""
# Case i: created i minutes before now; every 33rd still running (a third of those breached), the rest closed.
LOAD_CASES = """
INSERT INTO servicedesk_servicecase (
  number, channel, kind, severity, customer_id, store_id, description, told_to_stop_using, direct_loss,
  major_incident, opened_by_id, owner_id, state, promise_outcome, first_response_due, first_response_warn,
  next_due, response_method, response_message, resolution, outcome, follow_up_remarks, reopened_count,
  cancel_reason, batch_no, created_at, updated_at)
SELECT 'SB-' || lpad(i::text, 9, '0'), 'phone', (ARRAY['consultation','complaint','quality','repair'])[1 + i %% 4],
  'normal', %(first_customer)s + (i %% %(customers)s), (%(stores)s)[1 + i %% %(store_count)s], '衬衫缩水', false, 0,
  false, %(agent)s, %(agent)s, CASE WHEN i %% 33 = 0 THEN 'open' ELSE 'closed' END, '',
  now() - make_interval(mins => i) + interval '24 hours',
  CASE WHEN i %% 33 = 0 THEN now() - make_interval(mins => i) + interval '18 hours' END,
  CASE WHEN i %% 33 = 0 THEN now() - make_interval(mins => i) + interval '24 hours' END,
  '', '', '', '', '', 0, '', '', now() - make_interval(mins => i), now() - make_interval(mins => i)
FROM generate_series(%(first)s, %(last)s) AS i
"""


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def ensure(count: int) -> None:
    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="hotline1").exists():
        call_command("seed_demo", "--no-history", verbosity=0)
    have = ServiceCase.objects.count()
    if have >= count:
        return
    customers = max(count // 3, 1)
    agent = get_user_model().objects.get(username="hotline1").pk
    from stores.models import Store

    stores = list(Store.objects.order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(LOAD_CUSTOMERS, {"first": 1, "last": customers})
        first_customer = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
        step = 200_000
        for first in range(have + 1, count + 1, step):
            last = min(first + step - 1, count)
            cursor.execute(
                LOAD_CASES,
                {"first": first, "last": last, "first_customer": first_customer, "customers": customers,
                 "stores": stores, "store_count": len(stores), "agent": agent},
            )  # fmt: skip
            say(f"  loaded cases {first}–{last}")
        cursor.execute("ANALYZE servicedesk_servicecase; ANALYZE servicedesk_customer")
    say(f"Loaded {count - have} cases in {time.perf_counter() - started:.0f} s")


def timed(function, iterations: int) -> tuple[float, float, int]:
    with CaptureQueriesContext(connection) as captured:
        function()
    queries = len(captured)
    samples = []
    # Timed as production runs, DEBUG off: a debug cursor formats and keeps every query's SQL, which costs more
    # the longer the SQL, so it weighed on the queue (19 columns, three joins) more than on its baseline.
    with override_settings(DEBUG=False):
        for _ in range(iterations):
            started = time.perf_counter()
            function()
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], queries


def median_figure(rounds: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    """The median p50 and p95 over interleaved rounds (and the queries of the first)."""
    return (
        statistics.median(figure[0] for figure in rounds),
        statistics.median(figure[1] for figure in rounds),
        rounds[0][2],
    )


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the queue and its baselines")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    ensure(args.cases)
    users = {name: get_user_model().objects.get(username=name) for name in ("hotline1", "store1")}
    now = timezone.now()
    rows, floors = [], []
    for name, user in users.items():
        store_ids = sorted(user.store_memberships.values_list("store_id", flat=True)) if name != "hotline1" else None

        def queue(user=user):
            rows = servicecase_queue(user, now=now)[:50]
            return [(row["number"], row["customer_id"], row["store__code"]) for row in rows]

        def minimal(user=user):
            # The kit's minimal scoped list (as bench/minimal_urls.py reads Returns): the user's scope, one query
            # for the rows and what names them (the customer, the store), in the queue's order, nothing else.
            rows = (
                ServiceCase.objects.visible_to(user)
                .filter(next_due__isnull=False)
                .select_related("customer", "store")
                .order_by("next_due", "id")[:50]
            )
            return [(row.number, row.customer.name, row.store.code if row.store_id else "") for row in rows]

        def narrowest(store_ids=store_ids):
            # The narrowest read of the same rows: three columns of one table, no scope check, no names.
            rows = ServiceCase.objects.filter(next_due__isnull=False)
            if store_ids is not None:
                rows = rows.filter(store_id__in=store_ids)
            return list(rows.order_by("next_due", "id").values_list("number", "customer_id", "store_id")[:50])

        # The floor under the queue: its own SQL (the columns a row shows, over its joins) run by hand, no ORM.
        floor_sql, floor_params = servicecase_queue(user, now=now)[:50].query.sql_with_params()

        def floor(sql=floor_sql, params=floor_params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        # Interleaved rounds, so a spike of a shared machine falls on the code and its baselines alike; each
        # figure is the median of its rounds.
        figures = {"code": [], "base": [], "narrow": [], "floor": []}
        for _ in range(args.rounds):
            figures["code"].append(timed(queue, args.iterations))
            figures["base"].append(timed(minimal, args.iterations))
            figures["narrow"].append(timed(narrowest, args.iterations))
            figures["floor"].append(timed(floor, args.iterations))
        code, base, narrow, hand = (median_figure(figures[key]) for key in ("code", "base", "narrow", "floor"))
        rows.append((f"queue, first page ({name})", code, base, narrow))
        floors.append((f"queue's own SQL run by hand ({name}): its columns and joins, no ORM", hand, base, narrow))
    phone = Customer.objects.order_by("pk").values_list("phone", flat=True)[1000]

    def lookup():
        customer = customer_by_phone(users["hotline1"], phone)
        return list(customer_cases(users["hotline1"], customer)[:20])

    lookup_figures = timed(lookup, args.iterations)

    def scan_orm():
        return list(sla_candidates(now=now))

    def scan_raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SCAN, {"now": now})
            return cursor.fetchall()

    scan = (timed(scan_orm, max(5, args.iterations // 3)), timed(scan_raw, max(5, args.iterations // 3)))
    candidates = len(scan_orm())
    queue_sql, queue_params = servicecase_queue(users["hotline1"], now=now)[:50].query.sql_with_params()
    scan_sql, scan_params = sla_candidates(now=now).query.sql_with_params()
    plans = {"queue (hotline1)": explain(queue_sql, queue_params), "SLA scan": explain(scan_sql, scan_params)}
    reset_queries()
    lines = [
        SECTION_START,
        "## Service desk (issue 14): queue, phone lookup, SLA scan",
        "",
        f"`bench/bench_servicedesk.py --cases {args.cases}` on {platform.node()} ({os.cpu_count()} cores, "
        f"PostgreSQL {connection.pg_version // 10000}), {timezone.localtime():%Y-%m-%d %H:%M}; "
        f"{ServiceCase.objects.count()} cases, {Customer.objects.count()} customers, "
        f"{args.rounds} interleaved rounds of {args.iterations} warm runs each (medians of the rounds). Target: the "
        f"code at most {TARGET_RATIO:.0f}× the minimal scoped list (the user's scope, the rows with their customer "
        "and store, as `bench/minimal_urls.py` reads Returns); the narrowest read (three columns of one table, no "
        "scope) is shown beside it for reference.",
        "",
        "| what | code p50 / p95 ms | queries | minimal scoped list p50 / p95 ms | ratio (p95) | target "
        "| narrowest read p50 / p95 ms | ratio (p95) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, (c50, c95, cq), (b50, b95, _bq), (n50, n95, _nq) in rows:
        ratio, narrow_ratio = (c95 / b95 if b95 else 0), (c95 / n95 if n95 else 0)
        ok = "met" if ratio <= TARGET_RATIO else "missed"
        lines.append(
            f"| {label} | {c50:.1f} / {c95:.1f} | {cq} | {b50:.1f} / {b95:.1f} | {ratio:.2f}× | {ok} "
            f"| {n50:.1f} / {n95:.1f} | {narrow_ratio:.2f}× |"
        )
    for label, (c50, c95, cq), (b50, b95, _bq), (n50, n95, _nq) in floors:
        ratio, narrow_ratio = (c95 / b95 if b95 else 0), (c95 / n95 if n95 else 0)
        lines.append(
            f"| {label} | {c50:.1f} / {c95:.1f} | {cq} | {b50:.1f} / {b95:.1f} | {ratio:.2f}× | reference "
            f"| {n50:.1f} / {n95:.1f} | {narrow_ratio:.2f}× |"
        )
    l50, l95, lq = lookup_figures
    lines.append(f"| phone lookup (customer + 20 cases) | {l50:.1f} / {l95:.1f} | {lq} | — | — | fixed queries | | |")
    (o50, o95, oq), (r50, r95, _rq) = scan
    ratio = o50 / r50 if r50 else 0
    lines.append(
        f"| SLA scan selection ({candidates} candidates) | {o50:.1f} / {o95:.1f} | {oq} | {r50:.1f} / {r95:.1f} "
        f"(hand-written) | {ratio:.2f}× (p50) | {'met' if ratio <= TARGET_RATIO else 'missed'} | | |"
    )
    lines.append("")
    for label, plan in plans.items():
        lines += [f"EXPLAIN {label}:", "", "```", plan, "```", ""]
    lines.append(SECTION_END)
    section = "\n".join(lines)
    say(section)
    if args.no_write:
        return
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
