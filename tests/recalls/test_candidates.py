"""Recall candidates 整款退货候选 and the daily notification of new ones.

A candidate is one style and one defect code with at least N Returns from at
least M stores within D days (defaults 5 / 3 / 30), counting the defect code
a store reported at logging and the codes inspection found, once per Return.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from aftersales.models import Alert, Notification
from cases.choices import ReturnState, Verdict
from cases.models import Return
from inspection.models import InspectionReport
from recalls import services as recalls
from recalls.choices import RecallState
from recalls.selectors import recall_candidate_list, recall_candidates
from recalls.tasks import recall_candidates_notify_task
from stores.models import Store
from suppliers.models import DefectCode, Style
from tests.factories.cases import ReturnFactory
from tests.factories.recalls import RecallFactory

JACKET = "226101JK001"
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def returns_for(stores: list[str], *, code="D04", style=JACKET, days_ago=1, **fields) -> list[Return]:
    """One Return per store code given (repeat a code for several from one store), logged ``days_ago`` days back."""
    items = [
        ReturnFactory(
            store=Store.objects.get(code=store),
            style=Style.objects.get(style_no=style),
            reported_defect=DefectCode.objects.get(code=code) if code else None,
            **fields,
        )
        for store in stores
    ]
    # created_at is set on insert; move it into the past the way time does.
    Return.objects.filter(pk__in=[item.pk for item in items]).update(created_at=NOW - dt.timedelta(days=days_ago))
    return items


def inspect_with(item: Return, codes: list[str]) -> None:
    report = InspectionReport.objects.create(
        return_item=item, inspector=item.logged_by, inspected_at=NOW, verdict=Verdict.NO_DEFECT
    )
    report.defect_codes.set(DefectCode.objects.filter(code__in=codes))


def test_the_thresholds_are_the_domain_defaults():
    assert (
        settings.AFTERSALES_RECALL_MIN_RETURNS,
        settings.AFTERSALES_RECALL_MIN_STORES,
        settings.AFTERSALES_RECALL_WINDOW_DAYS,
    ) == (5, 3, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stores", "expected"),
    [
        (["S001", "S001", "S002", "S003"], 0),  # N−1 Returns from M stores
        (["S001", "S001", "S001", "S002", "S002"], 0),  # N Returns from M−1 stores
        (["S001", "S001", "S002", "S002", "S003"], 1),  # N Returns from M stores
    ],
    ids=["n_minus_1_returns", "m_minus_1_stores", "n_and_m"],
)
def test_candidate_at_the_thresholds(demo, stores, expected):
    # Given Returns of one style reporting one defect code
    returns_for(stores)
    # When the candidates are computed
    found = recall_candidates(now=NOW)
    # Then only N Returns from M stores make a candidate, with its figures and the Returns behind it
    assert len(found) == expected
    if expected:
        (candidate,) = found
        assert (candidate.style.style_no, candidate.defect_code.code) == (JACKET, "D04")
        assert (candidate.return_count, candidate.store_count) == (5, 3)
        assert len(candidate.returns) == 5


@pytest.mark.django_db
def test_returns_outside_the_window_do_not_count(demo):
    # Given four recent Returns from three stores, and a fifth just outside the 30-day window
    returns_for(["S001", "S002", "S003", "S003"], days_ago=29)
    returns_for(["S004"], days_ago=30)
    Return.objects.filter(store__code="S004").update(created_at=NOW - dt.timedelta(days=30, seconds=1))
    # Then there is no candidate
    assert recall_candidates(now=NOW) == []
    # And once the fifth is inside the window, there is one
    Return.objects.filter(store__code="S004").update(created_at=NOW - dt.timedelta(days=30))
    assert len(recall_candidates(now=NOW)) == 1


@pytest.mark.django_db
def test_inspection_codes_count_and_a_return_counts_once_per_code(demo):
    # Given three Returns reporting D04, one reporting nothing but inspected as D04,
    # and one reporting D04 that inspection also found D04 (must count once)
    reported = returns_for(["S001", "S002", "S003"])
    silent = returns_for(["S004"], code=None)[0]
    inspect_with(silent, ["D04", "D01"])
    both = returns_for(["S001"])[0]
    inspect_with(both, ["D04"])
    # When the candidates are computed
    (candidate,) = recall_candidates(now=NOW)
    # Then five distinct Returns from four stores back the D04 candidate; D01 (one Return) is none
    assert (candidate.defect_code.code, candidate.return_count, candidate.store_count) == ("D04", 5, 4)
    assert {item.pk for item in candidate.returns} == {*(item.pk for item in reported), silent.pk, both.pk}


@pytest.mark.django_db
def test_other_styles_codes_cancelled_and_recall_returns_are_kept_apart(demo):
    # Given four Returns of the style with D04 from three stores; besides them, one with another code,
    # one of another style, one cancelled (logged by mistake) and one returned for a recall
    returns_for(["S001", "S002", "S003", "S003"])
    returns_for(["S004"], code="D01")
    returns_for(["S004"], style="226101JK002")
    returns_for(["S004"], state=ReturnState.CANCELLED)
    recall = RecallFactory(style=Style.objects.get(style_no=JACKET), state=RecallState.CLOSED)
    returns_for(["S004"], recall=recall)
    # Then none of those four is the fifth Return of a candidate
    assert recall_candidates(now=NOW) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "listed"),
    [
        (RecallState.PROPOSED, False),
        (RecallState.COLLECTING, False),
        (RecallState.REJECTED, True),
        (RecallState.CLOSED, True),
    ],
)
def test_a_pair_under_an_open_recall_is_not_proposed_again(demo, state, listed):
    # Given a candidate, and a recall of that style and code in some state
    returns_for(["S001", "S001", "S002", "S002", "S003"])
    RecallFactory(
        style=Style.objects.get(style_no=JACKET),
        defect_code=DefectCode.objects.get(code="D04"),
        state=state,
        rejection_reason="不构成批量问题" if state == RecallState.REJECTED else "",
    )
    # Then it is listed again only once that recall is rejected or closed
    assert bool(recall_candidates(now=NOW)) is listed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "sees"), [("tech1", True), ("qa1", True), ("store1", False), ("region1", False), ("supplier1", False)]
)
def test_only_technicians_and_qa_see_candidates(demo_user, login, sees):
    returns_for(["S001", "S001", "S002", "S002", "S003"])
    assert bool(recall_candidate_list(demo_user(login), now=NOW)) is sees


@pytest.mark.django_db
def test_candidates_are_counted_in_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    # Given three candidates with many Returns each
    for code in ("D01", "D04", "D05"):
        returns_for(["S001", "S002", "S003", "S004", "S101", "S102"], code=code)
    # Then computing them costs the same few queries however many there are
    with django_assert_max_num_queries(7):
        found = recall_candidates(now=NOW)
        assert sum(len(candidate.returns) for candidate in found) == 18


@pytest.mark.django_db
def test_new_candidates_are_notified_to_qa_once(demo, demo_user):
    # Given a candidate
    returns_for(["S001", "S001", "S002", "S002", "S003"], days_ago=0)
    Return.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    # When the daily task runs twice
    first = recall_candidates_notify_task.delay().get()
    second = recall_candidates_notify_task.delay().get()
    # Then QA was told once, and only QA
    assert (first, second) == ({"new_candidates": 1}, {"new_candidates": 0})
    messages = Notification.objects.filter(kind="recall_candidate")
    assert [message.recipient.username for message in messages] == ["qa1"]
    assert JACKET in messages.get().subject
    assert Alert.objects.filter(kind="recall_candidate").count() == 1


@pytest.mark.django_db
def test_a_new_code_on_the_same_style_is_a_new_candidate(demo):
    # Given a candidate already notified
    returns_for(["S001", "S001", "S002", "S002", "S003"], days_ago=0)
    Return.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert recalls.recall_candidates_notify() == 1
    # When the same style gathers another defect code's candidate
    returns_for(["S001", "S001", "S002", "S002", "S003"], code="D01", days_ago=0)
    Return.objects.filter(reported_defect__code="D01").update(created_at=timezone.now() - dt.timedelta(hours=1))
    # Then only that one is new
    assert recalls.recall_candidates_notify() == 1
    assert Return.objects.filter(state=ReturnState.LOGGED).count() == 10
