"""What every page's layout needs: the role-aware menu and the user's roles."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales import registry
from aftersales.roles import role_labels, uses_api


def master_data_links(user) -> list[dict]:
    """Master-data pages the user's roles may open, with the selector behind each (the home page counts with it).

    The apps declare them (``AppConfig.menu_items`` in the master-data section) by their list views, which say
    title, selector and model, so the menu cannot drift from the pages.
    """
    return [
        {
            "label": item.text,
            "url": reverse(item.url_name),
            "url_name": item.url_name,
            "selector": item.list_view.selector,
        }
        for item in registry.menu_items()
        if item.section == registry.MASTER_DATA and item.shown_to(user)
    ]


def _url(name: str) -> str | None:
    # Pages of other apps may not be installed in every build; a missing one leaves its menu entry out.
    from django.urls import NoReverseMatch

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def workflow_links(user) -> list[dict]:
    """The workflow menu by role: what a store, a region and the service center work on.

    The sections and their links are what the apps declare (``AppConfig.menu_sections`` and ``menu_items``),
    each shown to the roles, permissions and flags it names; empty sections are left out.
    """
    sections = []
    for section in registry.menu_sections():
        # Each page checks the user's roles itself; the menu lists what the user's roles may open.
        links = [
            {"label": item.text, "url": url, "url_name": item.url_name}
            for item in registry.menu_items()
            if item.section == section.key and item.shown_to(user) and (url := _url(item.url_name)) is not None
        ]
        if links:
            sections.append({"key": section.key, "label": section.label, "links": links})
    return sections


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
