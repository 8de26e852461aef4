"""Money as finance reads it: two places and thousands separators, on every page (issue 11, item 8)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chargebacks.choices import StatementState
from tests.factories.chargebacks import ChargebackStatementFactory
from writeoffs.choices import PartyType


def test_month_totals_on_the_chargeback_list_print_two_places_and_separators(demo, browser_as):
    # given three issued supplier statements of one month whose sum is not a binary float (SQLite sums as REAL)
    statements = [
        ChargebackStatementFactory(party_type=PartyType.SUPPLIER, state=StatementState.ISSUED, total=Decimal(total))
        for total in ("1000.10", "1000.20", "391.60")
    ]

    # when finance opens the chargeback list
    response = browser_as("finance1").get(
        reverse("chargebacks:chargeback_list"), {"period": f"{statements[0].period:%Y-%m}"}
    )

    # then the month total reads as money, and the figure behind it is an exact Decimal
    html = response.content.decode()
    assert "¥2,391.90<" in html
    assert "2391.9000" not in html
    totals = [row["total"] for row in response.context["totals"]]
    assert totals == [Decimal("2391.90")]
    assert str(totals[0]) == "2391.90"


# --- every page in the menus, as the roles that read money and dates ------------------------------------------------

# An amount without separators or with more than two places (¥2391.90000000000, ¥1404.5, ¥1048), and a localized
# moment (2026年12月17日 08:36) that the pages no longer print.
RAW_MONEY = re.compile(r"¥-?\d{4,}|¥-?[\d,]+\.\d(?!\d)|¥-?[\d,]+\.\d{3,}|¥-?\d[\d,]*(?![\d.,])")
LOCALIZED_MOMENT = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}")


def menu_urls(client) -> list[str]:
    context = client.get("/").context
    urls = [link["url"] for section in context["nav_workflow"] for link in section["links"]]
    return urls + [link["url"] for link in context["nav_master_data"]]


@pytest.mark.parametrize("username", ["finance1", "tech1", "logistics1", "store1"])
def test_every_menu_page_prints_money_and_moments_through_the_helpers(demo, browser_as, username):
    # given statements, a repair and a shipment fee with amounts that are not whole yuan
    for total in ("1000.10", "1391.80"):
        ChargebackStatementFactory(party_type=PartyType.SUPPLIER, state=StatementState.ISSUED, total=Decimal(total))
    client = browser_as(username)

    # when the user opens every page of their menu
    for url in menu_urls(client):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # then no amount and no moment is printed any other way
        assert not RAW_MONEY.findall(html), (url, RAW_MONEY.findall(html)[:5])
        assert not LOCALIZED_MOMENT.findall(html), (url, LOCALIZED_MOMENT.findall(html)[:5])


def test_the_page_check_would_catch_the_old_prints():
    for old in ("¥2391.90000000000", "¥1404.5", "¥1048<", "2026年12月17日 08:36"):
        assert RAW_MONEY.search(old) or LOCALIZED_MOMENT.search(old), old
    for good in ("¥2,391.90", "¥1,404.50", "¥1,048.00", "-¥15.00", "2026-12-17 08:36"):
        assert not RAW_MONEY.search(good) and not LOCALIZED_MOMENT.search(good), good


def test_the_chargeback_list_export_keeps_amounts_numeric_in_the_yuan_format(demo, browser_as):
    # given an issued statement of ¥1,391.80
    statement = ChargebackStatementFactory(
        party_type=PartyType.SUPPLIER, state=StatementState.ISSUED, total=Decimal("1391.80")
    )

    # when finance exports the list
    response = browser_as("finance1").get(
        reverse("chargebacks:chargeback_list"), {"period": f"{statement.period:%Y-%m}", "export": "xlsx"}
    )

    # then the total is a number Excel sums, shown as ¥1,391.80
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("合计（元）") + 1)
    assert cell.value == Decimal("1391.80") or cell.value == 1391.8
    assert cell.number_format == '"¥"#,##0.00'
