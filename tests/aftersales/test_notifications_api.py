"""``/api/v1/notifications/``: the user's own inbox, ``?unread=true``, ``read`` and ``read_all``."""

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from aftersales.models import Notification

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"


def message(user, subject="Turnaround alert", **fields):
    return Notification.objects.create(recipient=user, kind="turnaround_digest", subject=subject, body="b", **fields)


def detail(note):
    return f"{LIST}{note.pk}/"


def test_list_is_the_users_own_inbox_newest_first(api_as, demo_user):
    # given two messages for store1 and one for store2
    store1 = demo_user("store1")
    older, newer = message(store1, "older"), message(store1, "newer")
    message(demo_user("store2"), "theirs")
    # when store1 lists its inbox
    response = api_as("store1").get(LIST)
    # then it sees its own two, newest first, with the contract's paging keys
    assert response.status_code == 200
    assert set(response.data) >= {"next", "previous", "results"}
    assert [row["id"] for row in response.data["results"]] == [newer.pk, older.pk]
    row = response.data["results"][0]
    assert row["subject"] == "newer" and row["read"] is False and row["read_at"] is None


def test_filter_unread(api_as, demo_user):
    store1 = demo_user("store1")
    unread = message(store1)
    message(store1, read_at="2026-11-01T08:00:00+08:00")
    client = api_as("store1")
    assert [row["id"] for row in client.get(f"{LIST}?unread=true").data["results"]] == [unread.pk]
    assert len(client.get(f"{LIST}?unread=false").data["results"]) == 1
    assert len(client.get(LIST).data["results"]) == 2


def test_bad_filter_value_is_400(api_as, demo):
    response = api_as("store1").get(f"{LIST}?unread=maybe")
    assert response.status_code == 400


def test_detail_names_the_target_record(api_as, demo_user):
    # given a message about a store
    from stores.models import Store

    store = Store.objects.get(code="S001")
    note = message(
        demo_user("store1"), content_type=ContentType.objects.get_for_model(store), object_id=store.pk, url="/x/"
    )
    # when it is read through the API
    response = api_as("store1").get(detail(note))
    # then it names the record
    assert response.status_code == 200
    assert (response.data["target_type"], response.data["target_id"], response.data["url"]) == (
        "stores.store",
        store.pk,
        "/x/",
    )


@pytest.mark.parametrize(
    ("username", "status"),
    [(None, 401), ("store2", 404), ("tech1", 404), ("store1", 200)],
)
def test_read_matrix(api_as, demo_user, username, status):
    # given an unread message for store1
    note = message(demo_user("store1"))
    client = api_as(username) if username else APIClient()
    # when someone marks it read
    response = client.post(f"{detail(note)}read/")
    # then only store1 may; anyone else changes nothing
    assert response.status_code == status
    note.refresh_from_db()
    if status == 200:
        assert response.data["read"] is True and note.read_at is not None
    else:
        assert note.read_at is None


def test_reading_twice_keeps_the_first_time(api_as, demo_user):
    note = message(demo_user("store1"))
    client = api_as("store1")
    first = client.post(f"{detail(note)}read/").data["read_at"]
    second = client.post(f"{detail(note)}read/").data["read_at"]
    assert first == second is not None


@pytest.mark.parametrize(("username", "status"), [(None, 401), ("store2", 404), ("store1", 200)])
def test_detail_matrix(api_as, demo_user, username, status):
    note = message(demo_user("store1"))
    client = api_as(username) if username else APIClient()
    assert client.get(detail(note)).status_code == status


def test_unknown_id_is_404(api_as, demo):
    client = api_as("store1")
    assert client.post(f"{LIST}999999/read/").status_code == 404
    assert client.post(f"{LIST}abc/read/").status_code == 404


def test_read_all_marks_only_the_users_own(api_as, demo_user):
    # given two unread for store1, one unread for store2
    store1, store2 = demo_user("store1"), demo_user("store2")
    message(store1), message(store1)
    theirs = message(store2)
    # when store1 marks all read
    response = api_as("store1").post(f"{LIST}read_all/")
    # then store1's two are read, store2's untouched
    assert response.status_code == 200
    assert response.data == {"marked": 2}
    assert not Notification.objects.filter(recipient=store1, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # and again marks nothing
    assert api_as("store1").post(f"{LIST}read_all/").data == {"marked": 0}


def test_read_all_needs_a_login(demo):
    assert APIClient().post(f"{LIST}read_all/").status_code == 401


def test_messages_cannot_be_created_or_deleted(api_as, demo_user):
    note = message(demo_user("store1"))
    client = api_as("store1")
    assert client.post(LIST, {"subject": "x"}, format="json").status_code == 405
    assert client.delete(detail(note)).status_code == 405
    assert Notification.objects.filter(pk=note.pk).exists()


def test_list_uses_a_fixed_number_of_queries(api_as, demo_user, django_assert_max_num_queries):
    store1 = demo_user("store1")
    client = api_as("store1")
    message(store1)
    client.get(LIST)
    with django_assert_max_num_queries(8) as few:
        client.get(LIST)
    for _ in range(30):
        message(store1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST).data["results"]) == 31
