"""Reads of write-off lists 报废清单 and loss reports 报损单, always within the user's scope.

Write-off lists are the service center's own paperwork (center roles see
them); a loss report is seen by its party — the supplier's users, the
store's staff and its region manager — and by the center.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from aftersales.models import TransitionLog
from aftersales.roles import Role, roles_of
from writeoffs.choices import WriteOffListState
from writeoffs.models import DestructionPhoto, LossReport, WriteOffLine, WriteOffList


def _filtered(queryset: QuerySet, filterset_class, filters) -> QuerySet:
    if not filters:
        return queryset
    filterset = filterset_class(filters, queryset=queryset)
    if not filterset.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError(filterset.errors.get_json_data())
    return filterset.qs


def writeofflist_list(user, filters=None) -> QuerySet[WriteOffList]:
    """The write-off lists the user may see, newest month first, with their count of live units."""
    from writeoffs.filters import WriteOffListFilter

    queryset = (
        WriteOffList.objects.visible_to(user)
        .select_related("submitted_by", "confirmed_by", "approved_by")
        .annotate(unit_count=Count("lines", filter=Q(lines__removed_at__isnull=True)))
        .order_by("-period")
    )
    return _filtered(queryset, WriteOffListFilter, filters)


def writeofflist_get(user, pk) -> WriteOffList:
    """One write-off list with its lines (live and removed), photos and loss reports; 404 outside the scope."""
    queryset = (
        WriteOffList.objects.visible_to(user)
        .select_related("created_by", "submitted_by", "confirmed_by", "approved_by", "destruction_recorded_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=WriteOffLine.objects.select_related("return_item", "supplier", "store", "removed_by").order_by(
                    "id"
                ),
            ),
            Prefetch("photos", queryset=DestructionPhoto.objects.select_related("uploaded_by")),
            Prefetch("loss_reports", queryset=LossReport.objects.select_related("supplier", "store")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def writeofflist_awaiting(user) -> QuerySet[WriteOffList]:
    """What waits for this user's role 待我处理: drafts and approved lists for technicians, submitted lists for
    logistics managers, confirmed ones for production VPs — never a step the user may not take themself."""
    roles = roles_of(user)
    condition = Q(pk__in=[])
    if Role.TECHNICIAN in roles:
        condition |= Q(state__in=[WriteOffListState.DRAFT, WriteOffListState.APPROVED])
    if Role.LOGISTICS_MANAGER in roles:
        condition |= Q(state=WriteOffListState.SUBMITTED) & ~Q(submitted_by=user.pk)
    if Role.PRODUCTION_VP in roles:
        condition |= Q(state=WriteOffListState.CONFIRMED) & ~Q(submitted_by=user.pk) & ~Q(confirmed_by=user.pk)
    return writeofflist_list(user).filter(condition)


def writeofflist_timeline(writeoff_list: WriteOffList) -> QuerySet[TransitionLog]:
    """The list's approvals and edits, oldest first, with who did each."""
    return TransitionLog.objects.for_object(writeoff_list).select_related("actor").order_by("at", "id")


def lossreport_list(user, filters=None) -> QuerySet[LossReport]:
    """The loss reports the user may see: a supplier its own, a store its own, the center all."""
    from writeoffs.filters import LossReportFilter

    queryset = (
        LossReport.objects.visible_to(user)
        .select_related("supplier", "store", "writeoff_list", "acknowledged_by")
        .order_by("-period", "number")
    )
    return _filtered(queryset, LossReportFilter, filters)


def lossreport_get(user, pk) -> LossReport:
    """One loss report; 404 outside the user's scope (another supplier's or store's)."""
    return get_object_or_404(lossreport_list(user), pk=pk)


def lossreport_lines(loss_report: LossReport) -> QuerySet[WriteOffLine]:
    """The scrapped units charged to the report's party, with their Returns."""
    return loss_report.lines.select_related("return_item", "store", "supplier").order_by("id")
