"""The application shell in a real browser: login, navbar, language switch, scoped lists, export, 403."""

from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import expect


def store_codes(page) -> list[str]:
    """Codes in the first column of the list table."""
    return page.locator("table tbody tr td:first-child").all_inner_texts()


def test_anonymous_visit_redirects_to_login_then_home_shows_user_and_menu(page, live_server, demo):
    # Given an anonymous visitor
    # When they open the home page
    page.goto(f"{live_server.url}/")

    # Then they land on the login page, asked to come back to /
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("#id_username")).to_be_visible()

    # When store1 logs in through the form
    page.fill("#id_username", "store1")
    page.fill("#id_password", "demo12345")
    page.click("main form button[type=submit]")

    # Then the home page shows their full name and the master-data menu
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("[data-testid=current-user]")).to_contain_text("张敏（南京东路店）")
    menu = page.locator("[data-menu=master-data]")
    expect(menu).to_be_visible()

    # And the menu opens and leads to the stores list
    menu.locator(".dropdown-toggle").click()
    expect(menu.locator("a.dropdown-item[href='/master-data/stores/']")).to_be_visible()


def test_language_switch_changes_html_lang_and_persists(page, live_server, login):
    # Given store1 on the home page, which speaks Chinese by default
    login(page, "store1")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")
    switch = page.locator("#language-switch select[name=language]")
    expect(switch).to_have_value("zh-hans")

    # When they pick English in the switch
    with page.expect_navigation():
        switch.select_option("en")

    # Then the page comes back in English, still on the home page
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/")

    # And the choice survives loading another page
    page.goto(f"{live_server.url}/master-data/stores/")
    expect(html).to_have_attribute("lang", "en")
    expect(switch).to_have_value("en")

    # When they switch back to Chinese
    with page.expect_navigation():
        switch.select_option("zh-hans")

    # Then the page is Chinese again, on the page they were on, and stays so on reload
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(f"{live_server.url}/master-data/stores/")
    page.reload()
    expect(html).to_have_attribute("lang", "zh-hans")


def test_store_staff_sees_only_their_own_store(page, live_server, login):
    # Given store1, staff of S001
    login(page, "store1")

    # When they open the stores list
    page.goto(f"{live_server.url}/master-data/stores/")

    # Then only S001 is listed
    expect(page.locator("table tbody tr")).to_have_count(1)
    assert store_codes(page) == ["S001"]
    expect(page.locator("table tbody")).to_contain_text("上海南京东路专卖店")
    expect(page.locator("table tbody")).not_to_contain_text("S002")
    expect(page.locator("table tbody")).not_to_contain_text("杭州湖滨专卖店")


def test_region_manager_sees_the_stores_of_their_region_only(page, live_server, login):
    # Given region1, manager of R01 (S001..S004)
    login(page, "region1")

    # When they open the stores list
    page.goto(f"{live_server.url}/master-data/stores/")

    # Then exactly the four R01 stores are listed, and no store of R02
    expect(page.locator("table tbody tr")).to_have_count(4)
    assert sorted(store_codes(page)) == ["S001", "S002", "S003", "S004"]
    expect(page.locator("table tbody")).not_to_contain_text("S101")
    expect(page.locator("table tbody")).not_to_contain_text("广州天河城专卖店")


def test_technician_filters_styles_and_exports_exactly_the_filtered_rows(page, live_server, login, tmp_path):
    # Given tech1 on the styles list, which shows more than one style
    login(page, "tech1")
    page.goto(f"{live_server.url}/master-data/styles/")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 1

    # When they search for one style number
    page.fill("input[name=q]", "226101JK001")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")

    # Then the table holds only that style
    expect(page).to_have_url(re.compile(r"[?&]q=226101JK001(&|$)"))
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").first).to_have_text("226101JK001")

    # When they export the filtered list to Excel
    with page.expect_download() as download_info:
        page.click("[data-testid=export-xlsx]")
    download = download_info.value
    assert download.suggested_filename.startswith("styles-")
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    # Then the workbook holds the header and exactly the filtered style
    sheet = load_workbook(path, read_only=True).active
    table = [row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row)]
    assert len(table) == 2, table
    header, (style_no, *_rest) = table
    assert len(header) == 8 and all(header), header
    assert style_no == "226101JK001"


def test_supplier_user_is_forbidden_from_spare_parts(page, live_server, login):
    # Given supplier1, a supplier's user
    login(page, "supplier1")

    # When they open the spare-parts list directly
    response = page.goto(f"{live_server.url}/master-data/spare-parts/")

    # Then the server answers 403 Forbidden (not a login redirect)
    assert response is not None
    assert response.status == 403
    assert "/accounts/login/" not in page.url
