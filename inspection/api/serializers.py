from rest_framework import serializers

from aftersales.api.fields import MAX_ID, ScopedSlugRelatedField
from cases.choices import Verdict
from inspection.models import InspectionReport
from suppliers.choices import Responsibility
from suppliers.models import DefectCode


class ReturnInspectionSerializer(serializers.ModelSerializer):
    """An inspection report 鉴定报告 as a Return's detail nests it: verdict, responsibility, defect codes, notes."""

    defect_codes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    inspector = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = InspectionReport
        fields = [
            "verdict",
            "responsibility",
            "defect_codes",
            "notes",
            "inspector",
            "inspected_at",
            "supplier_agreement",
            "supplier_promised_date",
        ]
        read_only_fields = fields


class InspectionReportSerializer(ReturnInspectionSerializer):
    """An inspection report with the Return it judged (``/api/v1/inspections/``)."""

    return_id = serializers.IntegerField(source="return_item_id", read_only=True, min_value=1, max_value=MAX_ID)
    return_number = serializers.CharField(source="return_item.number", read_only=True)

    class Meta(ReturnInspectionSerializer.Meta):
        fields = ["id", "return_id", "return_number", *ReturnInspectionSerializer.Meta.fields]
        read_only_fields = fields


class ReturnInspectInputSerializer(serializers.Serializer):
    """The input of a Return's ``inspect`` 鉴定: verdict, responsibility 责任方, defect codes, notes.

    ``supplier_agreement`` and ``supplier_promised_date`` are recorded for a
    ``supplier_rework`` verdict (经工厂同意) and ignored otherwise.
    """

    verdict = serializers.ChoiceField(choices=Verdict.choices)
    responsibility = serializers.ChoiceField(
        choices=Responsibility.choices, required=False, allow_blank=True, default=""
    )
    defect_codes = ScopedSlugRelatedField(
        DefectCode, slug_field="code", only_active=True, many=True, required=False, default=list
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    supplier_agreement = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    supplier_promised_date = serializers.DateField(required=False, allow_null=True, default=None)
