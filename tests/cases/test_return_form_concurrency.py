"""Two submits of one 登记退货 form arriving at once log the receipt once (PostgreSQL, real threads).

The form's one-time token is recorded under a unique constraint, not checked first: the second insert waits
for the first transaction and then fails, so its submit logs nothing and is told what the first one logged.
"""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import ReceiptSubmission, Return
from stores.models import Store
from suppliers.models import Style
from tests.support.concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so concurrent writers cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_submits_of_one_form_at_once_log_the_receipt_once(demo):
    store = Store.objects.get(code="S001")
    style = Style.objects.get(style_no="226101JK001")
    clerk = get_user_model().objects.get(username="store1")
    token = uuid.uuid4()

    def submit(index: int):
        return services.return_log(
            user=clerk,
            store=store,
            receipt_no="POS-SAME-FORM",
            purchase_date=timezone.localdate() - dt.timedelta(days=2),
            onsite_handling="exchange",
            form_token=token,
            units=[
                services.ReturnUnit(style=style, color="黑", size="M", production_year=2025, defect_description="开线")
            ],
        )

    # When the same form is submitted twice at the same moment
    results = run_together(2, submit)

    # Then one submit logs the unit and the other is told it was already logged, naming that unit
    logged = [result for result in results if isinstance(result, list)]
    refused = [result for result in results if isinstance(result, services.ReceiptAlreadyLogged)]
    assert len(logged) == 1 and len(refused) == 1, results
    assert [item.pk for item in refused[0].returns] == [item.pk for item in logged[0]]
    assert Return.objects.filter(receipt_no="POS-SAME-FORM").count() == 1
    assert ReceiptSubmission.objects.filter(token=token).count() == 1
