"""A store's recall units against what it acknowledged on hand (issue 11, item 5).

A store that acknowledged 在库 3 could log 11 and then 12 recall units and reuse one return document number, and
the compliance view counted merely logged units as returned. Now: more units than on hand are refused (page and
API, nothing created) unless the store corrects its on-hand figure with a reason (logged with who and when); a
reused document number warns and needs confirming; units count as returned 已返还 only once they arrive at the
service center, logged 已登记 before; a notice with more logged than on hand is flagged.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from aftersales.models import TransitionLog
from cases.choices import OnsiteHandling, ReturnState
from cases.models import Return
from recalls import services as recalls
from recalls.choices import RecallNoticeState, RecallState
from recalls.models import Recall, RecallNotice
from recalls.selectors import recall_compliance
from stores.models import Store
from suppliers.models import DefectCode, Style
from tests.factories.cases import ReturnFactory
from tests.factories.recalls import RecallFactory, RecallNoticeFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STYLE_NO = "226101JK001"


def user(username):
    return get_user_model().objects.get(username=username)


def collecting_recall(**fields) -> Recall:
    fields.setdefault("defect_code", DefectCode.objects.filter(active=True).order_by("code").first())
    return RecallFactory(
        style=Style.objects.get(style_no=STYLE_NO),
        state=RecallState.COLLECTING,
        opened_by=user("tech1"),
        notice_issued_at=timezone.now(),
        **fields,
    )


def acknowledged(recall: Recall, store_code: str = "S001", on_hand: int = 3) -> RecallNotice:
    return RecallNoticeFactory(
        recall=recall,
        store=Store.objects.get(code=store_code),
        state=RecallNoticeState.ACKNOWLEDGED,
        on_hand=on_hand,
        acknowledged_at=timezone.now(),
        acknowledged_by=user("store1"),
    )


def lines(quantity: int, color: str = "黑色", size: str = "L") -> list[dict]:
    return [{"color": color, "size": size, "quantity": quantity}]


def log(notice, quantity, document_no="TH-0001", **kwargs):
    return recalls.recall_returns_log(
        notice=notice, user=user("store1"), lines=lines(quantity), document_no=document_no, **kwargs
    )


def in_chinese(text: str, params: dict | None = None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        message = gettext(text)
    return message % params if params else message


def state_of(notice) -> tuple:
    notice.refresh_from_db()
    return (
        notice.state,
        notice.on_hand,
        Return.objects.filter(recall_id=notice.recall_id).count(),
        TransitionLog.objects.count(),
    )


OVER = (
    "The store acknowledged %(on_hand)s unit(s) on hand and has logged %(logged)s: at most %(left)s more can be "
    "logged, not %(count)s. If the store holds more, correct the on-hand quantity first."
)


# --- more units than on hand ---


def test_more_units_than_on_hand_are_refused_through_the_api_and_nothing_is_created(api_as, demo):
    # Given S001 acknowledged 3 units on hand
    notice = acknowledged(collecting_recall())
    before = state_of(notice)
    url = f"/api/v1/recall-notices/{notice.pk}/returns/"

    # When it logs 4 units in one go
    response = api_as("store1").post(url, {"document_no": "TH-1", "lines": lines(4)}, format="json")

    # Then it is refused, saying how many are left, and nothing is created
    assert response.status_code == 400
    expected = in_chinese(OVER, {"on_hand": 3, "logged": 0, "left": 3, "count": 4})
    assert expected in response.json()["lines"]
    assert state_of(notice) == before

    # When it logs 3, that is fine; one more after that is refused again (cumulatively)
    assert api_as("store1").post(url, {"document_no": "TH-2", "lines": lines(3)}, format="json").status_code == 201
    after = state_of(notice)
    again = api_as("store1").post(url, {"document_no": "TH-3", "lines": lines(1)}, format="json")
    assert again.status_code == 400
    assert in_chinese(OVER, {"on_hand": 3, "logged": 3, "left": 0, "count": 1}) in again.json()["lines"]
    assert state_of(notice) == after


def test_eleven_then_twelve_are_refused_cumulatively_by_the_service(demo):
    # Given S001 acknowledged 3 on hand and logged 2
    notice = acknowledged(collecting_recall())
    log(notice, 2, document_no="TH-A")
    before = state_of(notice)
    # When it tries 11, then 2 more (5 in all)
    for quantity in (11, 2):
        with pytest.raises(ValidationError) as refused:
            log(notice, quantity, document_no="TH-B")
        assert "lines" in refused.value.message_dict
    # Then nothing more was logged; a cancelled unit frees its place
    assert state_of(notice) == before
    Return.objects.filter(recall=notice.recall).update(state=ReturnState.CANCELLED)
    assert len(log(notice, 3, document_no="TH-C")) == 3


def test_more_units_than_on_hand_are_refused_on_the_page_with_the_message(client, demo_user):
    # Given S001 acknowledged 3 on hand
    notice = acknowledged(collecting_recall())
    before = state_of(notice)
    client.force_login(demo_user("store1"))
    url = reverse("recalls:recallnotice_transition", args=[notice.pk, "recall_returns"])

    # When the clerk logs 4 through the notice page
    response = client.post(url, {"document_no": "TH-1", "color_0": "黑色", "size_0": "L", "quantity_0": "4"}, **HTMX)

    # Then the form comes back with the message and nothing was created
    assert response.status_code == 400
    page = response.content.decode()
    assert escape(gettext(OVER) % {"on_hand": 3, "logged": 0, "left": 3, "count": 4}) in page
    assert state_of(notice) == before


def test_logging_needs_the_acknowledgement_first(api_as, demo):
    # Given a notice the store has not acknowledged (no on-hand figure yet)
    recall = collecting_recall()
    notice = RecallNoticeFactory(recall=recall, store=Store.objects.get(code="S001"))
    before = state_of(notice)
    response = api_as("store1").post(
        f"/api/v1/recall-notices/{notice.pk}/returns/", {"document_no": "TH-1", "lines": lines(1)}, format="json"
    )
    assert response.status_code == 400
    assert in_chinese("Acknowledge the notice with the units on hand before logging returns.") in str(response.json())
    assert state_of(notice) == before


# --- correcting the on-hand figure ---


def test_a_correction_of_the_on_hand_figure_allows_more_and_is_logged_with_who_and_when(api_as, demo):
    # Given S001 acknowledged 3 and logged 3
    notice = acknowledged(collecting_recall())
    log(notice, 3)
    url = f"/api/v1/recall-notices/{notice.pk}/correct_on_hand/"

    # A correction without a reason is refused and changes nothing
    before = state_of(notice)
    response = api_as("store1").post(url, {"on_hand": 5, "reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    # Below what is already logged is refused too
    response = api_as("store1").post(url, {"on_hand": 2, "reason": "盘点"}, format="json")
    assert response.status_code == 400 and "on_hand" in response.json()
    # Another role may not correct it
    assert api_as("tech1").post(url, {"on_hand": 5, "reason": "盘点"}, format="json").status_code == 403
    assert state_of(notice) == before

    # When the store corrects it to 5 with a reason
    response = api_as("store1").post(url, {"on_hand": 5, "reason": "仓库又找到 2 件"}, format="json")

    # Then the notice says 5, and the change is logged with who, when, from, to and why
    assert response.status_code == 200, response.json()
    assert response.json()["on_hand"] == 5
    entry = TransitionLog.objects.for_object(notice).filter(transition="correct_on_hand").get()
    assert entry.actor.username == "store1" and entry.at is not None
    assert entry.payload == {"from": 3, "to": 5, "reason": "仓库又找到 2 件"}
    # And two more units may now be logged, not three
    assert len(log(notice, 2, document_no="TH-0002")) == 2
    with pytest.raises(ValidationError):
        log(notice, 1, document_no="TH-0003")


def test_a_correction_through_the_page_is_shown_in_the_notice_history(client, demo_user):
    notice = acknowledged(collecting_recall())
    client.force_login(demo_user("store1"))
    url = reverse("recalls:recallnotice_transition", args=[notice.pk, "correct_on_hand"])
    # The notice page offers the correction
    page = client.get(reverse("recalls:recallnotice_detail", args=[notice.pk])).content.decode()
    assert 'data-action="correct_on_hand"' in page
    # Without a reason: refused, nothing changes
    before = state_of(notice)
    assert client.post(url, {"on_hand": "5", "reason": ""}, **HTMX).status_code == 400
    assert state_of(notice) == before
    # With one: the figure changes and the history names the clerk and the reason
    response = client.post(url, {"on_hand": "5", "reason": "仓库又找到 2 件"}, **HTMX)
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.on_hand == 5
    history = re.search(r'data-testid="notice-history".*?</table>', response.content.decode(), re.S).group(0)
    said = gettext("On-hand quantity corrected from %(before)s to %(after)s: %(reason)s") % {
        "before": 3,
        "after": 5,
        "reason": "仓库又找到 2 件",
    }
    assert escape(said) in history and escape(demo_user("store1").get_full_name()) in history


# --- a reused document number ---


def test_a_reused_document_number_warns_and_needs_confirming(api_as, demo):
    # Given S001 logged 1 unit under TH-7 for this recall, and acknowledged 3
    notice = acknowledged(collecting_recall())
    log(notice, 1, document_no="TH-7")
    url = f"/api/v1/recall-notices/{notice.pk}/returns/"
    before = state_of(notice)

    # When it logs again under TH-7, it is warned and nothing is created
    response = api_as("store1").post(url, {"document_no": "TH-7", "lines": lines(1)}, format="json")
    assert response.status_code == 400
    assert "TH-7" in str(response.json()["document_no"]) and notice.recall.number in str(response.json())
    assert state_of(notice) == before

    # When it confirms the number, the units are logged
    confirmed = api_as("store1").post(
        url, {"document_no": "TH-7", "lines": lines(1), "confirm_reused_document_no": True}, format="json"
    )
    assert confirmed.status_code == 201
    assert Return.objects.filter(recall=notice.recall, receipt_no="TH-7").count() == 2


def test_a_document_number_used_for_another_recall_by_the_store_warns_on_the_page(client, demo_user):
    # Given S001 used TH-9 for another recall's units
    other = collecting_recall(defect_code=DefectCode.objects.filter(active=True).order_by("code")[1])
    log(acknowledged(other), 1, document_no="TH-9")
    notice = acknowledged(collecting_recall())
    client.force_login(demo_user("store1"))
    url = reverse("recalls:recallnotice_transition", args=[notice.pk, "recall_returns"])
    data = {"document_no": "TH-9", "color_0": "黑色", "size_0": "L", "quantity_0": "1"}
    before = state_of(notice)

    # When the clerk logs under TH-9: warned, with a box to confirm, nothing created
    response = client.post(url, data, **HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert other.number in page and 'name="confirm_document_no"' in page
    assert state_of(notice) == before

    # Ticking the box logs the unit
    response = client.post(url, {**data, "confirm_document_no": "on"}, **HTMX)
    assert response.status_code == 200
    assert Return.objects.filter(recall=notice.recall, receipt_no="TH-9").count() == 1


# --- logged 已登记 versus arrived 已返还 ---


def units(notice, state, count, **fields):
    for _ in range(count):
        ReturnFactory(
            store=notice.store,
            style=notice.recall.style,
            recall=notice.recall,
            state=state,
            onsite_handling=OnsiteHandling.RECALL,
            **fields,
        )


def test_compliance_counts_logged_and_arrived_units_apart(demo, api_as):
    # Given a recall past its deadline; S001 had 3 on hand, logged 3 of which 1 arrived at the center;
    # S002 had 3 on hand and 4 logged (before the refusal existed), all arrived
    recall = collecting_recall(deadline=timezone.localdate() - dt.timedelta(days=1))
    s001 = acknowledged(recall, "S001", 3)
    units(s001, ReturnState.IN_TRANSIT, 2)
    units(s001, ReturnState.RECEIVED, 1, received_at=timezone.now())
    s002 = acknowledged(recall, "S002", 3)
    units(s002, ReturnState.RECEIVED, 4, received_at=timezone.now())

    # When the compliance is read
    figures = recall_compliance(recall)
    rows = {row.store.code: (row.on_hand, row.logged, row.returned, row.late, row.over_on_hand)
            for row in figures.stores}  # fmt: skip

    # Then only arrived units count as returned; S001 is late (1 of 3 arrived), S002 flagged for logging 4 of 3
    assert rows == {"S001": (3, 3, 1, True, False), "S002": (3, 4, 4, False, True)}
    assert figures.totals["logged"] == 7 and figures.totals["returned"] == 5
    assert figures.totals["over_on_hand"] == 1
    # The API says the same, with the new fields added beside the old ones
    body = api_as("qa1").get(f"/api/v1/recalls/{recall.pk}/compliance/").json()
    assert {row["store"]: (row["logged"], row["returned"], row["over_on_hand"]) for row in body["stores"]} == {
        "S001": (3, 1, False), "S002": (4, 4, True),
    }  # fmt: skip
    notices = api_as("store1").get(f"/api/v1/recall-notices/{s001.pk}/").json()
    assert (notices["on_hand"], notices["logged"], notices["returned"], notices["late"]) == (3, 3, 1, True)


def test_compliance_page_and_xlsx_say_logged_until_the_units_arrive(client, demo_user):
    # Given S001 acknowledged 3 and logged 3, none arrived yet
    recall = collecting_recall()
    notice = acknowledged(recall, "S001", 3)
    units(notice, ReturnState.IN_TRANSIT, 3)
    client.force_login(demo_user("qa1"))

    page = client.get(reverse("recalls:recall_compliance", args=[recall.pk])).content.decode()
    row = re.search(r'<tr data-store="S001"[^>]*>(.*?)</tr>', page, re.S).group(1)
    got = {name: value.strip() for name, value in re.findall(r'data-figure="(\w+)">(.*?)</td>', row, re.S)}
    assert (got["on_hand"], got["logged"], got["returned"]) == ("3", "3", "0")
    assert gettext("Logged at the store") in page

    workbook = load_workbook(
        io.BytesIO(client.get(reverse("recalls:recall_compliance_xlsx", args=[recall.pk])).content)
    )
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[2]]
    values = dict(zip(header, [cell.value for cell in sheet[3]], strict=True))
    assert values[gettext("Logged at the store")] == 3
    assert values[gettext("Returned (arrived at the center)")] == 0

    # The store's notice page says the same
    client.force_login(demo_user("store1"))
    page = client.get(reverse("recalls:recallnotice_detail", args=[notice.pk])).content.decode()
    assert re.search(r'data-testid="logged">\s*3\s*<', page)
    assert re.search(r'data-testid="returned">\s*0\s*<', page)


# --- the deadline sentence ---


def test_the_notice_words_the_deadline_by_whether_it_has_passed(client, demo_user):
    client.force_login(demo_user("store1"))
    future = timezone.localdate() + dt.timedelta(days=10)
    notice = acknowledged(collecting_recall(deadline=future))
    page = client.get(reverse("recalls:recallnotice_detail", args=[notice.pk])).content.decode()
    sentence = re.search(r'data-testid="deadline-sentence"[^>]*>(.*?)</', page, re.S).group(1)
    assert escape(gettext("Return the units by %(date)s.") % {"date": future.isoformat()}) in sentence

    past = timezone.localdate() - dt.timedelta(days=2)
    notice = acknowledged(
        collecting_recall(deadline=past, defect_code=DefectCode.objects.filter(active=True).order_by("code")[1])
    )
    page = client.get(reverse("recalls:recallnotice_detail", args=[notice.pk])).content.decode()
    sentence = re.search(r'data-testid="deadline-sentence"[^>]*>(.*?)</', page, re.S).group(1)
    assert escape(gettext("Overdue: the deadline was %(date)s.") % {"date": past.isoformat()}) in sentence


def test_the_recall_messages_word_the_deadline_by_whether_it_has_passed(demo):
    from aftersales.notifications import render_message

    recall = collecting_recall(deadline=timezone.localdate() - dt.timedelta(days=1))
    context = {"recall": recall, "style": recall.style, "defect_code": recall.defect_code, "url": ""}
    date = recall.deadline.isoformat()
    # A notice issued after the deadline says it is overdue, not "return by" a past date
    _subject, text, html = render_message("recall_notice", {**context, "days_left": -1}, language="zh-hans")
    assert f"已逾期：截止日期为 {date}" in text and f"已逾期：截止日期为 {date}" in html
    assert " 前" not in text
    # Before the deadline it asks for the units by the date
    recall.deadline = timezone.localdate() + dt.timedelta(days=3)
    _subject, text, _html = render_message("recall_notice", {**context, "days_left": 3}, language="zh-hans")
    assert f"并于 {recall.deadline.isoformat()} 前" in text
    # A reminder on the deadline's day says today, not "in 0 days"
    notice = acknowledged(recall)
    recall.deadline = timezone.localdate()
    _subject, text, _html = render_message(
        "recall_deadline", {"notice": notice, "recall": recall, "days_left": 0, "url": ""}, language="zh-hans"
    )
    assert f"今天（{recall.deadline.isoformat()}）截止" in text and "0 天后" not in text
