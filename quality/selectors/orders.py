"""Every read of rectification orders 质量整改令: the list (with its FilterSet, shared by the page and the API),
one order, its timeline and its recurrence count; and the orders a recall, lot, Return or case links to.

Lists start from ``visible_to(user)``: QA and the other center roles see every order, a supplier its own, a store
(or its region manager) its own; anything else is a 404.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.models import TransitionLog
from quality.models.orders import OrderState, PartyType, RectificationOrder

LIST_RELATED = ("supplier", "store", "style", "defect")


class RectificationOrderFilter(django_filters.FilterSet):
    """``?state=``, ``?party_type=``, ``?party=`` (a supplier's or store's code, or a department's name),
    ``?overdue=true``."""

    state = django_filters.ChoiceFilter(choices=OrderState.choices, label=_("State"))
    party_type = django_filters.ChoiceFilter(choices=PartyType.choices, label=_("Party type"))
    party = django_filters.CharFilter(method="filter_party", label=_("Party"), max_length=60)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = RectificationOrder
        fields = ["state", "party_type", "party", "overdue"]

    def filter_party(self, queryset, name, value):
        if not value:
            return queryset
        from django.db.models import Q

        return queryset.filter(Q(supplier__code=value) | Q(store__code=value) | Q(department=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = {"state": OrderState.ISSUED, "due_date__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


def order_list(user, *, filters: dict | None = None) -> QuerySet:
    queryset = RectificationOrder.objects.visible_to(user).select_related(*LIST_RELATED)
    if filters is not None:
        queryset = RectificationOrderFilter(filters, queryset=queryset, request=None).qs
    return queryset


def order_get(user, pk) -> RectificationOrder:
    return get_object_or_404(
        RectificationOrder.objects.visible_to(user)
        .select_related(*LIST_RELATED, "recall", "lot", "issued_by", "responded_by", "verified_by")
        .prefetch_related("returns", "service_cases"),
        pk=pk,
    )


def order_timeline(order: RectificationOrder) -> QuerySet:
    return TransitionLog.objects.for_object(order).select_related("actor").order_by("at", "id")


def order_recurrences(order: RectificationOrder) -> dict[str, int]:
    from quality.services.orders import order_recurrences as count

    return count(order)


def orders_to_verify(user) -> QuerySet:
    return RectificationOrder.objects.visible_to(user).filter(state=OrderState.RESPONDED).order_by("responded_at")


def orders_linked(user, **link) -> QuerySet:
    """The orders a recall, lot, Return or service case is the source of (``recall=…``, ``returns=…``…), as this
    user may see them: the other side of the link, for those pages' panels."""
    return RectificationOrder.objects.visible_to(user).filter(**link).select_related(*LIST_RELATED).order_by("-id")


def due_soon_cutoff(today: dt.date | None = None) -> dt.date:
    from quality.services.orders import DUE_SOON_DAYS

    return (today or timezone.localdate()) + dt.timedelta(days=DUE_SOON_DAYS)


def answerable(user) -> QuerySet:
    """Issued orders this user answers for, as one queryset (the home tile counts it in the page's one query)."""
    from django.db.models import Q

    from aftersales.roles import Role, roles_of
    from aftersales.scoping import scope_for

    roles = roles_of(user)
    condition = Q(pk__in=[])
    if Role.SUPPLIER_USER in roles:
        condition |= Q(party_type=PartyType.SUPPLIER, supplier_id__in=sorted(scope_for(user).supplier_ids))
    if Role.STORE_STAFF in roles:
        condition |= Q(party_type=PartyType.STORE, store_id__in=sorted(scope_for(user).staff_store_ids))
    if Role.QA_MANAGER in roles:
        condition |= Q(party_type=PartyType.INTERNAL)
    return RectificationOrder.objects.visible_to(user).filter(condition, state=OrderState.ISSUED)


def order_tiles(user) -> list[dict]:
    """Home tiles: a party's orders to answer; QA's orders to verify."""
    from django.utils.translation import gettext as _

    from aftersales.roles import Role, roles_of
    from aftersales.views import home_tile

    roles = roles_of(user)
    tiles = []
    if roles & {Role.SUPPLIER_USER, Role.STORE_STAFF, Role.QA_MANAGER}:
        tiles.append(
            home_tile(_("Rectification orders to answer"), answerable(user), "quality:order_list", "state=issued")
        )
    if Role.QA_MANAGER in roles:
        tiles.append(
            home_tile(
                _("Rectification orders to verify"),
                RectificationOrder.objects.filter(state=OrderState.RESPONDED),
                "quality:order_list",
                "state=responded",
            )
        )
    return tiles
