"""Migration check (issue 12): a database seeded at an old commit, migrated to the new code, loses nothing.

Models move between apps with ``SeparateDatabaseAndState`` and keep their tables; content types are
rewritten so transition-log rows, notifications, alerts and permissions keep pointing at their objects.
This script proves it on a real database:

1. the old commit (``--from``, default 88eb11b, the commit before the reshape) is exported with
   ``git archive`` into a temporary directory;
2. on a fresh database (an SQLite file there, or the throw-away PostgreSQL database
   ``aftersales_migration_check``) the old code runs ``migrate`` and ``seed_demo`` with its history, then
   ``seed_extra`` below: a batch recall with notices, units and logs, and alerts, which that history lacks;
3. a snapshot is taken under the old code: every table's row count, per-column digests of all rows and a
   sample of rows (raw SQL, by table name, so independent of app labels); every generic-relation row
   (transition log, notifications, alerts, admin log: any content-type + object-id pair) resolved to its
   target table, pk and natural identifier; the permissions each group and user holds, as
   (table, codename);
4. the new code (``--to``, default this checkout) runs ``migrate`` on the same database, then
   ``makemigrations --check --dry-run`` and ``migrate --check``, and the same snapshot is taken under it;
   its schema (columns, constraints, indexes, triggers, without names) must equal the schema the models make
   on an empty database (``build_from_models``), which is how the test suite makes its own (``--no-migrations``);
5. the two are compared by table name + pk, so a model that moved (``cases.recall`` → ``recalls.recall``,
   same table) maps by itself.

It fails (exit 1) on: a lost table or column, a table whose row count changed, changed values in a
column, a generic-relation row that no longer resolves to the same row of the same table, a content
type that names no model while rows refer to it, a group or user that lost a permission, a schema other
than the models', or a failing ``makemigrations --check`` / ``migrate --check``. Bookkeeping tables (django_migrations,
django_content_type, auth_permission and the permission links, django-celery-beat's tables, which
``migrate`` re-syncs) may change: their changes are reported, not failed.

    .venv/bin/python bench/migration_check.py                          # SQLite, 88eb11b → this checkout
    .venv/bin/python bench/migration_check.py --database postgres      # the same on PostgreSQL
    .venv/bin/python bench/migration_check.py --from abc1234 --to /path/to/other/checkout --keep
    .venv/bin/python bench/migration_check.py --rename-table reports_lossreport=writeoffs_lossreport  # if renamed
    make migration-check                                               # SQLite, then PostgreSQL if reachable
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FROM = "88eb11b"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432"
DEFAULT_PG_DB = "aftersales_migration_check"
# Natural identifiers, first match wins, and the state column shown beside it.
IDENT_COLUMNS = ("number", "code", "style_no", "username", "name", "title", "subject")
STATE_COLUMNS = ("state", "status")
MAX_LINES_PER_CHECK = 15
MAKEMIGRATIONS_CHECK = ("makemigrations", "--check", "--dry-run")
# Data migrations that change existing rows on purpose, each with why. Only what is named here may change, and only
# in the named columns; anything else still fails. A table with ``rows_added`` may gain rows (the digests over every
# row then differ in every column; the sampled old rows and the generic relations are still compared one by one).
INTENDED_DATA_CHANGES: dict[str, dict] = {
    # recalls 0003 (issue 13): a recall shipped to its supplier before its units followed it left them 'received';
    # the migration moves each where its outcome says (at_supplier, ready_to_return, scrap_pending).
    "cases_return": {"columns": {"state", "updated_at"}, "rows_added": False},
    # ... and logs each of those moves as the system (new transition-log rows; old rows untouched).
    "aftersales_transitionlog": {"columns": set(), "rows_added": True},
}


def say(*lines: str) -> None:
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------------------
# The snapshot: runs inside Django (old or new code), via ``manage.py shell -c``; reads only.
# ---------------------------------------------------------------------------------------------------------


def _plain(value):
    """A JSON-able, backend-stable form of one column value."""
    import datetime as dt
    import decimal
    import uuid

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID, dt.timedelta)):
        return str(value)
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return repr(value)


def snapshot(out_path: str, sample: int, extra_pks_path: str | None = None, aliases: dict | None = None) -> None:
    """Write the snapshot as JSON; ``aliases`` maps a renamed table back to its old name, and ``extra_pks_path``
    (the old snapshot) names rows to sample besides the first and last ``sample`` of each table."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.fields import GenericForeignKey
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    qn = connection.ops.quote_name
    aliases = aliases or {}
    extra_pks: dict[str, list[str]] = {}
    if extra_pks_path:
        before = json.loads(Path(extra_pks_path).read_text())
        extra_pks = {table: list(info["sample"]) for table, info in before["tables"].items()}

    # Content types, resolved by this code's model registry to the table they name.
    content_types: dict[int, dict] = {}
    for ct_id, app_label, model in ContentType.objects.values_list("id", "app_label", "model"):
        try:
            table = aliases.get(t := apps.get_model(app_label, model)._meta.db_table, t)
        except LookupError:
            table = None
        content_types[ct_id] = {"label": f"{app_label}.{model}", "table": table}

    def ct_ref(ct_id) -> str | None:
        if ct_id is None:
            return None
        ct = content_types.get(ct_id)
        if ct is None:
            return f"missing-content-type:{ct_id}"
        return ct["table"] or f"stale:{ct['label']}"

    # What the code knows of each table: its models, content-type columns and generic (ct, object id) pairs.
    ct_columns: dict[str, set[str]] = {}
    generic_pairs: dict[str, set[tuple[str, str]]] = {}
    table_models: dict[str, list[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        table = opts.db_table
        table_models.setdefault(table, []).append(opts.label)
        ct_fields = {
            f.name: f.column
            for f in opts.concrete_fields
            if f.is_relation and f.many_to_one and f.related_model is ContentType
        }
        ct_columns.setdefault(table, set()).update(ct_fields.values())
        pairs = set()
        for private in opts.private_fields:
            if isinstance(private, GenericForeignKey):
                pairs.add((opts.get_field(private.ct_field).column, opts.get_field(private.fk_field).column))
        if not pairs and ct_fields:
            fields = {f.name: f for f in opts.concrete_fields}
            for name, column in ct_fields.items():
                for candidate in (name.removesuffix("content_type") + "object_id", "object_id", "object_pk"):
                    if candidate in fields:
                        pairs.add((column, fields[candidate].column))
                        break
        if pairs:
            generic_pairs.setdefault(table, set()).update(pairs)

    user_model = get_user_model()
    bookkeeping = {
        MigrationRecorder.Migration._meta.db_table,
        ContentType._meta.db_table,
        Permission._meta.db_table,
        Group.permissions.through._meta.db_table,
    }
    if hasattr(user_model, "user_permissions"):
        bookkeeping.add(user_model.user_permissions.through._meta.db_table)
    if apps.is_installed("django_celery_beat"):
        bookkeeping.update(m._meta.db_table for m in apps.get_app_config("django_celery_beat").get_models())

    tables: dict[str, dict] = {}
    generic_rows: list[dict] = []
    with connection.cursor() as cursor:
        table_names = sorted(connection.introspection.table_names(cursor))
        for db_table in table_names:
            table = aliases.get(db_table, db_table)
            pk = connection.introspection.get_primary_key_column(cursor, db_table)
            order = qn(pk) if pk else "1"
            cursor.execute(f"SELECT * FROM {qn(db_table)} ORDER BY {order}")  # noqa: S608 - table names from introspection
            columns = [d[0] for d in cursor.description]
            pk_index = columns.index(pk) if pk in columns else None
            ct_cols = ct_columns.get(db_table, set())
            digests = {c: hashlib.sha256() for c in columns}
            rows: list[tuple] = []
            count = 0
            while batch := cursor.fetchmany(5000):
                for raw in batch:
                    count += 1
                    row = tuple(
                        ct_ref(value) if column in ct_cols else _plain(value)
                        for column, value in zip(columns, raw, strict=True)
                    )
                    for column, value in zip(columns, row, strict=True):
                        digests[column].update(json.dumps(value, ensure_ascii=False).encode() + b"\x1e")
                    rows.append(row)
            keys = [str(row[pk_index]) if pk_index is not None else str(i) for i, row in enumerate(rows)]
            wanted = set(keys[:sample] + keys[-sample:] if sample else []) | set(extra_pks.get(table, ()))
            by_key = dict(zip(keys, rows, strict=True))
            tables[table] = {
                "db_table": db_table,
                "count": count,
                "pk": pk,
                "columns": columns,
                "models": sorted(table_models.get(db_table, [])),
                "bookkeeping": db_table in bookkeeping,
                "digests": {c: h.hexdigest() for c, h in digests.items()},
                "sample": {
                    key: dict(zip(columns, by_key[key], strict=True)) for key in sorted(wanted) if key in by_key
                },
            }
            for ct_col, oid_col in sorted(generic_pairs.get(db_table, ())):
                ci, oi = columns.index(ct_col), columns.index(oid_col)
                for key, row in zip(keys, rows, strict=True):
                    generic_rows.append(
                        {
                            "table": table,
                            "pk": key,
                            "column": oid_col,
                            "content_type": row[ci],
                            "object_id": None if row[oi] is None else str(row[oi]),
                        }
                    )
            del rows, by_key

        # Resolve each reference to its target row: does it exist, and what is it (number/code, state)?
        targets: dict[str, dict[str, list]] = {}
        for ref in generic_rows:
            target = ref["content_type"]
            if target is None or ref["object_id"] is None or target.startswith(("stale:", "missing-")):
                continue
            if target not in targets:
                targets[target] = {}
                if target in tables and tables[target]["pk"]:
                    cols = tables[target]["columns"]
                    ident = next((c for c in IDENT_COLUMNS if c in cols), None)
                    state = next((c for c in STATE_COLUMNS if c in cols), None)
                    picked = [tables[target]["pk"]] + [c for c in (ident, state) if c]
                    cursor.execute(f"SELECT {', '.join(qn(c) for c in picked)} FROM {qn(tables[target]['db_table'])}")  # noqa: S608
                    targets[target] = {str(r[0]): [_plain(v) for v in r[1:]] for r in cursor.fetchall()}
        for ref in generic_rows:
            found = targets.get(ref["content_type"] or "", {}).get(ref["object_id"] or "")
            ref["found"] = found is not None
            ref["ident"] = found

    def held(through_rows) -> dict[str, list[str]]:
        out: dict[str, set[str]] = {}
        for holder, codename, ct_id in through_rows:
            out.setdefault(str(holder), set()).add(f"{ct_ref(ct_id)}:{codename}")
        return {holder: sorted(perms) for holder, perms in sorted(out.items())}

    group_perms = held(
        Group.permissions.through.objects.values_list("group__name", "permission__codename", "permission__content_type")
    )
    user_perms = {}
    if hasattr(user_model, "user_permissions"):
        user_perms = held(
            user_model.user_permissions.through.objects.values_list(
                f"{user_model.__name__.lower()}__{user_model.USERNAME_FIELD}",
                "permission__codename",
                "permission__content_type",
            )
        )

    Path(out_path).write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "content_types": {str(k): v for k, v in sorted(content_types.items())},
                "tables": tables,
                "generic": generic_rows,
                "generic_tables": sorted(aliases.get(t, t) for t in generic_pairs),
                "group_perms": group_perms,
                "user_perms": user_perms,
            },
            ensure_ascii=False,
            indent=0,
        )
    )


def seed_extra(out_path: str) -> None:
    """What seed_demo's history lacks at 88eb11b, added through that commit's own services (old code only).

    The demo history has no batch recall and raises no alert, yet Recall, RecallNotice and RecallUnit
    move apps and Alert rows point at them through content types. So: the day's turnaround alerts on
    overdue Returns; then one recall opened, approved, its notices issued, one store acknowledging and
    logging two units, shipped to and received at the center, sent to the supplier (two RecallUnits),
    an outcome recorded, and the deadline reminders as of the day before the deadline (alerts and
    notifications on notices). One transaction: all of it or, if this commit's API differs, nothing.
    """
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from aftersales.roles import Role
    from cases import recalls
    from cases import services as cases_services
    from cases.alerts import turnaround_alerts_scan
    from cases.choices import RecallCostBearer, RecallOutcome, RecallReturnMethod, ShipmentDirection
    from cases.models import RecallNotice
    from cases.selectors import recall_candidates
    from inspection.models import DefectCode
    from suppliers.models import Style

    def person(role: str):
        return get_user_model().objects.filter(groups__name=role, is_active=True).order_by("pk").first()

    technician, qa = person(Role.TECHNICIAN), person(Role.QA_MANAGER)
    with transaction.atomic():
        turnaround = turnaround_alerts_scan()
        candidate = next(iter(recall_candidates()), None)
        style = candidate.style if candidate else Style.objects.order_by("pk").first()
        defect = candidate.defect_code if candidate else DefectCode.objects.order_by("pk").first()
        recall = recalls.recall_open(
            user=technician, style=style, defect_code=defect, test_report="Migration check: seams tested, 3/5 fail."
        )
        deadline = timezone.localdate() + dt.timedelta(days=10)
        recall = recalls.recall_approve(
            user=qa,
            recall=recall,
            deadline=deadline,
            return_method=RecallReturnMethod.WEEKLY_SHIPMENT,
            handling_plan="Return all units for re-sewing.",
            cost_bearer=RecallCostBearer.SUPPLIER,
        )
        recall = recalls.recall_issue_notice(user=qa, recall=recall)
        notice, staff = None, []
        for notice in RecallNotice.objects.filter(recall=recall).select_related("store").order_by("pk"):
            if staff := recalls.store_staff_of([notice.store]):
                break
        notice = recalls.recallnotice_acknowledge(user=staff[0], notice=notice, on_hand=2)
        units = recalls.recall_returns_log(
            notice=notice, user=staff[0], lines=[{"color": "黑色", "size": "M", "quantity": 2}], document_no="MC-0001"
        )
        # The other stores have not answered: reminded the day before the deadline (while still collecting).
        reminders = recalls.recall_deadline_reminders(now=timezone.now() + dt.timedelta(days=9))
        shipment = cases_services.shipment_create(
            user=staff[0],
            direction=ShipmentDirection.TO_CENTER,
            store=notice.store,
            return_ids=[unit.pk for unit in units],
            carrier="SF",
            tracking_no="SF000000000001",
        )
        shipment = cases_services.shipment_dispatch(user=staff[0], shipment=shipment)
        cases_services.shipment_receive(user=technician, shipment=shipment, received_ids=[unit.pk for unit in units])
        recall.refresh_from_db()
        recall = recalls.recall_ship_to_supplier(user=technician, recall=recall, carrier="SF", tracking_no="SF02")
        recalls.recall_record_outcome(
            user=technician, recall=recall, return_ids=[units[0].pk], outcome=RecallOutcome.REPAIRED_BY_FACTORY
        )
    Path(out_path).write_text(
        json.dumps({"recall": recall.number, "turnaround": turnaround, "reminders": reminders}, default=str)
    )


# ---------------------------------------------------------------------------------------------------------
# The comparison: pure Python over the two snapshots.
# ---------------------------------------------------------------------------------------------------------


def _ident(ref: dict):
    """A generic relation's target as compared: its natural identifier, and its state unless a data migration
    changes that table's state on purpose (the row must still be the same one)."""
    ident = ref["ident"]
    if (
        isinstance(ident, list)
        and len(ident) == 2
        and "state" in INTENDED_DATA_CHANGES.get(ref["content_type"] or "", {}).get("columns", set())
    ):
        return ident[0]
    return ident


def compare(before: dict, after: dict) -> tuple[list[str], list[str], dict]:
    """(failures, notes, figures). Tables are keyed by their old names in both snapshots."""
    failures: list[str] = []
    notes: list[str] = []

    def report(into: list[str], kind: str, lines: list[str]) -> None:
        if lines:
            into.append(f"{kind} ({len(lines)}):")
            into.extend(f"  {line}" for line in lines[:MAX_LINES_PER_CHECK])
            if len(lines) > MAX_LINES_PER_CHECK:
                into.append(f"  … and {len(lines) - MAX_LINES_PER_CHECK} more")

    b_tables, a_tables = before["tables"], after["tables"]
    gone, counts, bk_counts, cols_gone, schema, values, samples = [], [], [], [], [], [], []
    sampled = 0
    for table, b in sorted(b_tables.items()):
        a = a_tables.get(table)
        label = table if a is None or a["db_table"] == table else f"{table} (now {a['db_table']})"
        if a is None:
            (gone if b["count"] else schema).append(f"{label}: table gone ({b['count']} rows)")
            continue
        intended = INTENDED_DATA_CHANGES.get(table, {"columns": set(), "rows_added": False})
        grew_as_intended = intended["rows_added"] and a["count"] > b["count"]
        if b["count"] != a["count"]:
            if grew_as_intended:
                schema.append(f"{label}: {b['count']} → {a['count']} rows (rows added by a data migration, intended)")
            else:
                (bk_counts if b["bookkeeping"] else counts).append(f"{label}: {b['count']} → {a['count']} rows")
        if b["bookkeeping"]:
            continue
        lost = [c for c in b["columns"] if c not in a["columns"]]
        if lost:
            cols_gone.append(f"{label}: {', '.join(lost)}")
        added = [c for c in a["columns"] if c not in b["columns"]]
        if added:
            schema.append(f"{label}: new column(s) {', '.join(added)}")
        changed = [c for c in b["columns"] if c in a["digests"] and b["digests"][c] != a["digests"][c]]
        changed = [] if grew_as_intended else [c for c in changed if c not in intended["columns"]]
        if changed:
            values.append(f"{label}: values differ in column(s) {', '.join(changed)}")
        for key, b_row in b["sample"].items():
            sampled += 1
            a_row = a["sample"].get(key)
            if a_row is None:
                samples.append(f"{label} pk={key}: row gone")
                continue
            diff = [
                f"{c}: {b_row[c]!r} → {a_row[c]!r}"
                for c in b["columns"]
                if c in a_row and b_row[c] != a_row[c] and c not in intended["columns"]
            ]
            if diff:
                samples.append(f"{label} pk={key}: {'; '.join(diff)}")
    new_tables = [f"{t}: {a_tables[t]['count']} rows" for t in sorted(set(a_tables) - set(b_tables))]
    report(failures, "Tables lost with their rows", gone)
    report(failures, "Row counts changed", counts)
    report(failures, "Columns lost", cols_gone)
    report(failures, "Column values changed (digest over every row)", values)
    report(failures, "Sampled rows differ", samples)
    report(notes, "Bookkeeping tables changed (allowed)", bk_counts)
    report(notes, "New tables", new_tables)
    report(notes, "Schema changes without data loss", schema)

    # Generic relations: every row still resolves to the same row of the same table.
    a_generic = {(r["table"], r["pk"], r["column"]): r for r in after["generic"]}
    lost_refs, dangling, already = [], [], []
    for ref in before["generic"]:
        where = f"{ref['table']} pk={ref['pk']}"
        a = a_generic.get((ref["table"], ref["pk"], ref["column"]))
        if a is None:
            lost_refs.append(f"{where}: row gone")
            continue
        if ref["object_id"] is None:
            continue
        if not ref["found"]:
            already.append(f"{where}: {ref['content_type']} #{ref['object_id']} was already missing at the old commit")
            continue
        was = (ref["content_type"], ref["object_id"], _ident(ref))
        if not a["found"] or (a["content_type"], a["object_id"], _ident(a)) != was:
            dangling.append(
                f"{where}: was {ref['content_type']} #{ref['object_id']} {ref['ident']}, "
                f"now {a['content_type']} #{a['object_id']} {a['ident'] if a['found'] else '(no such row)'}"
            )
    report(failures, "Generic-relation rows lost", lost_refs)
    report(failures, "Generic-relation rows no longer pointing at their object", dangling)
    report(notes, "Generic-relation rows already dangling at the old commit", already)

    # Content types naming no model: fatal when something still refers to them.
    referenced: dict[str, int] = {}
    for ref in after["generic"]:
        if ref["object_id"] is not None and ref["content_type"]:
            referenced[ref["content_type"]] = referenced.get(ref["content_type"], 0) + 1
    for perms in (*after["group_perms"].values(), *after["user_perms"].values()):
        for perm in perms:
            target = perm.rsplit(":", 1)[0]
            referenced[target] = referenced.get(target, 0) + 1
    stale_used, stale_free = [], []
    for ct_id, ct in after["content_types"].items():
        if ct["table"] is None:
            uses = referenced.get(f"stale:{ct['label']}", 0)
            line = f"{ct['label']} (id {ct_id})" + (f": {uses} rows or held permissions refer to it" if uses else "")
            (stale_used if uses else stale_free).append(line)
    report(failures, "Content types naming no model, still referred to", stale_used)
    report(notes, "Content types naming no model, unreferenced (remove_stale_contenttypes drops them)", stale_free)

    # Permissions held, by (table, codename).
    perm_lost, perm_new = [], []
    for kind, key in (("group", "group_perms"), ("user", "user_perms")):
        for holder, perms in sorted(before[key].items()):
            now = set(after[key].get(holder, []))
            perm_lost.extend(f"{kind} {holder}: {perm}" for perm in perms if perm not in now)
        for holder, perms in sorted(after[key].items()):
            was = set(before[key].get(holder, []))
            perm_new.extend(f"{kind} {holder}: {perm}" for perm in perms if perm not in was)
    report(failures, "Permissions lost", perm_lost)
    report(notes, "Permissions gained", perm_new)

    generic_by_table: dict[str, int] = dict.fromkeys(before.get("generic_tables", []), 0)
    for ref in before["generic"]:
        generic_by_table[ref["table"]] = generic_by_table.get(ref["table"], 0) + 1
    figures = {
        "tables": len(b_tables),
        "rows": sum(t["count"] for t in b_tables.values()),
        "generic": len(before["generic"]),
        "generic_by_table": generic_by_table,
        "sampled": sampled,
        "perms": sum(map(len, before["group_perms"].values())) + sum(map(len, before["user_perms"].values())),
    }
    return failures, notes, figures


# ---------------------------------------------------------------------------------------------------------
# The schema migrations make against the one the models make (the test suite's).
# ---------------------------------------------------------------------------------------------------------


def build_from_models() -> None:
    """Make this database's tables from the models, as the test suite does (pytest-django's ``--no-migrations``):
    every app unmigrated, ``migrate --run-syncdb``."""
    from django.conf import settings
    from django.core.management import call_command

    class NoMigrations(dict):
        def __contains__(self, app_label) -> bool:
            return True

        def __getitem__(self, app_label) -> None:
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)


# The migrations' own bookkeeping table, which only a migrated database fills.
SCHEMA_IGNORED_TABLES = {"django_migrations"}


def schema(out_path: str) -> None:
    """This database's schema, without names: per table its columns (type, size, null, default), its
    constraints and indexes as their definitions with the name left out, and its triggers. Written as JSON."""
    import re

    from django.db import connection

    tables: dict[str, dict] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, "
                "numeric_scale, is_nullable, coalesce(column_default, ''), is_identity "
                "FROM information_schema.columns WHERE table_schema = 'public'"
            )
            for table, column, *kind in cursor.fetchall():
                tables.setdefault(table, {"columns": {}, "constraints": [], "indexes": [], "triggers": []})
                tables[table]["columns"][column] = [str(value) for value in kind]
            cursor.execute(
                "SELECT c.relname, con.contype, pg_get_constraintdef(con.oid) FROM pg_constraint con "
                "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public'"
            )
            for table, kind, definition in cursor.fetchall():
                tables[table]["constraints"].append(f"{kind} {definition}")
            cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            for table, definition in cursor.fetchall():
                tables[table]["indexes"].append(re.sub(r"INDEX \S+ ON", "INDEX ON", definition))
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal"
            )
            for table, name in cursor.fetchall():
                tables[table]["triggers"].append(name)
        else:
            names = [row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in names:
                if table.startswith("sqlite_"):
                    continue
                entry = tables.setdefault(table, {"columns": {}, "constraints": [], "indexes": [], "triggers": []})
                for _cid, column, kind, notnull, default, pk in cursor.execute(f'PRAGMA table_info("{table}")'):
                    entry["columns"][column] = [kind.lower(), str(notnull), str(default), str(pk)]
                for constraint in connection.introspection.get_constraints(cursor, table).values():
                    constraint.pop("orders", None)
                    entry["constraints"].append(json.dumps(constraint, sort_keys=True, default=str))
                for (sql,) in cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                ).fetchall():
                    entry["indexes"].append(re.sub(r'INDEX "?\w+"? ON', "INDEX ON", sql))
    for table in SCHEMA_IGNORED_TABLES:
        tables.pop(table, None)
    for entry in tables.values():
        for key in ("constraints", "indexes", "triggers"):
            entry[key].sort()
    Path(out_path).write_text(json.dumps(tables, indent=1, sort_keys=True), encoding="utf-8")


# Differences that are Django's own, the same in any project, each with why it does not matter here.
KNOWN_SCHEMA_DIFFERENCES = {
    # django.contrib.auth's many-to-many link tables: migrations give their key the project's DEFAULT_AUTO_FIELD
    # (bigint on PostgreSQL), the models auth's own AutoField (integer). Nothing reads those keys.
    "auth_group_permissions.id",
    "auth_user_groups.id",
    "auth_user_user_permissions.id",
}


def compare_schemas(migrated: dict, from_models: dict) -> list[str]:
    """What differs between the schema migrations made and the one the models make (the test suite's)."""
    lines = []
    for table in sorted(set(migrated) | set(from_models)):
        if table not in from_models:
            lines.append(f"{table}: made by migrations only")
            continue
        if table not in migrated:
            lines.append(f"{table}: made by the models only")
            continue
        a, b = migrated[table], from_models[table]
        for column in sorted(set(a["columns"]) | set(b["columns"])):
            if (
                a["columns"].get(column) != b["columns"].get(column)
                and f"{table}.{column}" not in KNOWN_SCHEMA_DIFFERENCES
            ):
                lines.append(
                    f"{table}.{column}: migrations {a['columns'].get(column)}, models {b['columns'].get(column)}"
                )
        for key in ("constraints", "indexes", "triggers"):
            only_migrated = sorted(set(a[key]) - set(b[key]))
            only_models = sorted(set(b[key]) - set(a[key]))
            lines += [f"{table} {key}, migrations only: {item}" for item in only_migrated]
            lines += [f"{table} {key}, models only: {item}" for item in only_models]
    return lines


# ---------------------------------------------------------------------------------------------------------
# The driver.
# ---------------------------------------------------------------------------------------------------------

# Run inside ``manage.py shell -c``: this file as a module, then one of its functions under that code.
CALL_SNIPPET = (
    "import importlib.util as u; s = u.spec_from_file_location('migration_check', {script!r}); "
    "m = u.module_from_spec(s); s.loader.exec_module(m); m.{call}"
)

PG_ADMIN_SNIPPET = """
import sys, psycopg
url, action, name = sys.argv[1:4]
with psycopg.connect(url + "/postgres", autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if action == "create":
        conn.execute(f'CREATE DATABASE "{name}"')
"""


class Runner:
    def __init__(self, python: str, env: dict[str, str], log_dir: Path):
        self.python, self.env, self.log_dir = python, env, log_dir
        self.timings: list[tuple[str, float]] = []

    def run(self, label: str, cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        say(f"→ {label}: (cd {cwd} && python {' '.join(args)})")
        started = time.monotonic()
        proc = subprocess.run([self.python, *args], cwd=cwd, env=self.env, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
        self.timings.append((label, elapsed))
        log = self.log_dir / (label.replace(" ", "_").replace("/", "_") + ".log")
        log.write_text(f"$ {' '.join(args)}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
        say(f"  {elapsed:.1f} s, exit {proc.returncode} (log: {log})")
        if check and proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-20:]
            raise SystemExit(f"FAILED: {label} exited {proc.returncode}:\n" + "\n".join(tail))
        return proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="from_commit", default=DEFAULT_FROM, help=f"old commit (default {DEFAULT_FROM})")
    parser.add_argument("--to", default=str(ROOT), help="checkout of the new code (default: this one, as it is)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", DEFAULT_PG_URL), help="server, no database")
    parser.add_argument("--pg-db", default=DEFAULT_PG_DB, help=f"throw-away database (default {DEFAULT_PG_DB})")
    parser.add_argument("--sample", type=int, default=5, help="rows sampled per table, from each end (default 5)")
    parser.add_argument(
        "--rename-table", action="append", default=[], metavar="OLD=NEW", help="a table the new code renamed"
    )
    parser.add_argument(
        "--python", default=str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
    )
    parser.add_argument(
        "--no-extra",
        dest="extra",
        action="store_false",
        help="skip seed_extra (a recall with notices and units, and alerts, which the demo history lacks)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory and the PostgreSQL database")
    args = parser.parse_args()
    # The new snapshot reports a renamed table under its old name, so both compare by the same keys.
    aliases = {new: old for old, new in (item.split("=", 1) for item in args.rename_table)}

    started = time.monotonic()
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{args.from_commit}^{{commit}}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    new_dir = Path(args.to).resolve()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=new_dir, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=new_dir, capture_output=True, text=True).stdout
    work = Path(tempfile.mkdtemp(prefix="migration_check_"))
    old_dir, logs = work / "old", work / "logs"
    old_dir.mkdir()
    logs.mkdir()
    state = f"HEAD {head.stdout.strip()}" + (", with uncommitted changes" if dirty.strip() else "")
    say(
        f"Migration check: {commit[:10]} → {new_dir}" + ("" if head.returncode else f" ({state})"),
        f"Work directory: {work}; database: {args.database}",
    )

    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(old_dir)], input=archive.stdout, check=True)

    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG"}}
    env.update(PYTHONDONTWRITEBYTECODE="1", DJANGO_MEDIA_ROOT=str(work / "media"))
    if args.database == "postgres":
        env["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{args.pg_db}"
        subprocess.run([args.python, "-c", PG_ADMIN_SNIPPET, args.pg_url.rstrip("/"), "create", args.pg_db], check=True)
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    runner = Runner(args.python, env, logs)
    script = str(Path(__file__).resolve())

    def call(label: str, cwd: Path, function: str, *arguments, check: bool = True) -> subprocess.CompletedProcess:
        code = CALL_SNIPPET.format(script=script, call=f"{function}({', '.join(map(repr, arguments))})")
        return runner.run(label, cwd, "manage.py", "shell", "--no-imports", "-c", code, check=check)

    def take_snapshot(label: str, cwd: Path, out: Path, extra: Path | None, aliases: dict[str, str]) -> dict:
        call(label, cwd, "snapshot", str(out), args.sample, extra and str(extra), aliases)
        return json.loads(out.read_text())

    finished = False
    try:
        runner.run("old migrate", old_dir, "manage.py", "migrate", "--noinput")
        runner.run("old seed_demo", old_dir, "manage.py", "seed_demo")
        if args.extra:
            if call("old seed_extra", old_dir, "seed_extra", str(work / "extra.json"), check=False).returncode:
                say("  WARNING: the extra recall and alerts could not be made at this commit (see the log);")
                say("  the check goes on with seed_demo's data alone.")
            else:
                say(f"  made: {(work / 'extra.json').read_text()}")
        before = take_snapshot("old snapshot", old_dir, work / "before.json", None, {})
        runner.run("new migrate", new_dir, "manage.py", "migrate", "--noinput")
        checks = [
            runner.run("new makemigrations", new_dir, "manage.py", *MAKEMIGRATIONS_CHECK, check=False),
            runner.run("new migrate check", new_dir, "manage.py", "migrate", "--check", check=False),
        ]
        after = take_snapshot("new snapshot", new_dir, work / "after.json", work / "before.json", aliases)
        failures, notes, figures = compare(before, after)
        for proc in checks:
            if proc.returncode:
                failures.append(f"`{' '.join(proc.args[1:])}` exited {proc.returncode}:")
                failures.extend(f"  {line}" for line in (proc.stdout + proc.stderr).strip().splitlines()[-15:])
        # The test suite makes its database from the models (--no-migrations): the schema the migrations made
        # must be the one the models make, or the suite would test another database than production runs.
        call("new schema (migrated)", new_dir, "schema", str(work / "schema_migrated.json"))
        models_env = dict(env)
        if args.database == "postgres":
            models_db = f"{args.pg_db}_models"
            models_env["DATABASE_URL"] = f"{args.pg_url.rstrip('/')}/{models_db}"
            subprocess.run(
                [args.python, "-c", PG_ADMIN_SNIPPET, args.pg_url.rstrip("/"), "create", models_db], check=True
            )
        else:
            models_env["DATABASE_URL"] = f"sqlite:///{work / 'models.sqlite3'}"
        models_runner = Runner(args.python, models_env, logs)
        try:
            for label, function, out in (
                ("models build", "build_from_models", None),
                ("new schema (models)", "schema", str(work / "schema_models.json")),
            ):
                code = CALL_SNIPPET.format(script=script, call=f"{function}({'' if out is None else repr(out)})")
                models_runner.run(label, new_dir, "manage.py", "shell", "--no-imports", "-c", code)
        finally:
            if args.database == "postgres":
                subprocess.run([args.python, "-c", PG_ADMIN_SNIPPET, args.pg_url.rstrip("/"), "drop", models_db])
        models_schema = json.loads((work / "schema_models.json").read_text())
        schema_differences = compare_schemas(json.loads((work / "schema_migrated.json").read_text()), models_schema)
        if schema_differences:
            failures.append("The schema migrations make differs from the one the models make (the test suite's):")
            failures.extend(f"  {line}" for line in schema_differences[:60])
        else:
            notes.append(
                f"Schema: the migrated database's equals the one the models make ({len(models_schema)} tables)."
            )
        finished = True
    finally:
        if args.database == "postgres" and not args.keep:
            subprocess.run([args.python, "-c", PG_ADMIN_SNIPPET, args.pg_url.rstrip("/"), "drop", args.pg_db])
        if args.keep or not finished:
            say(f"Kept the work directory and its logs: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    generic = ", ".join(f"{t} {n}" for t, n in sorted(figures["generic_by_table"].items()))
    say(
        "",
        *notes,
        "",
        f"{figures['tables']} tables, {figures['rows']} rows, {figures['generic']} generic-relation rows "
        f"({generic}), {figures['sampled']} sampled rows, {figures['perms']} held permissions checked "
        f"on {before['vendor']} in {time.monotonic() - started:.0f} s "
        f"({', '.join(f'{label} {s:.0f} s' for label, s in runner.timings)}).",
    )
    if failures:
        say("", "FAILED:", *failures)
        return 1
    say("All intact.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
