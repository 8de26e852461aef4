"""The audit trail is immutable in the database too (issue 19): on PostgreSQL a trigger (django-pgtrigger) refuses
UPDATE and DELETE of a transition-log row, even from raw SQL that bypasses Django's guards."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from aftersales.models import TransitionLog
from cases.choices import ReturnState
from tests.support.returns import return_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (SQLite has none)"),
]


@pytest.fixture
def logged(demo):
    item = return_in(ReturnState.CANCELLED)
    return TransitionLog.objects.for_object(item).get(transition="cancel")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE aftersales_transitionlog SET target_state = 'logged' WHERE id = %s",
        "UPDATE aftersales_transitionlog SET actor_id = NULL WHERE id = %s",
        "DELETE FROM aftersales_transitionlog WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_log_row(logged, sql):
    before = TransitionLog.objects.filter(pk=logged.pk).values().get()
    refused = pytest.raises(DatabaseError, match="Cannot update or delete")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [logged.pk])
    assert TransitionLog.objects.filter(pk=logged.pk).values().get() == before


@pytest.mark.django_db
def test_new_rows_are_still_written(logged):
    count = TransitionLog.objects.count()
    return_in(ReturnState.CANCELLED)
    assert TransitionLog.objects.count() > count


def test_the_trigger_is_installed_by_the_migrations(django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'aftersales_transitionlog'::regclass AND NOT tgisinternal"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert any(name.startswith("pgtrigger_transitionlog_append_only") for name in names)
