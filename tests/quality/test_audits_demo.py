"""The demo's audit history (demo/audit_history.py): last month drawn, part reviewed, one finding's order; once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aftersales.periods import previous_period
from demo.audit_history import FINDING, audit_history_build
from quality.models.audits import MonthlyAudit
from quality.services.audits import audit_draw
from tests.support.audits import month_of_work


@pytest.mark.django_db
def test_last_months_audit_is_drawn_part_reviewed_with_one_order_and_made_once(demo):
    # Given last month's closed cases and completed Returns, and the 1st's draw made before the cases existed
    period = previous_period()
    audit_draw(period=period, user=None)
    month_of_work(cases=14, returns=6, period=period)
    # When the demo's audit history is built (twice, as seed_demo run twice would)
    summary = audit_history_build()
    again = audit_history_build()
    # Then last month's audit holds both kinds, about half reviewed, one finding opened an order
    audit = MonthlyAudit.objects.get(period=period)
    assert (summary.samples, summary.reviewed, summary.orders) == (3, 1, 1)
    assert sorted(audit.samples.values_list("kind", flat=True)) == ["return", "service_case", "service_case"]
    reviewed = audit.samples.filter(reviewed_at__isnull=False)
    assert reviewed.count() == 1
    finding = audit.samples.get(rectification_order__isnull=False)
    assert finding.findings == FINDING and finding.answers["refund_on_time"] is False
    assert list(finding.rectification_order.returns.all()) == [finding.return_item]
    assert all(sample.reviewed_at < timezone.now() for sample in reviewed)
    # And the second build changed nothing
    assert again.skipped
    assert MonthlyAudit.objects.filter(period=period).count() == 1
