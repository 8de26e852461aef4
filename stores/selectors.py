"""Reads of regions and stores, always within the user's scope."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from stores.models import Delivery, Region, Store


def region_list(user) -> QuerySet[Region]:
    return Region.objects.visible_to(user)


def store_list(user) -> QuerySet[Store]:
    return Store.objects.visible_to(user).select_related("region", "contact_user")


def delivery_list(user) -> QuerySet[Delivery]:
    """Deliveries from logistics the user may see: a store its own, a region manager the region's, the center all."""
    return Delivery.objects.visible_to(user).select_related("store", "style", "recorded_by")


def delivery_get(user, pk) -> Delivery:
    return get_object_or_404(delivery_list(user), pk=pk)


@dataclass(frozen=True)
class Held:
    """How long the store had goods of a style before it sold them: its latest delivery up to the sale."""

    delivered_on: dt.date
    days: int


def store_held(*, store_id: int, style_id: int, until: dt.date) -> Held | None:
    """The days from the store's latest delivery of the style (on or before ``until``) to ``until``; None if none."""
    delivered_on = (
        Delivery.objects.filter(store_id=store_id, style_id=style_id, delivered_on__lte=until)
        .order_by("-delivered_on")
        .values_list("delivered_on", flat=True)
        .first()
    )
    if delivered_on is None:
        return None
    return Held(delivered_on=delivered_on, days=(until - delivered_on).days)
