"""Login throttling (issue 19, django-axes): after a few wrong passwords a login, or an address, is locked for a while
on the login page, the API's token endpoint and the admin; the message says so; an administrator can unlock it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from tests.support.demo import DEMO_PASSWORD

LIMIT = settings.AXES_FAILURE_LIMIT


def page_login(client, username, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def token_login(username, password, address="10.0.0.1"):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def admin_login(client, username, password, address="10.0.0.1"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_limit_is_a_few_failures_for_a_while():
    assert 3 <= LIMIT <= 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() >= 5 * 60
    assert set(settings.AXES_LOCKOUT_PARAMETERS) == {"username", "ip_address"}


@pytest.mark.django_db
def test_wrong_passwords_on_the_login_page_lock_the_login_even_for_the_right_password(demo):
    client = Client()
    # Given fewer failures than the limit, the right password still works
    for _ in range(LIMIT - 1):
        assert page_login(client, "store1", "wrong").status_code == 200
    assert page_login(client, "store1", DEMO_PASSWORD).status_code == 302
    client.logout()
    # When the limit is reached (the success above cleared the count)
    for _ in range(LIMIT):
        page_login(client, "store1", "wrong")
    # Then even the right password is refused, with a clear message, 429
    response = page_login(client, "store1", DEMO_PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert 'data-testid="locked-out"' in page and "15" in page and "登录失败次数过多" in page
    assert "_auth_user_id" not in client.session
    # from another address too (the lock is the login's)
    assert page_login(Client(), "store1", DEMO_PASSWORD, address="10.9.9.9").status_code == 429
    # while another login from another address is not affected
    assert page_login(Client(), "store2", DEMO_PASSWORD, address="10.9.9.9").status_code == 302


@pytest.mark.django_db
def test_one_address_spraying_many_logins_is_locked(demo):
    # Given one address trying one wrong password on many logins
    for index in range(LIMIT):
        token_login(f"nobody{index}", "wrong", address="10.6.6.6")
    # Then that address is locked, even for a real login with its right password
    response = token_login("store1", DEMO_PASSWORD, address="10.6.6.6")
    assert response.status_code == 429
    # and the same login from elsewhere still works
    assert token_login("store1", DEMO_PASSWORD, address="10.7.7.7").status_code == 200


@pytest.mark.django_db
def test_the_token_endpoint_locks_out_with_a_json_429(demo):
    for _ in range(LIMIT - 1):
        assert token_login("tech1", "wrong").status_code == 400
    # the failure that reaches the limit is already answered with the lock
    assert token_login("tech1", "wrong").status_code == 429
    response = token_login("tech1", DEMO_PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert "token" not in response.json()


@pytest.mark.django_db
def test_the_admin_login_locks_out_too(demo):
    client = Client()
    for _ in range(LIMIT - 1):
        assert admin_login(client, "admin", "wrong").status_code == 200
    assert admin_login(client, "admin", "wrong").status_code == 429
    response = admin_login(client, "admin", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_administrator_unlocks_a_login_in_the_admin(demo, browser_as):
    # Given store1 locked out
    for _ in range(LIMIT):
        page_login(Client(), "store1", "wrong")
    assert page_login(Client(), "store1", DEMO_PASSWORD).status_code == 429
    # When the administrator finds its attempts in the admin and deletes them
    admin = browser_as("admin")
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "store1" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="store1")
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    # Then store1 logs in again at once
    assert page_login(Client(), "store1", DEMO_PASSWORD).status_code == 302
