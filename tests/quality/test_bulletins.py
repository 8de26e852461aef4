"""Quality bulletins 质量通报: QA writes and publishes to regions' stores or to suppliers, recipients are expanded on
publishing, a recipient's own user opening it records the read receipt, QA sees the reading compliance and reminds
the unread; every page's permission matrix (anonymous, wrong role, other store 404, wrong state 409, allowed)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from aftersales.models import Notification, TransitionLog
from quality.models import BulletinRecipient, QualityBulletin
from quality.services import bulletins as services
from stores.models import Region, Store
from suppliers.models import Supplier

pytestmark = pytest.mark.django_db


def user(username: str):
    return get_user_model().objects.get(username=username)


def draft(*, regions=("R01",), suppliers=()) -> QualityBulletin:
    return services.bulletin_draft(
        user=user("qa1"),
        title="羽绒服跑绒通报",
        body="款号 JK2026 出现跑绒，请各专卖店检查库存并下架。",
        audience="suppliers" if suppliers else "stores",
        regions=list(Region.objects.filter(code__in=regions)),
        suppliers=list(Supplier.objects.filter(code__in=suppliers)),
    )


def published(**kwargs) -> QualityBulletin:
    return services.bulletin_publish(user=user("qa1"), bulletin=draft(**kwargs))


def snapshot(bulletin: QualityBulletin):
    row = QualityBulletin.objects.filter(pk=bulletin.pk).values().get()
    row.pop("updated_at")
    return (
        row,
        list(BulletinRecipient.objects.filter(bulletin=bulletin).values()),
        list(TransitionLog.objects.for_object(bulletin).values_list("transition", flat=True)),
        Notification.objects.count(),
    )


def test_publishing_expands_the_regions_active_stores_and_tells_their_staff(demo):
    bulletin = published(regions=("R01",))
    stores = set(BulletinRecipient.objects.filter(bulletin=bulletin).values_list("store__code", flat=True))
    assert stores == set(Store.objects.filter(region__code="R01", active=True).values_list("code", flat=True))
    assert bulletin.state == "published" and bulletin.published_at is not None
    told = set(Notification.objects.filter(kind="quality_bulletin").values_list("recipient__username", flat=True))
    assert {"store1", "store2"} <= told and "store101" not in told
    assert list(TransitionLog.objects.for_object(bulletin).values_list("transition", flat=True)) == [
        "draft",
        "publish",
    ]


def test_a_bulletin_to_suppliers_reaches_their_users_only(browser_as, demo):
    bulletin = published(suppliers=("SUP01",))
    assert list(BulletinRecipient.objects.filter(bulletin=bulletin).values_list("supplier__code", flat=True)) == [
        "SUP01"
    ]
    assert browser_as("supplier1").get(f"/quality/bulletins/{bulletin.pk}/").status_code == 200
    assert browser_as("store1").get(f"/quality/bulletins/{bulletin.pk}/").status_code == 404
    receipt = BulletinRecipient.objects.get(bulletin=bulletin)
    assert receipt.read_by.username == "supplier1"


def test_opening_it_records_the_stores_read_receipt_once(browser_as, demo):
    bulletin = published()
    url = f"/quality/bulletins/{bulletin.pk}/"
    # a region manager, QA and the center read it without reading for a store
    for who in ("region1", "qa1", "tech1"):
        assert browser_as(who).get(url).status_code == 200
    assert not BulletinRecipient.objects.filter(read_at__isnull=False).exists()
    page = browser_as("store1").get(url)
    assert page.status_code == 200 and "跑绒" in page.content.decode()
    receipt = BulletinRecipient.objects.get(bulletin=bulletin, store__code="S001")
    first_read = receipt.read_at
    assert receipt.read_by.username == "store1" and first_read is not None
    browser_as("store1").get(url)
    receipt.refresh_from_db()
    assert receipt.read_at == first_read
    assert BulletinRecipient.objects.filter(bulletin=bulletin, read_at__isnull=False).count() == 1


def test_qa_sees_the_compliance_by_recipient_and_region_and_reminds_the_unread(browser_as, demo):
    bulletin = published(regions=("R01", "R02"))
    browser_as("store1").get(f"/quality/bulletins/{bulletin.pk}/")
    total = BulletinRecipient.objects.filter(bulletin=bulletin).count()
    qa = browser_as("qa1")
    html = qa.get(f"/quality/bulletins/{bulletin.pk}/").content.decode()
    assert f'data-testid="read-count">1 / {total}<' in html
    assert 'data-recipient="S001" data-read="yes"' in html and 'data-recipient="S002" data-read="no"' in html
    r01 = Store.objects.filter(region__code="R01", active=True).count()
    assert f'data-region="R01">华东大区: 1 / {r01}<' in html
    before = Notification.objects.filter(kind="quality_bulletin_reminder").count()
    assert qa.post(f"/quality/bulletins/{bulletin.pk}/remind/").status_code == 302
    reminded = set(
        Notification.objects.filter(kind="quality_bulletin_reminder").values_list("recipient__username", flat=True)
    )
    assert before == 0 and "store2" in reminded and "store1" not in reminded
    assert BulletinRecipient.objects.get(bulletin=bulletin, store__code="S001").reminders == 0
    assert BulletinRecipient.objects.get(bulletin=bulletin, store__code="S002").reminders == 1


def test_the_store_sees_its_bulletins_unread_first_and_a_home_tile(browser_as, demo):
    older = published()
    newer = published()
    client = browser_as("store1")
    client.get(f"/quality/bulletins/{newer.pk}/")
    html = client.get("/quality/bulletins/").content.decode()
    assert html.index(older.number) < html.index(newer.number)
    assert f'data-number="{older.number}" data-unread="true"' in html
    from quality.selectors.bulletins import bulletin_tiles

    tile = bulletin_tiles(user("store1"))[0]
    assert tile["count"].count() == 1 and tile["url"] == "/quality/bulletins/"
    # a draft is nobody's but the center's
    hidden = draft()
    assert hidden.number not in client.get("/quality/bulletins/").content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
        ({"regions": []}, "regions"),
        ({"audience": "suppliers", "suppliers": []}, "suppliers"),
        ({"style_no": "NOPE-1"}, "style_no"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_a_bad_bulletin_is_a_400_naming_the_field_and_nothing_is_saved(browser_as, demo, data, field):
    form = {"title": "通报", "body": "内容", "audience": "stores", "regions": [Region.objects.get(code="R01").pk]}
    form.update(data)
    response = browser_as("qa1").post("/quality/bulletins/new/", form)
    assert response.status_code == 400 and f'data-testid="error-{field}"' in response.content.decode()
    assert not QualityBulletin.objects.exists()


def test_qa_writes_and_publishes_from_the_pages(browser_as, demo):
    qa = browser_as("qa1")
    response = qa.post(
        "/quality/bulletins/new/",
        {"title": "通报", "body": "内容", "audience": "stores", "regions": [Region.objects.get(code="R03").pk]},
    )
    bulletin = QualityBulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/quality/bulletins/{bulletin.pk}/"
    assert qa.post(f"/quality/bulletins/{bulletin.pk}/publish/").status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.state == "published" and bulletin.recipients.count() == 2


def test_the_list_reads_in_fixed_queries(browser_as, demo, django_assert_max_num_queries):
    for _n in range(15):
        bulletin = published()
        browser_as("store1").get(f"/quality/bulletins/{bulletin.pk}/")
    for who in ("qa1", "store1", "store2"):
        client = browser_as(who)
        client.get("/quality/bulletins/")
        with django_assert_max_num_queries(12):
            html = client.get("/quality/bulletins/").content.decode()
        assert html.count("data-number=") == 15


# --- who may do what ---


def _published():
    return published()


def _draft():
    return draft()


ROWS = [
    # (action, method, url, arrange, who, expected)
    ("list", "get", lambda b: "/quality/bulletins/", _published, None, 302),
    ("list", "get", lambda b: "/quality/bulletins/", _published, "store1", 200),
    ("new", "get", lambda b: "/quality/bulletins/new/", _published, None, 302),
    ("new", "get", lambda b: "/quality/bulletins/new/", _published, "store1", 403),
    ("new", "get", lambda b: "/quality/bulletins/new/", _published, "tech1", 403),
    ("new", "get", lambda b: "/quality/bulletins/new/", _published, "qa1", 200),
    ("detail", "get", lambda b: f"/quality/bulletins/{b.pk}/", _published, None, 302),
    ("detail", "get", lambda b: f"/quality/bulletins/{b.pk}/", _published, "store101", 404),
    ("detail", "get", lambda b: f"/quality/bulletins/{b.pk}/", _published, "supplier1", 404),
    ("detail", "get", lambda b: f"/quality/bulletins/{b.pk}/", _draft, "store1", 404),
    ("detail", "get", lambda b: f"/quality/bulletins/{b.pk}/", _published, "store1", 200),
    ("publish", "post", lambda b: f"/quality/bulletins/{b.pk}/publish/", _draft, None, 302),
    ("publish", "post", lambda b: f"/quality/bulletins/{b.pk}/publish/", _draft, "store1", 403),
    ("publish", "post", lambda b: f"/quality/bulletins/{b.pk}/publish/", _draft, "region1", 403),
    ("publish", "post", lambda b: f"/quality/bulletins/{b.pk}/publish/", _published, "qa1", 409),
    ("publish", "post", lambda b: f"/quality/bulletins/{b.pk}/publish/", _draft, "qa1", 302),
    ("remind", "post", lambda b: f"/quality/bulletins/{b.pk}/remind/", _published, None, 302),
    ("remind", "post", lambda b: f"/quality/bulletins/{b.pk}/remind/", _published, "store1", 403),
    ("remind", "post", lambda b: f"/quality/bulletins/{b.pk}/remind/", _published, "supplier1", 403),
    ("remind", "post", lambda b: f"/quality/bulletins/{b.pk}/remind/", _draft, "qa1", 409),
    ("remind", "post", lambda b: f"/quality/bulletins/{b.pk}/remind/", _published, "qa1", 302),
]


@pytest.mark.parametrize(
    "row", [pytest.param(row, id=f"{row[0]}-{row[4] or 'anonymous'}-{row[5]}-{row[3].__name__}") for row in ROWS]
)
def test_page_matrix(client, browser_as, demo, row):
    action, method, url, arrange, who, expected = row
    bulletin = arrange()
    before = snapshot(bulletin)
    http = client if who is None else browser_as(who)
    response = getattr(http, method)(url(bulletin))
    assert response.status_code == expected
    if who is None:
        assert "/login" in response["Location"]
    if expected < 400 and who is not None:
        return  # allowed: what it does is tested above
    assert snapshot(bulletin) == before
