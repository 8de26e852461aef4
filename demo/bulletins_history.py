"""The demo's quality bulletin 质量通报, made through the services at its historic moments (``seed_demo``).

Three weeks ago QA (qa1) announced the down jackets' leaking filling to the stores of 华东 and 华南; the stores'
contacts store1 and store101 opened it within days, the others have not yet, and QA reminded them a week later. So
the compliance page shows read and unread stores in two regions, and store2's home page an unread bulletin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from quality.models import QualityBulletin
from quality.services.bulletins import bulletin_draft, bulletin_mark_read, bulletin_publish, bulletin_remind
from stores.models import Region
from suppliers.models import DefectCode, Style


@dataclass
class BulletinSummary:
    bulletins: int = 0
    read: int = 0
    skipped: bool = False


def _user(username: str):
    return get_user_model().objects.get(username=username)


def bulletins_history_build(*, today: dt.date | None = None) -> BulletinSummary:
    """Once: skipped when any bulletin exists (``seed_demo`` twice adds nothing)."""
    if QualityBulletin.objects.exists():
        return BulletinSummary(skipped=True)
    end = timezone.make_aware(dt.datetime.combine(today or timezone.localdate(), dt.time()))

    def at(days_ago: float, hour: int):
        day = timezone.localtime(end - dt.timedelta(days=days_ago)).date()
        return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 20))), tick=False)

    qa = _user("qa1")
    style = Style.objects.select_related("supplier").order_by("style_no").first()
    with transaction.atomic():
        with at(21, 10):
            bulletin = bulletin_draft(
                user=qa,
                title="关于羽绒服跑绒问题的质量通报",
                body=(
                    "近期多家专卖店反映同款羽绒服跑绒，经售后服务部检测属实（面料防绒性能不达标）。\n"
                    "请各专卖店：1. 检查在库同款并单独存放；2. 顾客退换一律按质量问题受理；3. 阅后在系统中确认。"
                ),
                audience="stores",
                regions=list(Region.objects.filter(code__in=["R01", "R02"])),
                style=style,
                defect_code=DefectCode.objects.order_by("code").first(),
                supplier=style.supplier if style else None,
            )
            bulletin = bulletin_publish(user=qa, bulletin=bulletin)
        read = 0
        for days_ago, username in ((20, "store1"), (18, "store101")):
            with at(days_ago, 9):
                read += bulletin_mark_read(user=_user(username), bulletin=bulletin)
        with at(14, 11):
            bulletin_remind(user=qa, bulletin=bulletin)
    return BulletinSummary(bulletins=1, read=read)
