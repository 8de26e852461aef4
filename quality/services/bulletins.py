"""Writes of quality bulletins 质量通报: drafting, publishing (the recipients expanded then), the read receipt, and
reminding the unread. QA (``qa_manager``) writes and publishes; a recipient's own users read."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import fire, log_event
from aftersales.notifications import notify
from aftersales.roles import Role, roles_of
from aftersales.services import sequence_take
from aftersales.validation import reject_nul_bytes
from quality.models.bulletins import (
    MAX_BODY,
    MAX_TITLE,
    BulletinAudience,
    BulletinRecipient,
    BulletinState,
    QualityBulletin,
)
from stores.access import scope_for
from stores.models import Region, Store
from suppliers.models import DefectCode, Style, Supplier


def _is_qa(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or Role.QA_MANAGER in roles_of(user)))


@transaction.atomic
def bulletin_draft(
    *,
    user,
    title: str,
    body: str,
    audience: str,
    regions: Sequence[Region] = (),
    suppliers: Sequence[Supplier] = (),
    style: Style | None = None,
    defect_code: DefectCode | None = None,
    supplier: Supplier | None = None,
) -> QualityBulletin:
    """QA writes a bulletin about a verified problem, addressed to the stores of ``regions`` or to ``suppliers``."""
    if not _is_qa(user):
        raise PermissionError
    title, body = (title or "").strip(), (body or "").strip()
    reject_nul_bytes(title=title, body=body)
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the bulletin a title.")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the title under %(count)d characters.") % {"count": MAX_TITLE}]
    if not body:
        errors["body"] = [_("Describe the problem and what to do.")]
    elif len(body) > MAX_BODY:
        errors["body"] = [_("Keep the text under %(count)d characters.") % {"count": MAX_BODY}]
    if audience == BulletinAudience.STORES and not regions:
        errors["regions"] = [_("Choose at least one region.")]
    elif audience == BulletinAudience.SUPPLIERS and not suppliers:
        errors["suppliers"] = [_("Choose at least one supplier.")]
    elif audience not in BulletinAudience.values:
        errors["audience"] = [_("Choose whom the bulletin goes to.")]
    if errors:
        raise ValidationError(errors)
    period = timezone.localdate().strftime("%Y%m")
    number = sequence_take(name=f"QB-{period}")[0]
    bulletin = QualityBulletin(
        number=f"QB-{period}-{number:03d}", title=title, body=body, audience=audience, style=style,
        defect_code=defect_code, supplier=supplier, created_by=user,
    )  # fmt: skip
    bulletin.full_clean(exclude=["state"])
    bulletin.save()
    if audience == BulletinAudience.STORES:
        bulletin.regions.set(regions)
    else:
        bulletin.target_suppliers.set(suppliers)
    log_event(bulletin, "draft", user=user, payload={"title": title})
    return bulletin


def users_of_recipients(recipients: Sequence[BulletinRecipient]) -> list:
    """The people who read for these recipients: each store's staff and contact, each supplier's users."""
    users = get_user_model().objects.filter(is_active=True)
    store_ids = [r.store_id for r in recipients if r.store_id]
    supplier_ids = [r.supplier_id for r in recipients if r.supplier_id]
    found = users.none()
    if store_ids:
        found = found | users.filter(store_memberships__store__in=store_ids, groups__name=Role.STORE_STAFF)
        found = found | users.filter(contact_for_stores__in=store_ids)
    if supplier_ids:
        found = found | users.filter(supplier_memberships__supplier__in=supplier_ids, groups__name=Role.SUPPLIER_USER)
    return list(found.distinct().order_by("pk"))


def _tell(bulletin: QualityBulletin, recipients: Sequence[BulletinRecipient], *, reminder: bool) -> int:
    url = reverse("quality:bulletin_detail", args=[bulletin.pk])
    sent = notify(
        recipients=users_of_recipients(recipients),
        kind="quality_bulletin_reminder" if reminder else "quality_bulletin",
        template="quality_bulletin",
        context={"bulletin": bulletin, "reminder": reminder, "url": url},
        url=url,
        target=bulletin,
    )
    return len(sent)


@transaction.atomic
def bulletin_publish(*, user, bulletin: QualityBulletin) -> QualityBulletin:
    """Publish: one recipient per active store of the chosen regions (or per chosen supplier), each told."""
    targets: dict[str, list] = {}

    def check(row: QualityBulletin) -> None:
        if row.audience == BulletinAudience.STORES:
            targets["stores"] = list(Store.objects.filter(region__in=row.regions.all(), active=True).order_by("code"))
            if not targets["stores"]:
                raise ValidationError({"regions": [_("The chosen regions have no active store.")]})
        else:
            targets["suppliers"] = list(row.target_suppliers.order_by("code"))

    row = fire(bulletin, "publish", user=user, before=check, arguments={"at": timezone.now()})
    recipients = BulletinRecipient.objects.bulk_create(
        [BulletinRecipient(bulletin=row, store=store) for store in targets.get("stores", [])]
        + [BulletinRecipient(bulletin=row, supplier=supplier) for supplier in targets.get("suppliers", [])]
    )
    _tell(row, recipients, reminder=False)
    return row


def bulletin_mark_read(*, user, bulletin: QualityBulletin) -> int:
    """The first of a recipient's own users to open the bulletin records its read receipt (who, when).

    A region manager or QA opening it records nothing: only the store's staff (or the supplier's users) read for
    it. Returns how many receipts were recorded now (0 when already read).
    """
    if bulletin.state != BulletinState.PUBLISHED or not getattr(user, "is_authenticated", False):
        return 0
    scope = scope_for(user)
    roles = roles_of(user)
    mine = BulletinRecipient.objects.none()
    if Role.STORE_STAFF in roles and scope.staff_store_ids:
        mine = mine | BulletinRecipient.objects.filter(bulletin=bulletin, store__in=sorted(scope.staff_store_ids))
    if Role.SUPPLIER_USER in roles and scope.supplier_ids:
        mine = mine | BulletinRecipient.objects.filter(bulletin=bulletin, supplier__in=sorted(scope.supplier_ids))
    # A conditional update: two users of one store opening it at once record one receipt, the first.
    return BulletinRecipient.objects.filter(pk__in=mine.values("pk"), read_at__isnull=True).update(
        read_at=timezone.now(), read_by=user
    )


@transaction.atomic
def bulletin_remind(*, user, bulletin: QualityBulletin) -> int:
    """QA reminds the recipients that have not read it yet; returns how many recipients were reminded."""
    if not _is_qa(user):
        raise PermissionError
    if bulletin.state != BulletinState.PUBLISHED:
        from aftersales.fsm import TransitionStateConflict

        raise TransitionStateConflict(_("Only a published bulletin can be reminded."), transition="remind")
    unread = list(BulletinRecipient.objects.select_for_update().filter(bulletin=bulletin, read_at__isnull=True))
    if not unread:
        return 0
    now = timezone.now()
    for recipient in unread:
        recipient.reminded_at = now
        recipient.reminders += 1
    BulletinRecipient.objects.bulk_update(unread, ["reminded_at", "reminders"])
    _tell(bulletin, unread, reminder=True)
    log_event(bulletin, "remind", user=user, payload={"recipients": len(unread)})
    return len(unread)
