# ruff: noqa: E501 (the printed tables are kept one row a line, as the standard prints them)
"""GB/T 2828.1-2012 (= ISO 2859-1:1999) single sampling: every cell of Tables 1, 2-A, 2-B and 2-C.

The expected tables below are a second transcription of the printed standard (GB/T 2828.1-2012's
pages 15–17, as read by the source named in ``inspection.aql``'s docstring), written the way it
prints them: one row per code letter, the sample size, then the 26 AQL columns (0.010 … 1000) as
"Ac Re", ↓ (use the first plan below), ↑ (the first plan above) or · (blank). They are parsed here
and compared with ``inspection.aql`` cell by cell; then every code letter × AQL × severity is
resolved by an arrow-follower written here, independently of the module, and compared with
``aql.table_plan``; then published worked examples.
"""

import pytest

from inspection import aql

PRINTED_AQLS = (
    "0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 10 15 25 40 65 100 150 250 400 650 1000"
)

# Table 1 — Sample size code letters 样本量字码
#  lot size            S-1 S-2 S-3 S-4  I  II III
PRINTED_TABLE_1 = """
2 to 8                  A   A   A   A   A   A   B
9 to 15                 A   A   A   A   A   B   C
16 to 25                A   A   B   B   B   C   D
26 to 50                A   B   B   C   C   D   E
51 to 90                B   B   C   C   C   E   F
91 to 150               B   B   C   D   D   F   G
151 to 280              B   C   D   E   E   G   H
281 to 500              B   C   D   E   F   H   J
501 to 1 200            C   C   E   F   G   J   K
1 201 to 3 200          C   D   E   G   H   K   L
3 201 to 10 000         C   D   F   G   J   L   M
10 001 to 35 000        C   D   F   H   K   M   N
35 001 to 150 000       D   E   G   J   L   N   P
150 001 to 500 000      D   E   G   J   M   P   Q
500 001 and over        D   E   H   K   N   Q   R
"""

# Table 2-A — normal inspection 正常检验
PRINTED_NORMAL = """
A    2 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31
B    3 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45
C    5 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45 | ↑
D    8 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45 | ↑ | ↑
E   13 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45 | ↑ | ↑ | ↑
F   20 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
G   32 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
H   50 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
J   80 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
K  125 | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
L  200 | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
M  315 | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
N  500 | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
P  800 | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
Q 1250 | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
R 2000 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
"""

# Table 2-B — tightened inspection 加严检验
PRINTED_TIGHTENED = """
A    2 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28
B    3 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42
C    5 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42 | ↑
D    8 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42 | ↑ | ↑
E   13 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42 | ↑ | ↑ | ↑
F   20 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
G   32 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
H   50 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
J   80 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
K  125 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
L  200 | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
M  315 | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
N  500 | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
P  800 | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
Q 1250 | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
R 2000 | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
S 3150 | · | · | 1 2 | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | · | ·
"""

# Table 2-C — reduced inspection 放宽检验 (1999: Re = Ac + 1; rows A and B print normal row A's plans)
PRINTED_REDUCED = """
A    2 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31
B    2 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31
C    2 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | 14 15 | 21 22 | ↑
D    3 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | 14 15 | 21 22 | ↑ | ↑
E    5 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑
F    8 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
G   13 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
H   20 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
J   32 | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
K   50 | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
L   80 | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
M  125 | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
N  200 | ↓ | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
P  315 | ↓ | 0 1 | ↑ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
Q  500 | 0 1 | ↑ | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
R  800 | ↑ | ↑ | ↑ | 1 2 | 2 3 | 3 4 | 5 6 | 6 7 | 8 9 | 10 11 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
"""

PRINTED = {"normal": PRINTED_NORMAL, "tightened": PRINTED_TIGHTENED, "reduced": PRINTED_REDUCED}


def parse_table_1():
    rows = []
    for line in PRINTED_TABLE_1.strip().splitlines():
        *size, s1, s2, s3, s4, g1, g2, g3 = line.split()
        text = " ".join(size).replace(" ", "")
        if text.endswith("andover"):
            low, high = int(text.removesuffix("andover")), None
        else:
            low, high = (int(part) for part in text.split("to"))
        rows.append((low, high, s1 + s2 + s3 + s4 + g1 + g2 + g3))
    return rows


def parse_master(text):
    """{letter: (n, [cell, ...])}: a cell is (Ac, Re), "down", "up" or None (blank)."""
    table = {}
    for line in text.strip().splitlines():
        head, *cells = (part.strip() for part in line.split("|"))
        letter, n = head.split()
        parsed = []
        for value in cells:
            if value == "↓":
                parsed.append("down")
            elif value == "↑":
                parsed.append("up")
            elif value == "·":
                parsed.append(None)
            else:
                ac, re = value.split()
                parsed.append((int(ac), int(re)))
        assert len(parsed) == 26, (letter, len(parsed))
        table[letter] = (int(n), parsed)
    return table


def resolve(table, letter, column):
    """Follow the printed arrows: (row letter, n, Ac, Re); off the table, the column the other way, then the next AQL."""
    letters = list(table)
    start = letters.index(letter)
    value = table[letter][1][column]
    if isinstance(value, tuple):
        return letter, table[letter][0], *value
    directions = (1, -1) if value in ("down", None) else (-1, 1)
    for step in directions:
        index = start + step
        while 0 <= index < len(letters):
            found = table[letters[index]][1][column]
            if isinstance(found, tuple):
                return letters[index], table[letters[index]][0], *found
            index += step
    return resolve(table, letter, column + 1)


def module_cell(value):
    if value == "v":
        return "down"
    if value == "^":
        return "up"
    if value == "-":
        return None
    ac, re = value.split("/")
    return (int(ac), int(re))


def test_the_aql_columns_are_the_standards_preferred_values():
    assert tuple(PRINTED_AQLS.split()) == aql.AQLS
    assert len(aql.AQLS) == 26


def test_table_1_every_lot_size_range_and_level():
    assert tuple(parse_table_1()) == aql.CODE_LETTERS
    for low, high, letters in parse_table_1():
        for level, letter in zip(aql.LEVELS, letters, strict=True):
            assert aql.code_letter(low, level) == letter
            assert aql.code_letter(high or 10_000_000, level) == letter
            if low > 2:
                previous = aql.code_letter(low - 1, level)
                assert previous <= letter


@pytest.mark.parametrize("severity", aql.SEVERITIES)
def test_every_cell_of_the_master_table_as_printed(severity):
    printed = parse_master(PRINTED[severity])
    table = aql.MASTER_TABLES[severity]
    assert list(table) == list(printed)
    checked = 0
    for letter, (n, cells) in printed.items():
        assert table[letter][0] == n, letter
        module_cells = table[letter][1].split()
        assert len(module_cells) == 26
        for column, expected in enumerate(cells):
            assert module_cell(module_cells[column]) == expected, (severity, letter, aql.AQLS[column])
            assert module_cell(aql.cell(severity, letter, aql.AQLS[column])) == expected
            checked += 1
    assert checked == 26 * (17 if severity == "tightened" else 16)


@pytest.mark.parametrize("severity", aql.SEVERITIES)
def test_every_code_letter_and_aql_resolves_as_the_arrows_say(severity):
    printed = parse_master(PRINTED[severity])
    for letter in "ABCDEFGHJKLMNPQR":
        for column, value in enumerate(aql.AQLS):
            assert aql.table_plan(severity, letter, value) == resolve(printed, letter, column), (
                severity,
                letter,
                value,
            )


def test_single_plans_reject_at_ac_plus_one_everywhere():
    for severity, table in aql.MASTER_TABLES.items():
        for _letter, (_n, cells) in table.items():
            for value in cells.split():
                if "/" in value:
                    ac, re = (int(part) for part in value.split("/"))
                    assert re == ac + 1, severity


def test_sample_sizes_per_code_letter():
    normal = [2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000]
    reduced = [2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800]
    assert [aql.NORMAL[letter][0] for letter in "ABCDEFGHJKLMNPQR"] == normal
    assert [aql.TIGHTENED[letter][0] for letter in "ABCDEFGHJKLMNPQRS"] == [*normal, 3150]
    assert [aql.REDUCED[letter][0] for letter in "ABCDEFGHJKLMNPQR"] == reduced


@pytest.mark.parametrize(
    ("lot_size", "level", "severity", "value", "expected"),
    [
        # The worked example everyone quotes: 1 500 pieces, level II → K, n = 125.
        (1500, "II", "normal", "2.5", ("K", 125, 7, 8)),
        (1500, "II", "normal", "4.0", ("K", 125, 10, 11)),
        (1500, "II", "normal", "1.5", ("K", 125, 5, 6)),
        (1500, "II", "normal", "1.0", ("K", 125, 3, 4)),
        (1500, "II", "normal", "0.65", ("K", 125, 2, 3)),
        (1500, "II", "normal", "0.40", ("K", 125, 1, 2)),
        (1500, "II", "normal", "0.10", ("K", 125, 0, 1)),
        # ↑ and ↓ next to the 0/1 diagonal: K at 0.15 uses J's n = 80, K at 0.25 uses L's n = 200.
        (1500, "II", "normal", "0.15", ("K", 80, 0, 1)),
        (1500, "II", "normal", "0.25", ("K", 200, 1, 2)),
        (1500, "II", "normal", "10", ("K", 125, 21, 22)),
        (1500, "II", "normal", "15", ("K", 80, 21, 22)),
        # 281–500 → H, n = 50.
        (500, "II", "normal", "2.5", ("H", 50, 3, 4)),
        (500, "II", "normal", "4.0", ("H", 50, 5, 6)),
        # 26–50 → D: AQL 2.5 ↑ to C (n = 5, Ac 0); AQL 4.0 ↓ to E (n = 13, Ac 1).
        (50, "II", "normal", "2.5", ("D", 5, 0, 1)),
        (50, "II", "normal", "4.0", ("D", 13, 1, 2)),
        # 51–90 → E at AQL 2.5: ↓ to F, n = 20, Ac 1.
        (90, "II", "normal", "2.5", ("E", 20, 1, 2)),
        (10000, "II", "normal", "1.0", ("L", 200, 5, 6)),
        # Tightened, K: 2.5 → 5/6, 4.0 → 8/9, 1.0 → 2/3, 0.65 → 1/2, 6.5 → 12/13, 10 → 18/19.
        (1500, "II", "tightened", "2.5", ("K", 125, 5, 6)),
        (1500, "II", "tightened", "4.0", ("K", 125, 8, 9)),
        (1500, "II", "tightened", "1.0", ("K", 125, 2, 3)),
        (1500, "II", "tightened", "0.65", ("K", 125, 1, 2)),
        (1500, "II", "tightened", "6.5", ("K", 125, 12, 13)),
        (1500, "II", "tightened", "10", ("K", 125, 18, 19)),
        # Reduced, K: n = 50; 2.5 → 5/6, 4.0 → 6/7 and 6.5 → 8/9 (the 1999 plans without a gap);
        # K's own 0/1 under 0.10, ↑ to J's 0/1 (n = 32) under 0.15, ↓ to M's 1/2 (n = 125) under 0.25.
        (1500, "II", "reduced", "2.5", ("K", 50, 5, 6)),
        (1500, "II", "reduced", "4.0", ("K", 50, 6, 7)),
        (1500, "II", "reduced", "6.5", ("K", 50, 8, 9)),
        (1500, "II", "reduced", "0.10", ("K", 50, 0, 1)),
        (1500, "II", "reduced", "0.15", ("K", 32, 0, 1)),
        (1500, "II", "reduced", "0.25", ("K", 125, 1, 2)),
        (1500, "II", "reduced", "1.0", ("K", 50, 2, 3)),
        # Special levels.
        (1500, "S-1", "normal", "4.0", ("C", 3, 0, 1)),
        (1500, "S-4", "normal", "2.5", ("G", 32, 2, 3)),
        (600000, "III", "normal", "0.65", ("R", 2000, 21, 22)),
    ],
)
def test_published_examples(lot_size, level, severity, value, expected):
    plan = aql.plan(lot_size, value, severity=severity, level=level)
    assert (plan.code_letter, plan.sample_size, plan.accept, plan.reject) == expected
    assert not plan.full_inspection


def test_a_sample_size_at_or_above_the_lot_size_is_100_percent_inspection():
    # 2–8 at level II → A; AQL 0.65 points down to F (n = 20): every one of the 5 items.
    plan = aql.plan(5, "0.65")
    assert (plan.code_letter, plan.sample_size, plan.accept, plan.reject) == ("A", 5, 0, 1)
    assert plan.full_inspection and plan.table_letter == "F"
    exact = aql.plan(13, "6.5", level="III")  # 9–15 at III → C, n = 5 < 13
    assert not exact.full_inspection
    assert aql.plan(2, "6.5").sample_size == 2 and aql.plan(2, "6.5").full_inspection


def test_arrows_leaving_the_table_follow_the_column_the_other_way():
    # Normal A at AQL 10 points up from the first row: B at 10 is ↓, so C's 1/2 (n = 5).
    assert aql.table_plan("normal", "A", "10") == ("C", 5, 1, 2)
    # Normal R at 0.015 points down from the last row: up the column to P's 0/1 (n = 800).
    assert aql.table_plan("normal", "R", "0.015") == ("P", 800, 0, 1)
    # Tightened R at 0.025 is served by row S; at 0.015 row S is blank, so up to Q's 0/1.
    assert aql.table_plan("tightened", "R", "0.025") == ("S", 3150, 1, 2)
    assert aql.table_plan("tightened", "R", "0.015") == ("Q", 1250, 0, 1)
    # Reduced R at 0.010 points up to Q's 0/1 (n = 500): no arrow of 2-C leaves the table.
    assert aql.table_plan("reduced", "R", "0.010") == ("Q", 500, 0, 1)


def test_the_cells_the_first_transcription_had_wrong():
    """GB/T 2828.1-2012 as printed (see ``inspection.aql``'s docstring for the source and the comparison)."""
    # 2-B row A at AQL 10 is a plan, 0/1 on n = 2 (MIL-STD-105E prints ↓ there).
    assert aql.cell("tightened", "A", "10") == "0/1"
    assert aql.table_plan("tightened", "A", "15") == ("C", 5, 1, 2)
    # 2-C rows A and B end like normal row A: 7/8 under 150, 30/31 under 1000; row C on is the reduced sequence.
    assert aql.table_plan("reduced", "A", "150") == ("A", 2, 7, 8)
    assert aql.table_plan("reduced", "B", "1000") == ("B", 2, 30, 31)
    assert aql.table_plan("reduced", "C", "150") == ("C", 2, 8, 9)
    assert aql.table_plan("reduced", "C", "1000") == ("B", 2, 30, 31)
    # The 0/1 diagonal of 2-C runs by code letter like 2-A's (K at 0.10), with the reduced n.
    assert aql.table_plan("reduced", "K", "0.10") == ("K", 50, 0, 1)
    assert aql.table_plan("reduced", "Q", "0.025") == ("N", 200, 0, 1)
    accepts = sorted(
        {int(value.split("/")[0]) for _n, row in aql.REDUCED.values() for value in row.split() if "/" in value}
    )
    assert accepts == [0, 1, 2, 3, 5, 6, 7, 8, 10, 14, 21, 30]


@pytest.mark.parametrize("value", ["2.5", "2.50", "2.5 ", 2.5, "0.01", "1000", "1E+3"])
def test_aql_spellings_of_a_preferred_value(value):
    assert aql.parse_aql(value) in aql.AQLS


@pytest.mark.parametrize("value", ["2", "3.0", "0", "-2.5", "abc", "", "nan", "inf", "0.020", "2000"])
def test_aqls_the_standard_does_not_list_are_refused(value):
    with pytest.raises(aql.SamplingError):
        aql.parse_aql(value)


@pytest.mark.parametrize("lot_size", [0, 1, -5, "12", 2.0, True])
def test_lot_sizes_below_2_or_not_whole_are_refused(lot_size):
    with pytest.raises(aql.SamplingError):
        aql.plan(lot_size, "2.5")


@pytest.mark.parametrize(("level", "severity"), [("IV", "normal"), ("s-1", "normal"), ("II", "strict"), ("", "normal")])
def test_unknown_levels_and_severities_are_refused(level, severity):
    with pytest.raises(aql.SamplingError):
        aql.plan(100, "2.5", level=level, severity=severity)
