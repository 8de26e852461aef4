"""Reads of the defect-code catalogue."""

from django.db.models import QuerySet

from inspection.models import DefectCode


def defectcode_list(user) -> QuerySet[DefectCode]:
    return DefectCode.objects.visible_to(user).select_related("category")
