"""Rebuilding a report refuses in ``fire``'s order: a run that is not the period's newest done one is a conflict
(409) for anyone, before the person is asked (403); a refusal changes nothing."""

import datetime as dt

import pytest

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun
from reports.services import reportrun_rebuild
from tests.factories.reports import ReportRunFactory
from tests.factories.stores import UserFactory

pytestmark = pytest.mark.django_db

PERIOD = dt.date(2025, 3, 1)


def test_a_run_still_building_is_a_conflict_before_the_person_is_asked():
    running = ReportRunFactory(kind=ReportKind.TURNAROUND, period=PERIOD, status=ReportRunStatus.RUNNING)
    done = ReportRunFactory(kind=ReportKind.SCRAP, period=PERIOD, status=ReportRunStatus.DONE)
    store = UserFactory(roles=["store_staff"])
    before = list(ReportRun.objects.order_by("pk").values())
    # A store user rebuilding a run that is still building: 409 (it was 403, the role first)
    with pytest.raises(TransitionStateConflict):
        reportrun_rebuild(run=running, user=store)
    # The same user rebuilding a done run: 403
    with pytest.raises(TransitionForbidden):
        reportrun_rebuild(run=done, user=store)
    assert list(ReportRun.objects.order_by("pk").values()) == before
