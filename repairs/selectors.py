"""Reads of spare parts (service-center roles only)."""

from django.db.models import QuerySet

from repairs.models import SparePart


def sparepart_list(user) -> QuerySet[SparePart]:
    return SparePart.objects.visible_to(user)
