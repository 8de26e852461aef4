"""Existing Returns' customer names and phones join customer records 客户档案 (one per phone), keeping them.

The contact data was taken at the store counter for the Return, so the record's
consent is that: given when the first Return with the phone was logged, for the
Return's handling. The Returns keep their own name and phone; each is linked to
its customer. Phones are stored without the spaces and dashes people typed.
Reverse: the records created here are removed (the Returns are untouched).
"""

import re

from django.db import migrations

PURPOSE = "售后退货登记 (given at the store counter for the Return)"


def customers_from_returns(apps, schema_editor):
    Return = apps.get_model("cases", "Return")
    Customer = apps.get_model("servicedesk", "Customer")
    Link = Customer.returns.through
    by_phone: dict[str, dict] = {}
    rows = (
        Return.objects.exclude(customer_phone="")
        .order_by("created_at", "id")
        .values_list("id", "customer_name", "customer_phone", "created_at")
        .iterator(chunk_size=5000)
    )
    for pk, name, phone, created_at in rows:
        phone = re.sub(r"[\s-]", "", phone)
        if not phone:
            continue
        entry = by_phone.setdefault(phone, {"name": "", "consent_at": created_at, "returns": []})
        # The latest name given wins (a corrected spelling); the first Return is when consent was given.
        entry["name"] = (name or "").strip() or entry["name"]
        entry["returns"].append(pk)
    existing = set(Customer.objects.filter(phone__in=list(by_phone)).values_list("phone", flat=True))
    Customer.objects.bulk_create(
        [
            Customer(phone=phone, name=entry["name"][:60], consent_at=entry["consent_at"], consent_purpose=PURPOSE)
            for phone, entry in by_phone.items()
            if phone not in existing
        ],
        batch_size=2000,
    )
    ids = dict(Customer.objects.filter(phone__in=list(by_phone)).values_list("phone", "id"))
    Link.objects.bulk_create(
        [Link(customer_id=ids[phone], return_id=pk) for phone, entry in by_phone.items() for pk in entry["returns"]],
        batch_size=5000,
        ignore_conflicts=True,
    )


def remove_migrated_customers(apps, schema_editor):
    Customer = apps.get_model("servicedesk", "Customer")
    Customer.returns.through.objects.filter(customer__consent_purpose=PURPOSE, customer__cases__isnull=True).delete()
    Customer.objects.filter(consent_purpose=PURPOSE, cases__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0001_service_desk"),
    ]

    operations = [migrations.RunPython(customers_from_returns, remove_migrated_customers)]
