"""What every page's layout needs: the role-aware menu and the user's roles."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.roles import role_labels, view_permission


def master_data_links(user) -> list[dict]:
    """Master-data pages the user's roles may open, with the selector behind each."""
    from inspection.views import DefectCodeListView
    from repairs.views import SparePartListView
    from stores.views import RegionListView, StoreListView
    from suppliers.views import CategoryListView, StyleListView, SupplierListView

    # The list views themselves say title, selector and model, so the menu cannot drift from them.
    pages = [
        ("stores:region_list", RegionListView),
        ("stores:store_list", StoreListView),
        ("suppliers:supplier_list", SupplierListView),
        ("suppliers:category_list", CategoryListView),
        ("suppliers:style_list", StyleListView),
        ("inspection:defectcode_list", DefectCodeListView),
        ("repairs:sparepart_list", SparePartListView),
    ]
    return [
        {"label": view.title, "url": reverse(url_name), "url_name": url_name, "selector": view.selector}
        for url_name, view in pages
        if user.has_perm(view_permission(view.filterset_class._meta.model))
    ]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    labels = role_labels(user)
    if user.is_superuser:
        labels.insert(0, _("System administrator"))
    return {
        "nav_master_data": master_data_links(user),
        "nav_role_labels": labels,
        "nav_current_url_name": f"{request.resolver_match.namespace}:{request.resolver_match.url_name}"
        if request.resolver_match and request.resolver_match.namespace
        else "",
    }
