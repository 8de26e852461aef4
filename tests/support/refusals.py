"""The refusal matrix of style.md, built from a table: one battery, which test modules fill in and do not copy.

Every endpoint and transition gets its matrix: anonymous 401, wrong role 403, other store 404, wrong state 409,
allowed 200. A table is a list of ``Refusal`` rows (who asks, what the subject is made of, which request, the
answer expected) with one ``snapshot`` callable; ``refusal_cases`` turns it into ``pytest.param``s with readable
ids (``<action>-<case>-<who>-<status>``), ``attempt`` makes the subject, snapshots it, sends the request and
snapshots again, and ``assert_refused`` checks the answer AND that nothing changed.

    TABLE = standard_matrix("inspect", arrange=..., arrange_wrong_state=..., url=..., payload=..., ...)

    @pytest.mark.django_db
    @pytest.mark.parametrize("row", refusal_cases(TABLE, snapshot=snapshot))
    def test_inspect_matrix(api_as, demo, row):
        tried = attempt(row, api_as)
        if row.allowed:
            ...  # what a success must have done
        else:
            assert_refused(tried)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from rest_framework.test import APIClient


@dataclass(frozen=True)
class Refusal:
    """One row: ``who`` (a demo login, None for anonymous) sends a request about what ``arrange`` made."""

    action: str  # the endpoint or transition: the first part of the id
    who: str | None
    expected: int
    arrange: Callable[..., Any]  # makes the subject (through the services) and returns it
    url: Callable[[Any], str]  # the subject -> the URL
    payload: Any = None  # a body, or a callable subject -> body
    case: str = ""  # why this answer: "anonymous", "wrong_role", "other_store", "wrong_state", "allowed", ...
    method: str = "post"
    format: str = "json"
    snapshot: Callable[[Any], Any] | None = None  # set from the table by refusal_cases
    detail: bool = False  # a refusal other than 401 carries a "detail" message

    @property
    def allowed(self) -> bool:
        return self.expected < 300

    @property
    def id(self) -> str:
        parts = [self.action, self.case, self.who or "anonymous", str(self.expected)]
        return "-".join(dict.fromkeys(part for part in parts if part))  # "anonymous" once, not twice


def refusal_cases(
    table: Iterable[Refusal], *, snapshot: Callable[[Any], Any], detail: bool = False
) -> list[pytest.param]:
    """The table as ``pytest.param``s, each row carrying the table's ``snapshot`` (and ``detail`` rule)."""
    rows = [replace(row, snapshot=snapshot, detail=detail) for row in table]
    ids = [row.id for row in rows]
    duplicates = {row_id for row_id in ids if ids.count(row_id) > 1}
    assert not duplicates, f"two rows of one table share an id: {sorted(duplicates)}"
    return [pytest.param(row, id=row.id) for row in rows]


def standard_matrix(
    action: str,
    *,
    arrange: Callable[[], Any],
    url: Callable[[Any], str],
    allowed: str,
    wrong_role: str,
    payload: Any = None,
    arrange_wrong_state: Callable[[], Any] | None = None,
    other_store: str | None = "store2",
    allowed_status: int = 200,
) -> list[Refusal]:
    """The five rows of style.md: anonymous 401, wrong role 403, other store 404, wrong state 409, allowed."""
    row = {"action": action, "arrange": arrange, "url": url, "payload": payload}
    rows = [
        Refusal(**row, case="anonymous", who=None, expected=401),
        Refusal(**row, case="wrong_role", who=wrong_role, expected=403),
    ]
    if other_store is not None:
        rows.append(Refusal(**row, case="other_store", who=other_store, expected=404))
    if arrange_wrong_state is not None:
        rows.append(Refusal(**{**row, "arrange": arrange_wrong_state}, case="wrong_state", who=allowed, expected=409))
    rows.append(Refusal(**row, case="allowed", who=allowed, expected=allowed_status))
    return rows


def by_login(
    action: str, answers: Iterable[tuple[str | None, int]], *, arrange, url, payload=None, method="post", **extra
) -> list[Refusal]:
    """Rows from a list of (login, expected status): the matrix of an endpoint asked by every login in turn."""
    return [
        Refusal(action=action, who=who, expected=expected, arrange=arrange, url=url, payload=payload, method=method,
                **extra)
        for who, expected in answers
    ]  # fmt: skip


def client_for(api_as, who: str | None) -> APIClient:
    """An API client with the token of demo login ``who``, or an anonymous one."""
    return APIClient() if who is None else api_as(who)


@dataclass
class Attempt:
    row: Refusal
    subject: Any
    before: Any
    response: Any
    after: Any


def attempt(row: Refusal, api_as, *given) -> Attempt:
    """Make the subject (``arrange(*given)``: what the test's fixtures give it), snapshot it, send the row's
    request as the row's login, snapshot it again."""
    assert row.snapshot is not None, "rows come from refusal_cases, which gives them the table's snapshot"
    subject = row.arrange(*given)
    body = row.payload(subject) if callable(row.payload) else row.payload
    before = row.snapshot(subject)
    send = getattr(client_for(api_as, row.who), row.method)
    response = send(row.url(subject), body, format=row.format) if body is not None else send(row.url(subject))
    if row.allowed:
        assert response.status_code == row.expected, response.content
    return Attempt(row=row, subject=subject, before=before, response=response, after=row.snapshot(subject))


def assert_refused(tried: Attempt, before: Any = None, after: Any = None) -> None:
    """The refusal the row expects, and nothing changed (the subject's snapshot before == after)."""
    response, row = tried.response, tried.row
    assert not row.allowed, f"{row.id} is not a refusal"
    assert response.status_code == row.expected, response.content
    before = tried.before if before is None else before
    after = tried.after if after is None else after
    assert after == before, f"{row.id}: a refused request changed something"
    if row.detail and row.expected != 401:
        assert "detail" in response.json()
