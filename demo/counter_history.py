"""The demo history's counter and logistics side (issue 13), a part of ``demo.history.HistoryBuilder``: change-of-mind
returns 无理由退换 refunded or exchanged at the store, the deliveries 到货 logistics records for each store, and
simple fixes the center refers to a repair point 转维修点 (one resolved at the repair point S004, one at the unit's
own store, one recent still there).

They draw from a generator of their own, and the referred units ride the store's weekly parcel like a recall's
without drawing numbers of the main one, so the rest of the history stays what it was.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from cases import services as cases_services
from cases.choices import OnsiteHandling, ReasonKind
from cases.models import Return
from demo import data as demo_data
from stores.services import delivery_record

EXTRAS_SEED = 3013  # the generator of this part, apart from the history's own
CHANGE_OF_MIND_RETURNS = 18  # 无理由退换 over the three months, resolved at the store
DELIVERY_EVERY_DAYS = 10  # logistics delivers each store two styles this often
REFERRALS = [(70, "S004", True), (40, "S001", True), (16, "S004", False)]  # (days back, repair point, resolved)
CHANGE_OF_MIND_STORIES = ["颜色不喜欢", "尺码偏大，想换小一码", "家人不喜欢款式", "买重复了", "试穿后觉得不合适"]


class CounterHistory:
    """Mixed into ``HistoryBuilder``: it schedules with ``at``/``day``/``later`` and uses its stores, staff, styles and
    the referral lists it sets up."""

    # --- changes of mind at the counter and deliveries from logistics (issue 13) ---

    def _plan_counter_extras(self) -> None:
        """Change-of-mind returns 无理由退换 (refund or exchange at the store, goods resaleable, never shipped) and
        the deliveries 到货 logistics recorded for the stores, from a generator of their own: the rest of the
        history draws the same numbers as before."""
        extras = random.Random(EXTRAS_SEED)
        days = (self.end - self.start).days
        codes = sorted(self.stores)
        for _ in range(CHANGE_OF_MIND_RETURNS):
            code = extras.choice(codes)
            when = self.day(extras.randint(1, days), extras.randint(11, 20), extras.randrange(60))
            self.at(when, self._change_of_mind(code, extras))
        for index, code in enumerate(codes):
            for days_back in range(days - index, 0, -DELIVERY_EVERY_DAYS):
                self.at(self.day(days_back, 9, 30 + index), self._delivery(code, extras))
        # Simple fixes the center sends back for a local repair: to the repair point S004 (resolved there), to the
        # unit's own store (resolved there), and a recent one still at the repair point.
        for days_back, repair_point, resolved in REFERRALS:
            self.at(self.day(days_back, 15), self._log_for_referral("S001", repair_point, resolved, extras))

    def _log_for_referral(self, code: str, repair_point: str, resolved: bool, extras: random.Random):
        def log() -> None:
            today = timezone.localdate()
            style = extras.choice([style for style in self.styles if style.category.code == "JK"] or self.styles)
            (item,) = cases_services.return_log(
                user=self.staff[code],
                store=self.stores[code],
                receipt_no=f"XS{today:%y%m%d}{code[1:]}{extras.randrange(10000):04d}",
                purchase_date=today - dt.timedelta(days=extras.randint(2, 10)),
                onsite_handling=OnsiteHandling.EXCHANGE,
                units=[
                    cases_services.ReturnUnit(
                        style=style,
                        color=extras.choice(demo_data.COLORS),
                        size=extras.choice(demo_data.SIZES.get(style.category.code, ["M"])),
                        production_year=min(style.year, today.year),
                        defect_description=extras.choice(["门襟纽扣脱落", "袖口锁边开线", "挂耳断开"]),
                    )
                ],
            )
            self.referrals[item.pk] = (repair_point, resolved)
            self.referral_waiting[code].append(item)

        return log

    def _refer(self, item: Return) -> Callable[[], None]:
        def refer() -> None:
            repair_point, resolved = self.referrals[item.pk]
            unit = cases_services.return_refer_to_repair_point(
                user=self._user("tech1"),
                return_item=Return.objects.get(pk=item.pk),
                repair_point=self.stores[repair_point],
                note="简单工艺：钉扣、锁边，就近维修",
            )
            if resolved:
                self.at(timezone.now() + dt.timedelta(days=2), self._resolve_referral(unit))

        return refer

    def _resolve_referral(self, item: Return) -> Callable[[], None]:
        def resolve() -> None:
            cases_services.return_resolve_at_store(
                user=self.staff[item.repair_point.code], return_item=item, note="已就近修好，交还顾客"
            )

        return resolve

    def _change_of_mind(self, code: str, extras: random.Random) -> Callable[[], None]:
        def log() -> None:
            store, user, now = self.stores[code], self.staff[code], timezone.now()
            today = timezone.localdate(now)
            style = extras.choice(self.styles)
            handling = extras.choice([OnsiteHandling.REFUND, OnsiteHandling.EXCHANGE])
            named = extras.random() < 0.6
            (item,) = cases_services.return_log(
                user=user,
                store=store,
                receipt_no=f"XS{today:%y%m%d}{code[1:]}{extras.randrange(10000):04d}",
                # Inside the category's change-of-mind window (7 days by default).
                purchase_date=today - dt.timedelta(days=extras.randint(0, style.category.change_of_mind_days)),
                onsite_handling=handling,
                units=[
                    cases_services.ReturnUnit(
                        style=style,
                        color=extras.choice(demo_data.COLORS),
                        size=extras.choice(demo_data.SIZES.get(style.category.code, ["M"])),
                        production_year=min(style.year, today.year),
                        defect_description=extras.choice(CHANGE_OF_MIND_STORIES),
                    )
                ],
                customer_name=extras.choice(demo_data.SURNAMES) + "女士" if named else "",
                customer_phone=(extras.choice(demo_data.PHONE_PREFIXES) + f"{extras.randrange(10**8):08d}")
                if named
                else "",
                reason_kind=ReasonKind.CHANGE_OF_MIND,
                resaleable=True,
            )
            note = "原路退款，吊牌包装完好，已回柜销售" if handling == OnsiteHandling.REFUND else "已换同款其他尺码"
            self.at(self.later(now, 0.2, 2), self._settle_change_of_mind(item, note))

        return log

    def _settle_change_of_mind(self, item: Return, note: str) -> Callable[[], None]:
        def settle() -> None:
            cases_services.return_resolve_at_store(user=self.staff[item.store.code], return_item=item, note=note)

        return settle

    def _delivery(self, code: str, extras: random.Random) -> Callable[[], None]:
        def record() -> None:
            today = timezone.localdate()
            for style in extras.sample(self.styles, 2):
                delivery_record(
                    user=self._user("logistics1"),
                    store=self.stores[code],
                    style=style,
                    delivered_on=today,
                    quantity=extras.randint(12, 60),
                    reference=f"DH{today:%y%m%d}{code[1:]}",
                )

        return record
