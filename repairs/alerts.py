"""The daily low spare-part stock alert 备件低库存预警, per part per location.

A location's stock of a part is low at or below its reorder level (the part's own level at the service center;
a store's set level, else ``AFTERSALES_STORE_REORDER_LEVEL``). Each low row is alerted once: an ``Alert`` row
per ``PartStock`` (created with ``get_or_create``, so two scans at once notify once); when the stock is back
above the level the alert is cleared, so the next time it falls it is alerted again. Technicians get every
location's new lows, a store's staff their own stores', one message each.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Alert
from aftersales.notifications import notify
from aftersales.roles import Role
from repairs.models import PartStock
from stores.models import StoreMembership

ALERT_KIND = "low_stock"
LEVEL = "low"


def low_stock_rows() -> QuerySet[PartStock]:
    """Every active part's stock at an active location that is at or below its reorder level."""
    level = Coalesce(
        "reorder_level",
        Case(
            When(store__isnull=True, then=F("part__reorder_level")),
            default=Value(settings.AFTERSALES_STORE_REORDER_LEVEL),
            output_field=IntegerField(),
        ),
    )
    return (
        PartStock.objects.annotate(level=level)
        .filter(quantity__lte=F("level"), part__active=True)
        .filter(Q(store__isnull=True) | Q(store__active=True))
    )


def _recipients(store_ids: set[int]) -> list[tuple[object, frozenset[int] | None]]:
    """Every active technician (``None``: all locations), then each store's active staff with their stores."""
    technicians = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.TECHNICIAN).order_by("pk").distinct()
    )
    recipients: list[tuple[object, frozenset[int] | None]] = [(user, None) for user in technicians]
    seen = {user.pk for user, _stores in recipients}
    stores_of: dict[int, set[int]] = defaultdict(set)
    users: dict[int, object] = {}
    for membership in StoreMembership.objects.filter(
        store_id__in=sorted(store_ids), user__is_active=True, user__groups__name=Role.STORE_STAFF
    ).select_related("user"):
        if membership.user_id not in seen:
            users[membership.user_id] = membership.user
            stores_of[membership.user_id].add(membership.store_id)
    recipients += [(users[pk], frozenset(stores)) for pk, stores in sorted(stores_of.items())]
    return recipients


@transaction.atomic
def low_stock_alerts_scan() -> dict:
    """Raise the day's low-stock alerts: clear those whose stock recovered, alert each new low once, and send each
    recipient one message listing its new lows. Answers a small summary."""
    content_type = ContentType.objects.get_for_model(PartStock)
    low = low_stock_rows()
    cleared, _by_model = (
        Alert.objects.filter(kind=ALERT_KIND, content_type=content_type)
        .exclude(object_id__in=low.values("pk"))
        .delete()
    )
    raised = []
    for row in low.select_related("part", "store").order_by("store__code", "part__part_no"):
        _alert, created = Alert.objects.get_or_create(
            kind=ALERT_KIND, content_type=content_type, object_id=row.pk, level=LEVEL
        )
        if created:
            raised.append(row)
    summary = {"date": timezone.localdate().isoformat(), "raised": len(raised), "cleared": cleared, "messages": 0}
    if not raised:
        return summary
    for recipient, store_ids in _recipients({row.store_id for row in raised if row.store_id}):
        rows = raised if store_ids is None else [row for row in raised if row.store_id in store_ids]
        if not rows:
            continue
        notify(
            recipients=[recipient],
            kind="low_stock",
            template="low_stock",
            context={
                "rows": [
                    {
                        "location": row.store.name if row.store_id else None,
                        "part_no": row.part.part_no,
                        "name": row.part.name,
                        "quantity": row.quantity,
                        "level": row.level,
                        "unit": row.part.unit,
                    }
                    for row in rows
                ]
            },
            url=reverse("repairs:stockmovement_list"),
        )
        summary["messages"] += 1
    return summary
