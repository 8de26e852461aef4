"""The one transition helper ``aftersales.fsm``: its refusal order (``fire`` and ``guard``), ``available_transitions``,
stale objects.

A refused transition answers by the first rule it breaks — wrong state 409,
then wrong role 403, then bad input 400 — and changes nothing.
"""

import pytest
from django.core.exceptions import ValidationError

from aftersales.fsm import (
    Guard,
    TransitionForbidden,
    TransitionInvalid,
    TransitionStateConflict,
    available_transitions,
    fire,
    guard,
    guard_refusal,
    http_status,
)
from aftersales.models import TransitionLog
from cases.choices import ReturnState, ShipmentDirection, ShipmentState
from cases.models import Return, Shipment
from cases.permissions import is_store_staff_of
from stores.models import Store
from tests.factories.cases import ReturnFactory, ShipmentFactory


@pytest.fixture
def s001(demo):
    return Store.objects.get(code="S001")


def fire_with_bad_input(item, user, name="cancel"):
    """Fire ``name`` with a ``before`` that always rejects the input; return whether it was consulted."""
    consulted = []

    def reject(row):
        consulted.append(row.pk)
        raise ValidationError({"reason": ["bad input"]})

    try:
        fire(item, name, user=user, before=reject, arguments={"reason": "x"})
    finally:
        # Nothing may have been written, whatever was raised.
        assert Return.objects.get(pk=item.pk).state == item.state
        assert not TransitionLog.objects.for_object(item).exists()
    return bool(consulted)


@pytest.mark.django_db
def test_wrong_state_beats_wrong_role_beats_bad_input(demo_user, s001):
    store1, store2 = demo_user("store1"), demo_user("store2")
    # Given a unit already in transit, fired by another store's staff with bad input: 409 wins
    moving = ReturnFactory(store=s001, state=ReturnState.IN_TRANSIT)
    with pytest.raises(TransitionStateConflict) as refused:
        fire_with_bad_input(moving, store2)
    assert http_status(refused.value) == 409
    # Given a logged unit, fired by another store's staff with bad input: 403 wins, the input is never read
    logged = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    with pytest.raises(TransitionForbidden) as refused:
        fire_with_bad_input(logged, store2)
    assert http_status(refused.value) == 403
    # Given the same unit fired by its own store with bad input: 400
    with pytest.raises(ValidationError) as refused:
        fire_with_bad_input(logged, store1)
    assert http_status(refused.value) == 400 and refused.value.message_dict == {"reason": ["bad input"]}


@pytest.mark.django_db
def test_input_is_read_only_after_state_and_role_passed(demo_user, s001):
    consulted = []
    logged = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    with pytest.raises(TransitionForbidden):
        fire(logged, "cancel", user=demo_user("tech1"), before=lambda row: consulted.append(row))
    assert consulted == []
    fire(logged, "cancel", user=demo_user("store1"), before=lambda row: consulted.append(row))
    assert len(consulted) == 1


@pytest.mark.django_db
def test_a_transition_whose_conditions_fail_is_400_and_changes_nothing(demo_user, s001):
    # Given a shipment to the store in transit: only the store "confirms", the center "receives" only store parcels
    shipment = ShipmentFactory(store=s001, direction=ShipmentDirection.TO_STORE, state=ShipmentState.IN_TRANSIT)
    # When the store, its recipient, fires "receive" (the center's checklist) instead: right state and role,
    # but the condition on direction fails
    with pytest.raises(TransitionInvalid) as refused:
        fire(shipment, "receive", user=demo_user("store1"), arguments={"at": None})
    # Then it is 400 and nothing changed
    assert http_status(refused.value) == 400
    assert Shipment.objects.get(pk=shipment.pk).state == ShipmentState.IN_TRANSIT
    assert not TransitionLog.objects.for_object(shipment).exists()


@pytest.mark.django_db
def test_an_unknown_transition_is_a_conflict(demo_user, s001):
    item = ReturnFactory(store=s001)
    with pytest.raises(TransitionStateConflict):
        fire(item, "teleport", user=demo_user("store1"))
    with pytest.raises(TransitionStateConflict):
        fire(item, "save", user=demo_user("store1"))  # a model method, but not a transition


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "login", "expected"),
    [
        (ReturnState.LOGGED, "store1", {"resolve_at_store", "cancel"}),  # not "dispatch": a shipment fires it
        (ReturnState.LOGGED, "store2", set()),
        (ReturnState.LOGGED, "region1", set()),
        (ReturnState.LOGGED, "tech1", set()),
        (ReturnState.IN_TRANSIT, "tech1", set()),  # receive / mark_missing: fired by receiving the shipment
        (ReturnState.MISSING, "tech1", {"found"}),
        (ReturnState.MISSING, "store1", set()),
        (ReturnState.RECEIVED, "tech1", {"inspect", "refer_to_repair_point"}),
        (ReturnState.RECEIVED, "tech2", {"inspect", "refer_to_repair_point"}),
        (ReturnState.RECEIVED, "store1", set()),
        (ReturnState.REPAIRING, "tech1", set()),  # complete_repair: fired by the repair ticket
        (ReturnState.AT_SUPPLIER, "tech1", {"receive_from_supplier"}),
        (ReturnState.READY_TO_RETURN, "tech1", set()),  # ship_back: fired by the shipment
        (ReturnState.RETURNING, "store1", set()),  # confirm_returned: fired by confirming the shipment
        (ReturnState.SCRAP_PENDING, "tech1", set()),  # write_off: the system, on approval
        (ReturnState.WRITTEN_OFF, "admin", set()),  # charge_back: the system, on issue
        (ReturnState.RETURNED, "store1", set()),
        (ReturnState.CANCELLED, "store1", set()),
    ],
)
def test_available_transitions_per_role_and_state(demo_user, s001, state, login, expected):
    item = ReturnFactory(store=s001, state=state)
    names = available_transitions(item, demo_user(login))
    assert set(names) == expected
    assert len(names) == len(set(names))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("direction", "state", "login", "expected"),
    [
        (ShipmentDirection.TO_CENTER, ShipmentState.DRAFT, "store1", {"dispatch", "cancel"}),
        (ShipmentDirection.TO_CENTER, ShipmentState.DRAFT, "tech1", set()),
        (ShipmentDirection.TO_CENTER, ShipmentState.IN_TRANSIT, "tech1", {"receive"}),
        (ShipmentDirection.TO_CENTER, ShipmentState.IN_TRANSIT, "store1", set()),
        (ShipmentDirection.TO_STORE, ShipmentState.DRAFT, "tech1", {"dispatch", "cancel"}),
        (ShipmentDirection.TO_STORE, ShipmentState.IN_TRANSIT, "store1", {"confirm_received"}),
        (ShipmentDirection.TO_STORE, ShipmentState.IN_TRANSIT, "store2", set()),
        (ShipmentDirection.TO_STORE, ShipmentState.IN_TRANSIT, "tech1", set()),
        (ShipmentDirection.TO_STORE, ShipmentState.RECEIVED, "store1", set()),
    ],
)
def test_available_transitions_of_shipments_follow_direction(demo_user, s001, direction, state, login, expected):
    shipment = ShipmentFactory(store=s001, direction=direction, state=state)
    assert set(available_transitions(shipment, demo_user(login))) == expected


@pytest.mark.django_db
def test_a_stale_copy_cannot_overwrite_a_newer_state(demo_user, s001):
    store1 = demo_user("store1")
    # Given the same logged unit loaded twice (two browser tabs)
    item = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    first, stale = Return.objects.get(pk=item.pk), Return.objects.get(pk=item.pk)
    # When the first tab cancels it
    fire(first, "cancel", user=store1, arguments={"reason": "登记错误"})
    # And the second tab, still showing "logged", resolves it without re-reading the row
    with pytest.raises(TransitionStateConflict) as refused:
        fire(stale, "resolve_at_store", user=store1, arguments={"note": ""}, locked=True)
    # Then it is a 409 and the cancellation stands, with its single log row
    assert http_status(refused.value) == 409
    assert Return.objects.get(pk=item.pk).state == ReturnState.CANCELLED
    assert list(TransitionLog.objects.for_object(item).values_list("transition", flat=True)) == ["cancel"]


@pytest.mark.django_db
def test_a_stale_copy_is_reread_under_the_lock_when_not_locked(demo_user, s001):
    store1 = demo_user("store1")
    item = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    stale = Return.objects.get(pk=item.pk)
    fire(item, "cancel", user=store1, arguments={"reason": "登记错误"})
    # Without locked=True the helper re-reads the row, so it sees "cancelled" and refuses by state
    with pytest.raises(TransitionStateConflict):
        fire(stale, "resolve_at_store", user=store1)
    assert Return.objects.get(pk=item.pk).state == ReturnState.CANCELLED


@pytest.mark.django_db
def test_fire_logs_actor_states_and_payload(demo_user, s001):
    store1 = demo_user("store1")
    item = ReturnFactory(store=s001)
    row = fire(item, "cancel", user=store1, arguments={"reason": "重复登记"})
    log = TransitionLog.objects.for_object(item).get()
    assert row.state == ReturnState.CANCELLED
    assert (log.transition, log.source_state, log.target_state, log.actor, log.payload) == (
        "cancel", "logged", "cancelled", store1, {"reason": "重复登记"}
    )  # fmt: skip


# --- guard: the same order for actions that are not transitions ---


def store_only_while_logged(**rule):
    """A rule as a service declares one: only while logged, only the store's own staff."""
    return Guard(
        "attach", states=[ReturnState.LOGGED], permission=is_store_staff_of, forbidden="store staff only", **rule
    )


@pytest.mark.django_db
def test_guard_answers_wrong_state_before_wrong_role(demo_user, s001):
    rule = store_only_while_logged()
    # Given a unit in transit, asked of by another store's staff: 409, the role is not looked at
    moving = ReturnFactory(store=s001, state=ReturnState.IN_TRANSIT)
    with pytest.raises(TransitionStateConflict) as refused:
        rule(moving, user=demo_user("store2"))
    assert http_status(refused.value) == 409 and refused.value.transition == "attach"
    # Given a logged unit, asked of by another store's staff: 403 with the rule's words
    logged = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    with pytest.raises(TransitionForbidden) as refused:
        rule(logged, user=demo_user("store2"))
    assert http_status(refused.value) == 403 and refused.value.message == "store staff only"
    # Given the same unit asked of by its own store: the locked row comes back; the system (None) may too
    assert rule(logged, user=demo_user("store1")).pk == logged.pk
    assert rule(logged, user=None).pk == logged.pk
    # And nothing was written by any of it
    assert not TransitionLog.objects.for_object(moving).exists()
    assert not TransitionLog.objects.for_object(logged).exists()


@pytest.mark.django_db
def test_guard_rereads_a_stale_copy_under_the_lock(demo_user, s001):
    store1 = demo_user("store1")
    item = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    stale = Return.objects.get(pk=item.pk)
    fire(item, "cancel", user=store1, arguments={"reason": "登记错误"})
    # The stale copy still says "logged"; the guard reads the row afresh and refuses by its state
    with pytest.raises(TransitionStateConflict) as refused:
        guard(stale, action="attach", user=store1, states=[ReturnState.LOGGED], permission=is_store_staff_of)
    assert str(ReturnState.CANCELLED.label) in refused.value.message
    # ``locked=True`` trusts the caller's row as it is
    assert guard(stale, action="attach", user=store1, states=[ReturnState.LOGGED], locked=True) is stale


@pytest.mark.django_db
def test_guard_refusal_is_the_guard_without_the_lock(demo_user, s001):
    rule = store_only_while_logged(conflict="not while “%(state)s”")
    moving = ReturnFactory(store=s001, state=ReturnState.IN_TRANSIT)
    logged = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    # What the page and the API ask to offer a button or answer a bad form: the same error, in the same order
    refused = rule.refusal(moving, demo_user("store2"))
    assert isinstance(refused, TransitionStateConflict)
    assert refused.message == f"not while “{ReturnState.IN_TRANSIT.label}”"
    assert isinstance(rule.refusal(logged, demo_user("store2")), TransitionForbidden)
    assert rule.refusal(logged, demo_user("store1")) is None
    # The function form takes the same rule
    assert guard_refusal(logged, action="attach", user=demo_user("tech1"), permission=is_store_staff_of) is not None


@pytest.mark.django_db
def test_a_related_rows_state_is_a_conflict_before_the_role(demo_user, s001):
    # Given a rule whose row is in its state but whose related row is not (a notice whose recall stopped collecting)
    rule = store_only_while_logged(related_state=lambda row: "the recall is closed")
    logged = ReturnFactory(store=s001, state=ReturnState.LOGGED)
    # Then even the wrong person hears 409 first
    with pytest.raises(TransitionStateConflict) as refused:
        rule(logged, user=demo_user("tech1"))
    assert refused.value.message == "the recall is closed"
