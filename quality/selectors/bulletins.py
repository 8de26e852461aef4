"""Reads of quality bulletins 质量通报: a user's bulletins (a recipient's unread first), one bulletin, the reading
compliance QA sees (per recipient, the share read, by region), and the unread count of the home tile."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from aftersales.roles import Role, roles_of
from quality.models.bulletins import BulletinRecipient, BulletinState, QualityBulletin
from stores.access import scope_for


def _my_recipients(user) -> QuerySet[BulletinRecipient]:
    """The recipient rows the user reads for: its stores' (store staff), its suppliers' (supplier users)."""
    scope = scope_for(user)
    roles = roles_of(user)
    condition = Q(pk__in=[])
    if Role.STORE_STAFF in roles and scope.staff_store_ids:
        condition |= Q(store__in=sorted(scope.staff_store_ids))
    if Role.SUPPLIER_USER in roles and scope.supplier_ids:
        condition |= Q(supplier__in=sorted(scope.supplier_ids))
    return BulletinRecipient.objects.filter(condition)


def bulletin_list(user) -> QuerySet[QualityBulletin]:
    """Bulletins the user sees with their reading counts; the user's own unread ones first, then the newest."""
    mine = _my_recipients(user).filter(bulletin=OuterRef("pk"))
    return (
        QualityBulletin.objects.visible_to(user)
        .select_related("created_by")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            read_count=Count("recipients", filter=Q(recipients__read_at__isnull=False), distinct=True),
            unread_by_me=Exists(mine.filter(read_at__isnull=True)),
        )
        .order_by("-unread_by_me", "-published_at", "-id")
    )


def bulletin_get(user, pk: int) -> QualityBulletin:
    return (
        QualityBulletin.objects.visible_to(user)
        .select_related("style", "defect_code", "supplier", "created_by")
        .get(pk=pk)
    )


def bulletin_compliance(bulletin: QualityBulletin) -> dict:
    """Read or not per recipient, the share read, and by region (stores) — counted in the database."""
    recipients = BulletinRecipient.objects.filter(bulletin=bulletin)
    rows = list(
        recipients.select_related("store", "store__region", "supplier", "read_by").order_by(
            "read_at", "store__region__code", "store__code", "supplier__code"
        )
    )
    total = len(rows)
    read = sum(1 for row in rows if row.read_at is not None)
    by_region = list(
        recipients.filter(store__isnull=False)
        .values("store__region__code", "store__region__name")
        .annotate(total=Count("id"), read=Count("id", filter=Q(read_at__isnull=False)))
        .order_by("store__region__code")
    )
    for region in by_region:
        region["share"] = region["read"] / region["total"] if region["total"] else 0
    return {
        "rows": rows,
        "total": total,
        "read": read,
        "share": read / total if total else None,
        "by_region": by_region,
    }


def unread_bulletins(user) -> QuerySet[QualityBulletin]:
    """Published bulletins the user's store or supplier has not read yet (the home tile)."""
    unread = _my_recipients(user).filter(read_at__isnull=True).values("bulletin")
    return QualityBulletin.objects.filter(state=BulletinState.PUBLISHED, pk__in=unread)


def bulletin_tiles(user) -> list[dict]:
    """The home tile of a store's staff and a supplier's users: bulletins their store or supplier has not read."""
    from django.utils.translation import gettext as _

    from aftersales.views import home_tile

    roles = roles_of(user)
    if not roles & {Role.STORE_STAFF, Role.SUPPLIER_USER}:
        return []
    return [home_tile(_("Unread quality bulletins"), unread_bulletins(user), "quality:bulletin_list")]
