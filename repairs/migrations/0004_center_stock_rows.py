from django.db import migrations


def center_rows(apps, schema_editor):
    """Every part's stock at the service center as its center row (the mirror of ``SparePart.stock_quantity``)."""
    SparePart = apps.get_model("repairs", "SparePart")
    PartStock = apps.get_model("repairs", "PartStock")
    PartStock.objects.bulk_create(
        [PartStock(part_id=pk, store=None, quantity=quantity) for pk, quantity in
         SparePart.objects.values_list("pk", "stock_quantity")],
        batch_size=500,
    )  # fmt: skip


def no_op(apps, schema_editor):
    """Going back drops the table, rows and all."""


class Migration(migrations.Migration):
    dependencies = [("repairs", "0003_stock_per_location")]

    operations = [migrations.RunPython(center_rows, no_op)]
