from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from suppliers.models import Style
from tests.factories.suppliers import CategoryFactory, StyleFactory


@pytest.mark.django_db
def test_category_defaults_are_the_warranty_policy_of_domain_md():
    category = CategoryFactory()
    assert (category.quality_return_days, category.change_of_mind_days, category.warranty_months) == (15, 7, 12)


@pytest.mark.django_db
def test_negative_money_is_refused_by_validation_and_by_the_database():
    style = StyleFactory.build(category=CategoryFactory(), supplier=StyleFactory().supplier, unit_cost=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        style.full_clean()
    assert "unit_cost" in error.value.message_dict
    # even a write that skips validation cannot store it
    with pytest.raises(IntegrityError), transaction.atomic():
        style.save()
    assert not Style.objects.filter(unit_cost__lt=0).exists()


@pytest.mark.django_db
def test_style_year_must_be_plausible():
    style = StyleFactory.build(category=CategoryFactory(), supplier=StyleFactory().supplier, year=1899)
    with pytest.raises(ValidationError) as error:
        style.full_clean()
    assert "year" in error.value.message_dict


@pytest.mark.django_db
def test_warranty_windows_have_business_limits():
    category = CategoryFactory.build(quality_return_days=400, warranty_months=121)
    with pytest.raises(ValidationError) as error:
        category.full_clean()
    assert {"quality_return_days", "warranty_months"} <= set(error.value.message_dict)
