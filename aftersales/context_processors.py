"""What every page's layout needs: the role-aware menu and the user's roles."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.roles import Role, roles_of


def master_data_links(user) -> list[dict]:
    """Master-data pages the user's roles may open, with the selector behind each."""
    from inspection.selectors import defectcode_list
    from repairs.selectors import sparepart_list
    from stores.selectors import region_list, store_list
    from suppliers.selectors import category_list, style_list, supplier_list

    entries = [
        (_("Regions"), "stores:region_list", "stores.view_region", region_list),
        (_("Stores"), "stores:store_list", "stores.view_store", store_list),
        (_("Suppliers"), "suppliers:supplier_list", "suppliers.view_supplier", supplier_list),
        (_("Categories and warranty policy"), "suppliers:category_list", "suppliers.view_category", category_list),
        (_("Styles"), "suppliers:style_list", "suppliers.view_style", style_list),
        (_("Defect codes"), "inspection:defectcode_list", "inspection.view_defectcode", defectcode_list),
        (_("Spare parts"), "repairs:sparepart_list", "repairs.view_sparepart", sparepart_list),
    ]
    return [
        {"label": label, "url": reverse(url_name), "url_name": url_name, "selector": selector}
        for label, url_name, permission, selector in entries
        if user.has_perm(permission)
    ]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    labels = [Role(role).label for role in sorted(roles) if role in Role.values]
    if user.is_superuser:
        labels.insert(0, _("System administrator"))
    return {
        "nav_master_data": master_data_links(user),
        "nav_role_labels": labels,
        "nav_current_url_name": f"{request.resolver_match.namespace}:{request.resolver_match.url_name}"
        if request.resolver_match and request.resolver_match.namespace
        else "",
    }
