from decimal import Decimal

import factory

from suppliers.models import Category, DefectCode, Style, Supplier, SupplierMembership


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"SUPX{n:03d}")
    name = factory.Sequence(lambda n: f"测试供应商{n}")


class SupplierMembershipFactory(factory.django.DjangoModelFactory):
    """A supplier's own login tied to the supplier (``UserFactory(suppliers=[...])`` does the same in one step)."""

    class Meta:
        model = SupplierMembership

    # By path: the user factory lives with the stores, above this module.
    user = factory.SubFactory("tests.factories.stores.UserFactory")
    supplier = factory.SubFactory(SupplierFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"品类{n}")


class StyleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Style
        django_get_or_create = ["style_no"]

    style_no = factory.Sequence(lambda n: f"ST{n:06d}")
    name = factory.Sequence(lambda n: f"款式{n}")
    category = factory.SubFactory(CategoryFactory)
    supplier = factory.SubFactory(SupplierFactory)
    year = 2026
    unit_cost = Decimal("100.00")
    retail_price = Decimal("399.00")


class DefectCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DefectCode
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"DX{n:03d}")
    name_zh = factory.Sequence(lambda n: f"缺陷{n}")
    name_en = factory.Sequence(lambda n: f"Defect {n}")
