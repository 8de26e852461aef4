import factory

from suppliers.models import DefectCode


class DefectCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DefectCode
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"DX{n:03d}")
    name_zh = factory.Sequence(lambda n: f"缺陷{n}")
    name_en = factory.Sequence(lambda n: f"Defect {n}")
