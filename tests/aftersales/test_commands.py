"""``sync_roles`` and ``seed_demo`` are idempotent and create what the contract promises."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from aftersales.roles import ROLE_PERMISSIONS, Role, sync_roles


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every project model and of users, groups and their links, as plain values."""
    models = [m for m in apps.get_models() if m._meta.app_label in {"suppliers", "stores", "inspection", "repairs"}]
    models += [get_user_model(), Group, get_user_model().groups.through, Group.permissions.through]
    return {
        model._meta.label: sorted(
            tuple(str(value) for value in row)
            for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in models
    }


@pytest.mark.django_db
def test_sync_roles_creates_every_role_of_domain_md_with_its_permissions():
    # given migrate already synced once / when sync_roles runs again
    result = sync_roles()
    # then nothing needed doing, and each group holds exactly the table's permissions
    assert (result.groups_created, result.groups_changed) == (0, 0)
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    for role, codes in ROLE_PERMISSIONS.items():
        held = {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}
        assert held == set(codes), role


@pytest.mark.django_db
def test_sync_roles_reverts_a_permission_granted_by_hand():
    # given someone gave store staff the right to see spare parts in the admin
    group = Group.objects.get(name=Role.STORE_STAFF)
    group.permissions.add(Permission.objects.get(codename="view_sparepart"))
    # when the roles are synced
    out = StringIO()
    call_command("sync_roles", stdout=out)
    # then the table wins again
    assert not group.permissions.filter(codename="view_sparepart").exists()
    assert "1 group(s) corrected" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_twice_leaves_the_same_rows(demo_history):
    # given the demo brand was seeded with its history (shared: tests/fixtures/demo_history.py), and again
    call_command("seed_demo", "--password", "demo12345", stdout=StringIO())
    first = snapshot()
    # when seeding again
    call_command("seed_demo", "--password", "demo12345", stdout=StringIO())
    # then every row is exactly as it was (password hashes included: nothing re-hashed)
    assert snapshot() == first


@pytest.mark.django_db
def test_seed_demo_creates_the_contract_logins_and_codes(demo_history):
    # given seed_demo --password another-pass-1 ran on an empty database (shared: tests/fixtures/demo_history.py)
    out = demo_history.output
    User = get_user_model()
    expected_roles = {
        "store1": {"store_staff"},
        "store2": {"store_staff"},
        "store101": {"store_staff"},
        "region1": {"region_manager"},
        "tech1": {"technician"},
        "tech2": {"technician"},
        "hotline1": {"hotline_agent"},
        "qa1": {"qa_manager"},
        "logistics1": {"logistics_manager"},
        "vp1": {"production_vp"},
        "finance1": {"finance"},
        "supplier1": {"supplier_user"},
    }
    for username, roles in expected_roles.items():
        user = User.objects.get(username=username)
        assert set(user.groups.values_list("name", flat=True)) == roles, username
        assert user.check_password("another-pass-1")
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="store1").store_memberships.get().store.code == "S001"
    assert User.objects.get(username="store101").store_memberships.get().store.region.code == "R02"
    assert User.objects.get(username="region1").region_memberships.get().region.code == "R01"
    assert User.objects.get(username="supplier1").supplier_memberships.get().supplier.code == "SUP01"
    # the logins are printed so a newcomer can use them
    assert "store1" in out and "another-pass-1" in out


@pytest.mark.django_db
def test_seed_demo_refuses_a_short_password():
    with pytest.raises(CommandError, match="at least 8"):
        call_command("seed_demo", "--password", "short", stdout=StringIO())
    assert not get_user_model().objects.filter(username="store1").exists()


@pytest.mark.django_db
def test_seed_demo_refuses_the_default_password_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--password"):
        call_command("seed_demo", stdout=StringIO())
