"""What each app declares to the core 注册表, read from its ``AppConfig`` (class attributes, as data).

The core imports no app (style.md, Layout): the menu, the home page's tiles,
the role → permission table, the ``/api/v1/`` routes, the user admin's
membership inlines, the workflow pictures and the scope resolver are
assembled here from what the installed apps declare. Everything an app names
is a string (a URL name, a permission, a dotted path), imported only when
first used, so an ``apps.py`` imports nothing of its own app.

The attributes an ``AppConfig`` may set:

``menu_sections``       [MenuSection]: the top-menu dropdowns the app opens.
``menu_items``          [MenuItem]: links in any installed app's section; the
                        master-data pages name their list view (``view=``).
``home_tiles``          [HomeTiles]: ``(user) -> list[dict]`` functions of
                        the home page's "waiting for you" counts.
``role_permissions``    {role: [permission]}: the app's fragment of the role
                        → permission table (``aftersales.roles``).
``api_urls``            "<app>.api.urls": a module with ``router`` (a DRF
                        ``SimpleRouter``) and ``urlpatterns`` (extra paths).
``user_admin_inlines``  [UserAdminInline]: inlines on the user admin page.
``workflow_pictures``   [WorkflowPicture]: state machines ``draw_workflow``
                        draws.
``scope_resolver``      "<module>.<function>": ``(user) -> scope``, which
                        rows a user may see (one app declares it: stores).
``notification_listeners`` ["<module>.<function>"]: called by ``notify`` with
                        the message (``kind``, ``template``, ``context``,
                        ``url``, ``recipients``, ``target``) once its inbox
                        rows exist, inside the transaction (work chat robots).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

# The section of the "Master data" dropdown (base.html draws it after the workflow sections) and the home
# page's master-data counts: its items name a list view (``MenuItem.view``).
MASTER_DATA = "master-data"


@dataclass(frozen=True)
class MenuSection:
    """A dropdown of the top menu: ``key`` (the page's ``data-menu``), its label, its place (lower first)."""

    key: str
    label: Any
    order: int


@dataclass(frozen=True)
class MenuItem:
    """A menu link, shown when the user passes every condition it names.

    ``permission``: role-table permission(s) the user's roles must all grant
    (``has_role_permission``, so superusers pass). ``roles`` and ``flags``
    together say who it is for: if either is given, the user must hold one
    of the roles or one of the flags (``FLAGS``). A master-data item names
    its list view by dotted path instead (``view``): the view's title is the
    label, its selector gives the home page's count, and its model's view
    permission is the condition, so the menu cannot drift from the page.
    """

    url_name: str
    section: str
    order: int
    label: Any = ""
    view: str = ""
    permission: str | tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def permissions(self) -> tuple[str, ...]:
        if self.view:
            from aftersales.roles import view_permission

            return (view_permission(self.list_view.filterset_class._meta.model),)
        return (self.permission,) if isinstance(self.permission, str) else tuple(self.permission)

    @property
    def list_view(self) -> type:
        return import_string(self.view)

    @property
    def text(self) -> Any:
        return self.list_view.title if self.view else self.label

    def shown_to(self, user) -> bool:
        from aftersales.roles import has_role_permission, roles_of

        if not all(has_role_permission(user, permission) for permission in self.permissions):
            return False
        if not (self.roles or self.flags):
            return True
        return bool(roles_of(user) & set(self.roles)) or any(FLAGS[flag](user) for flag in self.flags)


def _is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _sees_everything(user) -> bool:
    from aftersales.roles import sees_everything

    return sees_everything(user)


def _store_staff_of_a_store(user) -> bool:
    from aftersales.roles import Role, roles_of
    from aftersales.scoping import scope_for

    return Role.STORE_STAFF in roles_of(user) and bool(scope_for(user).staff_store_ids)


# The simple facts about a user a menu item may ask for besides roles and permissions.
FLAGS: dict[str, Callable[[Any], bool]] = {
    "superuser": _is_superuser,
    # Superusers and the service-center roles (not limited to a store or supplier).
    "sees_everything": _sees_everything,
    # Store staff who work at a store (may log returns and acknowledge notices for it).
    "store_staff_of_a_store": _store_staff_of_a_store,
}


@dataclass(frozen=True)
class HomeTiles:
    """A ``(user) -> list[dict]`` function (dotted path) giving home-page tiles, in ``order`` (lower first).

    Each tile is ``{"label", "count", "url", "attention"}`` (see ``aftersales.views.home_tile``): ``count`` a
    QuerySet (or QuerySets to add up) the home page counts with the others in one query, ``attention`` whether
    the tile is marked when its count is not zero.
    """

    function: str
    order: int


@dataclass(frozen=True)
class UserAdminInline:
    """An inline (dotted path) on the user admin page, in ``order`` (lower first)."""

    inline: str
    order: int


@dataclass(frozen=True)
class WorkflowPicture:
    """A state machine ``draw_workflow`` draws to ``docs/workflow/<name>.dot`` and ``.svg``.

    ``notes``: a fixed note per transition name. ``target_notes``: per
    transition name, the dotted path of a {label: target state} mapping; the
    edge to a state is noted with the labels that lead there (the verdicts
    of an inspection).
    """

    name: str
    model: str
    title: str
    order: int
    notes: dict[str, str] = field(default_factory=dict)
    target_notes: dict[str, str] = field(default_factory=dict)


def declarations(attribute: str) -> Iterator[tuple[Any, Any]]:
    """(app config, value) of every installed app declaring ``attribute``, in INSTALLED_APPS order."""
    for app_config in apps.get_app_configs():
        value = getattr(app_config, attribute, None)
        if value:
            yield app_config, value


def _items(attribute: str) -> list:
    # Sorted by order; equal orders keep INSTALLED_APPS order, then the app's own.
    found = [item for _app, values in declarations(attribute) for item in values]
    return sorted(found, key=lambda item: item.order)


@functools.cache
def menu_sections() -> list[MenuSection]:
    sections: dict[str, MenuSection] = {}
    for section in _items("menu_sections"):
        sections.setdefault(section.key, section)
    return sorted(sections.values(), key=lambda section: section.order)


@functools.cache
def menu_items() -> list[MenuItem]:
    return _items("menu_items")


@functools.cache
def home_tile_functions() -> list[Callable[[Any], list[dict]]]:
    return [import_string(tiles.function) for tiles in _items("home_tiles")]


@functools.cache
def role_permissions() -> dict[str, list[str]]:
    """Every installed app's fragment merged: roles in ``Role`` order, permissions in app order, no repeats."""
    from aftersales.roles import Role

    merged: dict[str, list[str]] = {role: [] for role in Role.values}
    for _app, fragment in declarations("role_permissions"):
        for role, permissions in fragment.items():
            held = merged.setdefault(str(role), [])
            held += [permission for permission in permissions if permission not in held]
    return {role: permissions for role, permissions in merged.items() if permissions}


@functools.cache
def api_url_modules() -> list[Any]:
    return [import_module(module) for _app, module in declarations("api_urls")]


@functools.cache
def user_admin_inlines() -> list[type]:
    return [import_string(inline.inline) for inline in _items("user_admin_inlines")]


@functools.cache
def workflow_pictures() -> list[WorkflowPicture]:
    return _items("workflow_pictures")


@functools.cache
def scope_resolver() -> Callable[[Any], Any]:
    resolvers = [path for _app, path in declarations("scope_resolver")]
    if len(resolvers) != 1:
        raise ImproperlyConfigured(f"Exactly one installed app must declare scope_resolver; found {resolvers}.")
    return import_string(resolvers[0])


@functools.cache
def notification_listeners() -> list[Callable[..., Any]]:
    return [import_string(path) for _app, paths in declarations("notification_listeners") for path in paths]


_CACHED = (
    notification_listeners,
    menu_sections,
    menu_items,
    home_tile_functions,
    role_permissions,
    api_url_modules,
    user_admin_inlines,
    workflow_pictures,
    scope_resolver,
)


def _forget_on_new_apps(*, setting: str, **kwargs) -> None:
    if setting == "INSTALLED_APPS":
        for cached in _CACHED:
            cached.cache_clear()


setting_changed.connect(_forget_on_new_apps)


@checks.register()
def check_declarations(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every declared section, role, flag and dotted path exists (so a typo stops ``manage.py check``)."""
    from aftersales.roles import Role

    errors = []

    def error(message: str, app) -> None:
        errors.append(checks.Error(message, obj=app.name, id="aftersales.E100"))

    def importable(path: str, app) -> bool:
        try:
            import_string(path)
        except ImportError as failure:
            error(f"{path} cannot be imported: {failure}", app)
            return False
        return True

    sections = {section.key for _app, values in declarations("menu_sections") for section in values}
    for app, items in declarations("menu_items"):
        for item in items:
            if item.section not in sections | {MASTER_DATA}:
                error(f"Menu item {item.url_name} names the unknown section {item.section!r}.", app)
            for role in item.roles:
                if role not in Role.values:
                    error(f"Menu item {item.url_name} names the unknown role {role!r}.", app)
            for flag in item.flags:
                if flag not in FLAGS:
                    error(f"Menu item {item.url_name} names the unknown flag {flag!r}.", app)
            if item.view and importable(item.view, app):
                view = item.list_view
                if not all(hasattr(view, name) for name in ("title", "selector", "filterset_class")):
                    error(f"Menu item {item.url_name}: {item.view} is not a ScopedListView.", app)
            elif not item.view and (item.section == MASTER_DATA or not item.label):
                error(f"Menu item {item.url_name} needs a label, or view= for a master-data page.", app)
    for app, fragment in declarations("role_permissions"):
        for role in fragment:
            if role not in Role.values:
                error(f"role_permissions names the unknown role {role!r}.", app)
    for app, values in declarations("home_tiles"):
        for tiles in values:
            importable(tiles.function, app)
    for app, values in declarations("user_admin_inlines"):
        for inline in values:
            importable(inline.inline, app)
    for app, values in declarations("workflow_pictures"):
        for picture in values:
            for path in picture.target_notes.values():
                importable(path, app)
    for app, path in declarations("scope_resolver"):
        importable(path, app)
    for app, paths in declarations("notification_listeners"):
        for path in paths:
            importable(path, app)
    if len(list(declarations("scope_resolver"))) != 1:
        errors.append(checks.Error("Exactly one installed app must declare scope_resolver.", id="aftersales.E101"))
    return errors
