from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin, ScopedSlugRelatedField
from cases.choices import Verdict
from inspection import aql
from inspection.choices import DefectClass, Disposition
from inspection.models import MAX_CARTONS, MAX_LOT_SIZE, IncomingLot, InspectionReport, LotDefect, SampleInspection
from suppliers.choices import Responsibility
from suppliers.models import DefectCode, Style, Supplier


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
            "rework_answer",
            "rework_answered_at",
            "rework_decline_reason",
        ]
        read_only_fields = fields


class InspectionReportSerializer(AvailableTransitionsMixin, ReturnInspectionSerializer):
    """An inspection report with the Return it judged (``/api/v1/inspections/``)."""

    return_id = serializers.IntegerField(source="return_item_id", read_only=True, min_value=1, max_value=MAX_ID)
    return_number = serializers.CharField(source="return_item.number", read_only=True)

    class Meta(ReturnInspectionSerializer.Meta):
        fields = [
            "id",
            "return_id",
            "return_number",
            *ReturnInspectionSerializer.Meta.fields,
            "available_transitions",
        ]
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


class AgreeReworkInputSerializer(serializers.Serializer):
    """The supplier agrees to rework the unit 经工厂同意: the date it will be back (today or later)."""

    promised_date = serializers.DateField()


class DeclineReworkInputSerializer(serializers.Serializer):
    """The supplier declines the rework: why."""

    reason = serializers.CharField(max_length=2000)


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


# --- incoming lots 大货批次 ---

PLAN_KEYS = ("aql", "code_letter", "sample_size", "accept", "reject")


class ClassPlanSerializer(serializers.Serializer):
    aql = serializers.CharField(help_text="The class's AQL; critical is 0: any critical defect rejects.")
    code_letter = serializers.CharField()
    sample_size = serializers.IntegerField()
    accept = serializers.IntegerField()
    reject = serializers.IntegerField()


class LotPlanSerializer(serializers.Serializer):
    critical = ClassPlanSerializer()
    major = ClassPlanSerializer()
    minor = ClassPlanSerializer()


def plan_out(plan: dict) -> dict:
    return {name: {key: entry[key] for key in PLAN_KEYS} for name, entry in plan.items()}


class LotDefectSerializer(serializers.ModelSerializer):
    defect_code = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LotDefect
        fields = ["defect_class", "defect_code", "quantity"]
        read_only_fields = fields


class SampleInspectionSerializer(serializers.ModelSerializer):
    plan = serializers.SerializerMethodField()
    defects = LotDefectSerializer(many=True, read_only=True)
    inspector = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SampleInspection
        fields = [
            "round",
            "severity",
            "level",
            "plan",
            "sample_size",
            "full_inspection",
            "cartons_to_open",
            "inspector",
            "started_at",
            "inspected_at",
            "items_checked",
            "defects",
            "notes",
            "accepted",
            "report_sha256",
        ]
        read_only_fields = fields

    @extend_schema_field(LotPlanSerializer)
    def get_plan(self, obj) -> dict:
        return plan_out(obj.plan)


class IncomingLotSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    supplier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)

    class Meta:
        model = IncomingLot
        fields = [
            "id",
            "number",
            "state",
            "supplier",
            "style",
            "po_number",
            "quantity",
            "cartons",
            "received_at",
            "delivery_date",
            "severity",
            "available_transitions",
        ]
        read_only_fields = fields


class IncomingLotDetailSerializer(IncomingLotSerializer):
    """A lot with its current plan (arrows followed), every inspection, the review and the release."""

    plan = serializers.SerializerMethodField()
    inspections = SampleInspectionSerializer(many=True, read_only=True)
    registered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    concession_approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    released_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta(IncomingLotSerializer.Meta):
        fields = [
            *IncomingLotSerializer.Meta.fields,
            "level",
            "plan",
            "inspections",
            "registered_by",
            "disposition",
            "review_notes",
            "reviewed_by",
            "reviewed_at",
            "concession_approved_by",
            "concession_approved_at",
            "released_by",
            "released_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LotPlanSerializer)
    def get_plan(self, obj) -> dict:
        current = obj.current_inspection
        return plan_out(current.plan) if current else {}


class IncomingLotCreateInputSerializer(serializers.Serializer):
    supplier = ScopedSlugRelatedField(Supplier, slug_field="code", only_active=True)
    style = ScopedSlugRelatedField(Style, slug_field="style_no")
    po_number = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=2, max_value=MAX_LOT_SIZE, help_text="Items in the lot (2 or more).")
    cartons = serializers.IntegerField(min_value=1, max_value=MAX_CARTONS)
    delivery_date = serializers.DateField(help_text="The planned store delivery date.")
    level = serializers.ChoiceField(choices=aql.LEVELS, default=aql.DEFAULT_LEVEL, required=False)


class DefectInputSerializer(serializers.Serializer):
    defect_class = serializers.ChoiceField(choices=DefectClass.choices)
    defect_code = ScopedSlugRelatedField(DefectCode, slug_field="code", only_active=True)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LOT_SIZE)


class RecordResultInputSerializer(serializers.Serializer):
    defects = DefectInputSerializer(many=True, allow_empty=True)
    items_checked = serializers.ListField(
        child=serializers.CharField(max_length=100), allow_empty=False, max_length=50,
        help_text="The test items checked (appearance, size, workmanship, fabric, …).",
    )  # fmt: skip
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ReviewInputSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    delivery_date = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="The new store delivery date, when it slips.")  # fmt: skip


class LotEmptyInputSerializer(serializers.Serializer):
    """No input."""
