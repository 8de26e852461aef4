"""The role table in code answers exactly what Django's permission system answers after ``sync_roles``."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from aftersales.roles import has_role_permission


@pytest.mark.django_db
def test_role_table_agrees_with_django_permissions_for_every_demo_login(demo):
    # Given every demo login and every model permission
    names = [f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")]
    for user in get_user_model().objects.all():
        # Then the table (no queries per check) and Django (the groups in the database) agree on each
        for name in names:
            assert has_role_permission(user, name) == user.has_perm(name), (user.username, name)


@pytest.mark.django_db
def test_inactive_and_anonymous_users_are_granted_nothing(demo_user):
    from django.contrib.auth.models import AnonymousUser

    tech1 = demo_user("tech1")
    assert has_role_permission(tech1, "cases.view_return")
    tech1.is_active = False
    assert not has_role_permission(tech1, "cases.view_return")
    assert not has_role_permission(AnonymousUser(), "cases.view_return")
