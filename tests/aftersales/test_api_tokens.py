"""API tokens (issue 19, django-rest-knox): one per login, expiring, revocable, rotated on a password change.

The contract is unchanged: ``POST /api/v1/auth/token/`` with a username and password answers ``{"token": ...}``
(and now ``expiry``), sent back as ``Authorization: Token <token>``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.support.demo import DEMO_PASSWORD


def login(username="store1", password=DEMO_PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= {"token", "expiry"}
    return body["token"]


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = client_with(token).get("/api/v1/stores/").status_code
    assert status in (200, 401)
    return status == 200


@pytest.mark.django_db
def test_each_login_gets_its_own_token_that_expires(demo):
    # When store1 logs in on a phone and on a PC
    phone, pc = login(), login()
    # Then each has its own token, both work
    assert phone != pc and works(phone) and works(pc)
    # and each expires, about a working day from now
    expiries = AuthToken.objects.filter(user__username="store1").values_list("expiry", flat=True)
    assert len(expiries) == 2
    for expiry in expiries:
        assert timezone.now() + dt.timedelta(hours=1) < expiry <= timezone.now() + dt.timedelta(hours=24)
    # and the token is not stored as it is sent
    assert not AuthToken.objects.filter(digest=phone).exists()


@pytest.mark.django_db
def test_an_expired_token_is_refused_with_401(demo):
    token = login()
    AuthToken.objects.filter(user__username="store1").update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = client_with(token).get("/api/v1/stores/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_logout_revokes_only_the_token_it_is_sent_with(demo):
    phone, pc = login(), login()
    response = client_with(phone).post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert not works(phone)
    assert works(pc)
    # and a revoked token cannot log out again
    assert client_with(phone).post("/api/v1/auth/logout/").status_code == 401


@pytest.mark.django_db
def test_logout_all_revokes_every_token_of_the_user_only(demo):
    phone, pc, other = login(), login(), login("store2")
    assert client_with(phone).post("/api/v1/auth/logout-all/").status_code == 204
    assert not works(phone) and not works(pc)
    assert works(other)


@pytest.mark.django_db
def test_a_password_change_revokes_the_tokens_and_the_new_password_gets_a_new_one(demo):
    token, other = login(), login("store2")
    # When store1's password is changed (by the user, or an administrator)
    user = get_user_model().objects.get(username="store1")
    user.set_password("a-new-long-password-42")
    user.save()
    # Then the old token no longer works, another user's still does
    assert not works(token)
    assert works(other)
    # and logging in with the new password gives a working token
    assert works(login(password="a-new-long-password-42"))


@pytest.mark.django_db
def test_saving_a_user_without_changing_the_password_keeps_the_tokens(demo):
    token = login()
    user = get_user_model().objects.get(username="store1")
    user.first_name = "x"
    user.save()
    user.save(update_fields=["last_login"])
    assert works(token)


@pytest.mark.django_db
def test_an_old_forever_token_no_longer_works(demo):
    token = Token.objects.create(user=get_user_model().objects.get(username="store1"))
    assert client_with(token.key).get("/api/v1/stores/").status_code == 401


@pytest.mark.django_db
def test_a_login_holding_too_many_live_tokens_is_told_how_to_free_one(demo):
    from knox.settings import knox_settings

    user = get_user_model().objects.get(username="store1")
    for _ in range(knox_settings.TOKEN_LIMIT_PER_USER):
        AuthToken.objects.create(user=user)
    response = APIClient().post("/api/v1/auth/token/", {"username": "store1", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 403
    assert "/api/v1/auth/logout/" in response.json()["detail"]
    # an expired token does not count
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert works(login())
