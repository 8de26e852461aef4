"""Every model of our apps has its factory in ``tests/factories/<app>.py``, and the factory's defaults are valid.

A new model without a factory fails here, as does a factory whose defaults no
longer pass the model's validation (style.md, "Tests and factories").
"""

from __future__ import annotations

import importlib
import inspect

import factory
import pytest
from django.apps import apps
from django_fsm import FSMField

APP_LABELS = (
    "aftersales",
    "suppliers",
    "stores",
    "cases",
    "inspection",
    "repairs",
    "recalls",
    "writeoffs",
    "chargebacks",
    "reports",
)


def our_models() -> list:
    return sorted(
        (model for model in apps.get_models() if model._meta.app_label in APP_LABELS and not model._meta.proxy),
        key=lambda model: model._meta.label,
    )


def factory_for(model) -> type[factory.django.DjangoModelFactory]:
    """The factory of ``model`` defined in ``tests/factories/<app_label>.py`` (``<Model>Factory`` if several)."""
    module_name = f"tests.factories.{model._meta.app_label}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        pytest.fail(f"{model._meta.label} has no factory module: add {module_name.replace('.', '/')}.py")
    found = [
        candidate
        for _name, candidate in inspect.getmembers(module, inspect.isclass)
        if issubclass(candidate, factory.django.DjangoModelFactory)
        and candidate.__module__ == module.__name__
        and not candidate._meta.abstract
        and candidate._meta.model is model
    ]
    named = [candidate for candidate in found if candidate.__name__ == f"{model.__name__}Factory"]
    if not found:
        pytest.fail(f"{model._meta.label} has no factory in {module_name}")
    return (named or found)[0]


def test_the_apps_have_models():
    # a guard against a filter that silently matches nothing (an app renamed, a label mistyped)
    labels = {model._meta.app_label for model in our_models()}
    assert labels == set(APP_LABELS)


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
