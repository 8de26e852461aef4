"""The home page's "what waits for you" tiles of the month end and batch recalls, per role and scope."""

import pytest
from django.urls import reverse

from chargebacks.choices import StatementState
from recalls.choices import RecallState
from stores.models import Store
from suppliers.models import Supplier
from tests.factories.chargebacks import ChargebackStatementFactory
from tests.factories.recalls import RecallFactory, RecallNoticeFactory
from tests.factories.writeoffs import LossReportFactory, WriteOffListFactory
from writeoffs.choices import LossReportState, PartyType, WriteOffListState


def tiles(client) -> dict[str, int]:
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return {tile["label"]: tile["count"] for tile in response.context["work_summary"]}


@pytest.mark.django_db
def test_each_role_sees_what_waits_for_it_in_its_own_scope(browser_as, demo_user, settings):
    # Given documents at each step: a submitted list, statements issued to S001, S002 and SUP01, a loss report to
    # SUP01, a proposed recall and a notice to S001
    settings.LANGUAGE_CODE = "en"
    WriteOffListFactory(state=WriteOffListState.SUBMITTED, submitted_by=demo_user("tech1"))
    s001, s002 = Store.objects.get(code="S001"), Store.objects.get(code="S002")
    sup01 = Supplier.objects.get(code="SUP01")
    ChargebackStatementFactory(party_type=PartyType.STORE, store=s001, state=StatementState.ISSUED)
    ChargebackStatementFactory(party_type=PartyType.STORE, store=s002, state=StatementState.ISSUED)
    ChargebackStatementFactory(party_type=PartyType.SUPPLIER, supplier=sup01, state=StatementState.ACKNOWLEDGED)
    LossReportFactory(supplier=sup01, state=LossReportState.ISSUED)
    RecallFactory(state=RecallState.PROPOSED)
    RecallNoticeFactory(store=s001)

    # When each role opens the home page / Then it counts its own work only
    store1 = tiles(browser_as("store1"))
    assert store1["Chargeback statements to answer"] == 1
    assert store1["Loss reports to sign"] == 0
    assert store1["Recall notices to acknowledge"] == 1
    assert "Write-off lists awaiting you" not in store1
    assert tiles(browser_as("supplier1"))["Loss reports to sign"] == 1
    assert tiles(browser_as("logistics1"))["Write-off lists awaiting you"] == 1
    assert tiles(browser_as("vp1"))["Write-off lists awaiting you"] == 0
    assert tiles(browser_as("finance1"))["Statements to settle"] == 1
    assert tiles(browser_as("qa1"))["Recalls to review"] == 1
