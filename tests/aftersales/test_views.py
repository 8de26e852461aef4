"""The browser UI shell: login, home page in both languages, master-data list pages."""

import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from stores.models import Region
from tests.factories.stores import StoreFactory

LIST_PAGES = {
    "/master-data/regions/": {"store1", "region1", "tech1"},
    "/master-data/stores/": {"store1", "region1", "tech1", "finance1"},
    "/master-data/suppliers/": {"store1", "tech1", "supplier1"},
    "/master-data/categories/": {"store1", "tech1", "supplier1", "hotline1"},
    "/master-data/styles/": {"store1", "tech1", "supplier1", "qa1"},
    "/master-data/defect-codes/": {"store1", "tech1", "supplier1"},
    "/master-data/spare-parts/": {"tech1", "logistics1", "vp1"},
}
DENIED = [
    ("/master-data/spare-parts/", "store1"),
    ("/master-data/spare-parts/", "supplier1"),
    ("/master-data/stores/", "supplier1"),
    ("/master-data/regions/", "supplier1"),
]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, demo):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/master-data/stores/").status_code == 302


@pytest.mark.django_db
def test_logging_in_with_a_demo_login_reaches_the_home_page(client, demo):
    response = client.post("/accounts/login/", {"username": "store1", "password": "demo12345"}, follow=True)
    assert response.status_code == 200
    assert response.context["user"].username == "store1"
    assert "张敏（南京东路店）" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_and_does_not_log_in(client, demo):
    response = client.post("/accounts/login/", {"username": "store1", "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert response.context["form"].errors


@pytest.mark.django_db
def test_home_page_speaks_chinese_by_default(browser_as):
    # given a browser that prefers English but never used the switch
    response = browser_as("tech1").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then the page is in Simplified Chinese
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "售后服务" in body
    assert "主数据" in body
    assert "技术员" in body


@pytest.mark.django_db
def test_home_page_speaks_english_after_switching(browser_as):
    client = browser_as("tech1")
    # when the user picks English in the language switch
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    response = client.get("/")
    # then the page and its menu are in English
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "After-sales service" in body
    assert "Master data" in body
    assert "Service center technician" in body


@pytest.mark.django_db
def test_home_page_counts_only_what_the_user_may_see(browser_as):
    response = browser_as("store1").get("/")
    counts = {link["url_name"]: link["count"] for link in response.context["master_data"]}
    assert counts["stores:store_list"] == 1
    assert counts["stores:region_list"] == 1
    assert counts["suppliers:style_list"] == 11
    assert "repairs:sparepart_list" not in counts


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "username"), [(p, u) for p, users in LIST_PAGES.items() for u in sorted(users)])
def test_list_pages_open_for_the_roles_that_may_see_them(browser_as, path, username):
    response = browser_as(username).get(path)
    assert response.status_code == 200
    assert response.context["rows"], "the demo data has rows for every list"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "username"), DENIED)
def test_list_pages_answer_403_to_roles_without_access(browser_as, path, username):
    assert browser_as(username).get(path).status_code == 403
    assert browser_as(username).get(path, {"export": "xlsx"}).status_code == 403


@pytest.mark.django_db
def test_store_list_shows_a_store_user_only_its_own_store(browser_as):
    body = browser_as("store1").get("/master-data/stores/").content.decode()
    assert "上海南京东路专卖店" in body
    assert "杭州湖滨专卖店" not in body
    # the designated contact shows by name, not login
    assert "张敏（南京东路店）" in body


@pytest.mark.django_db
def test_search_and_filters_narrow_the_list(browser_as):
    client = browser_as("tech1")
    response = client.get("/master-data/stores/", {"region": "R02"})
    assert [row.code for row, cells in response.context["rows"]] == ["S101", "S102"]
    response = client.get("/master-data/styles/", {"q": "夹克"})
    assert {row.style_no for row, cells in response.context["rows"]} == {"226101JK001"}


@pytest.mark.django_db
def test_an_empty_result_says_so_and_offers_to_clear_filters(browser_as):
    response = browser_as("tech1").get("/master-data/stores/", {"q": "no-such-store"})
    body = response.content.decode()
    assert 'data-testid="empty-state"' in body
    assert response.context["is_filtered"] is True


@pytest.mark.django_db
def test_a_bad_filter_value_shows_the_error_and_no_rows(browser_as):
    response = browser_as("tech1").get("/master-data/stores/", {"kind": "castle"})
    assert response.status_code == 200
    assert response.context["filter"].errors["kind"]
    assert response.context["rows"] == []


@pytest.mark.django_db
def test_export_downloads_the_filtered_rows_as_xlsx(browser_as):
    # when a technician exports the styles of supplier SUP04
    response = browser_as("tech1").get("/master-data/styles/", {"supplier": "SUP04", "export": "xlsx"})
    # then an Excel file arrives with a header row and exactly those styles, money as numbers
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {"226501XL001", "226501XL007"}
    cost_column = [str(h) for h in rows[0]].index(next(h for h in map(str, rows[0]) if "CNY" in h or "元" in h))
    assert {row[cost_column] for row in rows[1:]} == {155, 188}
    assert sheet.cell(row=2, column=cost_column + 1).number_format == '"¥"#,##0.00'


@pytest.mark.django_db
def test_export_respects_the_scope(browser_as):
    response = browser_as("store1").get("/master-data/stores/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["S001"]


@pytest.mark.django_db
def test_list_page_query_count_does_not_grow_with_rows(browser_as):
    client = browser_as("tech1")
    region = Region.objects.get(code="R01")
    counts = []
    for extra in (0, 60):
        StoreFactory.create_batch(extra, region=region)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/master-data/stores/")
        assert response.status_code == 200
        counts.append(len(captured))
    assert len(response.context["rows"]) == 50
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_static_assets_are_local_not_from_a_cdn(browser_as):
    body = browser_as("tech1").get("/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "cdn" not in body.lower()
    assert (settings.BASE_DIR / "static/vendor/htmx/htmx.min.js").exists()


@pytest.mark.django_db
def test_health_endpoint_reports_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_probe_by_ip_over_http_is_answered_even_in_production(client, settings):
    # given production settings: HTTPS redirect on, only the public host allowed
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["aftersales.example.cn"]
    # when a probe asks by container IP over plain HTTP
    response = client.get("/healthz/", HTTP_HOST="10.0.0.7:8000")
    # then it is answered, not redirected or refused
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # while ordinary pages still get the usual protection
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_administrator_sees_roles_and_memberships_on_the_user_page(browser_as, demo_user):
    store1 = demo_user("store1")
    response = browser_as("admin").get(f"/admin/auth/user/{store1.pk}/change/")
    assert response.status_code == 200
    inline_models = {formset.opts.model.__name__ for formset in response.context["inline_admin_formsets"]}
    assert inline_models == {"StoreMembership", "RegionMembership", "SupplierMembership"}
    assert "S001" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["fr", "de", "xx-garbage", "../../etc"])
def test_a_language_cookie_outside_the_supported_languages_falls_back_to_chinese(client, cookie):
    # given a stale or hand-made language cookie (Django ships French, but the product does not offer it)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    # when any page is opened
    response = client.get("/accounts/login/")
    # then it renders in Chinese instead of failing
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.django_db
def test_list_pages_never_count_past_the_cap(browser_as, monkeypatch):
    # Given a cap of 3 rows on page counting, and more stores than that
    from aftersales.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr("aftersales.ui.views.ScopedListView.paginate_by", 2)
    client = browser_as("tech1")
    # When a technician opens the store list
    response = client.get("/master-data/stores/")
    # Then it says there are more than 3 rows, offers no "last page" it cannot know, and still pages on
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="count-capped"' in body
    assert "page=2" in body and "最后一页" not in body  # "Last"
    assert response.context["paginator"].count == 3 and response.context["paginator"].capped
    assert client.get("/master-data/stores/?page=2").status_code == 200
