"""Benchmark: a 5,000-line chargeback statement 扣款单 rendered to PDF — wall time and peak memory.

Each render runs in a fresh child process (so the peak RSS is the render's own, read from
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` after the child exits); the statement is built
in memory from unsaved model instances (no database), with realistic Chinese descriptions of
varying length, and rendered through ``chargebacks.documents.chargeback_pdf`` — the same template, CSS and
fetcher as production. Target (issue 4): at most 15 s and 600 MiB on the 2-core machine.

    .venv/bin/python bench/bench_pdf.py                 # 3 runs of 5,000 lines, prints a Markdown table
    .venv/bin/python bench/bench_pdf.py --lines 2000 --runs 1 --keep /tmp/statement.pdf
    make bench-pdf                                      # the same as the first line

The script prints; the figures and what was tried are recorded by hand in ``bench/RESULTS.md``
(section "PDF rendering"), because that file's other sections are rewritten by other scripts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 15.0
TARGET_MIB = 600.0
DESCRIPTIONS = [
    "拉链断裂，无法修复",
    "面料起球严重，整件报废",
    "羽绒外套充绒量不足，钻绒",
    "缝线开裂（袖口、下摆两处）",
    "染色不均，色差明显，顾客投诉",
    "纽扣脱落且面料撕裂",
    "额外寄件费：本周第 3 次寄送",
    "维修工时 1.5 小时，更换拉链头",
]


def build_statement(lines: int):
    """An issued supplier statement with ``lines`` unsaved lines (kinds and amounts varied as in a real month)."""
    from cases.models import Return, Shipment
    from chargebacks.choices import ChargebackLineKind, StatementState
    from chargebacks.models import ChargebackLine, ChargebackStatement
    from suppliers.models import Supplier
    from writeoffs.choices import PartyType

    supplier = Supplier(code="SUP01", name="广州华美服装有限公司")
    statement = ChargebackStatement(
        number="CB-202610-001",
        period=dt.date(2026, 10, 1),
        version=1,
        party_type=PartyType.SUPPLIER,
        supplier=supplier,
        party_key="supplier:SUP01",
        state=StatementState.ISSUED,
        issued_at=dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC),
    )
    kinds = [ChargebackLineKind.SCRAP] * 6 + [ChargebackLineKind.REPAIR, ChargebackLineKind.EXTRA_SHIPMENT]
    result = []
    for index in range(lines):
        kind = kinds[index % len(kinds)]
        line = ChargebackLine(
            statement=statement,
            kind=kind,
            description=DESCRIPTIONS[index % len(DESCRIPTIONS)],
            style_no=f"CB{26 - index % 3}{index % 997:05d}",
            production_year=2023 + index % 4,
            amount=Decimal(f"{(index * 37) % 900 + 50}.{index % 100:02d}"),
            position=index,
        )
        if kind == ChargebackLineKind.EXTRA_SHIPMENT:
            line.shipment = Shipment(number=f"SH-202610-{index:05d}")
        else:
            line.return_item = Return(number=f"RT-202610-{index:06d}")
        result.append(line)
    return statement, result


def render_once(lines: int, keep: str | None, queue) -> None:
    """The child: set Django up, build the statement, time the render alone, report through ``queue``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from chargebacks.documents import chargeback_pdf

    statement, statement_lines = build_statement(lines)
    started, cpu_started = time.perf_counter(), time.process_time()
    data = chargeback_pdf(statement, lines=statement_lines)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if keep:
        Path(keep).write_bytes(data)
    queue.put((seconds, cpu, len(data), _pages(data), _peak_kib()))


def _peak_kib() -> int:
    """This process's peak resident set (VmHWM), in KiB; ru_maxrss where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _pages(data: bytes) -> int | None:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        try:
            info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def measure(lines: int, keep: str | None) -> tuple[float, float, float, float, int, int | None]:
    """(render s, render CPU s, child wall s, peak RSS MiB, PDF bytes, pages) of one render in a fresh process."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    started = time.perf_counter()
    child = context.Process(target=render_once, args=(lines, keep, queue))
    child.start()
    seconds, cpu, size, pages, peak_kib = queue.get()
    child.join()
    wall = time.perf_counter() - started
    if child.exitcode != 0:
        raise SystemExit(f"render failed with exit code {child.exitcode}")
    # The child's own high-water mark (VmHWM): RUSAGE_CHILDREN's ru_maxrss is the largest of all
    # children so far, which would hide a smaller later run; it is kept as an upper bound check.
    assert peak_kib <= resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, cpu, wall, peak_kib / 1024, size, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the last PDF here")
    options = parser.parse_args()

    results = [measure(options.lines, options.keep) for _ in range(options.runs)]
    renders = [result[0] for result in results]
    peaks = [result[3] for result in results]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    # CPU seconds beside wall seconds: on a shared 2-core machine the wall time also counts waiting.
    report = [
        f"# PDF benchmark — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- {options.lines:,} lines, {options.runs} run(s), each in a fresh process; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load}",
        "",
        "| run | render s | render CPU s | process wall s | peak RSS MiB | PDF KiB | pages |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for index, (seconds, cpu, wall, peak, size, pages) in enumerate(results, start=1):
        cells = [str(index), f"{seconds:.1f}", f"{cpu:.1f}", f"{wall:.1f}", f"{peak:.0f}", f"{size / 1024:,.0f}"]
        report.append(f"| {' | '.join(cells)} | {pages} |")
    best, median, worst = min(renders), statistics.median(renders), max(renders)
    verdict_time = "met" if median <= TARGET_SECONDS else "MISSED"
    verdict_memory = "met" if max(peaks) <= TARGET_MIB else "MISSED"
    report += [
        "",
        f"Render time: best {best:.1f} s, median {median:.1f} s, worst {worst:.1f} s "
        f"(target ≤ {TARGET_SECONDS:.0f} s: {verdict_time}); "
        f"peak RSS up to {max(peaks):.0f} MiB (target ≤ {TARGET_MIB:.0f} MiB: {verdict_memory}).",
    ]
    sys.stdout.write("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
