"""Reads of the chargeback statements 扣款单 and of a supplier's scrapped units, always within the user's scope.

A party (a store, a region manager, a supplier) sees its statements once they are issued: a draft is
finance's working copy, so outside the service center it does not exist (404).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404

from aftersales.money import to_amount
from aftersales.roles import sees_everything
from chargebacks.choices import StatementState
from chargebacks.filters import ChargebackFilter
from chargebacks.models import ChargebackLine, ChargebackStatement


def _apply(queryset: QuerySet, filters) -> QuerySet:
    if not filters:
        return queryset
    filterset = ChargebackFilter(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def chargeback_list(user, filters=None) -> QuerySet[ChargebackStatement]:
    """Statements the user may see, with the party joined in (a fixed number of queries for any page)."""
    queryset = ChargebackStatement.objects.visible_to(user)
    if not sees_everything(user):
        queryset = queryset.exclude(state=StatementState.DRAFT)
    queryset = queryset.select_related("supplier", "store", "revision")
    return _apply(queryset, filters)


def chargeback_get(user, pk) -> ChargebackStatement:
    """One statement with its lines (and what they charge for); 404 outside the user's scope."""
    queryset = chargeback_list(user).select_related("previous", "issued_by", "answered_by", "settled_by")
    queryset = queryset.prefetch_related(
        Prefetch(
            "lines",
            queryset=ChargebackLine.objects.select_related("return_item", "shipment").order_by("position", "id"),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def chargeback_removed_lines(statement) -> QuerySet[ChargebackLine]:
    """Lines finance took off the draft, with who and why (shown struck through on the draft)."""
    return ChargebackLine.all_objects.filter(statement=statement, removed_at__isnull=False).select_related("removed_by")


def chargeback_month_totals(user, filters=None) -> list[dict]:
    """Totals per month and party type 月度汇总, summed by the database over each party's latest version."""
    queryset = _apply(chargeback_list(user), filters).filter(revision__isnull=True)
    rows = (
        queryset.order_by()
        .values("period", "party_type")
        .annotate(statements=Count("id"), total=Sum("total"))
        .order_by("-period", "party_type")
    )
    # SQLite sums money as REAL and Django hands it back unquantized (Decimal("2391.90000000000")): back to 分 here.
    return [{**row, "total": to_amount(row["total"] or 0)} for row in rows]


def supplier_scrapped_units(user):
    """The scrapped units 报废品 charged to the user's supplier (responsibility supplier, its styles), with the
    inspection (verdict, defect codes) and its photos; the service center sees every supplier's."""
    from cases.choices import SCRAP_PATH_STATES, AttachmentKind
    from cases.models import Attachment, Return
    from stores.access import scope_for
    from suppliers.choices import Responsibility

    queryset = Return.objects.visible_to(user).filter(
        responsibility=Responsibility.SUPPLIER, state__in=SCRAP_PATH_STATES
    )
    scope = scope_for(user)
    if not scope.everything:
        # A supplier login that also works at a store still sees only its supplier's units here.
        queryset = queryset.filter(style__supplier__in=sorted(scope.supplier_ids))
    return (
        queryset.select_related("style__supplier", "store", "inspection")
        .prefetch_related(
            "inspection__defect_codes",
            Prefetch("attachments", queryset=Attachment.objects.filter(kind=AttachmentKind.INSPECTION).order_by("id")),
        )
        .order_by("-inspected_at", "-id")
    )
