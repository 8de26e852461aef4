"""Paid repair past the warranty 保修期外有偿维修 in the demo's history (seed 004), through the services at their
historic moments:

- six weeks ago a customer of S001 brings back a down jacket bought fourteen months earlier (past the 12-month
  warranty of 夹克外套, which offers paid repair); the store logs it with its reason and sends it to the center
  on a parcel of its own; tech1 finds it repairable and quotes a zip and 40 minutes of labour; the hotline calls
  the customer, who accepts by phone; the repair takes the zip from stock, passes its check, goes back to the
  store, and the store records the customer's payment of the accepted amount when they collect it;
- five weeks ago another customer's jacket takes the same way, but the customer declines the quote at the
  store's counter: the ticket closes and the unit goes back to the store unrepaired.

``plan(builder)`` is called from ``demo.history.HistoryBuilder._plan`` and puts the events on the builder's
clock (its ``at``, ``day``, stores, staff and technicians); it draws from a generator of its own and ships its
units on parcels of their own, so the rest of the history stays what it was. ``paid_repair_history_build()``
replays the same story on its own clock (the tests use it; it adds nothing when run again).

The history's other out-of-warranty repairs (its random mix logs a few) get their quote and the customer's
acceptance from ``settle_quote``, which ``HistoryBuilder._repair`` calls before it repairs such a unit.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import services as cases_services
from cases.choices import OnsiteHandling, ShipmentDirection
from cases.models import Return
from inspection.services import return_inspect
from repairs.models import RepairTicket, RepairTicketState, SparePart
from repairs.quotes import (
    repairticket_accept_quote,
    repairticket_quote,
    repairticket_record_payment,
    repairticket_refuse_quote,
)
from repairs.services import repairticket_complete
from stores.models import Store
from suppliers.models import Style

SEED = 15
STORE = "S001"
STYLE = "225101JK015"  # 羽绒服, category JK: 12-month warranty, paid repair offered
RECEIPT_PREFIX = "XSPR"  # the receipts of this story: running it again finds them and adds nothing
PURCHASE_DAYS_BEFORE = 430
# (days before the end the customer comes in, accepts the quote, name, phone)
STORIES = [(42, True, "周建华", "13916082231"), (35, False, "吴晓燕", "13761520984")]


def plan(builder) -> None:
    """Schedule the two paid repairs on ``builder`` (a ``demo.history.HistoryBuilder``, or this module's clock)."""
    if Return.objects.filter(receipt_no__startswith=RECEIPT_PREFIX).exists():
        return
    rng = random.Random(SEED)
    for index, (days_back, accepts, name, phone) in enumerate(STORIES):
        builder.at(builder.day(days_back, 11, 15 + index), _log(builder, rng, accepts, name, phone))


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _log(builder, rng: random.Random, accepts: bool, name: str, phone: str) -> Callable[[], None]:
    def log() -> None:
        now, staff, store = timezone.now(), builder.staff[STORE], builder.stores[STORE]
        purchase = timezone.localdate(now) - dt.timedelta(days=PURCHASE_DAYS_BEFORE)
        style = Style.objects.get(style_no=STYLE)
        item = cases_services.return_log(
            user=staff,
            store=store,
            receipt_no=f"{RECEIPT_PREFIX}{timezone.localdate(now):%y%m%d}{rng.randrange(10000):04d}",
            purchase_date=purchase,
            onsite_handling=OnsiteHandling.LOCAL_REPAIR,
            units=[
                cases_services.ReturnUnit(
                    style=style,
                    color=rng.choice(["黑色", "藏青"]),
                    size=rng.choice(["L", "XL"]),
                    production_year=min(style.year, purchase.year),
                    defect_description="拉链头脱落，拉不上",
                )
            ],
            customer_name=name,
            customer_phone=phone,
            policy_exception_reason="已过一年保修期，顾客同意付费维修（保修期外按实际成本收费）",
        )[0]
        # The customer waits for this repair: the store sends it on a parcel of its own that afternoon.
        shipment = cases_services.shipment_create(
            user=staff, direction=ShipmentDirection.TO_CENTER, store=store, return_ids=[item.pk], carrier="顺丰速运"
        )
        with time_machine.travel(now + dt.timedelta(hours=5), tick=False):
            cases_services.shipment_dispatch(
                user=staff, shipment=shipment, tracking_no=f"SF{rng.randrange(10**12):012d}"
            )
        builder.at(now + dt.timedelta(days=2), _inspect_and_quote(builder, item, shipment, accepts, name))

    return log


def _inspect_and_quote(builder, item: Return, shipment, accepts: bool, name: str) -> Callable[[], None]:
    def inspect() -> None:
        now, tech = timezone.now(), builder.technicians[0]
        cases_services.shipment_receive(user=tech, shipment=shipment, received_ids=[item.pk])
        with time_machine.travel(now + dt.timedelta(hours=2), tick=False):
            return_inspect(
                user=tech,
                return_item=Return.objects.get(pk=item.pk),
                verdict="repairable",
                responsibility="customer",
                notes="拉链头磨损脱落，属正常使用磨损，已过保修期",
            )
        with time_machine.travel(now + dt.timedelta(hours=3), tick=False):
            ticket = RepairTicket.objects.get(return_item=item)
            repairticket_quote(
                user=tech,
                ticket=ticket,
                parts=[(SparePart.objects.get(part_no="P-ZIP-5"), 1)],
                labour_minutes=40,
                note="更换5号金属拉链并加固门襟",
            )
        builder.at(now + dt.timedelta(days=1), _answer(builder, item, accepts, name))

    return inspect


def _answer(builder, item: Return, accepts: bool, name: str) -> Callable[[], None]:
    def answer() -> None:
        now = timezone.now()
        ticket = RepairTicket.objects.get(return_item=item)
        if accepts:
            # The hotline calls the customer with the quote; they accept on the phone.
            repairticket_accept_quote(
                user=_user("hotline1"), ticket=ticket, amount=ticket.quote_total, name=name, channel="phone"
            )
            builder.at(now + dt.timedelta(days=1), _repair(builder, item))
        else:
            # The customer comes to the counter and declines: the unit goes back as it is.
            repairticket_refuse_quote(
                user=builder.staff[STORE],
                ticket=ticket,
                name=name,
                channel="in_store",
                note="顾客认为维修费用偏高，不修了",
            )
            builder.at(now + dt.timedelta(days=1), _ship_back(builder, item, pays=False))

    return answer


def _repair(builder, item: Return) -> Callable[[], None]:
    def repair() -> None:
        ticket = RepairTicket.objects.get(return_item=item)
        repairticket_complete(
            user=builder.technicians[0],
            ticket=ticket,
            parts=[(SparePart.objects.get(part_no="P-ZIP-5"), 1)],
            labour_minutes=40,
            work_done="更换5号金属拉链；门襟加固",
            qc_passed=True,
            qc_notes="复检合格",
        )
        builder.at(timezone.now() + dt.timedelta(hours=20), _ship_back(builder, item, pays=True))

    return repair


def _ship_back(builder, item: Return, *, pays: bool) -> Callable[[], None]:
    def ship() -> None:
        now, tech = timezone.now(), builder.technicians[0]
        shipment = cases_services.shipment_create(
            user=tech,
            direction=ShipmentDirection.TO_STORE,
            store=builder.stores[STORE],
            return_ids=[item.pk],
            carrier="顺丰速运",
            tracking_no=f"SF{item.pk:012d}",
        )
        shipment = cases_services.shipment_dispatch(user=tech, shipment=shipment)
        builder.at(now + dt.timedelta(days=2), _collect(builder, item, shipment, pays))

    return ship


def _collect(builder, item: Return, shipment, pays: bool) -> Callable[[], None]:
    def collect() -> None:
        staff = builder.staff[STORE]
        cases_services.shipment_confirm_received(user=staff, shipment=shipment)
        if pays:
            # The customer collects the repaired jacket and pays the accepted amount at the counter.
            with time_machine.travel(timezone.now() + dt.timedelta(hours=26), tick=False):
                ticket = RepairTicket.objects.get(return_item=item)
                repairticket_record_payment(user=staff, ticket=ticket, method="e_payment")

    return collect


def settle_quote(ticket: RepairTicket) -> RepairTicket:
    """The quote and the customer's acceptance of one of the history's own out-of-warranty repairs, at moments
    between its inspection and now (its repair): the technician quotes the labour, the hotline records the
    customer's yes by phone. Draws no random numbers, so the rest of the history stays what it was."""
    if ticket.state not in (RepairTicketState.QUOTING, RepairTicketState.QUOTED):
        return ticket
    now = timezone.now()
    span = now - ticket.created_at
    item = ticket.return_item
    if ticket.state == RepairTicketState.QUOTING:
        with time_machine.travel(ticket.created_at + span / 3, tick=False):
            ticket = repairticket_quote(
                user=ticket.technician,
                ticket=ticket,
                parts=[(SparePart.objects.get(part_no="P-THR-40"), 1)],
                labour_minutes=45,
                note="按实际成本报价：缝线修补",
            )
    with time_machine.travel(ticket.created_at + span * 2 / 3, tick=False):
        ticket = repairticket_accept_quote(
            user=_user("hotline1"),
            ticket=ticket,
            amount=ticket.quote_total,
            name=item.customer_name or "顾客本人",
            channel="phone",
        )
    return RepairTicket.objects.get(pk=ticket.pk)


class _Clock:
    """The story on a clock of its own: the same ``at``/``day`` and people as ``demo.history.HistoryBuilder``."""

    def __init__(self, today: dt.date | None = None):
        self.end = timezone.make_aware(dt.datetime.combine(today or timezone.localdate(), dt.time()))
        self.queue: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self.counter = itertools.count()
        self.stores = {STORE: Store.objects.get(code=STORE)}
        self.staff = {STORE: _user("store1")}
        self.technicians = [_user("tech1")]

    def at(self, when: dt.datetime, action: Callable[[], None]) -> None:
        if when < self.end:
            heapq.heappush(self.queue, (when, next(self.counter), action))

    def day(self, days_before_end: int, hour: int, minute: int = 0) -> dt.datetime:
        date = timezone.localdate(self.end) - dt.timedelta(days=days_before_end)
        return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))

    def run(self) -> None:
        while self.queue:
            when, _index, action = heapq.heappop(self.queue)
            with time_machine.travel(when, tick=False):
                action()


def paid_repair_history_build(today: dt.date | None = None) -> None:
    """The two paid repairs on their own clock (what ``seed_demo``'s history does with the rest)."""
    clock = _Clock(today)
    plan(clock)
    clock.run()
