"""The Return 退货 model: its state machine equals domain.md's table, numbering, the audit log, turnaround, masking.

The table is read from ``../shared/design/domain.md`` beside the repository
when it is there (a developer's checkout, CI), else from the verbatim copy
``docs/domain.md``; when both are reachable the copy must equal the original,
so it cannot silently drift.
"""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from aftersales.fsm import VIA, state_field, transitions_of
from aftersales.management.commands.draw_workflow import OUTPUT, PICTURES, svg_marker, workflow_dot
from aftersales.models import TransitionLog
from cases import services
from cases.choices import DueStatus, ReturnState
from cases.models import VERDICT_TARGETS, Return
from cases.permissions import customer_contact_for, mask_name, mask_phone
from stores.models import Store
from suppliers.models import Style
from tests.factories.cases import ReturnFactory

REPO = Path(__file__).resolve().parents[2]
ORIGINAL = REPO.parent / "shared" / "design" / "domain.md"
COPY = REPO / "docs" / "domain.md"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DEMO_LOGINS = ["store1", "store2", "store101", "region1", "tech1", "tech2", "hotline1", "qa1", "logistics1",
               "vp1", "finance1", "supplier1", "admin"]  # fmt: skip


@dataclass(frozen=True)
class Row:
    state: str
    transition: str | None  # None: reached by creation
    verdict: str | None
    source: str | None  # only where the table states it ("only from `logged`")
    who: str  # store_staff, technician or system


def domain_md() -> str:
    return (ORIGINAL if ORIGINAL.exists() else COPY).read_text(encoding="utf-8")


def table_rows() -> list[Row]:
    """The Return's state table of domain.md, one Row per way of reaching a state."""
    lines = domain_md().splitlines()
    start = lines.index("| state | 中文 | reached by transition | who may fire it |")
    rows, state = [], None
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        state = cells[0].strip("`") or state  # an empty state cell continues the row above
        who = re.match(r"(store_staff|technician|system)\b", cells[3]).group(1)
        # Ways of reaching a state are separated by ";" (but not the ";" inside a parenthesised remark).
        for segment in re.split(r";(?![^()]*\))", cells[2]):
            if segment.strip() == "creation":
                rows.append(Row(state, None, None, None, who))
                continue
            names = re.findall(r"`([a-z_]+)`", segment)
            verdict = re.search(r"verdict `([a-z_]+)`", segment)
            source = re.search(r"from `([a-z_]+)`", segment)
            rows.append(
                Row(state, names[0], verdict and verdict.group(1), source and source.group(1), who)
            )  # fmt: skip
    return rows


def code_pairs() -> set[tuple[str, str, str]]:
    """(transition, source, target) of every transition of Return's FSM, RETURN_VALUE targets expanded."""
    pairs = set()
    for name, items in transitions_of(Return).items():
        for item in items:
            targets = getattr(item.target, "allowed_states", None) or [item.target]
            pairs.update((name, str(item.source), str(target)) for target in targets)
    return pairs


def test_the_committed_copy_of_domain_md_is_verbatim():
    # Given the shared design folder beside the repository (absent on a bare clone)
    if not ORIGINAL.exists():
        pytest.skip(f"{ORIGINAL} is not beside this checkout; the committed copy stands in for it")
    # Then docs/domain.md is the same text, so tests on a bare clone check the real table
    assert COPY.read_text(encoding="utf-8") == ORIGINAL.read_text(encoding="utf-8"), (
        "docs/domain.md differs from ../shared/design/domain.md: copy it again and re-run the tests"
    )


def test_the_table_is_parsed_whole():
    # A parser that silently found nothing would make every comparison below pass vacuously.
    rows = table_rows()
    assert len(rows) == 17
    assert {row.transition for row in rows} >= {"resolve_at_store", "inspect", "charge_back"}


def test_states_equal_the_table():
    # Given the table's states and the model's choices
    table_states = {row.state for row in table_rows()}
    # Then they are the same set, and a new Return starts in the state reached "by creation"
    assert set(ReturnState.values) == table_states | REFERRAL_STATES
    assert set(dict(state_field(Return).flatchoices)) == table_states | REFERRAL_STATES
    created = [row.state for row in table_rows() if row.transition is None]
    assert created == [ReturnState.LOGGED] == [state_field(Return).get_default()]


# domain.md's "Batch recall" section moves a recall's Returns outside the table: "at `ship_to_supplier` its Returns
# go `at_supplier`" and "`unrepairable` puts them `scrap_pending`" (issue 13). The code fires both through the recall
# (technicians): the Return's ``ship_to_supplier``, and ``scrap_at_supplier`` for the factory's unrepairable outcome.
RECALL_SECTION = {
    # transition: (source, target, who)
    "ship_to_supplier": ("received", "at_supplier", "technician"),
    "scrap_at_supplier": ("at_supplier", "scrap_pending", "technician"),
}


# The referral to a repair point 转维修点 (issue 13; seed 000, 三 2.2): domain.md names no transition for it (the
# service center "can send a unit back to its store or the nearest authorized repair point for local repair, and
# that store resolves it" is the issue's, not the table's). The smallest thing consistent with the table: one state
# ``referred``, reached from ``received`` by ``refer_to_repair_point`` (technician) and left by the table's own
# ``resolve_at_store`` (store staff: of the repair point) to ``resolved_at_store``.
REFERRAL = {
    # transition: (source, target, who)
    "refer_to_repair_point": ("received", "referred", "technician"),
}
REFERRAL_STATES = {"referred"}
REFERRAL_SOURCES = {"resolve_at_store": {"referred"}}


# Paid repair past the warranty (issue 15; seed 004): domain.md's *Service desk* says "a refusal sends the unit back
# unrepaired" and names no transition for it. The smallest thing consistent with the table: ``return_unrepaired``
# from ``repairing`` to ``ready_to_return`` (the unit then ships back like a repaired one), fired by the repair
# ticket's ``refuse_quote``, so by whoever records the customer's answer: the hotline or the store's own staff.
PAID_REPAIR = {
    # transition: (source, target, who)
    "return_unrepaired": ("repairing", "ready_to_return", "hotline or store staff"),
}


def test_domain_md_still_names_no_referral():
    # When domain.md gains a referral row, the table replaces REFERRAL above.
    assert "refer_to_repair_point" not in domain_md() and "`referred`" not in domain_md()


def test_the_batch_recall_section_says_where_recall_units_go():
    text = " ".join(domain_md().split())
    assert "at `ship_to_supplier` its Returns go `at_supplier`" in text
    assert "`unrepairable` puts them `scrap_pending`" in text


def test_transition_names_and_targets_equal_the_table():
    # Given every (transition, target) the table (and its Batch recall section) names, and the code's
    table = {(row.transition, row.state) for row in table_rows() if row.transition}
    table |= {(name, target) for name, (_source, target, _who) in RECALL_SECTION.items()}
    table |= {(name, target) for name, (_source, target, _who) in REFERRAL.items()}
    table |= {(name, target) for name, (_source, target, _who) in PAID_REPAIR.items()}
    code = {(name, target) for name, _source, target in code_pairs()}
    # Then they are equal: no transition missing, extra, renamed or pointing elsewhere
    assert code == table


def test_inspect_verdicts_lead_where_the_table_says():
    # Given the table's "inspect with verdict X" rows
    table = {row.verdict: row.state for row in table_rows() if row.transition == "inspect"}
    # Then the model sends each verdict to that state, and knows no other verdict
    assert {str(verdict): str(state) for verdict, state in VERDICT_TARGETS.items()} == table


# Sources the table's rules and order imply where its row does not say "from …": a store ships and
# resolves logged units; the center receives what is in transit, inspects received units, finishes
# repairs and supplier rework, ships ready units back; the store confirms what is returning; the
# write-off list holds scrap_pending units and the chargeback written-off ones.
IMPLIED_SOURCES = {
    "resolve_at_store": {"logged"},
    "cancel": {"logged"},
    "dispatch": {"logged"},
    "receive": {"in_transit"},
    "mark_missing": {"in_transit"},
    "found": {"missing"},
    "inspect": {"received"},
    "complete_repair": {"repairing"},
    "receive_from_supplier": {"at_supplier"},
    "ship_back": {"ready_to_return"},
    "confirm_returned": {"returning"},
    "write_off": {"scrap_pending"},
    "charge_back": {"written_off"},
    **{name: {source} for name, (source, _target, _who) in RECALL_SECTION.items()},
    **{name: {source} for name, (source, _target, _who) in REFERRAL.items()},
    **{name: {source} for name, (source, _target, _who) in PAID_REPAIR.items()},
}


def test_source_states_follow_the_table():
    # Given the code's sources per transition
    sources: dict[str, set[str]] = {}
    for name, source, _target in code_pairs():
        sources.setdefault(name, set()).add(source)
    # Then each source the table states ("only from `logged`", "from `missing`") is the only one
    stated = {row.transition: row.source for row in table_rows() if row.source}
    assert stated == {"cancel": "logged", "found": "missing"}
    for name, source in stated.items():
        assert sources[name] == {source}, name
    # And every other transition leaves exactly the state the workflow implies
    implied = {name: states | REFERRAL_SOURCES.get(name, set()) for name, states in IMPLIED_SOURCES.items()}
    assert sources == implied


@pytest.mark.django_db
def test_who_may_fire_equals_the_table(demo_user):
    # Given every demo login and, per transition, a Return of store S001 in the transition's source state
    store = Store.objects.get(code="S001")
    users = {login: demo_user(login) for login in DEMO_LOGINS}
    expected_by_role = {
        "store_staff": {"store1"},
        "technician": {"tech1", "tech2"},
        "system": set(),
        "hotline or store staff": {"hotline1", "store1"},
    }
    table = {row.transition: row.who for row in table_rows() if row.transition}
    table |= {name: who for name, (_source, _target, who) in RECALL_SECTION.items()}
    table |= {name: who for name, (_source, _target, who) in REFERRAL.items()}
    table |= {name: who for name, (_source, _target, who) in PAID_REPAIR.items()}
    checked = set()
    for name, items in transitions_of(Return).items():
        for item in items:
            # (A unit referred back to its own store: the store resolves it.)
            unit = Return(store=store, state=item.source, repair_point=store)
            # When each login's permission is evaluated
            allowed = {login for login, user in users.items() if item.has_perm(unit, user)}
            # Then exactly the table's role may fire it: store staff of that very store only
            # (not another store's staff nor its region manager), any technician, or nobody for the system
            assert allowed == expected_by_role[table[name]], name
            checked.add(name)
    assert checked == set(table)


@pytest.mark.django_db
def test_a_store_never_fires_for_another_store(demo_user):
    # Given a Return of S002, whose staff is store2
    unit = Return(store=Store.objects.get(code="S002"), state=ReturnState.LOGGED)
    cancel = transitions_of(Return)["cancel"][0]
    # Then store1 (S001) may not cancel it and store2 may
    assert not cancel.has_perm(unit, demo_user("store1"))
    assert cancel.has_perm(unit, demo_user("store2"))


# --- numbering ---


def log_one(user, store, **overrides):
    values = {
        "receipt_no": "POS-1",
        "purchase_date": timezone.localdate() - dt.timedelta(days=2),
        "onsite_handling": "exchange",
        "units": [
            services.ReturnUnit(
                style=Style.objects.get(style_no="226101JK001"),
                color="黑色",
                size="L",
                production_year=timezone.localdate().year - 1,
                defect_description="开线",
            )
        ],
    }
    values.update(overrides)
    return services.return_log(user=user, store=store, **values)


@pytest.mark.django_db
def test_number_is_rt_year_month_and_six_digits_of_the_shanghai_month(demo_user):
    store1, store = demo_user("store1"), Store.objects.get(code="S001")
    # Given the last minutes of January in Shanghai (still 31 January 15:30 in UTC)
    with time_machine.travel(dt.datetime(2027, 1, 31, 23, 30, tzinfo=SHANGHAI), tick=False):
        # When a unit is logged
        january = log_one(store1, store)[0]
    # And another one an hour later, in February in Shanghai though still January in UTC
    with time_machine.travel(dt.datetime(2027, 2, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        february = log_one(store1, store)[0]
    # Then numbers are RT-YYYYMM-NNNNNN of the Shanghai month, and each month counts from 1
    assert re.fullmatch(r"RT-\d{6}-\d{6}", january.number)
    assert january.number == "RT-202701-000001"
    assert february.number == "RT-202702-000001"


@pytest.mark.django_db
def test_a_cancelled_number_is_never_reused(demo_user):
    store1, store = demo_user("store1"), Store.objects.get(code="S001")
    # Given a unit logged then cancelled
    first = log_one(store1, store)[0]
    services.return_cancel(user=store1, return_item=first, reason="登记错误")
    # When the next unit is logged
    second = log_one(store1, store)[0]
    # Then it takes the next number, not the cancelled one's
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


# --- the audit log ---


@pytest.mark.django_db
def test_transition_log_rows_cannot_be_changed_or_deleted(demo_user):
    # Given a logged unit's log row
    item = log_one(demo_user("store1"), Store.objects.get(code="S001"))[0]
    row = TransitionLog.objects.for_object(item).get()
    # When someone edits or deletes it
    row.transition = "tampered"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        TransitionLog.objects.for_object(item).update(transition="tampered")
    with pytest.raises(PermissionError):
        TransitionLog.objects.for_object(item).delete()
    # Then it is as written
    assert TransitionLog.objects.for_object(item).get().transition == "log"


# --- turnaround (15天之内) ---

DISPATCHED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def turnaround_day(days: float) -> dt.datetime:
    return DISPATCHED + dt.timedelta(days=days)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (0, DueStatus.ON_TRACK),
        (11, DueStatus.ON_TRACK),
        (12 - 1 / 86400, DueStatus.ON_TRACK),  # one second before day 12
        (12, DueStatus.DUE_SOON),
        (14, DueStatus.DUE_SOON),
        (15, DueStatus.DUE_SOON),  # the due moment itself: last moment on time
        (15 + 1 / 86400, DueStatus.OVERDUE),
        (16, DueStatus.OVERDUE),
    ],
)
def test_due_status_boundaries_agree_between_model_and_queryset(elapsed, expected):
    assert (settings.AFTERSALES_TURNAROUND_DAYS, settings.AFTERSALES_DUE_SOON_DAY) == (15, 12)
    # Given a unit dispatched at DISPATCHED and on its way (due 15 days later)
    item = ReturnFactory(
        state=ReturnState.RECEIVED,
        shipped_at=DISPATCHED,
        due_at=DISPATCHED + dt.timedelta(days=settings.AFTERSALES_TURNAROUND_DAYS),
    )
    now = turnaround_day(elapsed)
    # When its due status is read on the row and in the queue filters
    in_due_soon = Return.objects.due_soon(now).filter(pk=item.pk).exists()
    in_overdue = Return.objects.overdue(now).filter(pk=item.pk).exists()
    # Then both say the same thing at every boundary
    assert item.due_status(now) == expected
    assert (in_due_soon, in_overdue) == (expected == DueStatus.DUE_SOON, expected == DueStatus.OVERDUE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [ReturnState.LOGGED, ReturnState.RETURNED, ReturnState.SCRAP_PENDING, ReturnState.CANCELLED]
)
def test_no_due_status_once_the_clock_is_stopped_or_before_it_starts(state):
    # Given a unit long past its due date, but not (or no longer) on the turnaround
    item = ReturnFactory(state=state, shipped_at=DISPATCHED, due_at=turnaround_day(15))
    now = turnaround_day(40)
    # Then neither the row nor the queue filters call it due or overdue
    assert item.due_status(now) is None
    assert not Return.objects.overdue(now).filter(pk=item.pk).exists()
    assert not Return.objects.due_soon(now).filter(pk=item.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "stopped_field", "stopped_after_days", "on_time", "days"),
    [
        (ReturnState.RETURNED, "returned_at", 15, True, 15),
        (ReturnState.RETURNED, "returned_at", 15 + 1 / 86400, False, 15),
        (ReturnState.RETURNED, "returned_at", 20, False, 20),
        (ReturnState.SCRAP_PENDING, "inspected_at", 4, True, 4),
        (ReturnState.WRITTEN_OFF, "inspected_at", 16, False, 16),
        (ReturnState.CHARGED_BACK, "inspected_at", 3, True, 3),
    ],
)
def test_on_time_for_the_returned_and_the_scrap_path(state, stopped_field, stopped_after_days, on_time, days):
    # Given a unit whose clock stopped (back at the store, or judged unrepairable) some days after dispatch
    times = {"inspected_at": turnaround_day(3), stopped_field: turnaround_day(stopped_after_days)}
    item = ReturnFactory(state=state, shipped_at=DISPATCHED, due_at=turnaround_day(15), **times)
    # Then it is on time only if the clock stopped by the due moment, and its turnaround counts whole days
    assert item.on_time is on_time
    assert item.turnaround_days == days


@pytest.mark.django_db
def test_on_time_is_unknown_while_the_clock_runs():
    # Given a unit repaired but not yet back at the store (its inspection does not stop the clock)
    item = ReturnFactory(
        state=ReturnState.READY_TO_RETURN, shipped_at=DISPATCHED, due_at=turnaround_day(15),
        inspected_at=turnaround_day(2),
    )  # fmt: skip
    # Then on_time and the turnaround days are not known yet
    assert item.on_time is None
    assert item.turnaround_days is None


# --- the customer's contact (masked for everyone but the logging store and the hotline) ---


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812341234", "138****1234"), ("+8613812341234", "+86*******1234"), ("1234567", "*******"), ("", "")],
)
def test_mask_phone_keeps_first_three_and_last_four(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_name_keeps_the_family_name():
    assert mask_name("张三丰") == "张**"
    assert mask_name("张") == "张*"
    assert mask_name("") == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "sees_all"),
    [("store1", True), ("hotline1", True), ("store2", False), ("region1", False), ("tech1", False),
     ("supplier1", False), ("qa1", False)],
)  # fmt: skip
def test_customer_contact_is_masked_for_everyone_but_the_logging_store_and_the_hotline(demo_user, login, sees_all):
    # Given a unit of S001 logged with the customer's name and phone
    item = ReturnFactory(store=Store.objects.get(code="S001"), customer_name="张三", customer_phone="13812341234")
    # When a login reads the contact
    contact = customer_contact_for(item, demo_user(login))
    # Then only the logging store and the hotline see it whole
    assert contact == (("张三", "13812341234") if sees_all else ("张*", "138****1234"))


# --- the workflow picture (README) ---


@pytest.mark.parametrize("picture", PICTURES, ids=lambda picture: picture.name)
def test_the_committed_workflow_picture_is_drawn_from_the_code_as_it_is_now(picture):
    # Given the state machine in the code, drawn as Graphviz source
    source = workflow_dot(picture)
    # Then the committed source is that, and the committed SVG was rendered from it
    stale = "stale: run `make docs` (manage.py draw_workflow) and commit docs/workflow/"
    assert (OUTPUT / f"{picture.name}.dot").read_text(encoding="utf-8") == source, stale
    assert svg_marker(source) in (OUTPUT / f"{picture.name}.svg").read_text(encoding="utf-8"), stale


def test_the_return_picture_shows_every_transition_and_who_fires_it():
    source = workflow_dot(PICTURES[0])
    for name, source_state, target in code_pairs():
        edge = [line for line in source.splitlines() if line.startswith(f"  {source_state} -> {target} ")]
        assert any(f'label="{name}' in line for line in edge), (name, source_state, target)
    # Fired-by-another-record transitions are dashed; the rest solid, coloured by role
    dashed = {line.split('label="')[1].split("\\n")[0] for line in source.splitlines() if "style=dashed" in line}
    assert dashed == {name for name, items in transitions_of(Return).items() if items[0].custom.get(VIA)}
    assert "inspect\\n[unrepairable]\\n(technician)" in source


def test_the_readme_shows_the_generated_picture():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/workflow/return.svg)" in readme
    assert "stateDiagram" not in readme  # no hand-drawn copy left to drift
