import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from stores.models import Delivery, Region, RegionMembership, Store, StoreMembership
from suppliers.models import SupplierMembership


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"RX{n:02d}")
    name = factory.Sequence(lambda n: f"大区{n}")


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"SX{n:03d}")
    name = factory.Sequence(lambda n: f"专卖店{n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A login; pass ``roles=[...]`` and ``stores``/``regions``/``suppliers`` for its scope."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass12345")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))

    @factory.post_generation
    def stores(self, create, extracted, **kwargs):
        for store in extracted or []:
            StoreMembership.objects.create(user=self, store=store)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        for region in extracted or []:
            RegionMembership.objects.create(user=self, region=region)

    @factory.post_generation
    def suppliers(self, create, extracted, **kwargs):
        for supplier in extracted or []:
            SupplierMembership.objects.create(user=self, supplier=supplier)


class StoreMembershipFactory(factory.django.DjangoModelFactory):
    """A store user tied to its store (``UserFactory(stores=[...])`` does the same in one step)."""

    class Meta:
        model = StoreMembership

    user = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)


class RegionMembershipFactory(factory.django.DjangoModelFactory):
    """A region manager tied to its region (``UserFactory(regions=[...])`` does the same in one step)."""

    class Meta:
        model = RegionMembership

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)


class DeliveryFactory(factory.django.DjangoModelFactory):
    """Goods of a style a store received from logistics."""

    class Meta:
        model = Delivery

    store = factory.SubFactory(StoreFactory)
    style = factory.SubFactory("tests.factories.suppliers.StyleFactory")
    delivered_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=20))
    quantity = 10
    recorded_by = factory.SubFactory(UserFactory)
