"""Scope: who sees which stores, regions and suppliers (domain.md, "Who uses it")."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from aftersales.roles import Role
from stores.access import scope_for
from stores.models import Region, Store
from suppliers.models import Style, Supplier
from tests.factories.stores import StoreFactory, UserFactory


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


@pytest.mark.django_db
def test_store_staff_sees_only_its_store(demo_user):
    assert codes(Store.objects.visible_to(demo_user("store1"))) == {"S001"}
    assert codes(Region.objects.visible_to(demo_user("store1"))) == {"R01"}


@pytest.mark.django_db
def test_region_manager_sees_every_store_of_the_region(demo_user):
    assert codes(Store.objects.visible_to(demo_user("region1"))) == {"S001", "S002", "S003", "S004"}


@pytest.mark.django_db
def test_service_center_and_superuser_see_everything(demo_user):
    every_store = codes(Store.objects.all())
    for username in ["tech1", "hotline1", "qa1", "logistics1", "vp1", "finance1", "admin"]:
        assert codes(Store.objects.visible_to(demo_user(username))) == every_store, username


@pytest.mark.django_db
def test_supplier_user_sees_only_its_supplier_and_styles(demo_user):
    supplier1 = demo_user("supplier1")
    assert codes(Supplier.objects.visible_to(supplier1)) == {"SUP01"}
    assert set(Style.objects.visible_to(supplier1).values_list("supplier__code", flat=True)) == {"SUP01"}
    assert not Store.objects.visible_to(supplier1).exists()


@pytest.mark.django_db
def test_membership_without_the_role_grants_nothing(demo):
    # given a login tied to a store but holding no role (e.g. the role was withdrawn)
    user = UserFactory(stores=[Store.objects.get(code="S001")])
    # then it sees no store
    assert not Store.objects.visible_to(user).exists()


@pytest.mark.django_db
def test_anonymous_and_inactive_users_see_nothing(demo):
    inactive = UserFactory(roles=[Role.TECHNICIAN], is_active=False)
    assert not Store.objects.visible_to(AnonymousUser()).exists()
    assert not Store.objects.visible_to(inactive).exists()


@pytest.mark.django_db
def test_scope_is_computed_once_per_user_object(demo, django_assert_num_queries):
    user = get_user_model().objects.get(username="region1")
    scope_for(user)
    with django_assert_num_queries(0):
        scope_for(user)
        Store.objects.visible_to(user)


@pytest.mark.django_db
def test_a_new_store_in_the_region_is_seen_by_its_manager(demo_user):
    # given a store opens in region R01
    StoreFactory(code="S005", region=Region.objects.get(code="R01"))
    # then the region manager sees it at the next request (a fresh user object)
    assert "S005" in codes(Store.objects.visible_to(demo_user("region1")))
