"""Every model of our apps has its factory in ``tests/factories/<app>.py``, and the factory's defaults are valid.

A new model without a factory fails here, as does a factory whose defaults no
longer pass the model's validation (style.md, "Tests and factories").
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.conf import settings
from django_fsm import FSMField

APP_LABELS = (
    "aftersales",
    "suppliers",
    "stores",
    "cases",
    "inspection",
    "repairs",
    "recalls",
    "servicedesk",
    "quality",
    "writeoffs",
    "chargebacks",
    "reports",
    "messaging",
)


def our_models() -> list:
    return sorted(
        (model for model in apps.get_models() if model._meta.app_label in APP_LABELS and not model._meta.proxy),
        key=lambda model: model._meta.label,
    )


def factories_in(module_name: str, model) -> list[type[factory.django.DjangoModelFactory]]:
    """The concrete factories of ``model`` defined in ``module_name`` (``<Model>Factory`` first)."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return []
    found = [
        candidate
        for _name, candidate in inspect.getmembers(module, inspect.isclass)
        if issubclass(candidate, factory.django.DjangoModelFactory)
        and candidate.__module__ == module.__name__
        and not candidate._meta.abstract
        and candidate._meta.model is model
    ]
    return sorted(found, key=lambda candidate: candidate.__name__ != f"{model.__name__}Factory")


def factory_for(model) -> type[factory.django.DjangoModelFactory]:
    """The factory of ``model``, in ``tests/factories/<app_label>.py`` (the app that owns the model)."""
    own = f"tests.factories.{model._meta.app_label}"
    found = factories_in(own, model)
    if not found:
        pytest.fail(f"{model._meta.label} has no factory: add one to {own.replace('.', '/')}.py")
    return found[0]


def test_the_list_of_apps_is_complete():
    # given the apps of this project (not of a library) that have models
    ours = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and not Path(config.path).is_relative_to(settings.BASE_DIR / ".venv")
        and any(True for _model in config.get_models())
    }

    # then each is checked here, and no label here is stale
    assert ours == set(APP_LABELS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", our_models(), ids=lambda model: model._meta.label)
def test_each_model_has_a_factory_making_a_valid_row(model):
    # given
    model_factory = factory_for(model)

    # when
    row = model_factory()

    # then
    assert model._default_manager.filter(pk=row.pk).exists()
    # A protected state field refuses assignment, and full_clean assigns what it cleans: check it on its own.
    states = [field for field in model._meta.fields if isinstance(field, FSMField) and field.protected]
    row.full_clean(exclude=[field.name for field in states])
    for field in states:
        field.clean(getattr(row, field.attname), row)
