"""Reads of regions and stores, always within the user's scope."""

from django.db.models import QuerySet

from stores.models import Region, Store


def region_list(user) -> QuerySet[Region]:
    return Region.objects.visible_to(user)


def store_list(user) -> QuerySet[Store]:
    return Store.objects.visible_to(user).select_related("region", "contact_user")
