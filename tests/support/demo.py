"""The demo brand in the test database: loaded once per test process, hidden from the tests that do not ask for it.

``seed_demo --no-history`` takes about 0.4 s; run in every test that asks for ``demo`` it was most of the suite's
time. ``DemoData.load()`` runs it once, committed, right after the test database is created (``django_db_setup``
in ``tests/conftest.py``). Before loading it notes each table's state (its highest integer primary key, or its
row count for other keys), so ``hide()`` can delete exactly the rows seeding added: a test that does not ask for
``demo`` deletes them inside its own rolled-back transaction and sees the database as migrations left it. Django
creates every foreign key ``DEFERRABLE INITIALLY DEFERRED`` (SQLite and PostgreSQL), and the rows seeding added
only point at each other or at rows that were there before, so the order of the deletes does not matter and the
end-of-test constraint check passes.

A test on committed data (``transaction=True``, ``live_server``, a Celery worker, threads) cannot be rolled back.
Django would end it with its flush (``TRUNCATE`` of every table on PostgreSQL: seconds there), after which the
demo had to be seeded again. Instead ``load()`` keeps a copy of every non-empty table as it left them (the
migrations' rows and the demo's, a few hundred rows), and ``restore()`` puts exactly that back in one transaction:
the tables that have rows are emptied with ``DELETE`` and the copy is written back (PostgreSQL ``COPY``, SQLite
``INSERT``), about a tenth of a second. ``tests/conftest.py`` uses it in place of the flush; a test the copy does
not fit (``available_apps``, ``serialized_rollback``, other databases) still gets Django's flush and a new seeding.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

import pgtrigger
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the demo logins' password in tests (seed_demo --password)


@dataclass(frozen=True)
class TableMark:
    """A table's state before seeding: its highest integer key, or (other keys) how many rows it had."""

    table: str
    pk_column: str
    integer_pk: bool
    max_pk: int | None
    rows: int


@dataclass
class DemoData:
    """What one test process knows about the demo rows in its test database."""

    loaded: bool = False
    # pytest-django's database blocker, to reload outside a test (set by django_db_setup).
    blocker: object | None = None
    # Tables seeding added rows to, as they were before it (filled by load()).
    marks: list[TableMark] = field(default_factory=list)
    # SQLite's AUTOINCREMENT counters before seeding, so a test without the demo numbers its rows as before.
    sqlite_sequences: dict[str, int] = field(default_factory=dict)
    # Every non-empty table as load() left it, committed, for restore() (None until loaded).
    committed: list[TableCopy] | None = None

    def load(self) -> None:
        """Seed the demo brand (committed) and remember which rows are the demo's."""
        if get_user_model().objects.filter(username=SENTINEL_LOGIN).exists():
            # A kept database (--reuse-db), or a test on committed data that ended without Django's flush:
            # start again from what migrations leave, so the rows noted below are the migrations' only.
            call_command("flush", interactive=False, verbosity=0)
        before = {mark.table: mark for mark in _table_marks()}
        sequences = _sqlite_sequences()
        seed_demo()
        after = {mark.table: mark for mark in _table_marks()}
        grown = [before[table] for table in before if after[table].rows != before[table].rows]
        for mark in grown:
            if not mark.integer_pk and mark.rows:
                raise RuntimeError(
                    f"seed_demo added rows to {mark.table}, whose key is not an integer and which had rows before: "
                    "tests/support/demo.py cannot tell the demo's rows there from the others"
                )
        self.marks = grown
        self.sqlite_sequences = {mark.table: sequences.get(mark.table) for mark in grown}
        self.committed = copy_tables()
        self.loaded = True

    def restore(self) -> None:
        """Put every table back as ``load()`` left it (committed): what a test on committed data changed is gone.

        Empties each table that has rows now or had rows then (``DELETE``, in one transaction: the foreign keys are
        checked at its end) and writes the copy back with the same keys. PostgreSQL's sequences keep counting, as
        after Django's flush; SQLite's AUTOINCREMENT counters are put back too (they are a table there).
        """
        write_tables(self.committed)

    def hide(self) -> None:
        """Delete the rows seeding added (in the caller's transaction, or committed when there is none)."""
        with _log_deletes_allowed(), transaction.atomic(), connection.cursor() as cursor:
            for mark in self.marks:
                table = connection.ops.quote_name(mark.table)
                if mark.max_pk is None:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names from the model registry
                else:
                    column = connection.ops.quote_name(mark.pk_column)
                    cursor.execute(f"DELETE FROM {table} WHERE {column} > %s", [mark.max_pk])  # noqa: S608
            if connection.vendor == "sqlite":
                # PostgreSQL's sequences are not transactional, so they are left alone there (as between tests).
                for name, value in self.sqlite_sequences.items():
                    if value is None:
                        cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
                    else:
                        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [value, name])


@dataclass(frozen=True)
class TableCopy:
    """One table's rows: PostgreSQL ``COPY`` text, or SQLite's stored values (read past the type converters)."""

    table: str
    columns: tuple[str, ...]
    data: bytes | list[tuple]

    @classmethod
    def read(cls, cursor, table: str) -> TableCopy | None:
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")  # noqa: S608 - names from the registry
        columns = tuple(column[0] for column in cursor.description)
        names = ", ".join(quote(column) for column in columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) TO STDOUT") as copy:
                data = b"".join(bytes(block) for block in copy)
        else:
            # Unary plus returns each value as stored: no declared-type converter turns it into a Python object.
            cursor.execute(f"SELECT {', '.join(f'+{quote(c)}' for c in columns)} FROM {quote(table)}")  # noqa: S608
            data = cursor.fetchall()
        return cls(table, columns, data) if data else None

    def write(self, cursor) -> None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(column) for column in self.columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(self.table)} ({names}) FROM STDIN") as copy:
                copy.write(self.data)
        else:
            marks = ", ".join("%s" for _ in self.columns)
            cursor.executemany(f"INSERT INTO {quote(self.table)} ({names}) VALUES ({marks})", self.data)  # noqa: S608


DEMO = DemoData()
SENTINEL_LOGIN = "store1"  # a demo login: when it exists, the demo is in the database
SQLITE_SEQUENCE = "sqlite_sequence"  # SQLite's AUTOINCREMENT counters, one row per table


def seed_demo() -> None:
    """``seed_demo --no-history`` as the tests use it (idempotent), output discarded."""
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--no-history", "--password", DEMO_PASSWORD, stdout=devnull)


def _tables() -> list[tuple[str, str, bool]]:
    """(table, primary key column, whether the key is an integer) of every table Django manages."""
    seen = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        pk = meta.pk
        key = pk.target_field if pk.is_relation else pk
        seen[meta.db_table] = (meta.db_table, pk.column, key.get_internal_type() in INTEGER_KEYS)
    return list(seen.values())


INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def _table_marks() -> list[TableMark]:
    existing = set(connection.introspection.table_names())
    marks = []
    with connection.cursor() as cursor:
        for table, pk_column, integer_pk in _tables():
            if table not in existing:
                continue
            quoted = connection.ops.quote_name(table)
            if integer_pk:
                column = connection.ops.quote_name(pk_column)
                cursor.execute(f"SELECT MAX({column}), COUNT(*) FROM {quoted}")  # noqa: S608
                max_pk, rows = cursor.fetchone()
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608
                max_pk, rows = None, cursor.fetchone()[0]
            marks.append(TableMark(table, pk_column, integer_pk, max_pk if integer_pk else None, rows))
    return marks


def copy_tables() -> list[TableCopy]:
    """A copy of every non-empty table Django manages (and SQLite's AUTOINCREMENT counters, a table there)."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    if connection.vendor == "sqlite":
        tables.append(SQLITE_SEQUENCE)  # last: write_tables() writes it after the tables whose counters it holds
    with connection.cursor() as cursor:
        copies = [TableCopy.read(cursor, table) for table in tables]
    return [copy for copy in copies if copy is not None]


def write_tables(copies: list[TableCopy]) -> None:
    """Make every table Django manages hold exactly these rows (in the caller's transaction, or committed)."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with _log_deletes_allowed(), transaction.atomic(), connection.cursor() as cursor:
        emptied = _tables_with_rows(cursor, tables) | {copy.table for copy in copies}
        for table in sorted(emptied):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - registry names
        for copy in copies:
            if copy.table == SQLITE_SEQUENCE:
                # Last in the copy: the rows written above moved SQLite's counters; put them back as they were.
                cursor.execute(f"DELETE FROM {SQLITE_SEQUENCE}")  # noqa: S608 - SQLite's own table
            copy.write(cursor)


def _log_deletes_allowed():
    """The transition log refuses DELETE on PostgreSQL (a trigger, ``aftersales.models.TransitionLog``); the demo's
    hiding (inside the test's rolled-back transaction) and ``restore()`` (the suite's own reset, in place of the
    flush's TRUNCATE) delete its rows on purpose, so the trigger steps aside for them."""
    if connection.vendor == "postgresql":
        return pgtrigger.ignore("aftersales.TransitionLog:transitionlog_append_only")
    return contextlib.nullcontext()


def _tables_with_rows(cursor, tables: list[str]) -> set[str]:
    """Which of these tables hold at least one row (one query)."""
    quote = connection.ops.quote_name
    probes = " UNION ALL ".join(
        f"SELECT {index} FROM (SELECT 1 FROM {quote(table)} LIMIT 1) probe{index}"  # noqa: S608
        for index, table in enumerate(tables)
    )
    cursor.execute(probes)
    found = {tables[index] for (index,) in cursor.fetchall()}
    if connection.vendor == "sqlite":
        found.add(SQLITE_SEQUENCE)
    return found


def _sqlite_sequences() -> dict[str, int]:
    if connection.vendor != "sqlite":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return dict(cursor.fetchall())
