"""``seed_scale --returns N``: bulk data at a brand's real scale for the benchmarks in ``bench/`` (api-contract.md).

What it makes (on top of the demo master data of ``seed_demo --no-history``):
- about 1,000 stores 专卖店 (``--stores``) in ten regions, and about 300 styles 款号;
- N Returns 退货 over the last two years in a realistic state mix, each with the
  timestamps its state implies (``shipped_at``, ``due_at`` = dispatch + the
  turnaround days, ``received_at``, ``inspected_at``, ``returned_at``), the
  verdict and responsibility where it was inspected, numbered
  ``RT-YYYYMM-NNNNNN`` in time order per month after the numbers already
  issued, and the number sequences advanced past them so later logging never
  collides;
- with ``--with-log``, the transition log rows 操作记录 of each Return's path.

It does not make shipments, inspection reports, repair tickets or photos, and no
``written_off``/``charged_back`` Returns (those come with the monthly lists).
Rows go in with PostgreSQL ``COPY`` (psycopg 3), elsewhere with ``bulk_create``
in large batches, never one save per row. Each run adds N more Returns; the
stores and styles are created once.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from aftersales.models import Sequence, TransitionLog
from cases.choices import OnsiteHandling, ReasonKind, ReturnState, Verdict
from cases.models import Return
from demo import data as demo_data
from stores.choices import StoreKind
from stores.models import Region, Store
from suppliers.choices import Responsibility, Season
from suppliers.models import Category, DefectCode, Style, Supplier

S = ReturnState
# Share of each state in a brand's two-year book of Returns: most came back long ago; a few percent are on the way.
STATE_MIX = {
    S.RETURNED: 62,
    S.SCRAP_PENDING: 9,
    S.RESOLVED_AT_STORE: 9,
    S.CANCELLED: 2,
    S.LOGGED: 3,
    S.IN_TRANSIT: 3,
    S.RECEIVED: 2,
    S.MISSING: 0.5,
    S.REPAIRING: 3,
    S.AT_SUPPLIER: 1.5,
    S.READY_TO_RETURN: 2.5,
    S.RETURNING: 2.5,
}
OPEN_STATES = {
    S.LOGGED,
    S.IN_TRANSIT,
    S.RECEIVED,
    S.MISSING,
    S.REPAIRING,
    S.AT_SUPPLIER,
    S.READY_TO_RETURN,
    S.RETURNING,
}
# The transitions that lead to each state, in order (domain.md's table).
PATHS = {
    S.LOGGED: [],
    S.RESOLVED_AT_STORE: [("resolve_at_store", S.RESOLVED_AT_STORE)],
    S.CANCELLED: [("cancel", S.CANCELLED)],
    S.IN_TRANSIT: [("dispatch", S.IN_TRANSIT)],
    S.RECEIVED: [("dispatch", S.IN_TRANSIT), ("receive", S.RECEIVED)],
    S.MISSING: [("dispatch", S.IN_TRANSIT), ("mark_missing", S.MISSING)],
}
_INSPECTED = [("dispatch", S.IN_TRANSIT), ("receive", S.RECEIVED)]
PATHS[S.REPAIRING] = [*_INSPECTED, ("inspect", S.REPAIRING)]
PATHS[S.AT_SUPPLIER] = [*_INSPECTED, ("inspect", S.AT_SUPPLIER)]
PATHS[S.SCRAP_PENDING] = [*_INSPECTED, ("inspect", S.SCRAP_PENDING)]
PATHS[S.READY_TO_RETURN] = [*_INSPECTED, ("inspect", S.REPAIRING), ("complete_repair", S.READY_TO_RETURN)]
PATHS[S.RETURNING] = [*PATHS[S.READY_TO_RETURN], ("ship_back", S.RETURNING)]
PATHS[S.RETURNED] = [*PATHS[S.RETURNING], ("confirm_returned", S.RETURNED)]

BATCH = 20_000
DAY = 86_400.0


class Command(BaseCommand):
    help = "Bulk benchmark data: ~1,000 stores, styles and N Returns in a realistic state mix (adds N per run)."

    def add_arguments(self, parser):
        parser.add_argument("--returns", type=int, required=True, help="How many Returns to add.")
        parser.add_argument("--stores", type=int, default=1000, help="Stores to have in all (default 1000).")
        parser.add_argument("--days", type=int, default=730, help="Spread the Returns over this many days back.")
        parser.add_argument("--with-log", action="store_true", help="Also write each Return's transition log rows.")
        parser.add_argument("--seed", type=int, default=20261123, help="Random seed (the data is deterministic).")

    def handle(self, *args, returns: int, stores: int, days: int, with_log: bool, seed: int, **options):
        if not 1 <= returns <= 20_000_000:
            raise CommandError("--returns must be between 1 and 20,000,000.")
        if days < 30 or returns / (days / 30) > 900_000:
            raise CommandError("--days is too short: a month's numbers RT-YYYYMM-NNNNNN hold at most 999,999 Returns.")
        if not Store.objects.filter(code="S001").exists() or not Style.objects.exists():
            raise CommandError("Run `manage.py seed_demo --no-history` first: seed_scale adds to the demo brand.")
        self.random = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            store_ids, store_weights = self._stores(stores)
            style_ids = list(Style.objects.order_by("id").values_list("id", flat=True))
            if len(style_ids) < 300:
                self._styles(300 - len(style_ids))
                style_ids = list(Style.objects.order_by("id").values_list("id", flat=True))
            self.stdout.write(f"Master data ready: {len(store_ids)} stores, {len(style_ids)} styles.")
            plan = self._plan(returns, days, store_ids, store_weights)
            counts = self._insert(plan, style_ids, with_log)
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # What autovacuum would do to a live table: statistics for the planner, and the visibility map that
            # lets counts and index scans skip the heap. Right away, so the benchmark measures a settled table.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {Return._meta.db_table}, {TransitionLog._meta.db_table}")
        took = time.monotonic() - started
        mix = ", ".join(f"{state} {count}" for state, count in counts.most_common())
        self.stdout.write(self.style.SUCCESS(f"Added {returns} returns in {took:.1f} s ({mix})."))

    # --- master data ---

    def _stores(self, wanted: int) -> tuple[list[int], list[float]]:
        """Ten regions and stores up to ``wanted``, created once; weights give a few busy stores and a long tail."""
        regions = []
        for number in range(1, 11):
            region, _ = Region.objects.get_or_create(code=f"RB{number:02d}", defaults={"name": f"基准测试{number}区"})
            regions.append(region)
        existing = Store.objects.count()
        kinds = [StoreKind.OWN, StoreKind.FRANCHISE, StoreKind.DEALER, StoreKind.REPAIR_POINT]
        Store.objects.bulk_create(
            [
                Store(
                    code=f"B{number:04d}",
                    name=f"基准测试专卖店{number:04d}",
                    region=regions[number % len(regions)],
                    kind=kinds[number % len(kinds)],
                    address=f"测试市测试区测试路 {number} 号",
                    phone=f"021-6{number:07d}",
                )
                for number in range(1, max(0, wanted - existing) + 1)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        ids = list(Store.objects.order_by("id").values_list("id", "code"))
        # The demo stores are the busiest (S001 is the benchmark's "store with many returns"); the rest vary widely.
        weights = [
            400.0
            if code == "S001"
            else 100.0
            if code in demo_data.STORE_WEIGHTS
            else self.random.lognormvariate(3, 0.6)
            for _pk, code in ids
        ]
        return [pk for pk, _code in ids], weights

    def _styles(self, count: int) -> None:
        categories = list(Category.objects.order_by("id"))
        suppliers = list(Supplier.objects.order_by("id"))
        seasons = list(Season.values)
        first = Style.objects.count() + 1
        Style.objects.bulk_create(
            [
                Style(
                    style_no=f"BS{2025 + number % 2}{number:05d}",
                    name=f"基准测试款{number:05d}",
                    category=categories[number % len(categories)],
                    supplier=suppliers[number % len(suppliers)],
                    season=seasons[number % len(seasons)],
                    year=2025 + number % 2,
                    unit_cost=Decimal(60 + number % 400),
                    retail_price=Decimal(199 + number % 1200),
                )
                for number in range(first, first + count)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    # --- Returns ---

    def _plan(self, count: int, days: int, store_ids: list[int], weights: list[float]) -> list[tuple]:
        """(created timestamp, state, store id) per Return, in time order: open units are recent, closed ones older."""
        now = time.time()
        states = self.random.choices(list(STATE_MIX), list(STATE_MIX.values()), k=count)
        stores = self.random.choices(store_ids, weights, k=count)
        uniform = self.random.uniform
        plan = []
        for state, store in zip(states, stores, strict=True):
            if state == S.LOGGED:
                age = uniform(0.05, 7)
            elif state in OPEN_STATES:
                age = uniform(2, 24)
            else:
                age = uniform(3, days)
            plan.append((now - age * DAY, state, store))
        plan.sort()
        return plan

    def _rows(self, plan: list[tuple], style_ids: list[int]) -> Iterator[tuple[dict, list[tuple]]]:
        """Each Return's column values and its path of (transition, source, target, at) steps.

        Reads what it needs before the first row, so no query runs on the connection while COPY streams.
        """
        context = self._row_context()
        return self._generate(plan, style_ids, *context)

    def _row_context(self) -> tuple:
        # The store's own contact logs its returns; a loader account those of the bench stores.
        staff = dict(Store.objects.exclude(contact_user=None).values_list("id", "contact_user_id"))
        loader, _ = get_user_model().objects.get_or_create(
            username="scale_loader", defaults={"first_name": "基准测试数据", "is_active": False}
        )
        codes = list(DefectCode.objects.filter(category=None).values_list("id", "code"))
        sizes = [size for group in demo_data.SIZES.values() for size in group]
        handlings = [OnsiteHandling.REFUND, OnsiteHandling.EXCHANGE, OnsiteHandling.LOCAL_REPAIR]
        sequences = dict(Sequence.objects.filter(name__startswith="RT-").values_list("name", "last_value"))
        self.sequences = sequences
        next_id = (Return.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        return staff, loader, codes, sizes, handlings, sequences, next_id

    def _generate(
        self, plan, style_ids, staff, loader, codes, sizes, handlings, sequences, next_id
    ) -> Iterator[tuple[dict, list[tuple]]]:
        rnd = self.random
        zone = ZoneInfo(settings.TIME_ZONE)
        now = time.time()
        turnaround = settings.AFTERSALES_TURNAROUND_DAYS * DAY
        stories = demo_data.DEFECT_STORIES
        for created, state, store in plan:
            created_at = dt.datetime.fromtimestamp(created, zone)
            period = f"RT-{created_at:%Y%m}"
            sequences[period] = sequences.get(period, 0) + 1
            path = PATHS[state]
            at = created
            stamps = {}
            steps = [("log", S.LOGGED, S.LOGGED, created)]
            source = S.LOGGED
            for name, target in path:
                if name == "dispatch":
                    at += rnd.uniform(0.3, 6) * DAY
                elif name in ("resolve_at_store", "cancel"):
                    at += rnd.uniform(0.01, 2) * DAY
                else:
                    at += rnd.uniform(0.2, 3) * DAY
                at = min(at, now - 60)
                stamps[name] = at
                steps.append((name, source, target, at))
                source = target
            code = rnd.choice(codes) if rnd.random() < 0.7 else None
            verdict, responsibility = self._verdict(state, code)
            purchase = created_at.date() - dt.timedelta(days=rnd.randint(0, 14))
            named = rnd.random() < 0.8
            exception = rnd.random() < 0.03
            shipped = stamps.get("dispatch")
            row = {
                "id": next_id,
                "created_at": created_at,
                "updated_at": dt.datetime.fromtimestamp(at, zone),
                "number": f"{period}-{sequences[period]:06d}",
                "store_id": store,
                "style_id": rnd.choice(style_ids),
                "color": rnd.choice(demo_data.COLORS),
                "size": rnd.choice(sizes),
                "batch_no": f"B{created_at.year % 100:02d}{rnd.randint(1, 12):02d}-{rnd.randint(1, 40):03d}",
                "production_year": purchase.year - (1 if rnd.random() < 0.2 else 0),
                "purchase_date": purchase,
                "receipt_no": f"XS{created_at:%y%m%d}{rnd.randrange(10**6):06d}",
                "defect_description": rnd.choice(stories[code[1]] if code else demo_data.UNCODED_STORIES),
                "reported_defect_id": code[0] if code else None,
                "onsite_handling": (
                    OnsiteHandling.LOCAL_REPAIR if state == S.RESOLVED_AT_STORE else rnd.choice(handlings)
                ),
                # Every scale return is a quality return (it may travel to the service center); no paid repair.
                "reason_kind": ReasonKind.QUALITY,
                "resaleable": False,
                "paid_repair": False,
                # No scale return is referred to a repair point 转维修点 (the demo history has those).
                "repair_point_id": None,
                "referred_at": None,
                "referral_note": "",
                "customer_name": rnd.choice(demo_data.SURNAMES) + rnd.choice(demo_data.GIVEN_NAMES) if named else "",
                "customer_phone": (
                    rnd.choice(demo_data.PHONE_PREFIXES) + f"{rnd.randrange(10**8):08d}" if named else ""
                ),
                "policy_exception": exception,
                "policy_exception_reason": rnd.choice(demo_data.POLICY_REASONS) if exception else "",
                "logged_by_id": staff.get(store, loader.pk),
                "state": state,
                "verdict": verdict,
                "responsibility": responsibility,
                "shipped_at": dt.datetime.fromtimestamp(shipped, zone) if shipped else None,
                "due_at": dt.datetime.fromtimestamp(shipped + turnaround, zone) if shipped else None,
                "received_at": _stamp(stamps.get("receive"), zone),
                "inspected_at": _stamp(stamps.get("inspect"), zone),
                "returned_at": _stamp(stamps.get("confirm_returned"), zone),
                "recall_id": None,  # ordinary returns; batch recalls are not seeded at scale
            }
            next_id += 1
            yield row, steps

    def _verdict(self, state: str, code) -> tuple[str, str]:
        if state in (S.REPAIRING, S.READY_TO_RETURN, S.RETURNING, S.RETURNED):
            return Verdict.REPAIRABLE, Responsibility.SUPPLIER if code else Responsibility.HQ
        if state == S.AT_SUPPLIER:
            return Verdict.SUPPLIER_REWORK, Responsibility.SUPPLIER
        if state == S.SCRAP_PENDING:
            return Verdict.UNREPAIRABLE, self.random.choice(list(Responsibility.values))
        return "", ""

    def _insert(self, plan: list[tuple], style_ids: list[int], with_log: bool) -> Counter:
        columns = [field.attname for field in Return._meta.concrete_fields]
        log_columns = ["content_type_id", "object_id", "transition", "source_state", "target_state", "actor_id", "at"]
        content_type = ContentType.objects.get_for_model(Return).pk
        zone = ZoneInfo(settings.TIME_ZONE)
        counts: Counter = Counter()
        rows = self._rows(plan, style_ids)

        def log_rows(row: dict, steps: list[tuple]) -> Iterator[tuple]:
            for name, source, target, at in steps:
                yield (
                    content_type,
                    row["id"],
                    name,
                    source,
                    target,
                    row["logged_by_id"],
                    dt.datetime.fromtimestamp(at, zone),
                )

        if connection.vendor == "postgresql":
            logs: list[tuple] = []
            with connection.cursor() as cursor:
                table = Return._meta.db_table
                copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:  # psycopg 3's COPY: one stream, no per-row statements
                    for row, steps in rows:
                        copy.write_row([row[name] for name in columns])
                        counts[row["state"]] += 1
                        if with_log:
                            logs.extend(log_rows(row, steps))
                if with_log:
                    log_sql = f"COPY {TransitionLog._meta.db_table} ({', '.join(log_columns)}, payload) FROM STDIN"
                    with cursor.cursor.copy(log_sql) as copy:
                        for values in logs:
                            copy.write_row([*values, "{}"])
        else:
            # Plain INSERTs in large batches (the model's auto_now fields would overwrite the historic times).
            ops = connection.ops

            def adapt(value):
                if isinstance(value, dt.datetime):
                    return ops.adapt_datetimefield_value(value)
                if isinstance(value, dt.date):
                    return ops.adapt_datefield_value(value)
                return value

            def insert(table: str, names: list[str], values: list[list]) -> None:
                marks = ", ".join(["%s"] * len(names))
                with connection.cursor() as cursor:
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)

            batch, log_batch = [], []
            for row, steps in rows:
                batch.append([adapt(row[name]) for name in columns])
                counts[row["state"]] += 1
                if with_log:
                    log_batch.extend([*map(adapt, values), "{}"] for values in log_rows(row, steps))
                if len(batch) >= BATCH:
                    insert(Return._meta.db_table, columns, batch)
                    batch = []
            if batch:
                insert(Return._meta.db_table, columns, batch)
            if log_batch:
                insert(TransitionLog._meta.db_table, [*log_columns, "payload"], log_batch)
        # Explicit ids were used: move the id sequences past them, and the number sequences past the numbers.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Return, TransitionLog]):
                cursor.execute(statement)
        for name, last_value in self.sequences.items():
            Sequence.objects.update_or_create(name=name, defaults={"last_value": last_value})
        return counts


def _stamp(value: float | None, zone) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, zone) if value is not None else None
