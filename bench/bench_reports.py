"""Benchmark of the monthly reports' database time at a million Returns (issue 5, "Benchmark"); not a timed test.

For each report (scrap 报废报表, supplier quality 供应商质量评估, turnaround), each section's figures computed
the way a build computes them (``reports.selectors``: ORM ``values().annotate()`` GROUP BYs, Python only
merging the aggregated rows) next to hand-written SQL for the same grouping run through a plain cursor, with
the ratio (target ≤ 1.2×). Median of ``--iterations`` warm runs. It appends (or replaces) its section of
``bench/RESULTS.md``.

``seed_scale`` makes Returns without inspection reports or repair tickets, so ``--ensure`` also adds, once, an
inspection report for every inspected Return (its reported defect code, plus a second code on every fifth) and a
repair ticket for every Return judged repairable (completed two days after inspection unless still repairing),
with ``INSERT … SELECT`` in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/as_bench python bench/bench_reports.py --ensure 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from django.db import connection, reset_queries  # noqa: E402

from aftersales.periods import period_bounds, previous_period  # noqa: E402
from aftersales.validation import add_months  # noqa: E402
from cases.models import Return  # noqa: E402
from reports.choices import ReportKind  # noqa: E402
from reports.selectors import EVERYTHING, SECTIONS, TREND_MONTHS  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION_START = "<!-- bench_reports: start -->"
SECTION_END = "<!-- bench_reports: end -->"
TARGET_RATIO = 1.2


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- data ----------------------------------------------------------------------------------------------------------


def ensure(count: int) -> None:
    from bench.bench_returns import ensure as ensure_returns

    ensure_returns(count)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inspection_inspectionreport")
        if cursor.fetchone()[0] > count // 4:
            return
        started = time.monotonic()
        cursor.execute("SELECT id FROM auth_user WHERE username = 'tech1'")
        technician = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM inspection_defectcode")
        codes = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO inspection_inspectionreport
                (created_at, updated_at, inspected_at, verdict, responsibility, notes, supplier_agreement,
                 inspector_id, return_item_id)
            SELECT r.inspected_at, r.inspected_at, r.inspected_at, r.verdict, r.responsibility, '', '', %s, r.id
            FROM cases_return r
            WHERE r.inspected_at IS NOT NULL AND r.verdict <> ''
              AND NOT EXISTS (SELECT 1 FROM inspection_inspectionreport i WHERE i.return_item_id = r.id)
            """,
            [technician],
        )
        cursor.execute(
            """
            INSERT INTO inspection_inspectionreport_defect_codes (inspectionreport_id, defectcode_id)
            SELECT i.id, coalesce(r.reported_defect_id, (%(codes)s::bigint[])[1 + i.id %% cardinality(%(codes)s)])
            FROM inspection_inspectionreport i JOIN cases_return r ON r.id = i.return_item_id
            WHERE r.verdict <> 'no_defect'
            UNION
            SELECT i.id, (%(codes)s::bigint[])[1 + (i.id / 5) %% cardinality(%(codes)s)]
            FROM inspection_inspectionreport i JOIN cases_return r ON r.id = i.return_item_id
            WHERE r.verdict <> 'no_defect' AND i.id %% 5 = 0
            """,
            {"codes": codes},
        )
        cursor.execute(
            """
            INSERT INTO repairs_repairticket
                (created_at, updated_at, state, work_done, labour_minutes, labour_rate, parts_cost, labour_cost,
                 total_cost, qc_passed, qc_notes, qc_checked_at, completed_at, return_item_id, technician_id)
            SELECT r.inspected_at, r.inspected_at,
                   CASE WHEN r.state = 'repairing' THEN 'open' ELSE 'completed' END,
                   '', 30 + r.id %% 90, 60.00, (r.id %% 7) * 2.50, (30 + r.id %% 90) * 1.00,
                   (r.id %% 7) * 2.50 + (30 + r.id %% 90) * 1.00,
                   CASE WHEN r.state = 'repairing' THEN NULL ELSE true END, '',
                   CASE WHEN r.state = 'repairing' THEN NULL ELSE r.inspected_at + interval '2 days' END,
                   CASE WHEN r.state = 'repairing' THEN NULL ELSE r.inspected_at + interval '2 days' END,
                   r.id, %s
            FROM cases_return r
            WHERE r.verdict = 'repairable'
              AND NOT EXISTS (SELECT 1 FROM repairs_repairticket t WHERE t.return_item_id = r.id)
            """,
            [technician],
        )
        cursor.execute("ANALYZE cases_return, inspection_inspectionreport, inspection_inspectionreport_defect_codes")
        cursor.execute("ANALYZE repairs_repairticket")
        say(f"inspection reports and repair tickets added in {time.monotonic() - started:.0f} s")


# --- hand-written SQL for the same groupings -----------------------------------------------------------------------

RETURN = "cases_return r"
STYLE = "JOIN suppliers_style s ON s.id = r.style_id"
SUPPLIER = f"{STYLE} JOIN suppliers_supplier p ON p.id = s.supplier_id"
STORE = "JOIN stores_store st ON st.id = r.store_id JOIN stores_region rg ON rg.id = st.region_id"
CODES = (
    "LEFT JOIN inspection_inspectionreport i ON i.return_item_id = r.id "
    "LEFT JOIN inspection_inspectionreport_defect_codes m ON m.inspectionreport_id = i.id "
    "LEFT JOIN inspection_defectcode d ON d.id = m.defectcode_id"
)
SCRAPPED = "r.verdict = 'unrepairable' AND r.inspected_at >= %(start)s AND r.inspected_at < %(end)s"
SCRAP_SUMS = "count(*), sum(s.unit_cost)"
RETURNED = "r.returned_at >= %(start)s AND r.returned_at < %(end)s AND r.shipped_at IS NOT NULL"
ON_TIME = "count(*), count(*) FILTER (WHERE r.returned_at <= r.due_at)"
DAYS = "((r.returned_at AT TIME ZONE 'Asia/Shanghai')::date - (r.shipped_at AT TIME ZONE 'Asia/Shanghai')::date)"


def scrap_sql(group: str, joins: str = STORE) -> str:
    select = f"{group}, " if group else ""
    tail = f" GROUP BY {group}" if group else ""
    return f"SELECT {select}{SCRAP_SUMS} FROM {RETURN} {STYLE} {joins} WHERE {SCRAPPED}{tail}"


def supplier_month_sql() -> list[str]:
    by = "p.code, p.name"
    return [
        f"SELECT {by}, count(*) FROM {RETURN} {SUPPLIER} "
        f"WHERE r.created_at >= %(start)s AND r.created_at < %(end)s GROUP BY {by}",
        f"SELECT {by}, count(*), count(*) FILTER (WHERE r.responsibility = 'supplier') FROM {RETURN} {SUPPLIER} "
        f"WHERE r.inspected_at >= %(start)s AND r.inspected_at < %(end)s GROUP BY {by}",
        f"SELECT {by}, {SCRAP_SUMS} FROM {RETURN} {SUPPLIER} WHERE {SCRAPPED} AND r.responsibility = 'supplier' "
        f"GROUP BY {by}",
        f"SELECT {by}, {ON_TIME} FROM {RETURN} {SUPPLIER} WHERE {RETURNED} GROUP BY {by}",
        f"SELECT {by}, count(*), sum(t.total_cost) FROM repairs_repairticket t "
        f"JOIN {RETURN} ON r.id = t.return_item_id "
        f"{SUPPLIER} WHERE t.completed_at >= %(start)s AND t.completed_at < %(end)s "
        f"AND r.responsibility = 'supplier' GROUP BY {by}",
        "SELECT p.code, p.name, sum(c.total) FROM reports_chargebackstatement c "
        "JOIN suppliers_supplier p ON p.id = c.supplier_id "
        "WHERE c.period = %(period)s AND c.party_type = 'supplier' "
        "AND NOT EXISTS (SELECT 1 FROM reports_chargebackstatement n WHERE n.previous_id = c.id) "
        "GROUP BY p.code, p.name",
        f"SELECT p.code, d.code, count(*) FROM {RETURN} {SUPPLIER} "
        "JOIN inspection_inspectionreport i ON i.return_item_id = r.id "
        "JOIN inspection_inspectionreport_defect_codes m ON m.inspectionreport_id = i.id "
        "JOIN inspection_defectcode d ON d.id = m.defectcode_id "
        "WHERE r.inspected_at >= %(start)s AND r.inspected_at < %(end)s GROUP BY p.code, d.code "
        "ORDER BY p.code, count(*) DESC, d.code",
    ]


def turnaround_sql(group: str) -> list[str]:
    select = f"{group}, " if group else ""
    by = f"GROUP BY {group}" if group else ""
    days_by = f"GROUP BY {group}, {DAYS}" if group else f"GROUP BY {DAYS}"
    return [
        f"SELECT {select}{ON_TIME} FROM {RETURN} {STORE} WHERE {RETURNED} {by}",
        f"SELECT {select}{DAYS}, count(*) FROM {RETURN} {STORE} WHERE {RETURNED} {days_by}",
    ]


TREND_SQL = (
    "SELECT date_trunc('month', r.returned_at AT TIME ZONE 'Asia/Shanghai'), "
    f"{ON_TIME} FROM {RETURN} WHERE r.returned_at >= %(trend_start)s AND r.returned_at < %(end)s "
    "AND r.shipped_at IS NOT NULL GROUP BY 1 ORDER BY 1"
)

RAW: dict[str, dict[str, list[str]]] = {
    ReportKind.SCRAP: {
        "totals": [scrap_sql("", "")],
        "by_supplier": [scrap_sql("p.code, p.name", "JOIN suppliers_supplier p ON p.id = s.supplier_id")],
        "by_store": [scrap_sql("st.code, st.name, rg.code")],
        "by_region": [scrap_sql("rg.code, rg.name")],
        "by_defect": [scrap_sql("d.code, d.name_zh, d.name_en", CODES)],
        "by_year": [scrap_sql("r.production_year", "")],
        "by_responsibility": [scrap_sql("r.responsibility", "")],
    },
    ReportKind.SUPPLIER_QUALITY: {
        "_month": supplier_month_sql(),
        "_previous": supplier_month_sql(),
        "ranking": [],
        "totals": [],
    },
    ReportKind.TURNAROUND: {
        "totals": turnaround_sql(""),
        "by_region": turnaround_sql("rg.code, rg.name"),
        "by_store": turnaround_sql("st.code, st.name, rg.code"),
        "trend": [TREND_SQL],
    },
}


def raw_params(period: dt.date, section: str) -> dict:
    month = add_months(period, -1) if section == "_previous" else period
    start, end = period_bounds(month)
    trend_start, _ = period_bounds(add_months(period, -(TREND_MONTHS - 1)))
    return {"start": start, "end": end, "period": month, "trend_start": trend_start}


def run_raw(statements: list[str], params: dict) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def median_ms(call, iterations: int) -> float:
    call()  # warm-up: plans cached, pages in memory
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(period: dt.date, iterations: int) -> list[tuple[str, str, float, float, int]]:
    rows = []
    for kind in ReportKind.values:
        figures: dict = {"kind": kind}
        for name, section in SECTIONS[kind]:
            # Sections without hand-written SQL (the freight, the service-desk and parts reports) are timed alone.
            statements = RAW.get(kind, {}).get(name, [])
            params = raw_params(period, name)
            reset_queries()
            figures[name] = section(period, EVERYTHING, figures)
            queries = len(connection.queries)
            orm = median_ms(lambda s=section, f=figures: s(period, EVERYTHING, f), iterations)
            raw = median_ms(lambda q=statements, p=params: run_raw(q, p), iterations) if statements else 0.0
            rows.append((kind, name, orm, raw, queries))
            say(f"{kind:17} {name:18} ORM {orm:8.1f} ms  raw {raw:8.1f} ms  queries {queries}")
    return rows


def write(rows, period: dt.date, iterations: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    lines = [
        SECTION_START,
        "## Monthly reports (issue 5): database time next to hand-written SQL",
        "",
        f"`bench/bench_reports.py`, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, PostgreSQL {version}, "
        f"{platform.machine()} with {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end. "
        f"{Return.objects.count():,} Returns; period {period:%Y-%m} (the month the 1st's schedule builds), "
        f"median of {iterations} warm runs. ORM = the build's own section function (``reports.selectors``, "
        "Python merging included); raw = hand-written SQL of the same GROUP BYs through a cursor (rows fetched).",
        "",
        "| report | section | ORM ms | raw SQL ms | ratio | queries |",
        "|---|---|---:|---:|---:|---:|",
    ]
    totals: dict[str, list[float]] = {}
    for kind, name, orm, raw, queries in rows:
        ratio = f"{orm / raw:.2f}×" if raw else "—"
        lines.append(f"| {kind} | {name} | {orm:.1f} | {raw:.1f} | {ratio} | {queries} |")
        total = totals.setdefault(kind, [0.0, 0.0])
        total[0] += orm
        total[1] += raw
    lines += ["", "| report | ORM total ms | raw SQL total ms | ratio | target ≤ 1.2× |", "|---|---:|---:|---:|---|"]
    for kind, (orm, raw) in totals.items():
        if not raw:
            lines.append(f"| {kind} | {orm:.1f} | — | — | no hand-written SQL |")
            continue
        verdict = "met" if orm <= TARGET_RATIO * raw else "MISSED"
        lines.append(f"| {kind} | {orm:.1f} | {raw:.1f} | {orm / raw:.2f}× | {verdict} |")
    lines += [
        "",
        "Notes: every figure is a GROUP BY in PostgreSQL; Python touches only the aggregated rows (one per supplier,",
        "store, region, code, year, month or (group, days) pair for the median). The supplier quality report reads",
        "the month and the month before (for month-on-month change), so it runs its seven aggregates twice. The",
        "Return table has no index on `inspected_at`, `returned_at` or `created_at` (the cases app's), so each",
        "monthly aggregate scans the table in both columns alike; an index per date would make both sides faster",
        "without changing the ratio.",
        SECTION_END,
    ]
    text = RESULTS.read_text() if RESULTS.exists() else ""
    block = "\n".join(lines) + "\n"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text)
    say(f"wrote {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ensure", type=int, default=0, help="load this many Returns first (once)")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--period", help="YYYY-MM (default: last month in Shanghai)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench_reports.py needs PostgreSQL (DATABASE_URL)")
    if args.ensure:
        ensure(args.ensure)
    from aftersales.periods import parse_period

    period = parse_period(args.period) if args.period else previous_period()
    rows = measure(period, args.iterations)
    if not args.no_write:
        write(rows, period, args.iterations)


if __name__ == "__main__":
    main()
