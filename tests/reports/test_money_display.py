"""Money as finance reads it: two places and thousands separators, on every page (issue 11, item 8)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from reports.choices import StatementState
from reports.models import PartyType
from tests.factories.reports import ChargebackStatementFactory


def test_month_totals_on_the_chargeback_list_print_two_places_and_separators(demo, browser_as):
    # given three issued supplier statements of one month whose sum is not a binary float (SQLite sums as REAL)
    statements = [
        ChargebackStatementFactory(party_type=PartyType.SUPPLIER, state=StatementState.ISSUED, total=Decimal(total))
        for total in ("1000.10", "1000.20", "391.60")
    ]

    # when finance opens the chargeback list
    response = browser_as("finance1").get(
        reverse("reports:chargeback_list"), {"period": f"{statements[0].period:%Y-%m}"}
    )

    # then the month total reads as money, and the figure behind it is an exact Decimal
    html = response.content.decode()
    assert "¥2,391.90<" in html
    assert "2391.9000" not in html
    totals = [row["total"] for row in response.context["totals"]]
    assert totals == [Decimal("2391.90")]
    assert str(totals[0]) == "2391.90"
