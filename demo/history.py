"""The demo brand's last three months of after-sales work, replayed through the real services (seed_demo).

Every step is what a person of the demo brand would have done: store staff
log returns at the counter and send the weekly shipment 每周寄一次, the
technicians tech1 and tech2 receive and reconcile it, inspect 鉴定, repair with
spare parts from stock (ordering more when it runs low), send supplier rework
to the factory and ship units back, and the store confirms it has them. Each
step runs at its historic moment (``time_machine.travel``), so every
timestamp the services take from ``timezone.now()`` — numbers, ``shipped_at``,
``due_at``, the transition log, ISO weeks of dispatch fees — is the one it
would have had.

The schedule is fixed relative to the start of today (not to the calendar),
with a seeded random generator, so every run produces the same mix of states:
units still ``logged`` or ``in_transit`` from the last days, some ``missing``,
some overdue (a supplier that is late, a repair waiting for parts) and some
due soon, second dispatches in one week that carry the store's fee, and
returns outside the policy with a written reason. Nothing happens after the
start of today, so the history never reaches into the future.

Each month that ended inside the window then goes through the month end 月结
as the people would have done it in the first days of the next month: the
monthly schedule drafts the write-off list 报废清单, tech1 submits it,
logistics1 confirms, vp1 approves (``written_off``), the destruction is
recorded, finance builds and issues the chargeback statements 扣款单
(``charged_back``), and the parties sign or dispute them; the older month is
settled. The last month's reports are built by the monthly schedule.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aftersales.validation import add_months
from cases import services as cases_services
from cases.choices import OnsiteHandling, ShipmentDirection, Verdict
from cases.models import Return, Shipment
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackStatement
from chargebacks.services import (
    chargeback_acknowledge,
    chargeback_build,
    chargeback_dispute,
    chargeback_issue,
    chargeback_settle,
)
from demo import data as demo_data
from demo import paid_repair_history, parts_history
from demo.counter_history import CounterHistory
from inspection.services import return_inspect
from repairs.models import SparePart
from repairs.services import repairticket_complete, repairticket_update, sparepart_receive
from reports.services import monthly_build
from stores.models import Store, StoreMembership
from suppliers.choices import Responsibility
from suppliers.models import DefectCode, Style, SupplierMembership
from writeoffs.choices import LossReportState, PartyType, WriteOffListState
from writeoffs.models import LossReport, WriteOffList
from writeoffs.services import (
    lossreport_acknowledge,
    writeofflist_approve,
    writeofflist_build,
    writeofflist_confirm,
    writeofflist_record_destruction,
    writeofflist_submit,
)

DAYS = 91  # the last three months
TARGET_RETURNS = 300
SEED = 3
TECHNICIANS = ("tech1", "tech2")
# The center ships repaired units back to a store once this many are ready, or once the oldest waited this long.
SHIP_BACK_BATCH = 3
SHIP_BACK_MAX_WAIT = dt.timedelta(days=5)


@dataclass(order=True)
class _Event:
    at: dt.datetime
    order: int
    action: Callable[[], None] = field(compare=False)


@dataclass
class HistorySummary:
    """What the history made: Returns by state, shipments, extra-dispatch fees."""

    returns: int = 0
    states: Counter = field(default_factory=Counter)
    shipments: int = 0
    extra_fees: int = 0
    skipped: bool = False


class HistoryBuilder(CounterHistory):
    """Replays three months of the return workflow (退货流程) through the services, event by event in time order."""

    def __init__(self, *, today: dt.date | None = None, target: int = TARGET_RETURNS, seed: int = SEED):
        self.random = random.Random(seed)
        self.target = target
        today = today or timezone.localdate()
        # Midnight at the start of today: the history ends there, whatever the hour it is built.
        self.end = timezone.make_aware(dt.datetime.combine(today, dt.time()))
        self.start = self.end - dt.timedelta(days=DAYS)
        self.queue: list[_Event] = []
        self.counter = itertools.count()
        users = get_user_model().objects.in_bulk(
            [*TECHNICIANS, *demo_data.STORE_CONTACTS.values(), *(row[0] for row in demo_data.HISTORY_STORE_STAFF)],
            field_name="username",
        )
        self.technicians = [users[name] for name in TECHNICIANS]
        staff = {**demo_data.STORE_CONTACTS, **{code: name for name, _full, code in demo_data.HISTORY_STORE_STAFF}}
        self.stores = {store.code: store for store in Store.objects.filter(code__in=demo_data.STORE_WEIGHTS)}
        self.staff = {code: users[staff[code]] for code in self.stores}
        self.styles = list(Style.objects.select_related("category", "supplier").order_by("style_no"))
        self.codes = {code.code: code for code in DefectCode.objects.select_related("category")}
        self.parts = {part.part_no: part for part in SparePart.objects.all()}
        # Logged units waiting for the store's weekly shipment, and units ready to go back, per store.
        self.waiting: dict[str, list[Return]] = defaultdict(list)
        self.ready: dict[str, list[tuple[dt.datetime, Return]]] = defaultdict(list)
        # A batch recall's units waiting for the store's weekly shipment (they ride it, and draw no random numbers,
        # so the rest of the history stays what it was), and the recall itself once opened.
        self.recall_waiting: dict[str, list[Return]] = defaultdict(list)
        self.recall = None
        # Units the center will refer to a repair point 转维修点 (issue 13): they ride the store's weekly parcel like a
        # recall's and draw no numbers of the main generator either.
        self.referral_waiting: dict[str, list[Return]] = defaultdict(list)
        self.referrals: dict[int, tuple[str, bool]] = {}  # Return id -> (repair point code, resolved there)
        self.summary = HistorySummary()

    # --- the clock ---

    def at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        """Schedule ``action`` at ``when``; what would happen today or later never happens."""
        if when < self.end:
            heapq.heappush(self.queue, _Event(when, next(self.counter), action))

    def working_time(self, when: dt.datetime) -> dt.datetime:
        """Move a moment into working hours (09:00–19:00, Asia/Shanghai)."""
        local = timezone.localtime(when)
        if local.hour < 9:
            local = local.replace(hour=9, minute=self.random.randrange(60))
        elif local.hour >= 19:
            local = (local + dt.timedelta(days=1)).replace(hour=9, minute=self.random.randrange(60))
        return local

    def later(self, when: dt.datetime, min_hours: float, max_hours: float) -> dt.datetime:
        return self.working_time(when + dt.timedelta(hours=self.random.uniform(min_hours, max_hours)))

    def day(self, days_before_end: int, hour: int, minute: int = 0) -> dt.datetime:
        date = timezone.localdate(self.end) - dt.timedelta(days=days_before_end)
        return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))

    def run(self) -> HistorySummary:
        self._plan()
        while self.queue:
            event = heapq.heappop(self.queue)
            with time_machine.travel(event.at, tick=False):
                event.action()
        returns = Return.objects.filter(created_at__gte=self.start)
        self.summary.returns = returns.count()
        self.summary.states = Counter(returns.values_list("state", flat=True))
        self.summary.shipments = Shipment.objects.filter(created_at__gte=self.start).count()
        self.summary.extra_fees = Shipment.objects.filter(created_at__gte=self.start, extra_fee__isnull=False).count()
        return self.summary

    # --- the plan: receipts at the counter, each store's weekly dispatch, the center's runs back to the stores ---

    def _plan(self) -> None:
        codes, weights = zip(*demo_data.STORE_WEIGHTS.items(), strict=True)
        units = 0
        while units < self.target:
            code = self.random.choices(codes, weights)[0]
            count = self.random.choices([1, 2, 3], [80, 15, 5])[0]
            when = self.day(self.random.randint(1, DAYS), self.random.randint(10, 20), self.random.randrange(60))
            self.at(when, self._receipt(code, count))
            units += count
        for index, code in enumerate(self.stores):
            # Each store has its weekday; spread over the week, some store always shipped in the last days.
            for week in range(DAYS // 7 + 1):
                when = self.day(index % 7 + 1 + 7 * week, 16, self.random.randrange(45))
                self.at(when, self._weekly_dispatch(code))
        days_back = 1
        while days_back <= DAYS:
            self.at(self.day(days_back, 14), self._ship_back_run)
            days_back += 3 if days_back % 2 else 4
        # Spare parts at the stores: kits with the parcels, local repairs' parts, a stocktake (demo.parts_history).
        parts_history.plan(self)
        # Paid repair past the warranty: one quote accepted, repaired and paid, one declined (demo.paid_repair_history).
        paid_repair_history.plan(self)
        self._plan_month_ends()
        self._plan_recall()
        self._plan_counter_extras()

    # --- store staff at the counter ---

    def _receipt(self, code: str, count: int) -> Callable[[], None]:
        def log() -> None:
            store, user, now = self.stores[code], self.staff[code], timezone.now()
            today = timezone.localdate(now)
            handling = self.random.choices(
                [OnsiteHandling.REFUND, OnsiteHandling.EXCHANGE, OnsiteHandling.LOCAL_REPAIR], [35, 45, 20]
            )[0]
            outside_policy = self.random.random() < 0.07
            if handling == OnsiteHandling.LOCAL_REPAIR:
                purchase_days = self.random.randint(400, 500) if outside_policy else self.random.randint(10, 170)
            else:
                purchase_days = self.random.randint(20, 60) if outside_policy else self.random.randint(0, 14)
            purchase_date = today - dt.timedelta(days=purchase_days)
            units = [self._unit(purchase_date) for _ in range(count)]
            problem = any(
                cases_services.policy_problem(
                    style=unit.style, purchase_date=purchase_date, onsite_handling=handling, today=today
                )
                for unit in units
            )
            named = self.random.random() < 0.85
            returns = cases_services.return_log(
                user=user,
                store=store,
                receipt_no=f"XS{today:%y%m%d}{code[1:]}{self.random.randrange(10000):04d}",
                purchase_date=purchase_date,
                onsite_handling=handling,
                units=units,
                customer_name=self._name() if named else "",
                customer_phone=self._phone() if named else "",
                policy_exception_reason=self.random.choice(demo_data.POLICY_REASONS) if problem else "",
            )
            for item in returns:
                fate = self.random.random()
                if fate < 0.04:
                    self.at(self.later(now, 0.3, 3), self._cancel(item))
                elif handling == OnsiteHandling.LOCAL_REPAIR and fate < 0.5:
                    self.at(self.later(now, 1, 30), self._resolve(item))
                else:
                    self.waiting[code].append(item)

        return log

    def _unit(self, purchase_date: dt.date) -> cases_services.ReturnUnit:
        style = self.random.choice(self.styles)
        fitting = [
            code for code in self.codes.values() if code.category_id in (None, style.category_id) and code.active
        ]
        code = self.random.choice(fitting) if self.random.random() < 0.75 else None
        story = self.random.choice(demo_data.DEFECT_STORIES.get(code.code, []) if code else demo_data.UNCODED_STORIES)
        year = min(style.year, purchase_date.year)
        return cases_services.ReturnUnit(
            style=style,
            color=self.random.choice(demo_data.COLORS),
            size=self.random.choice(demo_data.SIZES.get(style.category.code, ["M"])),
            production_year=year,
            batch_no=f"B{year % 100:02d}{self.random.randint(1, 12):02d}-{self.random.randint(1, 40):03d}",
            defect_description=story,
            reported_defect=code,
        )

    def _name(self) -> str:
        return self.random.choice(demo_data.SURNAMES) + self.random.choice(demo_data.GIVEN_NAMES)

    def _phone(self) -> str:
        return self.random.choice(demo_data.PHONE_PREFIXES) + f"{self.random.randrange(10**8):08d}"

    def _cancel(self, item: Return) -> Callable[[], None]:
        def cancel() -> None:
            reason = self.random.choice(["录入错误，重复登记", "顾客取消退货，改为换货", "款号录错，重新登记"])
            cases_services.return_cancel(user=self.staff[item.store.code], return_item=item, reason=reason)

        return cancel

    def _resolve(self, item: Return) -> Callable[[], None]:
        def resolve() -> None:
            note = self.random.choice(["门店现场补线修复", "现场更换纽扣", "现场熨烫整形，顾客满意"])
            cases_services.return_resolve_at_store(user=self.staff[item.store.code], return_item=item, note=note)

        return resolve

    def _weekly_dispatch(self, code: str) -> Callable[[], None]:
        def dispatch() -> None:
            waiting, self.waiting[code] = self.waiting[code], []
            recalled, self.recall_waiting[code] = self.recall_waiting[code], []
            referred, self.referral_waiting[code] = self.referral_waiting[code], []
            recalled = recalled + referred
            if not waiting and not recalled:
                return
            # Now and then a store ships a forgotten unit on a second parcel the same afternoon: the week's fee.
            parcels = [waiting]
            if len(waiting) >= 2 and self.random.random() < 0.15:
                parcels = [waiting[:-1], waiting[-1:]]
            parcels[0] = parcels[0] + recalled
            for number, parcel in enumerate(parcels):
                when = timezone.now() + dt.timedelta(hours=2 * number)
                with time_machine.travel(when, tick=False):
                    self._store_parcel(code, parcel)

        return dispatch

    def _store_parcel(self, code: str, parcel: list[Return]) -> None:
        user, now = self.staff[code], timezone.now()
        carrier, prefix = self.random.choice(demo_data.CARRIERS)
        shipment = cases_services.shipment_create(
            user=user,
            direction=ShipmentDirection.TO_CENTER,
            store=self.stores[code],
            return_ids=[unit.pk for unit in parcel],
            carrier=carrier,
            tracking_no=f"{prefix}{self.random.randrange(10**12):012d}",
        )
        shipment = cases_services.shipment_dispatch(user=user, shipment=shipment)
        self.at(self.later(now, 40, 60), self._receive(shipment, parcel))

    # --- the service center ---

    def _technician(self):
        return self.random.choice(self.technicians)

    def _receive(self, shipment: Shipment, parcel: list[Return]) -> Callable[[], None]:
        def receive() -> None:
            now = timezone.now()
            present = [
                unit for unit in parcel if unit.recall_id or unit.pk in self.referrals or self.random.random() >= 0.05
            ]
            cases_services.shipment_receive(
                user=self._technician(), shipment=shipment, received_ids=[unit.pk for unit in present]
            )
            for unit in parcel:
                if unit.pk in self.referrals:
                    self.at(now + dt.timedelta(hours=3), self._refer(unit))
                    continue
                if unit.recall_id:
                    continue  # a recall's unit waits for its recall's shipment to the supplier
                if unit in present:
                    self.at(self.later(now, 2, 90), self._inspect(unit))
                elif self.random.random() < 0.5:
                    self.at(self.later(now, 48, 120), self._found(unit))

        return receive

    def _found(self, item: Return) -> Callable[[], None]:
        def found() -> None:
            cases_services.return_found(user=self._technician(), return_item=Return.objects.get(pk=item.pk))
            self.at(self.later(timezone.now(), 2, 30), self._inspect(item))

        return found

    def _inspect(self, item: Return) -> Callable[[], None]:
        def inspect() -> None:
            now, user = timezone.now(), self._technician()
            reported = item.reported_defect
            hint = reported.default_responsibility if reported else ""
            if hint in (Responsibility.STORE, Responsibility.CUSTOMER):
                verdict = self.random.choices([Verdict.REPAIRABLE, Verdict.UNREPAIRABLE, Verdict.NO_DEFECT], [4, 4, 2])
                responsibility = hint
            elif reported:
                verdict = self.random.choices(
                    [Verdict.REPAIRABLE, Verdict.SUPPLIER_REWORK, Verdict.UNREPAIRABLE, Verdict.NO_DEFECT],
                    [48, 20, 14, 18],
                )
                responsibility = self.random.choices([Responsibility.SUPPLIER, Responsibility.HQ], [8, 2])[0]
            else:
                verdict = self.random.choices([Verdict.NO_DEFECT, Verdict.REPAIRABLE, Verdict.UNREPAIRABLE], [5, 3, 2])
                responsibility = Responsibility.HQ
            verdict = verdict[0]
            if verdict == Verdict.NO_DEFECT:
                responsibility = ""
            codes = [reported] if reported and verdict != Verdict.NO_DEFECT else []
            rework = verdict == Verdict.SUPPLIER_REWORK
            promised = timezone.localdate(now) + dt.timedelta(days=self.random.randint(10, 18)) if rework else None
            return_inspect(
                user=user,
                return_item=item,
                verdict=verdict,
                responsibility=responsibility,
                defect_codes=codes,
                notes=self.random.choice(demo_data.INSPECTION_NOTES[verdict]),
                supplier_agreement=self.random.choice(demo_data.SUPPLIER_AGREEMENTS) if rework else "",
                supplier_promised_date=promised,
            )
            if verdict == Verdict.REPAIRABLE:
                # One repair in ten waits for parts or a specialist: those run past the 15 days.
                waits = self.random.random() < 0.2
                self.at(self.later(now, 150, 300) if waits else self.later(now, 4, 80), self._repair(item))
            elif rework:
                late = self.random.random() < 0.25
                back = timezone.make_aware(dt.datetime.combine(promised, dt.time(11))) + dt.timedelta(
                    days=self.random.randint(6, 14) if late else self.random.randint(-2, 1)
                )
                self.at(self.working_time(back), self._back_from_supplier(item))
            elif verdict == Verdict.NO_DEFECT:
                self.ready[item.store.code].append((now, item))

        return inspect

    def _parts_for(self, item: Return) -> list[tuple[SparePart, int]]:
        code = item.reported_defect.code if item.reported_defect else ""
        wanted: dict[str, int] = {}
        if code in demo_data.REPAIR_PARTS:
            part_no = self.random.choice(demo_data.REPAIR_PARTS[code])
            wanted[part_no] = self.random.randint(1, 3) if part_no.startswith("P-BTN") else 1
        if self.random.random() < 0.5 or not wanted:
            wanted["P-THR-40"] = 1
        return [(self.parts[part_no], quantity) for part_no, quantity in wanted.items()]

    def _restock(self, user, parts: list[tuple[SparePart, int]]) -> None:
        """Order a delivery of any part that would fall below its reorder level (备件补货)."""
        for part, quantity in parts:
            part.refresh_from_db()
            if part.stock_quantity - quantity < part.reorder_level:
                sparepart_receive(user=user, part=part, quantity=max(50, 3 * part.reorder_level), note="采购到货入库")

    def _repair(self, item: Return) -> Callable[[], None]:
        def repair() -> None:
            # An out-of-warranty repair waits for its quote and the customer's yes first (no random draws).
            ticket = paid_repair_history.settle_quote(Return.objects.get(pk=item.pk).repair_ticket)
            user = ticket.technician
            parts = self._parts_for(item)
            self._restock(user, parts)
            work = "；".join(demo_data.REPAIR_WORK[part.part_no] for part, _quantity in parts)
            minutes = self.random.choice([20, 30, 45, 60, 90])
            if self.random.random() < 0.1:
                # A failed quality check keeps the unit in repair; it is redone the next day.
                repairticket_update(user=user, ticket=ticket, parts=parts, labour_minutes=minutes, work_done=work,
                                    qc_passed=False, qc_notes="复检不合格：缝线不直，返工")  # fmt: skip
                self.at(self.later(timezone.now(), 16, 30), self._complete(item, minutes + 30))
                return
            repairticket_complete(user=user, ticket=ticket, parts=parts, labour_minutes=minutes, work_done=work,
                                  qc_passed=True, qc_notes="复检合格")  # fmt: skip
            self.ready[item.store.code].append((timezone.now(), item))

        return repair

    def _complete(self, item: Return, minutes: int) -> Callable[[], None]:
        def complete() -> None:
            ticket = Return.objects.get(pk=item.pk).repair_ticket
            repairticket_complete(user=ticket.technician, ticket=ticket, labour_minutes=minutes, qc_passed=True,
                                  qc_notes="返工后复检合格")  # fmt: skip
            self.ready[item.store.code].append((timezone.now(), item))

        return complete

    def _back_from_supplier(self, item: Return) -> Callable[[], None]:
        def back() -> None:
            cases_services.return_receive_from_supplier(
                user=self._technician(), return_item=Return.objects.get(pk=item.pk), note="工厂返修完成，已寄回服务部"
            )
            self.ready[item.store.code].append((timezone.now(), item))

        return back

    def _ship_back_run(self) -> None:
        """The center's run back to the stores: a parcel to each store with enough ready units or one waiting long."""
        now, user = timezone.now(), self._technician()
        for code in self.stores:
            ready = self.ready[code]
            if not ready or (len(ready) < SHIP_BACK_BATCH and now - ready[0][0] < SHIP_BACK_MAX_WAIT):
                continue
            self.ready[code] = []
            carrier, prefix = self.random.choice(demo_data.CARRIERS)
            shipment = cases_services.shipment_create(
                user=user,
                direction=ShipmentDirection.TO_STORE,
                store=self.stores[code],
                return_ids=[item.pk for _at, item in ready],
                carrier=carrier,
                tracking_no=f"{prefix}{self.random.randrange(10**12):012d}",
            )
            shipment = cases_services.shipment_dispatch(user=user, shipment=shipment)
            # Most stores unpack the parcel on arrival; a busy one takes days to confirm it.
            slow = self.random.random() < 0.2
            self.at(self.later(now, 90, 140) if slow else self.later(now, 44, 70), self._confirm(code, shipment))

    def _confirm(self, code: str, shipment: Shipment) -> Callable[[], None]:
        def confirm() -> None:
            cases_services.shipment_confirm_received(user=self.staff[code], shipment=shipment)

        return confirm

    # --- a batch recall 整款退货 that goes all the way round ---

    def _plan_recall(self) -> None:
        """Stores S001 and S002 report the hood zip of 226101JK002; a recall goes round: test report, QA's approval
        (the supplier bears the cost), the notice to R01, the stores' returns on their weekly shipment, the
        consolidated shipment to the factory, the outcomes (repaired units back to their stores, one unrepairable
        for the write-off list and the supplier's statement) and QA's close."""
        self.at(self.day(80, 10), self._recall_open)
        self.at(self.day(79, 11), self._recall_decide)
        self.at(self.day(78, 10, 30), self._recall_returns("S001", 2))
        self.at(self.day(78, 15, 10), self._recall_returns("S002", 1))
        self.at(self.day(62, 10), self._recall_step("ship"))
        self.at(self.day(52, 15), self._recall_step("outcomes"))
        self.at(self.day(50, 10), self._recall_step("ship_back"))
        self.at(self.day(47, 16), self._recall_step("confirm"))
        self.at(self.day(45, 11), self._recall_step("close"))

    def _recall_open(self) -> None:
        from recalls.services import recall_open

        self.recall = recall_open(
            user=self._user("tech1"),
            style=Style.objects.get(style_no="226101JK002"),
            defect_code=self.codes["D04"],
            test_report="拉链拉力测试 10 件，6 件低于 80N；帽檐拉链头脱落与门店反馈一致。",
            handling_plan="门店下架，随周寄件寄回售后服务部，统一返厂维修；不可维修的由工厂承担。",
            deadline=timezone.localdate() + dt.timedelta(days=14),
            return_method="weekly_shipment",
            cost_bearer="supplier",
            reported_return_ids=[],
        )

    def _recall_decide(self) -> None:
        from recalls.services import recall_approve, recall_issue_notice
        from stores.models import Region

        qa = self._user("qa1")
        self.recall = recall_approve(user=qa, recall=self.recall)
        self.recall = recall_issue_notice(user=qa, recall=self.recall, regions=[Region.objects.get(code="R01")])

    def _recall_returns(self, code: str, count: int) -> Callable[[], None]:
        def answer() -> None:
            from recalls.models import RecallNotice
            from recalls.services import recall_returns_log, recallnotice_acknowledge

            notice = RecallNotice.objects.get(recall=self.recall, store__code=code)
            recallnotice_acknowledge(user=self.staff[code], notice=notice, on_hand=count)
            units = recall_returns_log(
                notice=notice,
                user=self.staff[code],
                lines=[{"color": "藏青", "size": "L", "quantity": count}],
                document_no=f"TH{timezone.localdate():%y%m%d}{code[1:]}",
            )
            self.recall_waiting[code].extend(units)

        return answer

    def _recall_step(self, step: str) -> Callable[[], None]:
        def act() -> None:
            from recalls.choices import RecallOutcome
            from recalls.services import recall_close, recall_open_units, recall_record_outcome, recall_ship_to_supplier

            tech = self._user("tech1")
            units = list(Return.objects.filter(recall=self.recall).order_by("pk"))
            if step == "ship" and any(unit.state == "received" for unit in units):
                self.recall = recall_ship_to_supplier(
                    user=tech, recall=self.recall, carrier="德邦物流", tracking_no="DB260000000001"
                )
            elif step == "outcomes":
                shipped = [unit.pk for unit in units if unit.state == "at_supplier"]
                outcomes = [
                    (shipped[-1:], RecallOutcome.UNREPAIRABLE, "面料撕裂，无法更换拉链"),
                    (shipped[:-1], RecallOutcome.REPAIRED_BY_FACTORY, "工厂已更换拉链"),
                ]
                for ids, outcome, note in outcomes:
                    if ids:
                        recall_record_outcome(user=tech, recall=self.recall, return_ids=ids, outcome=outcome, note=note)
            elif step == "ship_back":
                ready = [unit for unit in units if unit.state == "ready_to_return"]
                for code in sorted({unit.store.code for unit in ready}):
                    shipment = cases_services.shipment_create(
                        user=tech,
                        direction=ShipmentDirection.TO_STORE,
                        store=self.stores[code],
                        return_ids=[unit.pk for unit in ready if unit.store.code == code],
                        carrier="顺丰速运",
                        tracking_no=f"SF26{code[1:]}00000001",
                    )
                    cases_services.shipment_dispatch(user=tech, shipment=shipment)
            elif step == "confirm":
                parcels = Shipment.objects.filter(
                    direction=ShipmentDirection.TO_STORE, lines__return_item__recall=self.recall, state="in_transit"
                )
                for shipment in parcels.distinct().select_related("store"):
                    cases_services.shipment_confirm_received(user=self.staff[shipment.store.code], shipment=shipment)
            elif step == "close" and not recall_open_units(self.recall):
                note = "工厂返修件已寄回门店，不可维修件已报废并由工厂承担。"
                recall_close(user=self._user("qa1"), recall=self.recall, note=note)

        return act

    # --- the month end 月结: write-off list, loss reports, chargeback statements, monthly reports ---

    def _plan_month_ends(self) -> None:
        """Close every month that ended inside the window; the last one is left with answers still open."""
        today = timezone.localdate(self.end)
        last = add_months(today.replace(day=1), -1)
        period = add_months(timezone.localdate(self.start).replace(day=1), 1)
        while period <= last:
            first = add_months(period, 1)
            is_last = period == last
            self.at(self._on(first, 0, 2), self._month_build(period, reports=is_last))
            self.at(self._on(first, 1, 10), self._writeoff_step(period, "submit", "tech1"))
            self.at(self._on(first, 2, 11), self._writeoff_step(period, "confirm", "logistics1"))
            self.at(self._on(first, 3, 15), self._writeoff_step(period, "approve", "vp1"))
            self.at(self._on(first, 5, 10), self._destroy(period))
            self.at(self._on(first, 6, 9), self._issue_statements(period))
            self.at(self._on(first, 8, 14), self._answer_documents(period, settle=not is_last))
            period = first

    def _on(self, first: dt.date, days: int, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=days), dt.time(hour, 15)))

    def _user(self, username: str):
        return get_user_model().objects.get(username=username)

    def _month_build(self, period: dt.date, *, reports: bool) -> Callable[[], None]:
        def build() -> None:
            if reports:
                # What the monthly schedule does on the 1st (eager without a broker): drafts and the three reports.
                monthly_build(period=period)
            else:
                writeofflist_build(period=period, user=None)

        return build

    def _writeoff_step(self, period: dt.date, step: str, username: str) -> Callable[[], None]:
        def act() -> None:
            writeoff_list = WriteOffList.objects.get(period=period)
            if step == "submit" and not writeoff_list.lines.filter(removed_at=None).exists():
                return
            if step != "submit" and writeoff_list.state == WriteOffListState.DRAFT:
                return
            service = {"submit": writeofflist_submit, "confirm": writeofflist_confirm, "approve": writeofflist_approve}
            service[step](writeoff_list=writeoff_list, user=self._user(username))

        return act

    def _destroy(self, period: dt.date) -> Callable[[], None]:
        def destroy() -> None:
            writeoff_list = WriteOffList.objects.get(period=period)
            if writeoff_list.state != WriteOffListState.APPROVED:
                return
            writeofflist_record_destruction(
                writeoff_list=writeoff_list,
                user=self._user("tech2"),
                destroyed_on=timezone.localdate(),
                method="剪碎后交环卫部门焚烧处理",
                warehouse_person="仓库 周敏",
                witness="行政部 郑丽",
                photos=[("销毁现场.png", _demo_photo())],
            )

        return destroy

    def _issue_statements(self, period: dt.date) -> Callable[[], None]:
        def issue() -> None:
            finance = self._user("finance1")
            for statement in chargeback_build(period=period, user=finance):
                if statement.state == StatementState.DRAFT and statement.lines.exists():
                    chargeback_issue(statement=statement, user=finance)

        return issue

    def _answer_documents(self, period: dt.date, *, settle: bool) -> Callable[[], None]:
        """The parties answer: suppliers and stores sign their loss reports and statements, one store disputes."""

        def answer() -> None:
            finance = self._user("finance1")
            for report in LossReport.objects.filter(period=period, state=LossReportState.ISSUED):
                signer = self._party_signer(report)
                if signer is not None:
                    lossreport_acknowledge(loss_report=report, user=signer)
            statements = ChargebackStatement.objects.filter(period=period, state=StatementState.ISSUED)
            for statement in statements.order_by("party_key"):
                signer = finance if statement.party_type == PartyType.HQ else self._party_signer(statement)
                if signer is None:
                    continue
                if not settle and statement.party_key == "store:S002":
                    chargeback_dispute(
                        statement=statement, user=signer, reason="其中一件为顾客穿着不当所致，非本店责任，请复核。"
                    )
                    continue
                statement = chargeback_acknowledge(statement=statement, user=signer)
                if settle:
                    chargeback_settle(
                        statement=statement, user=finance, reference=f"KK-{period:%Y%m}-{statement.pk:04d}"
                    )

        return answer

    def _party_signer(self, document):
        """A user who signs for the document's party: a supplier's login or the store's staff (none for HQ)."""
        if document.party_type == PartyType.SUPPLIER:
            membership = SupplierMembership.objects.filter(supplier=document.supplier_id).select_related("user")
        elif document.party_type == PartyType.STORE:
            membership = StoreMembership.objects.filter(store=document.store_id).select_related("user")
        else:
            return None
        first = membership.order_by("user__username").first()
        return first.user if first is not None else None


def _demo_photo() -> bytes:
    """A small grey PNG standing in for the destruction photo 销毁现场照片."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (150, 150, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


def history_build(*, today: dt.date | None = None, target: int = TARGET_RETURNS, seed: int = SEED) -> HistorySummary:
    """Replay the demo history once: skipped when any Return exists, so running ``seed_demo`` twice adds nothing."""
    if Return.objects.exists():
        return HistorySummary(skipped=True)
    with transaction.atomic():
        return HistoryBuilder(today=today, target=target, seed=seed).run()
