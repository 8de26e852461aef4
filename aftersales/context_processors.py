"""What every page's layout needs: the role-aware menu and the user's roles."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.roles import has_role_permission, role_labels, uses_api, view_permission


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
        ("suppliers:defectcode_list", DefectCodeListView),
        ("repairs:sparepart_list", SparePartListView),
    ]
    return [
        {"label": view.title, "url": reverse(url_name), "url_name": url_name, "selector": view.selector}
        for url_name, view in pages
        if has_role_permission(user, view_permission(view.filterset_class._meta.model))
    ]


def _url(name: str) -> str | None:
    # Pages of other apps may not be installed in every build; a missing one leaves its menu entry out.
    from django.urls import NoReverseMatch

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def workflow_links(user) -> list[dict]:
    """The return workflow menu 退货流程, by role: what a store, a region and the service center work on."""
    from aftersales.roles import Role, roles_of, sees_everything
    from stores.access import scope_for

    sections = []
    roles = roles_of(user)
    returns = []
    if has_role_permission(user, "cases.view_return"):
        returns.append(("cases:return_list", _("Returns")))
    if Role.STORE_STAFF in roles and scope_for(user).staff_store_ids:
        returns.append(("cases:return_create", _("Log a return")))
    if has_role_permission(user, "cases.view_shipment"):
        returns.append(("cases:shipment_list", _("Shipments")))
    if returns:
        sections.append({"key": "returns", "label": _("Returns"), "links": returns})
    if sees_everything(user) and has_role_permission(user, "cases.view_return"):
        center = [
            ("cases:inbound", _("Inbound parcels")),
            ("cases:inspection_queue", _("To inspect")),
            ("repairs:repairticket_list", _("Repair queue")),
            ("cases:supplier_queue", _("At the supplier")),
            ("cases:missing_queue", _("Missing units")),
            ("cases:ready_queue", _("Ready to return")),
        ]
        if has_role_permission(user, "repairs.view_stockmovement"):
            center.append(("repairs:stockmovement_list", _("Stock ledger")))
        sections.append({"key": "center", "label": _("Service center"), "links": center})
    recalls = []
    # Candidates are the center's work (technicians open recalls, QA reviews them); notices are the stores'.
    if roles & {Role.TECHNICIAN, Role.QA_MANAGER} or user.is_superuser:
        recalls.append(("recalls:recallcandidate_list", _("Recall candidates")))
    if has_role_permission(user, "recalls.view_recall"):
        recalls.append(("recalls:recall_list", _("Batch recalls")))
    if Role.STORE_STAFF in roles and scope_for(user).staff_store_ids:
        recalls.append(("recalls:recallnotice_list", _("Recall notices")))
    sections.append({"key": "recalls", "label": _("Batch recalls"), "links": recalls})
    # Each page checks the user's roles itself; the menu lists what the user's roles may open.
    month_end = []
    if has_role_permission(user, "writeoffs.view_writeofflist"):
        month_end.append(("writeoffs:writeofflist_list", _("Write-off lists")))
    if has_role_permission(user, "writeoffs.view_lossreport"):
        month_end.append(("writeoffs:lossreport_list", _("Loss reports")))
    if has_role_permission(user, "chargebacks.view_chargebackstatement"):
        month_end.append(("chargebacks:chargeback_list", _("Chargeback statements")))
    if Role.SUPPLIER_USER in roles:
        month_end.append(("chargebacks:supplier_units", _("Our scrapped units")))
    if has_role_permission(user, "reports.view_reportrun"):
        month_end.append(("reports:reportrun_list", _("Monthly reports")))
    sections.append({"key": "month-end", "label": _("Month end"), "links": month_end})
    for section in sections:
        section["links"] = [
            {"label": label, "url": url, "url_name": name}
            for name, label in section["links"]
            if (url := _url(name)) is not None
        ]
    return [section for section in sections if section["links"]]


def nav_roles(user) -> list[str]:
    """The role labels the top bar shows after the name, without those the name already says: the product's
    names carry the department (郑斌（物流部经理）), and "郑斌（物流部经理） （物流部经理）" says it twice."""
    from django.utils import translation

    def labels() -> list[str]:
        found = role_labels(user)
        if user.is_superuser:
            found.insert(0, str(_("System administrator")))
        return found

    shown = labels()
    with translation.override("zh-hans"):
        chinese = labels()
    name = user.get_full_name()
    return [label for label, zh in zip(shown, chinese, strict=True) if zh not in name and label not in name]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    labels = nav_roles(user)
    from aftersales.notifications import notification_unread_count

    return {
        # One COUNT on the partial index of unread messages.
        "nav_unread_count": notification_unread_count(user),
        "nav_master_data": master_data_links(user),
        "nav_workflow": workflow_links(user),
        "nav_role_labels": labels,
        "nav_api_docs": uses_api(user),
        "nav_current_url_name": f"{request.resolver_match.namespace}:{request.resolver_match.url_name}"
        if request.resolver_match and request.resolver_match.namespace
        else "",
    }
