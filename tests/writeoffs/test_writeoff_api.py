"""``/api/v1/writeoff-lists/``: build (201/200), the transitions' permission matrix, line removal, detail shape,
downloads and fixed query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aftersales.models import TransitionLog
from aftersales.periods import future_period_message, previous_period
from cases.choices import ReturnState
from cases.models import Return
from tests.factories.stores import UserFactory
from tests.factories.writeoffs import WriteOffLineFactory, WriteOffListFactory, scrapped_unit
from tests.support.refusals import Refusal, assert_refused, attempt, refusal_cases
from tests.support.returns import user
from writeoffs.choices import WriteOffListState
from writeoffs.models import LossReport, WriteOffLine, WriteOffList

pytestmark = pytest.mark.django_db

URL = "/api/v1/writeoff-lists/"
PERIOD = f"{previous_period():%Y-%m}"


@pytest.fixture
def units(demo):
    return [
        scrapped_unit(style_no="226101JK001"),
        scrapped_unit(style_no="225101JK015", store_code="S002"),
    ]


def built(api_as):
    response = api_as("tech1").post(URL, {"period": PERIOD}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def snapshot(pk: int) -> tuple:
    row = WriteOffList.objects.get(pk=pk)
    return (
        row.state,
        row.submitted_by_id,
        row.confirmed_by_id,
        row.approved_by_id,
        row.total_cost,
        WriteOffLine.objects.filter(removed_at=None).count(),
        TransitionLog.objects.count(),
    )


def test_post_builds_then_answers_the_existing_list(units, api_as):
    # when a technician posts the period twice
    first = built(api_as)
    second = api_as("tech2").post(URL, {"period": PERIOD}, format="json")
    # then the first builds (201), the second answers the same list (200), with the same rows
    assert second.status_code == 200
    assert second.json()["id"] == first["id"]
    assert second.json()["lines"] == first["lines"]
    assert first["period"] == PERIOD
    assert first["number"] == f"WO-{PERIOD.replace('-', '')}"
    assert first["total"] == "723.00"
    assert first["state"] == "draft"
    assert first["available_transitions"] == ["submit"]
    line = next(line for line in first["lines"] if line["style"] == "226101JK001")
    assert line == {
        **line,
        "return_id": units[0].pk,
        "number": units[0].number,
        "production_year": 2025,
        "unit_cost": "268.00",
        "responsibility": "supplier",
        "party": "SUP01",
    }


@pytest.mark.parametrize(
    ("period", "message"),
    [("2026-13", "YYYY-MM"), ("26-10", "YYYY-MM"), ("", ""), ("2999-01", future_period_message("2999-01"))],
)
def test_bad_or_future_period_is_400_with_a_message(demo, api_as, period, message):
    response = api_as("tech1").post(URL, {"period": period}, format="json")
    assert response.status_code == 400
    assert "period" in response.json()
    assert message in " ".join(response.json()["period"])
    assert not WriteOffList.objects.exists()


def test_build_needs_a_technician(demo, api_as):
    assert APIClient().post(URL, {"period": PERIOD}, format="json").status_code == 401
    assert api_as("logistics1").post(URL, {"period": PERIOD}, format="json").status_code == 403
    assert api_as("store1").post(URL, {"period": PERIOD}, format="json").status_code == 403
    assert not WriteOffList.objects.exists()


def test_filters_by_period_and_state(units, api_as):
    WriteOffListFactory(period=dt.date(2024, 5, 1), state=WriteOffListState.DESTROYED)
    built(api_as)
    client = api_as("vp1")
    assert [row["period"] for row in client.get(URL, {"period": PERIOD}).json()["results"]] == [PERIOD]
    assert [row["period"] for row in client.get(URL, {"state": "destroyed"}).json()["results"]] == ["2024-05"]
    bad = client.get(URL, {"period": "May 2024"})
    assert bad.status_code == 400
    assert "period" in bad.json()


# The permission matrix of every transition: (transition, state the list is in, who, body, expected status).
SUBMITTED_BY_TECH1 = {"submitted_by": "tech1"}
MATRIX = [
    ("submit", "draft", None, {}, 401),
    ("submit", "draft", "logistics1", {}, 403),
    ("submit", "draft", "store1", {}, 403),
    ("submit", "submitted", "tech1", {}, 409),
    ("submit", "draft", "tech1", {}, 200),
    ("confirm", "submitted", None, {}, 401),
    ("confirm", "submitted", "tech2", {}, 403),
    ("confirm", "submitted", "vp1", {}, 403),
    ("confirm", "draft", "logistics1", {}, 409),
    ("confirm", "submitted", "logistics1", {}, 200),
    ("approve", "confirmed", None, {}, 401),
    ("approve", "confirmed", "logistics1", {}, 403),
    ("approve", "confirmed", "tech1", {}, 403),
    ("approve", "submitted", "vp1", {}, 409),
    ("approve", "confirmed", "vp1", {}, 200),
    ("reject", "submitted", None, {"reason": "x"}, 401),
    ("reject", "submitted", "vp1", {"reason": "x"}, 403),
    ("reject", "confirmed", "logistics1", {"reason": "x"}, 403),
    ("reject", "draft", "vp1", {"reason": "x"}, 409),
    ("reject", "confirmed", "vp1", {}, 400),
    ("reject", "confirmed", "vp1", {"reason": "成本不对"}, 200),
    ("reject", "submitted", "logistics1", {"reason": "少一件"}, 200),
    ("record_destruction", "approved", None, {}, 401),
    ("record_destruction", "approved", "vp1", {}, 403),
    ("record_destruction", "confirmed", "tech1", {}, 409),
    ("record_destruction", "approved", "tech1", {"method": "焚烧"}, 400),
    ("record_destruction", "approved", "tech1", "full", 200),
]


def list_in_state(demo_user, state: str) -> WriteOffList:
    """A list of last month with two units, moved to ``state`` by tech1 / logistics1 as the real flow would."""
    values = {"state": state}
    if state in ("submitted", "confirmed", "approved"):
        values.update(submitted_by=demo_user("tech1"), submitted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    if state in ("confirmed", "approved"):
        values.update(confirmed_by=demo_user("logistics1"), confirmed_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    if state == "approved":
        values.update(approved_by=demo_user("vp1"), approved_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC))
    writeoff_list = WriteOffListFactory(**values)
    unit_state = ReturnState.WRITTEN_OFF if state == "approved" else ReturnState.SCRAP_PENDING
    for style_no in ("226101JK001", "226201TS003"):
        unit = scrapped_unit(style_no=style_no)
        Return.objects.filter(pk=unit.pk).update(state=unit_state)
        WriteOffLineFactory(writeoff_list=writeoff_list, return_item=unit)
    WriteOffList.objects.filter(pk=writeoff_list.pk).update(total_cost=Decimal("316.00"))
    return writeoff_list


def destruction_record(body):
    if body != "full":
        return body
    return lambda writeoff_list: {
        "destroyed_on": timezone.localdate().isoformat(),
        "method": "剪碎焚烧",
        "warehouse_person": "周仓管",
        "witness": "行政部 李监督",
    }


TRANSITION_MATRIX = [
    Refusal(
        action=name,
        case=state,  # the state the list is in
        who=username,
        expected=expected,
        arrange=lambda state=state: list_in_state(user, state),
        url=lambda writeoff_list, name=name: f"{URL}{writeoff_list.pk}/{name}/",
        payload=destruction_record(body),
    )
    for name, state, username, body, expected in MATRIX
]


@pytest.mark.parametrize("row", refusal_cases(TRANSITION_MATRIX, snapshot=lambda writeoff: snapshot(writeoff.pk)))
def test_transition_permission_matrix(demo, api_as, row):
    # given a list in the state, when the user fires the transition
    tried = attempt(row, api_as)
    # then the answer is the expected one, and a refusal changed nothing
    if row.allowed:
        assert tried.response.json()["state"] != row.case
    else:
        assert_refused(tried)
        if row.expected != 401:
            body = tried.response.json()
            assert body["detail" if row.expected != 400 else next(iter(body))]


def test_the_same_person_cannot_confirm_their_own_submission_over_the_api(units, api_as, demo_user):
    # given a user with both roles who submitted the list
    both = UserFactory(roles=["technician", "logistics_manager"])
    client = APIClient()
    client.force_authenticate(both)
    pk = client.post(URL, {"period": PERIOD}, format="json").json()["id"]
    assert client.post(f"{URL}{pk}/submit/", {}, format="json").status_code == 200
    before = snapshot(pk)
    # when they confirm it
    response = client.post(f"{URL}{pk}/confirm/", {}, format="json")
    # then 403 and nothing changed; confirm is not offered to them
    assert response.status_code == 403
    assert snapshot(pk) == before
    assert "confirm" not in client.get(f"{URL}{pk}/").json()["available_transitions"]
    assert "confirm" in api_as("logistics1").get(f"{URL}{pk}/").json()["available_transitions"]


def test_approval_failing_on_one_unit_rolls_everything_back(units, api_as):
    # given a confirmed list one of whose units left the scrap path meanwhile
    pk = built(api_as)["id"]
    api_as("tech1").post(f"{URL}{pk}/submit/", {}, format="json")
    api_as("logistics1").post(f"{URL}{pk}/confirm/", {}, format="json")
    Return.objects.filter(pk=units[1].pk).update(state=ReturnState.READY_TO_RETURN)
    before = snapshot(pk)
    # when the VP approves
    response = api_as("vp1").post(f"{URL}{pk}/approve/", {}, format="json")
    # then 409 naming the unit, and nothing changed
    assert response.status_code == 409
    assert units[1].number in response.json()["detail"]
    assert snapshot(pk) == before
    assert Return.objects.get(pk=units[0].pk).state == ReturnState.SCRAP_PENDING
    assert not LossReport.objects.exists()


def test_full_flow_shows_approvals_and_loss_reports(units, api_as):
    pk = built(api_as)["id"]
    api_as("tech1").post(f"{URL}{pk}/submit/", {}, format="json")
    api_as("logistics1").post(f"{URL}{pk}/confirm/", {}, format="json")
    detail = api_as("vp1").post(f"{URL}{pk}/approve/", {}, format="json").json()
    assert [(row["step"], row["by"]) for row in detail["approvals"]] == [
        ("submitted", "tech1"),
        ("confirmed", "logistics1"),
        ("approved", "vp1"),
    ]
    assert {(row["party"], row["total"]) for row in detail["loss_reports"]} == {
        ("SUP01", "268.00"),
        ("SUP02", "455.00"),
    }
    assert detail["available_transitions"] == []
    assert api_as("tech1").get(f"{URL}{pk}/").json()["available_transitions"] == ["record_destruction"]


def test_remove_line_needs_a_reason_and_frees_the_unit(units, api_as):
    detail = built(api_as)
    pk, line = detail["id"], detail["lines"][0]
    client = api_as("tech1")
    # without a reason, or with a line of another list: 400, nothing changed
    before = snapshot(pk)
    assert client.post(f"{URL}{pk}/remove_line/", {"line": line["id"]}, format="json").status_code == 400
    other = client.post(f"{URL}{pk}/remove_line/", {"line": 999999, "reason": "x"}, format="json")
    assert other.status_code == 400 and "line" in other.json()
    assert snapshot(pk) == before
    # wrong role 403; anonymous 401
    assert api_as("logistics1").post(f"{URL}{pk}/remove_line/", {"line": line["id"], "reason": "x"}).status_code == 403
    assert APIClient().post(f"{URL}{pk}/remove_line/", {"line": line["id"], "reason": "x"}).status_code == 401
    # with a reason: 200, the unit is off and the total follows
    response = client.post(f"{URL}{pk}/remove_line/", {"line": line["id"], "reason": "复检"}, format="json")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["removed_lines"]] == [line["id"]]
    assert response.json()["removed_lines"][0]["removal_reason"] == "复检"
    assert len(response.json()["lines"]) == 1
    assert Decimal(response.json()["total"]) == Decimal(detail["total"]) - Decimal(line["unit_cost"])
    # and past draft it is 409
    client.post(f"{URL}{pk}/submit/", {}, format="json")
    remaining = response.json()["lines"][0]["id"]
    assert client.post(f"{URL}{pk}/remove_line/", {"line": remaining, "reason": "x"}).status_code == 409


def test_outsiders_cannot_read_lists(units, api_as):
    pk = built(api_as)["id"]
    assert APIClient().get(URL).status_code == 401
    for username in ("store1", "supplier1", "region1"):
        assert api_as(username).get(URL).status_code == 403
        assert api_as(username).get(f"{URL}{pk}/").status_code == 403
        assert api_as(username).get(f"{URL}{pk}/pdf/").status_code == 403


def test_downloads_are_named_by_number(units, api_as):
    pk = built(api_as)["id"]
    number = f"WO-{PERIOD.replace('-', '')}"
    pdf = api_as("finance1").get(f"{URL}{pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="{number}.pdf"' in pdf["Content-Disposition"]
    xlsx = api_as("finance1").get(f"{URL}{pk}/xlsx/")
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    assert f'filename="{number}.xlsx"' in xlsx["Content-Disposition"]
    assert api_as("finance1").get(f"{URL}999999/pdf/").status_code == 404


def test_list_uses_a_fixed_number_of_queries(demo, api_as, django_assert_max_num_queries):
    # given many lists with lines
    for month in range(1, 13):
        writeoff_list = WriteOffListFactory(period=dt.date(2024, month, 1))
        WriteOffLineFactory.create_batch(2, writeoff_list=writeoff_list)
    client = api_as("vp1")
    client.get(URL)  # warm the token and role caches of this client
    # when the list is read, then the queries do not grow with the rows
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 50})
    assert len(response.json()["results"]) == 12
    assert {row["unit_count"] for row in response.json()["results"]} == {2}
