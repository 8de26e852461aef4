"""Chargeback services refuse in ``fire``'s order — wrong state 409, then wrong person 403, then bad input 400 —
and a refusal changes nothing. A statement already revised, or a line no longer on its draft, is a conflict for
anyone; building is finance's, asked before the month is looked at.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import TransitionLog
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackStatement
from chargebacks.services import chargeback_build, chargeback_revise, chargebackline_remove
from tests.factories.chargebacks import ChargebackLineFactory, ChargebackStatementFactory
from tests.factories.stores import UserFactory

pytestmark = pytest.mark.django_db


def test_a_statement_revised_already_is_a_conflict_before_the_person_is_asked():
    # Given a disputed statement finance has already revised
    disputed = ChargebackStatementFactory(state=StatementState.DISPUTED)
    ChargebackStatementFactory(
        previous=disputed, number=disputed.number, version=2, supplier=disputed.supplier, party_key=disputed.party_key
    )
    versions, logged = ChargebackStatement.objects.count(), TransitionLog.objects.count()
    # When a technician (finance revises) revises it again: 409, the statement's own state of affairs first
    with pytest.raises(TransitionStateConflict):
        chargeback_revise(statement=disputed, user=UserFactory(roles=["technician"]))
    # And finance: 409 too
    with pytest.raises(TransitionStateConflict):
        chargeback_revise(statement=disputed, user=UserFactory(roles=["finance"]))
    assert (ChargebackStatement.objects.count(), TransitionLog.objects.count()) == (versions, logged)


def test_a_line_gone_from_the_draft_is_a_conflict_before_the_person_is_asked():
    line = ChargebackLineFactory()
    gone = ChargebackLineFactory.build(pk=line.pk + 1000, statement=line.statement)
    # A technician removing a line that is not on the draft: 409; one that is: 403
    with pytest.raises(TransitionStateConflict):
        chargebackline_remove(line=gone, user=UserFactory(roles=["technician"]), reason="重复")
    with pytest.raises(TransitionForbidden):
        chargebackline_remove(line=line, user=UserFactory(roles=["technician"]), reason="重复")
    line.refresh_from_db()
    assert line.removed_at is None


def test_building_is_finances_before_the_month_is_checked():
    next_year = dt.date.today().replace(day=1) + dt.timedelta(days=400)
    # A technician asking for a month that has not begun: 403 (the person), not 400 (the month)
    with pytest.raises(TransitionForbidden):
        chargeback_build(period=next_year.replace(day=1), user=UserFactory(roles=["technician"]))
    # Finance asking for it: 400
    with pytest.raises(ValidationError):
        chargeback_build(period=next_year.replace(day=1), user=UserFactory(roles=["finance"]))
    assert not ChargebackStatement.objects.exists()
