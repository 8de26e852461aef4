import pytest
from django.utils import translation

from tests.factories.suppliers import DefectCodeFactory


@pytest.mark.django_db
def test_defect_code_is_named_in_the_language_of_the_request():
    defect = DefectCodeFactory(code="D01", name_zh="开线", name_en="Seam opening")
    with translation.override("zh-hans"):
        assert defect.name == "开线"
        assert str(defect) == "D01 开线"
    with translation.override("en"):
        assert defect.name == "Seam opening"
