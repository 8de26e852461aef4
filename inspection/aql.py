"""GB/T 2828.1-2012 single sampling, as data and pure functions.

GB/T 2828.1-2012 《计数抽样检验程序 第1部分：按接收质量限(AQL)检索的逐批检验抽样计划》 is identical
to ISO 2859-1:1999 (*Sampling procedures for inspection by attributes — Part 1: Sampling schemes
indexed by acceptance quality limit (AQL) for lot-by-lot inspection*). Its single-sampling tables
are the same as those of ANSI/ASQ Z1.4 and MIL-STD-105E except for the reduced table (below).
The tables here are transcribed from the printed standard:

- ``CODE_LETTERS``: Table 1, *Sample size code letters* (样本量字码): fifteen lot-size ranges, from
  2–8 to 500 001 and over, under the special inspection levels S-1 to S-4 and the general levels
  I, II and III.
- ``NORMAL``, ``TIGHTENED``, ``REDUCED``: Tables 2-A, 2-B and 2-C, *Single sampling plans for
  normal / tightened / reduced inspection (Master table)* (正常/加严/放宽检验一次抽样方案). One
  row per sample size code letter: the sample size, then one cell per preferred AQL of
  ``AQLS`` (0.010 to 1000, the standard's 26 columns), left to right. A cell is ``"Ac/Re"``,
  ``"v"`` (the printed ↓: use the first sampling plan below the arrow), ``"^"`` (↑: the first plan
  above) or ``"-"`` (blank: only the tightened table's extra row S, whose one plan serves the
  arrows of row R).
  In the 1999 edition (and so in GB/T 2828.1-2012) the reduced table has no gap between Ac and Re:
  Re = Ac + 1 everywhere (the 1989 edition's 0/2, 1/3, 1/4, 2/5, 3/6, 5/8, 7/10 and 10/13 became
  arrows or 1/2, 2/3, 3/4, 5/6, 6/7, 8/9 and 10/11, and the rule "between Ac and Re: accept, but
  return to normal" is gone). Rows A and B of 2-C print normal row A's plans (n = 2 in all three);
  from row C on, the reduced sequence runs 0/1, 1/2, 2/3, 3/4, 5/6, 6/7, 8/9, 10/11, 14/15, 21/22.

How a plan is read (clause 10 and the tables' notes): find the code letter from the lot size and
the inspection level, then the cell of that row under the AQL. A plan gives Ac and Re and the
sample size *of the row where it is found*: an arrow is followed down (or up) its column to the
first plan, and that plan's row gives n. If the sample size equals or exceeds the lot size, every
item is inspected (100 %). Three cells point out of the table: normal A at AQL 10 points up from
the first row, normal R at 0.015 down from the last one, and tightened R at 0.015 down onto row S,
which is blank there; ``plan`` follows such an arrow's column the other way (normal A at 10 → C's
1/2, n = 5; normal R at 0.015 → P's 0/1, n = 800; tightened R at 0.015 → Q's 0/1, n = 1250), which
is what both sources below give. (If a column held no plan at all, the row's plan under the next
AQL would be used; no column of these tables is empty.)

Where it was checked (2026-12, issue 16). Two public transcriptions were compared with these tables
cell by cell, as resolved plans (row reached, n, Ac, Re), by a script kept out of the tree:

- GB/T 2828.1-2012 itself: the golden fixtures of ``nihantao-crosis/quality-platform``
  (``src/core/__tests__/fixtures/gbt2828-1-2012-tables-2abc-full16.tsv`` and
  ``…-tables-2abc-aql15-1000.tsv``, ``…-table1-levels.tsv``), transcribed from the standard's
  pages 15–17 (PDF SHA-256 7a336944…5e5a37) by two readers each and reviewed against the scan.
  All 1 274 cells of 2-A (16 rows), 2-B (17 rows with S) and 2-C (16 rows) × 26 AQLs, and the 15
  rows × 7 levels of Table 1, agree now. Before, 2-C disagreed in 407 cells (its acceptance numbers
  had been laid out by sample size instead of by code letter, and its rows A and B ended at 21/22
  instead of 30/31), and 2-B row A at AQL 10 was ↓ where the standard prints 0/1. Both are fixed.
- MIL-STD-105E / ANSI/ASQ Z1.4, whose normal and tightened single-sampling tables ISO 2859-1 took
  over: the matrices of the R package AQLSchemes 1.7-2 (J. Lawson; fork
  ``fjgonzalezmgt/AQLSchemesCust``, ``R/AAZ14Single.R``), rows A–R × 26 AQLs. Table 2-A agrees in
  all 416 cells. Table 2-B agrees in 415: at row A, AQL 10 MIL-STD-105E reads ↓ (D's 1/2, n = 8)
  where GB/T 2828.1-2012 prints 0/1 (n = 2); this module follows GB/T 2828.1. Its reduced table is
  the 1989-style one (with gaps) and was not used for 2-C.

The cells the previous note called uncertain are settled by the first source: 2-C's 6/7 and 8/9
plans (rows C to R, as above), 2-B row A at AQL 10 (0/1) and row S (1/2 under 0.025 only, blank
elsewhere), and the three arrows off the table (resolved as said).

Everything here is pure: no database, no settings. ``tests/inspection/test_aql.py`` checks every
cell against a second transcription of the printed tables (the GB/T 2828.1-2012 reading above).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# The preferred AQLs, in the order of the tables' columns (percent nonconforming up to 10,
# nonconformities per 100 items above).
AQLS: tuple[str, ...] = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5",
    "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
)  # fmt: skip

LEVELS: tuple[str, ...] = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
SEVERITIES: tuple[str, ...] = ("normal", "tightened", "reduced")
DEFAULT_LEVEL = "II"

# Table 1: (smallest lot, largest lot or None for "and over", letters for S-1 S-2 S-3 S-4 I II III).
CODE_LETTERS: tuple[tuple[int, int | None, str], ...] = (
    (2, 8, "AAAAAAB"),
    (9, 15, "AAAAABC"),
    (16, 25, "AABBBCD"),
    (26, 50, "ABBCCDE"),
    (51, 90, "BBCCCEF"),
    (91, 150, "BBCDDFG"),
    (151, 280, "BCDEEGH"),
    (281, 500, "BCDEFHJ"),
    (501, 1200, "CCEFGJK"),
    (1201, 3200, "CDEGHKL"),
    (3201, 10000, "CDFGJLM"),
    (10001, 35000, "CDFHKMN"),
    (35001, 150000, "DEGJLNP"),
    (150001, 500000, "DEGJMPQ"),
    (500001, None, "DEHKNQR"),
)

# Table 2-A, normal inspection.
NORMAL: dict[str, tuple[int, str]] = {
    "A": (2, "v v v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31"),
    "B": (3, "v v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45"),
    "C": (5, "v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^"),
    "D": (8, "v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^"),
    "E": (13, "v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^ ^"),
    "F": (20, "v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^"),
    "G": (32, "v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^"),
    "H": (50, "v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^"),
    "J": (80, "v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "K": (125, "v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "L": (200, "v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "M": (315, "v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "N": (500, "v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "P": (800, "v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "Q": (1250, "0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "R": (2000, "^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
}

# Table 2-B, tightened inspection. Row S (n = 3150) exists only here.
TIGHTENED: dict[str, tuple[int, str]] = {
    "A": (2, "v v v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28"),
    "B": (3, "v v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42"),
    "C": (5, "v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42 ^"),
    "D": (8, "v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42 ^ ^"),
    "E": (13, "v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42 ^ ^ ^"),
    "F": (20, "v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^"),
    "G": (32, "v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^"),
    "H": (50, "v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^"),
    "J": (80, "v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "K": (125, "v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "L": (200, "v v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "M": (315, "v v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "N": (500, "v v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "P": (800, "v v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "Q": (1250, "v 0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "R": (2000, "0/1 v v 1/2 2/3 3/4 5/6 8/9 12/13 18/19 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "S": (3150, "- - 1/2 - - - - - - - - - - - - - - - - - - - - - - -"),
}

# Table 2-C, reduced inspection (1999 edition: Re = Ac + 1). Rows A to C share n = 2 but not their plans:
# A and B print normal row A's sequence up to 30/31, C starts the reduced one (…, 5/6, 6/7, 8/9, 10/11, …).
REDUCED: dict[str, tuple[int, str]] = {
    "A": (2, "v v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31"),
    "B": (2, "v v v v v v v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31"),
    "C": (2, "v v v v v v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22 ^"),
    "D": (3, "v v v v v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22 ^ ^"),
    "E": (5, "v v v v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22 ^ ^ ^"),
    "F": (8, "v v v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^"),
    "G": (13, "v v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^"),
    "H": (20, "v v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^"),
    "J": (32, "v v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "K": (50, "v v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "L": (80, "v v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "M": (125, "v v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "N": (200, "v v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "P": (315, "v 0/1 ^ v v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "Q": (500, "0/1 ^ ^ v 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    "R": (800, "^ ^ ^ 1/2 2/3 3/4 5/6 6/7 8/9 10/11 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
}

MASTER_TABLES: dict[str, dict[str, tuple[int, str]]] = {
    "normal": NORMAL,
    "tightened": TIGHTENED,
    "reduced": REDUCED,
}

UP, DOWN, BLANK = "^", "v", "-"


class SamplingError(ValueError):
    """A lot size, level, severity or AQL the standard does not have."""


@dataclass(frozen=True)
class Plan:
    """One single-sampling plan: the code letter the lot size gave, the sample size, Ac and Re.

    ``sample_size`` is at most the lot size; ``full_inspection`` says the plan's n reached the lot
    size, so every item is inspected. ``table_letter`` is the row the arrows led to (the plan's n).
    """

    code_letter: str
    sample_size: int
    accept: int
    reject: int
    table_letter: str
    full_inspection: bool = False

    def accepts(self, nonconforming: int) -> bool:
        """The lot is accepted when the count found is at most Ac (Re = Ac + 1 in every single plan)."""
        return nonconforming <= self.accept


def parse_aql(value) -> str:
    """The standard's spelling of a preferred AQL (``"2.5"``, ``"0.010"``) for any equal number, else SamplingError."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise SamplingError(f"“{value}” is not a number.") from None
    if not number.is_finite():
        raise SamplingError(f"“{value}” is not a number.")
    for aql in AQLS:
        if Decimal(aql) == number:
            return aql
    raise SamplingError(f"{value} is not a preferred AQL of GB/T 2828.1 ({', '.join(AQLS)}).")


def code_letter(lot_size: int, level: str = DEFAULT_LEVEL) -> str:
    """Table 1: the sample size code letter for a lot of ``lot_size`` items at inspection ``level``."""
    if level not in LEVELS:
        raise SamplingError(f"“{level}” is not an inspection level ({', '.join(LEVELS)}).")
    if isinstance(lot_size, bool) or not isinstance(lot_size, int):
        raise SamplingError("The lot size must be a whole number.")
    if lot_size < 2:
        raise SamplingError("The standard's lots start at 2 items.")
    column = LEVELS.index(level)
    for low, high, letters in CODE_LETTERS:
        if lot_size >= low and (high is None or lot_size <= high):
            return letters[column]
    raise AssertionError("Table 1 covers every lot size from 2")  # pragma: no cover


def cell(severity: str, letter: str, aql: str) -> str:
    """The printed cell of a master table: ``"Ac/Re"``, ``"v"``, ``"^"`` or ``"-"``."""
    table = _table(severity)
    if letter not in table:
        raise SamplingError(f"Table {severity} has no code letter “{letter}”.")
    return table[letter][1].split()[AQLS.index(parse_aql(aql))]


def _table(severity: str) -> dict[str, tuple[int, str]]:
    if severity not in MASTER_TABLES:
        raise SamplingError(f"“{severity}” is not a severity ({', '.join(SEVERITIES)}).")
    return MASTER_TABLES[severity]


def _find(table: dict[str, tuple[int, str]], letters: list[str], start: int, column: int, step: int) -> str | None:
    index = start + step
    while 0 <= index < len(letters):
        value = table[letters[index]][1].split()[column]
        if "/" in value:
            return letters[index]
        index += step
    return None


def table_plan(severity: str, letter: str, aql: str) -> tuple[str, int, int, int]:
    """The plan a master table gives for a code letter and AQL: (row letter, n, Ac, Re), arrows followed."""
    table = _table(severity)
    aql = parse_aql(aql)
    letters = list(table)
    if letter not in table:
        raise SamplingError(f"Table {severity} has no code letter “{letter}”.")
    column = AQLS.index(aql)
    row = letters.index(letter)
    value = table[letter][1].split()[column]
    found: str | None
    if "/" in value:
        found = letter
    else:
        step = -1 if value == UP else 1
        # Follow the arrow; an arrow that leaves the table is followed the other way.
        found = _find(table, letters, row, column, step) or _find(table, letters, row, column, -step)
        if found is None:
            # No plan anywhere in the column (no column of these tables is empty): the row's plan under the next AQL.
            return table_plan(severity, letter, AQLS[column + 1])
    sample_size = table[found][0]
    accept, reject = (int(part) for part in table[found][1].split()[column].split("/"))
    return found, sample_size, accept, reject


def plan(lot_size: int, aql, *, severity: str = "normal", level: str = DEFAULT_LEVEL) -> Plan:
    """The single-sampling plan for a lot: code letter (Table 1), then n, Ac, Re from the severity's master table."""
    _table(severity)
    letter = code_letter(lot_size, level)
    found, sample_size, accept, reject = table_plan(severity, letter, aql)
    full = sample_size >= lot_size
    return Plan(
        code_letter=letter,
        sample_size=min(sample_size, lot_size),
        accept=accept,
        reject=reject,
        table_letter=found,
        full_inspection=full,
    )
