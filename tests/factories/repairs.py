from decimal import Decimal

import factory

from repairs.models import SparePart


class SparePartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SparePart
        django_get_or_create = ["part_no"]

    part_no = factory.Sequence(lambda n: f"PX-{n:04d}")
    name = factory.Sequence(lambda n: f"备件{n}")
    unit_cost = Decimal("2.50")
    stock_quantity = 100
    reorder_level = 10
