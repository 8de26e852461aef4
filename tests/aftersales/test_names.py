"""People by name, never by login, on pages, timelines, signatures and exports (issue 11, item 10)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from aftersales.exports import Column, excel_value
from aftersales.models import TransitionLog
from chargebacks.choices import StatementState
from tests.factories.chargebacks import ChargebackStatementFactory
from writeoffs.choices import PartyType

pytestmark = pytest.mark.django_db


def current_user_text(html: str) -> str:
    chunk = html.split('data-testid="current-user">', 1)[1].split("</span>\n", 1)[0]
    return " ".join(chunk.replace('<span class="opacity-75">', "").split())


def test_the_top_bar_names_the_role_once(browser_as):
    # given logistics1, whose name already says 物流部经理
    html = browser_as("logistics1").get("/").content.decode()
    # then the role is not repeated after it
    assert current_user_text(html) == "郑斌（物流部经理）"


def test_the_top_bar_adds_a_role_the_name_does_not_say(browser_as):
    html = browser_as("tech1").get("/").content.decode()
    assert current_user_text(html) == "刘洋（售后服务部） （售后服务部技术员）"


def test_a_statement_timeline_and_its_issuer_show_names_not_logins(browser_as, demo_user):
    # given a statement issued by finance1, with its log entry
    finance = demo_user("finance1")
    statement = ChargebackStatementFactory(
        party_type=PartyType.SUPPLIER, state=StatementState.ISSUED, issued_by=finance, issued_at=timezone.now()
    )
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(statement),
        object_id=statement.pk,
        transition="issue",
        source_state=StatementState.DRAFT,
        target_state=StatementState.ISSUED,
        actor=finance,
        at=timezone.now(),
    )
    # when finance opens it
    html = browser_as("finance1").get(reverse("chargebacks:chargeback_detail", args=[statement.pk])).content.decode()
    # then the issuer and the timeline read 冯晓（财务部）, and the login appears nowhere but the menu's logout form
    assert html.count("冯晓（财务部）") >= 3  # the top bar, 已开具 and the timeline
    assert "finance1" not in html


def test_exported_columns_show_a_person_by_name(demo_user):
    tech = demo_user("tech1")
    column = Column("by", lambda row: tech)
    assert column.display(None) == "刘洋（售后服务部）"
    assert excel_value(tech) == "刘洋（售后服务部）"
