"""Chargeback statements 扣款单: the monthly build, issue (frozen documents), answers, settlement and revision.

``charged_month`` (tests/support/chargebacks.py) sets up a month with one charge of every kind: scrapped units
on an approved write-off list charged to SUP01, SUP02, store S001, HQ and (not charged) a customer; a
supplier-caused repair completed in the month; and an extra dispatch of S001 in the month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aftersales.fsm import TransitionForbidden, TransitionStateConflict
from aftersales.models import Notification, TransitionLog
from aftersales.periods import current_period
from cases.choices import ReturnState
from chargebacks.choices import ChargebackLineKind, StatementState
from chargebacks.models import ChargebackLine, ChargebackStatement
from chargebacks.services import (
    chargeback_acknowledge,
    chargeback_build,
    chargeback_dispute,
    chargeback_issue,
    chargeback_revise,
    chargeback_settle,
    chargebackline_adjust,
    chargebackline_remove,
)
from suppliers.models import Style, Supplier
from tests.factories.chargebacks import ChargebackStatementFactory
from tests.factories.writeoffs import (
    first_of_last_month,
)
from tests.support.chargebacks import charged_month, in_period, issue_and_render, snapshot, statement_of
from writeoffs.choices import PartyType, WriteOffListState

# --- the build ---


def test_build_makes_one_statement_per_party_with_decimal_amounts_and_totals(demo):
    # given
    month = charged_month()

    # when
    drafts = chargeback_build(period=month.period)

    # then
    assert sorted(d.party_key for d in drafts) == ["hq", "store:S001", "supplier:SUP01", "supplier:SUP02"]
    sup01 = statement_of(month.period, "supplier:SUP01")
    kinds = [(line.kind, line.amount, line.production_year, line.style_no) for line in sup01.lines.all()]
    assert kinds == [
        (ChargebackLineKind.SCRAP, Decimal("268.00"), 2024, "226101JK001"),
        (ChargebackLineKind.REPAIR, Decimal("35.50"), 2021, "226101JK001"),
    ]
    assert all(isinstance(amount, Decimal) for _kind, amount, _year, _style in kinds)
    assert sup01.total == Decimal("303.50") == sum(line.amount for line in sup01.lines.all())
    store = statement_of(month.period, "store:S001")
    assert [(line.kind, line.amount, line.production_year) for line in store.lines.all()] == [
        (ChargebackLineKind.SCRAP, Decimal("268.00"), 2023),
        (ChargebackLineKind.EXTRA_SHIPMENT, Decimal("20.00"), None),
    ]
    assert store.total == Decimal("288.00")
    assert statement_of(month.period, "hq").total == Decimal("455.00")
    assert not ChargebackLine.objects.filter(return_item=month.units.customer).exists()
    numbers = {d.number for d in drafts}
    assert len(numbers) == 4 and all(n.startswith(f"CB-{month.period:%Y%m}-") and len(n) == 14 for n in numbers)


def test_build_twice_changes_nothing(demo):
    # given
    month = charged_month()
    first = chargeback_build(period=month.period)
    before = {s.pk: snapshot(s) for s in first}

    # when
    second = chargeback_build(period=month.period)

    # then
    assert sorted(s.pk for s in second) == sorted(before)
    assert {s.pk: snapshot(s) for s in second} == before
    assert ChargebackStatement.objects.count() == 4


def test_build_updates_drafts_by_source_and_drops_lines_whose_source_is_gone(demo):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    scrap_line = sup01.lines.get(kind=ChargebackLineKind.SCRAP)
    month.writeoff_list.lines.filter(return_item=month.units.sup01).update(unit_cost=Decimal("270.10"))
    month.ticket.completed_at = in_period(month.period) - dt.timedelta(days=40)
    month.ticket.save()

    # when
    chargeback_build(period=month.period)

    # then
    sup01.refresh_from_db()
    assert [(line.pk, line.amount) for line in sup01.lines.all()] == [(scrap_line.pk, Decimal("270.10"))]
    assert sup01.total == Decimal("270.10")


@pytest.mark.parametrize("writeoff_state", [WriteOffListState.DRAFT, WriteOffListState.CONFIRMED])
def test_scrap_is_charged_only_once_the_writeoff_list_is_approved(demo, writeoff_state):
    # given
    month = charged_month(writeoff_state=writeoff_state)

    # when
    chargeback_build(period=month.period)

    # then
    assert not ChargebackLine.objects.filter(kind=ChargebackLineKind.SCRAP).exists()
    assert sorted(ChargebackStatement.objects.values_list("party_key", flat=True)) == ["store:S001", "supplier:SUP01"]


@pytest.mark.parametrize("value", ["next", "2026-13", "26-10", "", "2026-1"])
def test_build_of_a_future_or_malformed_period_is_refused(demo, value):
    # given
    from aftersales.periods import parse_period

    charged_month()
    if value == "next":
        value = f"{(current_period() + dt.timedelta(days=32)).replace(day=1):%Y-%m}"

    # when
    with pytest.raises(ValidationError) as refused:
        chargeback_build(period=parse_period(value))

    # then
    assert refused.value.messages
    assert not ChargebackStatement.objects.exists()


def test_build_does_not_touch_a_party_whose_statement_is_issued(demo, fast_documents, demo_user):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    chargeback_issue(statement=sup01, user=demo_user("finance1"))
    before = snapshot(sup01)
    month.writeoff_list.lines.filter(return_item=month.units.sup01).update(unit_cost=Decimal("1.00"))

    # when
    drafts = chargeback_build(period=month.period)

    # then
    assert "supplier:SUP01" not in {d.party_key for d in drafts}
    assert snapshot(sup01) == before
    assert ChargebackStatement.objects.filter(party_key="supplier:SUP01").count() == 1


def test_removed_and_adjusted_lines_survive_a_rebuild(demo, demo_user):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    store = statement_of(month.period, "store:S001")
    scrap, fee = store.lines.order_by("position")
    finance = demo_user("finance1")
    chargebackline_adjust(line=scrap, user=finance, amount=Decimal("134.00"), reason="折半：门店已部分赔付")
    chargebackline_remove(line=fee, user=finance, reason="本周第二次寄件为总部要求")

    # when
    chargeback_build(period=month.period)

    # then
    store.refresh_from_db()
    assert [(line.pk, line.amount, line.built_amount) for line in store.lines.all()] == [
        (scrap.pk, Decimal("134.00"), Decimal("268.00"))
    ]
    assert store.total == Decimal("134.00")
    assert ChargebackLine.all_objects.get(pk=fee.pk).removal_reason == "本周第二次寄件为总部要求"
    logged = TransitionLog.objects.for_object(store).values_list("transition", flat=True)
    assert {"adjust_line", "remove_line"} <= set(logged)


@pytest.mark.parametrize(
    ("username", "amount", "reason", "error"),
    [
        ("store1", Decimal("1.00"), "x", TransitionForbidden),
        ("supplier1", Decimal("1.00"), "x", TransitionForbidden),
        ("finance1", Decimal("1.00"), "", ValidationError),
        ("finance1", Decimal("-1.00"), "x", ValidationError),
        ("finance1", Decimal("1.005"), "x", ValidationError),
        ("finance1", None, "x", ValidationError),
    ],
)
def test_line_adjust_refusals_change_nothing(demo, demo_user, username, amount, reason, error):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    store = statement_of(month.period, "store:S001")
    line = store.lines.first()
    before = snapshot(store)

    # when
    with pytest.raises(error):
        chargebackline_adjust(line=line, user=demo_user(username), amount=amount, reason=reason)

    # then
    assert snapshot(store) == before


def test_lines_of_an_issued_statement_cannot_be_edited(demo, demo_user, fast_documents):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    store = statement_of(month.period, "store:S001")
    chargeback_issue(statement=store, user=demo_user("finance1"))
    before = snapshot(store)

    # when
    with pytest.raises(TransitionStateConflict):
        chargebackline_remove(line=store.lines.first(), user=demo_user("finance1"), reason="x")

    # then
    assert snapshot(store) == before


def test_one_statement_per_party_period_and_version(demo):
    # given
    supplier = Supplier.objects.get(code="SUP01")
    period = first_of_last_month()
    ChargebackStatementFactory(supplier=supplier, period=period, number="CB-209901-0001")

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ChargebackStatementFactory(supplier=supplier, period=period, number="CB-209901-0002")
    ChargebackStatementFactory(supplier=supplier, period=period, number="CB-209901-0001", version=2)
    assert ChargebackStatement.objects.filter(party_key="supplier:SUP01").count() == 2


# --- issue, answers, settlement, revision ---


def test_issue_freezes_the_documents_and_charges_back_the_scrapped_units(demo, demo_user):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    finance = demo_user("finance1")

    # when (as in a request: the documents task queued on the issue's commit runs in-process)
    issue_and_render(sup01, finance)

    # then
    sup01.refresh_from_db()
    assert sup01.state == StatementState.ISSUED and sup01.issued_by == finance
    pdf_bytes = sup01.pdf.open("rb").read()
    xlsx_bytes = sup01.xlsx.open("rb").read()
    assert pdf_bytes.startswith(b"%PDF") and xlsx_bytes.startswith(b"PK")
    assert sup01.pdf_sha256 == hashlib.sha256(pdf_bytes).hexdigest()
    assert sup01.xlsx_sha256 == hashlib.sha256(xlsx_bytes).hexdigest()
    assert f"{sup01.number}-v1" in sup01.pdf.name
    month.units.sup01.refresh_from_db()
    assert month.units.sup01.state == ReturnState.CHARGED_BACK
    assert TransitionLog.objects.for_object(month.units.sup01).filter(transition="charge_back", actor=None).exists()
    month.repaired.refresh_from_db()
    assert month.repaired.state == ReturnState.READY_TO_RETURN  # repair lines fire nothing
    month.units.sup02.refresh_from_db()
    assert month.units.sup02.state == ReturnState.WRITTEN_OFF  # another party's statement, not issued
    assert Notification.objects.filter(recipient=demo_user("supplier1"), kind="chargeback_issued").exists()

    # when master data changes and the month is rebuilt
    supplier = Supplier.objects.get(code="SUP01")
    supplier.name = "改名后的供应商"
    supplier.save()
    Style.objects.filter(style_no="226101JK001").update(unit_cost=Decimal("999.00"))
    chargeback_build(period=month.period)

    # then the issued documents are the same bytes
    sup01.refresh_from_db()
    assert sup01.pdf.open("rb").read() == pdf_bytes
    assert sup01.xlsx.open("rb").read() == xlsx_bytes
    assert sup01.pdf_sha256 == hashlib.sha256(pdf_bytes).hexdigest()
    assert sup01.total == Decimal("303.50")


def test_a_statement_without_lines_cannot_be_issued(demo, demo_user, fast_documents):
    # given
    statement = ChargebackStatementFactory(supplier=Supplier.objects.get(code="SUP01"))

    # when
    with pytest.raises(ValidationError):
        chargeback_issue(statement=statement, user=demo_user("finance1"))

    # then
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT and not statement.pdf_sha256


def test_settling_an_unissued_statement_is_a_conflict(demo, demo_user):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    before = snapshot(sup01)

    # when
    with pytest.raises(TransitionStateConflict):
        chargeback_settle(statement=sup01, user=demo_user("finance1"), reference="PZ-2026-001")

    # then
    assert snapshot(sup01) == before


def test_acknowledge_then_settle_with_reference(demo, demo_user, fast_documents):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    finance = demo_user("finance1")
    chargeback_issue(statement=sup01, user=finance)

    # when
    chargeback_acknowledge(statement=sup01, user=demo_user("supplier1"))
    with pytest.raises(ValidationError):
        chargeback_settle(statement=sup01, user=finance, reference="  ")
    chargeback_settle(statement=sup01, user=finance, reference="PZ-2026-001")

    # then
    sup01.refresh_from_db()
    assert sup01.state == StatementState.SETTLED
    assert sup01.settlement_reference == "PZ-2026-001" and sup01.settled_by == finance
    assert Notification.objects.filter(recipient=finance, kind="chargeback_acknowledged").exists()


def test_dispute_then_revise_makes_version_two_with_the_same_number(demo, demo_user, fast_documents):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    finance = demo_user("finance1")
    chargeback_issue(statement=sup01, user=finance)
    with pytest.raises(ValidationError):
        chargeback_dispute(statement=sup01, user=demo_user("supplier1"), reason="")
    chargeback_dispute(statement=sup01, user=demo_user("supplier1"), reason="维修费应由门店承担")
    disputed = snapshot(sup01)

    # when
    revision = chargeback_revise(statement=sup01, user=finance)

    # then
    assert (revision.number, revision.version, revision.previous_id) == (sup01.number, 2, sup01.pk)
    assert revision.state == StatementState.DRAFT
    assert [(line.kind, line.amount) for line in revision.lines.all()] == [
        (line.kind, line.amount) for line in sup01.lines.all()
    ]
    assert revision.total == Decimal("303.50")
    assert snapshot(sup01) == disputed
    assert Notification.objects.filter(recipient=finance, kind="chargeback_disputed").exists()
    with pytest.raises(TransitionStateConflict):
        chargeback_revise(statement=sup01, user=finance)

    # when the month is rebuilt, the revision keeps its lines; then it is edited and issued as v2
    chargeback_build(period=month.period)
    repair = revision.lines.get(kind=ChargebackLineKind.REPAIR)
    chargebackline_remove(line=repair, user=finance, reason="同意：维修费由门店承担")
    issue_and_render(revision, finance)
    assert revision.state == StatementState.ISSUED and revision.total == Decimal("268.00")
    assert f"{revision.number}-v2" in revision.pdf.name


def test_revise_is_for_finance_and_disputed_statements_only(demo, demo_user, fast_documents):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    chargeback_issue(statement=sup01, user=demo_user("finance1"))

    # when / then: issued, not disputed
    with pytest.raises(TransitionStateConflict):
        chargeback_revise(statement=sup01, user=demo_user("finance1"))
    chargeback_dispute(statement=sup01, user=demo_user("supplier1"), reason="数量不符")
    with pytest.raises(TransitionForbidden):
        chargeback_revise(statement=sup01, user=demo_user("supplier1"))
    assert ChargebackStatement.objects.filter(party_key="supplier:SUP01").count() == 1


@pytest.mark.parametrize(
    ("party_key", "allowed", "refused"),
    [
        ("supplier:SUP01", "supplier1", ["store1", "finance1", "tech1"]),
        ("store:S001", "store1", ["store2", "region1", "supplier1", "finance1"]),
        ("hq", "finance1", ["store1", "supplier1", "tech1"]),
    ],
)
def test_only_the_party_answers_its_statement(demo, demo_user, fast_documents, party_key, allowed, refused):
    # given
    month = charged_month()
    chargeback_build(period=month.period)
    statement = statement_of(month.period, party_key)
    chargeback_issue(statement=statement, user=demo_user("finance1"))
    before = snapshot(statement)

    # when / then
    for username in refused:
        with pytest.raises(TransitionForbidden):
            chargeback_acknowledge(statement=statement, user=demo_user(username))
        assert snapshot(statement) == before
    chargeback_acknowledge(statement=statement, user=demo_user(allowed))
    statement.refresh_from_db()
    assert statement.state == StatementState.ACKNOWLEDGED


def test_a_party_type_always_names_its_party(demo):
    # given / when / then
    statement = ChargebackStatement(
        number="CB-209901-0009", period=first_of_last_month(), party_type=PartyType.HQ,
        supplier=Supplier.objects.get(code="SUP01"), party_key="hq",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        statement.full_clean(exclude=["state"])


def test_issue_is_all_or_nothing(demo, demo_user, fast_documents, monkeypatch, django_capture_on_commit_callbacks):
    # given: charging back a unit fails during the issue
    import chargebacks.services.workflow as module

    real_fire = module.fire

    def failing_fire(instance, name, **kwargs):
        if name == "charge_back":
            raise RuntimeError("storage or database failure")
        return real_fire(instance, name, **kwargs)

    monkeypatch.setattr(module, "fire", failing_fire)
    month = charged_month()
    chargeback_build(period=month.period)
    sup01 = statement_of(month.period, "supplier:SUP01")
    before = snapshot(sup01)
    stored: list[str] = []
    real_save = ChargebackStatement.pdf.field.attr_class.save

    def remember(self, name, content, save=True):
        real_save(self, name, content, save=save)
        stored.append(self.name)

    monkeypatch.setattr(ChargebackStatement.pdf.field.attr_class, "save", remember)

    # when
    with django_capture_on_commit_callbacks(execute=True) as queued, pytest.raises(RuntimeError):
        chargeback_issue(statement=sup01, user=demo_user("finance1"))

    # then nothing changed, no document render was queued and no file was written
    assert snapshot(sup01) == before
    month.units.sup01.refresh_from_db()
    assert month.units.sup01.state == ReturnState.WRITTEN_OFF
    assert queued == [] and stored == []


def test_recalled_units_found_unrepairable_in_the_month_are_charged_to_the_supplier(demo):
    # given
    from recalls.choices import RecallOutcome
    from tests.factories.recalls import RecallUnitFactory

    period = first_of_last_month()
    style = Style.objects.get(style_no="226201TS008")  # SUP01, unit cost 86.00
    charged = RecallUnitFactory(
        recall__style=style,
        return_item__production_year=2024,
        outcome=RecallOutcome.UNREPAIRABLE,
        outcome_recorded_at=in_period(period, 15),
    )
    RecallUnitFactory(
        recall=charged.recall, outcome=RecallOutcome.REPAIRED_BY_FACTORY, outcome_recorded_at=in_period(period)
    )
    RecallUnitFactory(
        recall=charged.recall,
        outcome=RecallOutcome.UNREPAIRABLE,
        outcome_recorded_at=in_period(period) + dt.timedelta(days=40),
    )

    # when
    chargeback_build(period=period)
    chargeback_build(period=period)

    # then
    statement = statement_of(period, "supplier:SUP01")
    assert [(line.kind, line.return_item_id, line.amount, line.production_year) for line in statement.lines.all()] == [
        (ChargebackLineKind.RECALL, charged.return_item_id, Decimal("86.00"), 2024)
    ]
    assert charged.recall.number in statement.lines.get().description
    assert statement.total == Decimal("86.00")
