"""Writes of regions, stores and user accounts with their roles and memberships."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.fsm import TransitionError, TransitionForbidden
from aftersales.roles import Role, roles_of
from aftersales.services import upsert
from aftersales.validation import reject_nul_bytes
from stores.access import scope_for
from stores.models import Delivery, Region, RegionMembership, Store, StoreMembership
from suppliers.models import Style, Supplier, SupplierMembership


def region_upsert(*, code: str, **values: Any) -> Region:
    """Create or update a region 大区 by its code."""
    return upsert(Region, lookup={"code": code}, values=values)[0]


def store_upsert(*, code: str, **values: Any) -> Store:
    """Create or update a store 专卖店 by its code."""
    return upsert(Store, lookup={"code": code}, values=values)[0]


@transaction.atomic
def account_upsert(
    *,
    username: str,
    password: str,
    roles: Iterable[str] = (),
    full_name: str = "",
    email: str = "",
    stores: Iterable[Store] = (),
    regions: Iterable[Region] = (),
    suppliers: Iterable[Supplier] = (),
    is_superuser: bool = False,
) -> Any:
    """Create or update a login with exactly these roles and memberships.

    The password is only re-hashed when it differs, so running this twice
    changes nothing. Unknown role names are refused rather than creating an
    ad-hoc group that no permission table knows.
    """
    roles = list(roles)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {', '.join(sorted(unknown))}")
    user = get_user_model().objects.select_for_update().filter(username=username).first()
    if user is None:
        user = get_user_model()(username=username)
    profile = {
        "first_name": full_name,
        "email": email,
        "is_superuser": is_superuser,
        "is_staff": is_superuser,
        "is_active": True,
    }
    if user.pk is None or any(getattr(user, field) != value for field, value in profile.items()):
        for field, value in profile.items():
            setattr(user, field, value)
        if user.pk is None:
            user.set_password(password)
        user.full_clean()
        user.save()
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    wanted_groups = set(Group.objects.filter(name__in=roles))
    if set(user.groups.all()) != wanted_groups:
        user.groups.set(wanted_groups)
    _memberships_set(StoreMembership, user, "store", stores)
    _memberships_set(RegionMembership, user, "region", regions)
    _memberships_set(SupplierMembership, user, "supplier", suppliers)
    return user


def _memberships_set(model, user, field: str, targets: Iterable[Any]) -> None:
    """Make the user's memberships of one kind exactly ``targets``."""
    wanted = {target.pk for target in targets}
    current = set(model.objects.filter(user=user).values_list(f"{field}_id", flat=True))
    model.objects.filter(user=user, **{f"{field}_id__in": current - wanted}).delete()
    model.objects.bulk_create([model(user=user, **{f"{field}_id": pk}) for pk in sorted(wanted - current)])


# --- deliveries from logistics 物流到货 ---

MAX_IMPORT_ROWS = 5000
IMPORT_COLUMNS = ("store", "style", "delivered_on", "quantity", "reference")


def may_record_deliveries(user, store: Store | None = None) -> bool:
    """A store's staff for its own stores; logistics 物流部 for any store."""
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    if Role.LOGISTICS_MANAGER in roles:
        return True
    if Role.STORE_STAFF not in roles:
        return False
    return store is None or store.pk in scope_for(user).staff_store_ids


def delivery_record_refusal(*, user, store: Store | None = None) -> TransitionError | None:
    if not may_record_deliveries(user, store):
        return TransitionForbidden(
            _("Only the store's own staff or logistics record its deliveries."), transition="record"
        )
    return None


def _delivery_errors(*, store, style, delivered_on, quantity, reference, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if delivered_on is None:
        errors["delivered_on"] = [_("Give the delivery date as YYYY-MM-DD.")]
    elif delivered_on > today:
        errors["delivered_on"] = [_("The delivery date cannot be in the future.")]
    if quantity is None or not 1 <= quantity <= 100000:
        errors["quantity"] = [_("The quantity is a whole number from 1 to 100000.")]
    if len(reference or "") > 60:
        errors["reference"] = [_("At most 60 characters.")]
    return errors


@transaction.atomic
def delivery_record(
    *, user, store: Store, style: Style, delivered_on: dt.date, quantity: int, reference: str = ""
) -> Delivery:
    """Record goods of a style the store received from logistics (so inspection can judge the 7-day rule)."""
    refused = delivery_record_refusal(user=user, store=store)
    if refused is not None:
        raise refused
    reject_nul_bytes(reference=reference)
    errors = _delivery_errors(
        store=store,
        style=style,
        delivered_on=delivered_on,
        quantity=quantity,
        reference=reference,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    delivery = Delivery(
        store=store,
        style=style,
        delivered_on=delivered_on,
        quantity=quantity,
        reference=reference.strip(),
        recorded_by=user,
    )
    delivery.full_clean()
    delivery.save()
    return delivery


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _parse_quantity(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 7 else None


@transaction.atomic
def deliveries_import(*, user, content: bytes) -> list[Delivery]:
    """Import deliveries from the warehouse system's CSV (UTF-8; ``store,style,delivered_on,quantity,reference``).

    Every row is checked (stores the user may record for, known styles, a
    date not in the future, a positive quantity); a file with any bad row
    imports nothing and the error lists each bad row by its line number.
    """
    refused = delivery_record_refusal(user=user)
    if refused is not None:
        raise refused
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from None
    if "\x00" in text:
        raise ValidationError({"file": [_("The file is not a CSV text file.")]})
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in IMPORT_COLUMNS[:4] if name not in header]
    if missing:
        raise ValidationError(
            {"file": [_("The header must name the columns: %(columns)s.") % {"columns": ", ".join(IMPORT_COLUMNS)}]}
        )
    rows = []
    for row in reader:
        rows.append(
            {(key or "").strip(): (value or "").strip() for key, value in row.items() if isinstance(value, str)}
        )
        if len(rows) > MAX_IMPORT_ROWS:
            raise ValidationError({"file": [_("At most %(count)s rows per file.") % {"count": MAX_IMPORT_ROWS}]})
    if not rows:
        raise ValidationError({"file": [_("The file has no rows.")]})
    stores = {store.code: store for store in Store.objects.filter(code__in={row.get("store", "") for row in rows})}
    styles = {
        style.style_no: style for style in Style.objects.filter(style_no__in={row.get("style", "") for row in rows})
    }
    today = timezone.localdate()
    problems: list[str] = []
    parsed = []
    for line, row in enumerate(rows, start=2):
        store = stores.get(row.get("store", ""))
        style = styles.get(row.get("style", ""))
        row_errors: list[str] = []
        if store is None:
            row_errors.append(_("unknown store “%(code)s”") % {"code": row.get("store", "")})
        elif not may_record_deliveries(user, store):
            row_errors.append(_("you may not record deliveries of store %(code)s") % {"code": store.code})
        if style is None:
            row_errors.append(_("unknown style “%(code)s”") % {"code": row.get("style", "")})
        delivered_on = _parse_date(row.get("delivered_on", ""))
        quantity = _parse_quantity(row.get("quantity", ""))
        reference = row.get("reference", "")
        for messages in _delivery_errors(
            store=store, style=style, delivered_on=delivered_on, quantity=quantity, reference=reference, today=today
        ).values():
            row_errors.extend(messages)
        if row_errors:
            problems.append(_("Line %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(row_errors)})
        else:
            parsed.append(
                Delivery(
                    store=store,
                    style=style,
                    delivered_on=delivered_on,
                    quantity=quantity,
                    reference=reference,
                    recorded_by=user,
                )
            )
    if problems:
        raise ValidationError({"file": problems[:50]})
    return Delivery.objects.bulk_create(parsed)
