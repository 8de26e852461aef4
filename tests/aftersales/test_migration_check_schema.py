"""The schema comparison of ``make migration-check`` (bench/migration_check.py), which stands behind the suite
making its database from the models (``--no-migrations``): it must see a real schema and name what differs.

CI runs the whole check (a migrated database against one made from the models); these tests hold the comparison
itself to a schema read from this test database, so a check that could no longer fail would fail here.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "migration_check.py"


def migration_check():
    spec = importlib.util.spec_from_file_location("migration_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def read_schema(tmp_path):
    check = migration_check()
    out = tmp_path / "schema.json"
    check.schema(str(out))
    return check, json.loads(out.read_text())


@pytest.mark.django_db
def test_the_schema_read_holds_columns_constraints_and_indexes(read_schema):
    _check, tables = read_schema
    returns = tables["cases_return"]
    assert {"number", "state", "due_at", "store_id"} <= set(returns["columns"])
    assert len(returns["constraints"]) >= 3 and len(returns["indexes"]) >= 3
    assert "django_migrations" not in tables
    if connection.vendor == "postgresql":
        # the transition log's append-only guard, which the models' schema editor installs
        assert any(
            name.startswith("pgtrigger_transitionlog_append_only")
            for name in tables["aftersales_transitionlog"]["triggers"]
        )


@pytest.mark.django_db
def test_the_same_schema_compares_equal_and_each_difference_is_named(read_schema):
    check, migrated = read_schema
    assert check.compare_schemas(migrated, copy.deepcopy(migrated)) == []

    models = copy.deepcopy(migrated)
    lost_index = models["cases_return"]["indexes"].pop(0)
    models["cases_return"]["columns"]["number"] = ["text", "changed"]
    del models["stores_region"]
    models["cases_shipment"]["constraints"].append("c CHECK (made up)")
    differences = check.compare_schemas(migrated, models)

    assert f"cases_return indexes, migrations only: {lost_index}" in differences
    assert any(line.startswith("cases_return.number: migrations") for line in differences)
    assert "stores_region: made by migrations only" in differences
    assert "cases_shipment constraints, models only: c CHECK (made up)" in differences
    assert len(differences) == 4


@pytest.mark.django_db
def test_only_djangos_own_known_differences_are_let_through(read_schema):
    check, migrated = read_schema
    models = copy.deepcopy(migrated)
    models["auth_user_groups"]["columns"]["id"] = ["integer", "other"]
    models["auth_user"]["columns"]["id"] = ["integer", "other"]
    assert check.compare_schemas(migrated, models) == [
        f"auth_user.id: migrations {migrated['auth_user']['columns']['id']}, models ['integer', 'other']"
    ]
