"""``/api/v1/incoming-lots/`` (api-contract.md): registration, every transition's permission matrix, bad input,
a lot from registration to release and a failed lot through each disposition, the report and the supplier's
``inspection_severity``."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.models import TransitionLog
from inspection.models import IncomingLot
from inspection.services import incominglot_start_inspection
from suppliers.models import Supplier
from tests.support.incoming import inspect, register, rejected, reviewed, snapshot, user
from tests.support.refusals import Refusal, assert_refused, attempt, by_login, refusal_cases

URL = "/api/v1/incoming-lots/"
ITEMS = ["外观", "尺寸", "做工"]


def action(name):
    return lambda lot: f"{URL}{lot.pk}/{name}/"


def started():
    return incominglot_start_inspection(user=user("tech1"), lot=register())


def accepted():
    return inspect(register())


def discontinued_supplier_lot():
    lot = register(supplier="SUP02", style="225101JK015")
    Supplier.objects.filter(code="SUP02").update(inspection_severity="discontinued")
    return lot


RESULT = {"defects": [{"defect_class": "major", "defect_code": "D01", "quantity": 2}], "items_checked": ITEMS}
REVIEW = {"disposition": "rework", "notes": "工厂返工"}
ROLES = ["store1", "region1", "hotline1", "finance1", "supplier1"]
CENTER = ["tech1", "qa1", "logistics1", "vp1"]

TRANSITIONS = {
    # name: (who may, arrange, arrange in a wrong state, payload)
    "start_inspection": ("tech1", register, accepted, {}),
    "record_result": ("tech1", started, register, RESULT),
    "release": ("logistics1", accepted, rejected, {}),
    "review": ("qa1", rejected, accepted, REVIEW),
    "approve_concession": ("vp1", lambda: reviewed("concession"), rejected, {}),
}

TABLE = []
for name, (allowed, arrange, wrong_state, payload) in TRANSITIONS.items():
    answers = [(None, 401), *[(who, 403) for who in [*ROLES, *CENTER] if who != allowed]]
    TABLE += by_login(name, answers, arrange=arrange, url=action(name), payload=payload)
    TABLE.append(Refusal(action=name, case="wrong_state", who=allowed, expected=409, arrange=wrong_state,
                         url=action(name), payload=payload))  # fmt: skip
    TABLE.append(Refusal(action=name, case="other_supplier", who="supplier1", expected=404,
                         arrange=lambda: register(supplier="SUP02", style="225101JK015"), url=action(name),
                         payload=payload))  # fmt: skip
    TABLE.append(Refusal(action=name, case="allowed", who=allowed, expected=200, arrange=arrange, url=action(name),
                         payload=payload))  # fmt: skip
TABLE += [
    Refusal(action="start_inspection", case="discontinued_supplier", who="tech1", expected=409,
            arrange=discontinued_supplier_lot, url=action("start_inspection"), payload={}),
    Refusal(action="record_result", case="beyond_sample", who="tech1", expected=400, arrange=started,
            url=action("record_result"),
            payload={"defects": [{"defect_class": "minor", "defect_code": "D03", "quantity": 126}],
                     "items_checked": ITEMS}),
    Refusal(action="record_result", case="split_beyond_sample", who="tech1", expected=400, arrange=started,
            url=action("record_result"),
            payload={"defects": [{"defect_class": "minor", "defect_code": "D03", "quantity": 100},
                                 {"defect_class": "minor", "defect_code": "D01", "quantity": 26}],
                     "items_checked": ITEMS}),
    Refusal(action="record_result", case="unknown_code", who="tech1", expected=400, arrange=started,
            url=action("record_result"),
            payload={"defects": [{"defect_class": "major", "defect_code": "ZZZ", "quantity": 1}],
                     "items_checked": ITEMS}),
    Refusal(action="record_result", case="unknown_class", who="tech1", expected=400, arrange=started,
            url=action("record_result"),
            payload={"defects": [{"defect_class": "fatal", "defect_code": "D01", "quantity": 1}],
                     "items_checked": ITEMS}),
    Refusal(action="record_result", case="no_items", who="tech1", expected=400, arrange=started,
            url=action("record_result"), payload={"defects": [], "items_checked": []}),
    Refusal(action="record_result", case="typed_verdict_ignored_state", who="tech1", expected=400, arrange=started,
            url=action("record_result"), payload={"defects": "accepted", "items_checked": ITEMS}),
    Refusal(action="review", case="bad_disposition", who="qa1", expected=400, arrange=rejected,
            url=action("review"), payload={"disposition": "scrap"}),
    Refusal(action="release", case="rejected_lot", who="logistics1", expected=409, arrange=rejected,
            url=action("release"), payload={}),
    Refusal(action="approve_concession", case="qa_approves", who="qa1", expected=403,
            arrange=lambda: reviewed("concession"), url=action("approve_concession"), payload={}),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(TABLE, snapshot=snapshot))
def test_transition_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        assert tried.after != tried.before
        assert TransitionLog.objects.for_object(tried.subject).filter(transition=row.action).exists()
    else:
        assert_refused(tried)


NEW_LOT = {
    "supplier": "SUP01",
    "style": "226101JK001",
    "po_number": "PO-2026-118",
    "quantity": 1500,
    "cartons": 60,
    "delivery_date": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
}
CREATE_TABLE = [
    *by_login("create", [(None, 401), *[(who, 403) for who in ["store1", "tech1", "qa1", "vp1", "supplier1"]]],
              arrange=lambda: None, url=lambda _subject: URL, payload=NEW_LOT),
    Refusal(action="create", case="lot_of_1", who="logistics1", expected=400, arrange=lambda: None,
            url=lambda _subject: URL, payload={**NEW_LOT, "quantity": 1}),
    Refusal(action="create", case="lot_of_0", who="logistics1", expected=400, arrange=lambda: None,
            url=lambda _subject: URL, payload={**NEW_LOT, "quantity": 0}),
    Refusal(action="create", case="bad_level", who="logistics1", expected=400, arrange=lambda: None,
            url=lambda _subject: URL, payload={**NEW_LOT, "level": "IV"}),
    Refusal(action="create", case="others_style", who="logistics1", expected=400, arrange=lambda: None,
            url=lambda _subject: URL, payload={**NEW_LOT, "style": "225101JK015"}),
    Refusal(action="create", case="unknown_supplier", who="logistics1", expected=400, arrange=lambda: None,
            url=lambda _subject: URL, payload={**NEW_LOT, "supplier": "NOPE"}),
    Refusal(action="create", case="allowed", who="logistics1", expected=201, arrange=lambda: None,
            url=lambda _subject: URL, payload=NEW_LOT),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("row", refusal_cases(CREATE_TABLE, snapshot=lambda _subject: IncomingLot.objects.count()))
def test_create_matrix(api_as, demo, row):
    tried = attempt(row, api_as)
    if row.allowed:
        body = tried.response.json()
        assert body["state"] == "registered" and body["severity"] == "normal"
        assert body["plan"] == {
            "critical": {"aql": "0", "code_letter": "K", "sample_size": 125, "accept": 0, "reject": 1},
            "major": {"aql": "2.5", "code_letter": "K", "sample_size": 125, "accept": 7, "reject": 8},
            "minor": {"aql": "4.0", "code_letter": "K", "sample_size": 125, "accept": 10, "reject": 11},
        }
        assert len(body["inspections"][0]["cartons_to_open"]) == 8
        assert body["available_transitions"] == []  # logistics1 neither inspects nor reviews
    else:
        assert_refused(tried)


@pytest.mark.django_db
def test_a_lot_from_registration_to_release_over_the_api(api_as, demo):
    logistics, tech = api_as("logistics1"), api_as("tech1")
    body = logistics.post(URL, NEW_LOT, format="json").json()
    lot_url = f"{URL}{body['id']}/"
    assert tech.get(lot_url).json()["available_transitions"] == ["start_inspection"]
    assert tech.post(lot_url + "start_inspection/", {}, format="json").status_code == 200
    response = tech.post(lot_url + "record_result/", {**RESULT, "notes": "抽检8箱"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "accepted"
    assert body["inspections"][0]["defects"] == [{"defect_class": "major", "defect_code": "D01", "quantity": 2}]
    assert logistics.get(lot_url).json()["available_transitions"] == ["release"]
    body = logistics.post(lot_url + "release/", {}, format="json").json()
    assert (body["state"], body["released_by"]) == ("released", "logistics1")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("disposition", "state", "then"),
    [("rework", "rework", "start_inspection"), ("return_to_supplier", "returned", None),
     ("concession", "concession", "approve_concession")],
)  # fmt: skip
def test_a_failed_lot_through_each_disposition(api_as, demo, disposition, state, then):
    lot = rejected()
    lot_url = f"{URL}{lot.pk}/"
    new_date = (lot.delivery_date + dt.timedelta(days=7)).isoformat()
    body = api_as("qa1").post(lot_url + "review/", {"disposition": disposition, "notes": "与工厂确认",
                                                    "delivery_date": new_date}, format="json").json()  # fmt: skip
    assert (body["state"], body["disposition"], body["delivery_date"]) == (state, disposition, new_date)
    if then == "start_inspection":
        assert body["severity"] == "normal" and body["inspections"][1]["severity"] == "tightened"
        assert api_as("tech1").post(lot_url + "start_inspection/", {}, format="json").status_code == 200
    elif then == "approve_concession":
        body = api_as("vp1").post(lot_url + "approve_concession/", {}, format="json").json()
        assert (body["state"], body["concession_approved_by"]) == ("released", "vp1")
    else:
        assert api_as("qa1").get(lot_url).json()["available_transitions"] == []


@pytest.mark.django_db
def test_a_supplier_sees_its_own_lots_only(api_as, demo):
    own = register()
    other = register(supplier="SUP02", style="225101JK015")
    client = api_as("supplier1")
    numbers = [row["number"] for row in client.get(URL).json()["results"]]
    assert own.number in numbers and other.number not in numbers
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    assert client.get(f"{URL}{own.pk}/").json()["available_transitions"] == []


@pytest.mark.django_db
def test_the_list_costs_a_fixed_number_of_queries(api_as, demo):
    client = api_as("qa1")
    register()
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for _ in range(4):
        inspect(register())
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(URL).json()["results"]) == 5
    assert len(five) == len(one)


@pytest.mark.django_db
def test_the_supplier_api_has_the_inspection_severity(api_as, demo):
    rejected()
    rejected()
    supplier = Supplier.objects.get(code="SUP01")
    # The suppliers API looks a supplier up by id (api-contract.md writes ``{code}``).
    assert api_as("qa1").get(f"/api/v1/suppliers/{supplier.pk}/").json()["inspection_severity"] == "tightened"


@pytest.mark.django_db
def test_the_report_is_a_chinese_pdf_frozen_at_the_result(api_as, demo, tmp_path):
    import hashlib
    import subprocess

    lot = inspect(register(), major=8)
    client = api_as("qa1")
    assert client.get(f"{URL}{register().pk}/report/").status_code == 404  # no result yet
    response = client.get(f"{URL}{lot.pk}/report/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    for expected in ("验货报告单", lot.number, "GB/T 2828.1", "严重缺陷", "不合格", "开线", "检验员"):
        assert expected in text, expected
    lot.refresh_from_db()
    inspection = lot.current_inspection
    assert inspection.report_sha256 == hashlib.sha256(content).hexdigest()
    again = client.get(f"{URL}{lot.pk}/report/")
    assert (b"".join(again.streaming_content) if again.streaming else again.content) == content
    assert api_as("supplier1").get(f"{URL}{lot.pk}/report/").status_code == 200
    assert api_as("store1").get(f"{URL}{lot.pk}/report/").status_code in (403, 404)
