from rest_framework import serializers

from aftersales.api.fields import MAX_ID, ScopedSlugRelatedField
from cases.choices import Verdict
from inspection import aql
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


class SamplingPlanQuerySerializer(serializers.Serializer):
    """``GET /api/v1/sampling-plan/``'s query: what GB/T 2828.1 needs to pick a single-sampling plan."""

    lot_size = serializers.IntegerField(min_value=2, max_value=2_000_000_000, help_text="Items in the lot (2 or more).")
    level = serializers.ChoiceField(choices=aql.LEVELS, default=aql.DEFAULT_LEVEL, help_text="Inspection level.")
    severity = serializers.ChoiceField(choices=aql.SEVERITIES, default="normal")
    aql = serializers.CharField(max_length=20, help_text="A preferred AQL of the standard, 0.010 to 1000.")

    def validate_aql(self, value):
        try:
            return aql.parse_aql(value)
        except aql.SamplingError as error:
            raise serializers.ValidationError(str(error)) from None


class SamplingPlanSerializer(serializers.Serializer):
    """A single-sampling plan: code letter from Table 1, n, Ac and Re from the master table, arrows followed."""

    lot_size = serializers.IntegerField()
    level = serializers.CharField()
    severity = serializers.CharField()
    aql = serializers.CharField()
    code_letter = serializers.CharField()
    sample_size = serializers.IntegerField(help_text="At most the lot size.")
    accept = serializers.IntegerField(help_text="Ac: accept the lot with at most this many nonconforming.")
    reject = serializers.IntegerField(help_text="Re: reject the lot with this many or more.")
    full_inspection = serializers.BooleanField(help_text="The table's sample size reached the lot size: 100 %.")
