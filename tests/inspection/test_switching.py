"""GB/T 2828.1 clause 9 switching rules across their boundaries: the pure rules, then through real lots."""

import pytest

from inspection.choices import SwitchRule
from inspection.switching import LotResult, decide, score_step, switching_score
from suppliers.choices import InspectionSeverity

NORMAL, TIGHTENED, REDUCED = InspectionSeverity.NORMAL, InspectionSeverity.TIGHTENED, InspectionSeverity.REDUCED


def lots(pattern: str, step: int = 2) -> list[LotResult]:
    """``"AARAR"``: accepted / rejected lots with ids 1, 2, ...; accepted lots add ``step`` to the score."""
    return [
        LotResult(lot_id=index, accepted=mark == "A", score_step=step if mark == "A" else 0)
        for index, mark in enumerate(pattern, start=1)
    ]


# --- normal → tightened: 2 of 5 or fewer consecutive lots not accepted ---


@pytest.mark.parametrize("pattern", ["RR", "RAR", "RAAR", "RAAAR", "AAAAAAAARAR", "AAAAAARAAAR"])
def test_two_not_accepted_within_five_consecutive_lots_tighten(pattern):
    decision = decide(NORMAL, lots(pattern))
    assert decision is not None
    assert (decision.to_severity, decision.rule) == (TIGHTENED, SwitchRule.TWO_OF_FIVE)
    assert decision.lot_ids == tuple(range(max(1, len(pattern) - 4), len(pattern) + 1))


@pytest.mark.parametrize("pattern", ["R", "RAAAAR", "RAAAAAR", "AAAAR", "RAAAA", "ARAAAAR"])
def test_two_not_accepted_six_lots_apart_or_one_alone_do_not(pattern):
    assert decide(NORMAL, lots(pattern)) is None


def test_the_rule_is_judged_on_the_lot_not_accepted():
    # After "RAR" tightened at once; a later accepted lot never triggers it on its own.
    assert decide(NORMAL, lots("RARA")) is None


# --- tightened → normal: 5 consecutive lots accepted ---


def test_five_consecutive_accepted_under_tightened_return_to_normal():
    assert decide(TIGHTENED, lots("AAAA")) is None
    decision = decide(TIGHTENED, lots("AAAAA"))
    assert (decision.to_severity, decision.rule, decision.lot_ids) == (
        NORMAL,
        SwitchRule.FIVE_ACCEPTED,
        (1, 2, 3, 4, 5),
    )


def test_a_lot_not_accepted_restarts_the_five():
    assert decide(TIGHTENED, lots("AAAARAAAA")) is None
    assert decide(TIGHTENED, lots("AAAARAAAAA")).to_severity == NORMAL


# --- discontinuation: 5 lots not accepted under tightened ---


def test_the_fifth_lot_not_accepted_under_tightened_discontinues():
    assert decide(TIGHTENED, lots("RARARAR")) is None  # four not accepted
    decision = decide(TIGHTENED, lots("RARARARR"))
    assert (decision.to_severity, decision.rule) == (InspectionSeverity.DISCONTINUED, SwitchRule.DISCONTINUED)
    assert decision.lot_ids == (1, 3, 5, 7, 8)


def test_discontinuation_counts_every_lot_not_accepted_since_tightened_not_only_consecutive_ones():
    assert decide(TIGHTENED, lots("RAAARAAARAAARAAAR")).to_severity == InspectionSeverity.DISCONTINUED


# --- reduced → normal: a lot not accepted ---


def test_a_lot_not_accepted_under_reduced_returns_to_normal():
    assert decide(REDUCED, lots("AAAAAAAAA")) is None
    decision = decide(REDUCED, lots("AAAR"))
    assert (decision.to_severity, decision.rule, decision.lot_ids) == (NORMAL, SwitchRule.REDUCED_REJECTED, (4,))


# --- the switching score (9.3.3) ---


def test_switching_score_at_28_and_30():
    assert switching_score(lots("A" * 14, step=2)) == 28
    assert switching_score(lots("A" * 15, step=2)) == 30
    assert switching_score(lots("A" * 10, step=3)) == 30
    assert switching_score(lots("A" * 9, step=3)) == 27


def test_switching_score_resets_on_a_lot_not_accepted_or_a_zero_step():
    assert switching_score(lots("A" * 14 + "R", step=2)) == 0
    assert switching_score(lots("A" * 14 + "R" + "A", step=2)) == 2
    results = [*lots("A" * 9, step=3), LotResult(lot_id=99, accepted=True, score_step=0)]
    assert switching_score(results) == 0
    assert switching_score([]) == 0


def test_reaching_30_never_switches_by_itself():
    # Reduced inspection needs QA's agreement (supplier_reduce): the rules alone keep normal.
    assert decide(NORMAL, lots("A" * 20, step=3)) is None


K_PLAN = {
    # 1 500 items, level II, normal: K, n = 125; major AQL 2.5 → 7/8 (one step tighter, 1.5 → 5/6);
    # minor AQL 4.0 → 10/11 (one step tighter, 2.5 → 7/8); critical Ac 0.
    "major": {"aql": "2.5", "code_letter": "K", "sample_size": 125, "accept": 7, "reject": 8, "table_letter": "K"},
    "minor": {"aql": "4.0", "code_letter": "K", "sample_size": 125, "accept": 10, "reject": 11, "table_letter": "K"},
    "critical": {"aql": "0", "code_letter": "K", "sample_size": 125, "accept": 0, "reject": 1, "table_letter": ""},
}


@pytest.mark.parametrize(
    ("found", "accepted", "expected"),
    [
        ({"major": 5, "minor": 7}, True, 3),  # within one step tighter on both classes
        ({"major": 6, "minor": 7}, True, 0),  # accepted, but not at 1.5 → reset
        ({"major": 5, "minor": 8}, True, 0),  # minor beyond 2.5's Ac 7 → reset
        ({"major": 8, "minor": 0}, False, 0),
    ],
)
def test_score_step_with_ac_of_2_or_more_uses_the_aql_one_step_tighter(found, accepted, expected):
    assert score_step(plan=K_PLAN, found=found, accepted=accepted, level="II") == expected


def test_score_step_with_ac_0_or_1_adds_2_when_accepted():
    plan = {
        "major": {"aql": "0.40", "code_letter": "K", "sample_size": 125, "accept": 1, "reject": 2, "table_letter": "K"},
        "minor": {"aql": "0.65", "code_letter": "K", "sample_size": 125, "accept": 2, "reject": 3, "table_letter": "K"},
    }
    assert score_step(plan=plan, found={"major": 1, "minor": 1}, accepted=True, level="II") == 2  # min(2, 3)
    assert score_step(plan=plan, found={"major": 1, "minor": 2}, accepted=True, level="II") == 0  # 0.40 → 1/2: 2 > 1
