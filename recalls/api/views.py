"""Batch recalls 整款退货 over the API: ``/api/v1/recalls/``, ``recall-notices/`` and ``recall-candidates/``.

Reads through the selectors, writes through ``recalls.services``; refusals
follow ``aftersales.fsm`` (out of scope 404, wrong state 409, wrong role
403, bad input 400, in that order) and change nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from aftersales.api.attachments import attachments_action
from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin, ScopedSlugRelatedField
from aftersales.api.views import REFUSALS, ScopedWorkflowViewSet, StoredFileAPIView, transition_schema
from aftersales.fsm import TransitionForbidden
from cases.models import Return
from recalls import services as recalls
from recalls.choices import RecallCostBearer, RecallOutcome, RecallReturnMethod
from recalls.filters import RecallFilter, RecallNoticeFilter
from recalls.models import Recall, RecallAttachment, RecallNotice, RecallUnit
from recalls.selectors import (
    may_see_recall_candidates,
    recall_candidate_list,
    recall_compliance,
    recall_get,
    recall_list,
    recallnotice_get,
    recallnotice_list,
)
from stores.access import scope_for
from stores.models import Region
from suppliers.models import DefectCode, Style

MAX_LINES = 100
MAX_UNITS = 500

# --- serializers ---


class RecallReturnSerializer(serializers.ModelSerializer):
    """A Return as a recall shows it: what a store reported, or a unit it sent back."""

    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reported_defect = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Return
        fields = ["id", "number", "store", "state", "color", "size", "reported_defect", "created_at"]
        read_only_fields = fields


class RecallUnitSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="return_item_id", read_only=True, min_value=1, max_value=MAX_ID)
    number = serializers.CharField(source="return_item.number", read_only=True)
    store = serializers.CharField(source="return_item.store.code", read_only=True)
    outcome_recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RecallUnit
        fields = ["id", "number", "store", "outcome", "outcome_note", "outcome_recorded_at", "outcome_recorded_by"]
        read_only_fields = fields


class RecallAttachmentSerializer(serializers.ModelSerializer):
    """A photo or PDF of the style test report; ``url`` downloads it through the scope-checked file view."""

    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    size = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_ID)
    url = serializers.SerializerMethodField()

    class Meta:
        model = RecallAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return reverse(
            "recall-attachment-file",
            kwargs={"recall_pk": obj.recall_id, "pk": obj.pk},
            request=self.context.get("request"),
        )


class RecallSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A batch recall in lists: what, why, the agreed handling and where it stands."""

    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)
    supplier = serializers.CharField(source="style.supplier.code", read_only=True)
    defect_code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Recall
        fields = [
            "id",
            "number",
            "state",
            "style",
            "supplier",
            "defect_code",
            "opened_by",
            "created_at",
            "return_method",
            "deadline",
            "handling_plan",
            "cost_bearer",
            "notice_issued_at",
            "shipped_at",
            "closed_at",
            "available_transitions",
        ]
        read_only_fields = fields


class RecallDetailSerializer(RecallSerializer):
    """A recall's detail: the test report and its photos, what stores reported, the regions told, the units sent."""

    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    reported_returns = serializers.SerializerMethodField()
    attachments = RecallAttachmentSerializer(many=True, read_only=True)
    units = serializers.SerializerMethodField()

    class Meta(RecallSerializer.Meta):
        fields = [
            *RecallSerializer.Meta.fields,
            "test_report",
            "reported_returns",
            "attachments",
            "decided_by",
            "decided_at",
            "rejection_reason",
            "regions",
            "collecting_since",
            "supplier_carrier",
            "supplier_tracking_no",
            "units",
            "closing_note",
        ]
        read_only_fields = fields

    def _in_scope(self, items, store_of):
        # Other stores' Returns stay with the service center: a store sees only its own among them.
        scope = scope_for(self.context["request"].user)
        if scope.everything:
            return list(items)
        return [item for item in items if store_of(item) in scope.store_ids]

    @extend_schema_field(RecallReturnSerializer(many=True))
    def get_reported_returns(self, obj) -> list:
        items = self._in_scope(obj.reported_returns.all(), lambda item: item.store_id)
        return RecallReturnSerializer(items, many=True, context=self.context).data

    @extend_schema_field(RecallUnitSerializer(many=True))
    def get_units(self, obj) -> list:
        items = self._in_scope(obj.units.all(), lambda unit: unit.return_item.store_id)
        return RecallUnitSerializer(items, many=True, context=self.context).data


class RecallCreateInputSerializer(serializers.Serializer):
    """Open a recall (``POST /api/v1/recalls/``): the handling may be proposed here and confirmed at approval."""

    style = ScopedSlugRelatedField(Style, slug_field="style_no")
    defect_code = ScopedSlugRelatedField(DefectCode, slug_field="code")
    test_report = serializers.CharField(max_length=8000)
    handling_plan = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    return_method = serializers.ChoiceField(
        choices=RecallReturnMethod.choices, required=False, allow_blank=True, default=""
    )
    cost_bearer = serializers.ChoiceField(
        choices=RecallCostBearer.choices, required=False, allow_blank=True, default=""
    )
    reported_returns = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_null=True,
        default=None,
        max_length=MAX_UNITS,
        help_text=gettext_lazy("Return ids other stores reported; left out, the candidate's Returns are linked."),
    )


class RecallApproveInputSerializer(serializers.Serializer):
    """The handling agreed with the supplier; a field left out keeps what was proposed."""

    return_method = serializers.ChoiceField(
        choices=RecallReturnMethod.choices, required=False, allow_blank=True, default=""
    )
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    handling_plan = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    cost_bearer = serializers.ChoiceField(
        choices=RecallCostBearer.choices, required=False, allow_blank=True, default=""
    )


class RecallRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RecallIssueNoticeInputSerializer(serializers.Serializer):
    """The regions whose active stores are notified; left out or empty, every region."""

    regions = serializers.ListField(
        child=ScopedSlugRelatedField(Region, slug_field="code"), required=False, default=list, max_length=200
    )


class RecallShipToSupplierInputSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=60)
    tracking_no = serializers.CharField(max_length=60)


class RecallRecordOutcomeInputSerializer(serializers.Serializer):
    """The outcome of some units (Return ids): ``our_fault`` needs the accountability ``note``."""

    returns = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_UNITS)
    outcome = serializers.ChoiceField(choices=[choice for choice in RecallOutcome.choices if choice[0]])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RecallCloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RecallAttachmentUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)


class ComplianceStoreSerializer(serializers.Serializer):
    store = serializers.CharField(source="store.code")
    store_name = serializers.CharField(source="store.name")
    region = serializers.CharField(source="store.region.code")
    state = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", allow_null=True)
    on_hand = serializers.IntegerField(allow_null=True, min_value=0, max_value=MAX_ID)
    returned = serializers.IntegerField(
        min_value=0, max_value=MAX_ID, help_text=gettext_lazy("Units that have arrived at the service center.")
    )
    late = serializers.BooleanField()
    logged = serializers.IntegerField(
        min_value=0, max_value=MAX_ID, help_text=gettext_lazy("Units the store has logged, arrived or not.")
    )
    over_on_hand = serializers.BooleanField(
        help_text=gettext_lazy("The store has logged more units than it acknowledged on hand.")
    )


class ComplianceFiguresSerializer(serializers.Serializer):
    notified = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    acknowledged = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    on_hand = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    returned = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    late = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    logged = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    over_on_hand = serializers.IntegerField(min_value=0, max_value=MAX_ID)


class ComplianceRegionSerializer(ComplianceFiguresSerializer):
    region = serializers.CharField()
    region_name = serializers.CharField()


class RecallComplianceSerializer(serializers.Serializer):
    """The compliance view 执行情况: per store notified, per region, overall."""

    recall = serializers.IntegerField(source="recall.pk", min_value=1, max_value=MAX_ID)
    number = serializers.CharField(source="recall.number")
    deadline = serializers.DateField(source="recall.deadline", allow_null=True)
    stores = ComplianceStoreSerializer(many=True)
    regions = ComplianceRegionSerializer(many=True)
    totals = ComplianceFiguresSerializer()


class RecallNoticeSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A store's recall notice: what to send back, by when, and what the store has answered and returned."""

    recall_number = serializers.CharField(source="recall.number", read_only=True)
    recall_state = serializers.CharField(source="recall.state", read_only=True)
    style = serializers.CharField(source="recall.style.style_no", read_only=True)
    defect_code = serializers.CharField(source="recall.defect_code.code", read_only=True)
    deadline = serializers.DateField(source="recall.deadline", read_only=True)
    handling_plan = serializers.CharField(source="recall.handling_plan", read_only=True)
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    acknowledged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    returned = serializers.IntegerField(
        read_only=True,
        min_value=0,
        max_value=MAX_ID,
        help_text=gettext_lazy("Units that have arrived at the service center."),
    )
    late = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("The deadline has passed and the store has not answered in full.")
    )
    logged = serializers.IntegerField(
        read_only=True,
        min_value=0,
        max_value=MAX_ID,
        help_text=gettext_lazy("Units the store has logged, arrived or not."),
    )
    over_on_hand = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("The store has logged more units than it acknowledged on hand.")
    )

    class Meta:
        model = RecallNotice
        fields = [
            "id",
            "recall",
            "recall_number",
            "recall_state",
            "style",
            "defect_code",
            "deadline",
            "handling_plan",
            "store",
            "state",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "on_hand",
            "returned",
            "late",
            "logged",
            "over_on_hand",
            "available_transitions",
        ]
        read_only_fields = fields


class RecallNoticeAcknowledgeInputSerializer(serializers.Serializer):
    on_hand = serializers.IntegerField(min_value=0, max_value=1_000_000)


class RecallNoticeCorrectOnHandInputSerializer(serializers.Serializer):
    on_hand = serializers.IntegerField(min_value=0, max_value=1_000_000)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class RecallReturnLineSerializer(serializers.Serializer):
    color = serializers.CharField(max_length=40)
    size = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_UNITS)


class RecallReturnsInputSerializer(serializers.Serializer):
    """A store's recall Returns in bulk: units per colour and size, with its system return document number."""

    document_no = serializers.CharField(max_length=60)
    lines = RecallReturnLineSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    confirm_reused_document_no = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "Log the units although the store already used this document number for recall units (refused otherwise)."
        ),
    )


class RecallCandidateSerializer(serializers.Serializer):
    style = serializers.CharField(source="style.style_no")
    style_name = serializers.CharField(source="style.name")
    supplier = serializers.CharField(source="style.supplier.code")
    defect_code = serializers.CharField(source="defect_code.code")
    defect_name = serializers.CharField(source="defect_code.name")
    return_count = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    store_count = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    first_logged_at = serializers.DateTimeField()
    last_logged_at = serializers.DateTimeField()
    returns = RecallReturnSerializer(many=True)


class RecallCandidateListSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    count = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    results = RecallCandidateSerializer(many=True)


# --- views ---


@extend_schema_view(
    list=extend_schema(summary="List batch recalls within your scope, newest first"),
    retrieve=extend_schema(summary="A batch recall with its test report, agreed handling and units"),
)
class RecallViewSet(ScopedWorkflowViewSet):
    """Batch recalls 整款退货: opened by technicians, decided by QA, answered by stores, closed with outcomes."""

    selector = staticmethod(recall_list)
    getter = staticmethod(recall_get)
    serializer_class = RecallSerializer
    detail_serializer_class = RecallDetailSerializer
    filterset_class = RecallFilter
    queryset_model = Recall
    cursor_ordering = "-id"

    @extend_schema(
        summary="Open a batch recall with the style test report (technicians)",
        request=RecallCreateInputSerializer,
        responses={201: RecallDetailSerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    def create(self, request, *args, **kwargs):
        data = self.read_input(
            RecallCreateInputSerializer, refuse=lambda: recalls.recall_open_refusal(user=request.user)
        )
        recall = recalls.recall_open(
            user=request.user,
            style=data["style"],
            defect_code=data["defect_code"],
            test_report=data["test_report"],
            handling_plan=data["handling_plan"],
            deadline=data["deadline"],
            return_method=data["return_method"],
            cost_bearer=data["cost_bearer"],
            reported_return_ids=data["reported_returns"],
        )
        return self.detail_response(recall.pk, status_code=status.HTTP_201_CREATED)

    @transition_schema(
        RecallApproveInputSerializer, RecallDetailSerializer, "Approve with the handling agreed with the supplier (QA)"
    )
    @action(detail=True, methods=["post"], url_path="approve")
    def approve(self, request, pk=None):
        recall = self.get_object()
        data = self.read_input(RecallApproveInputSerializer, recall, transition="approve")
        recalls.recall_approve(user=request.user, recall=recall, **data)
        return self.detail_response(recall.pk)

    @transition_schema(RecallRejectInputSerializer, RecallDetailSerializer, "Reject the proposed recall (QA)")
    @action(detail=True, methods=["post"], url_path="reject")
    def reject(self, request, pk=None):
        recall = self.get_object()
        data = self.read_input(RecallRejectInputSerializer, recall, transition="reject")
        recalls.recall_reject(user=request.user, recall=recall, reason=data["reason"])
        return self.detail_response(recall.pk)

    @transition_schema(
        RecallIssueNoticeInputSerializer,
        RecallDetailSerializer,
        "Issue the notice to every active store of the chosen regions (QA)",
    )
    @action(detail=True, methods=["post"], url_path="issue_notice")
    def issue_notice(self, request, pk=None):
        recall = self.get_object()
        data = self.read_input(RecallIssueNoticeInputSerializer, recall, transition="issue_notice")
        recalls.recall_issue_notice(user=request.user, recall=recall, regions=data["regions"])
        return self.detail_response(recall.pk)

    @transition_schema(
        RecallShipToSupplierInputSerializer,
        RecallDetailSerializer,
        "Ship the units received at the center to the supplier, with tracking (technicians)",
    )
    @action(detail=True, methods=["post"], url_path="ship_to_supplier")
    def ship_to_supplier(self, request, pk=None):
        recall = self.get_object()
        data = self.read_input(RecallShipToSupplierInputSerializer, recall, transition="ship_to_supplier")
        recalls.recall_ship_to_supplier(user=request.user, recall=recall, **data)
        return self.detail_response(recall.pk)

    @transition_schema(
        RecallShipToSupplierInputSerializer,
        RecallDetailSerializer,
        "Ship the units that reached the center after the recall shipped, in a parcel of their own (technicians)",
    )
    @action(detail=True, methods=["post"], url_path="ship_late_units")
    def ship_late_units(self, request, pk=None):
        recall = self.get_object()
        data = self.read_input(
            RecallShipToSupplierInputSerializer,
            refuse=lambda: recalls.RECALL_SHIP_LATE_UNITS.refusal(recall, request.user),
        )
        recalls.recall_ship_late_units(user=request.user, recall=recall, **data)
        return self.detail_response(recall.pk)

    @transition_schema(
        RecallRecordOutcomeInputSerializer,
        RecallDetailSerializer,
        "Record the supplier's outcome for some units: repaired, unrepairable or our own fault (technicians)",
    )
    @action(detail=True, methods=["post"], url_path="record_outcome")
    def record_outcome(self, request, pk=None):
        recall = self.get_object()
        data = self.read_input(
            RecallRecordOutcomeInputSerializer,
            refuse=lambda: recalls.RECALL_RECORD_OUTCOME.refusal(recall, request.user),
        )
        recalls.recall_record_outcome(
            user=request.user, recall=recall, return_ids=data["returns"], outcome=data["outcome"], note=data["note"]
        )
        return self.detail_response(recall.pk)

    @transition_schema(
        RecallCloseInputSerializer, RecallDetailSerializer, "Close the recall once every unit's outcome is known (QA)"
    )
    @action(detail=True, methods=["post"], url_path="close")
    def close(self, request, pk=None):
        recall = self.get_object()
        data = self.read_input(RecallCloseInputSerializer, recall, transition="close")
        recalls.recall_close(user=request.user, recall=recall, note=data["note"])
        return self.detail_response(recall.pk)

    @extend_schema(
        summary="Compliance per store notified, per region and overall (within your scope)",
        request=None,
        responses={200: RecallComplianceSerializer, 401: REFUSALS[401], 404: REFUSALS[404]},
    )
    @action(detail=True, methods=["get"], url_path="compliance", filterset_class=None, pagination_class=None)
    def compliance(self, request, pk=None):
        recall = self.get_object()
        figures = recall_compliance(recall, user=request.user)
        return Response(RecallComplianceSerializer(figures, context=self.get_serializer_context()).data)

    attachments = attachments_action(
        serializer=RecallAttachmentSerializer,
        upload_serializer=RecallAttachmentUploadInputSerializer,
        refusal=recalls.RECALL_ATTACH.refusal,
        add=lambda request, recall, upload, data: recalls.recall_attachment_add(
            user=request.user,
            recall=recall,
            name=upload.name or "",
            content=upload.read(settings.AFTERSALES_MAX_UPLOAD_BYTES + 1),
        ),
        list_summary="Photos and PDFs of the style test report",
        add_summary="Attach a photo or PDF to the style test report (technicians and QA)",
    )


@extend_schema(summary="Download a test-report attachment's file")
class RecallAttachmentFileView(StoredFileAPIView):
    """The file of a recall's test-report attachment, for whoever may see the recall (404 for anyone else)."""

    queryset_model = Recall

    def get_stored_file(self, request, *, recall_pk: int, pk: int) -> RecallAttachment:
        attachments = RecallAttachment.objects.filter(recall__in=recall_list(request.user).values("pk"))
        return get_object_or_404(attachments, pk=pk, recall__pk=recall_pk)


@extend_schema_view(
    list=extend_schema(summary="Recall notices within your scope (a store its own), newest first"),
    retrieve=extend_schema(summary="A recall notice with what the store has answered and returned"),
)
class RecallNoticeViewSet(ScopedWorkflowViewSet):
    """Recall notices 整款退货通知: each store acknowledges with its on-hand quantity, then returns the goods."""

    selector = staticmethod(recallnotice_list)
    getter = staticmethod(recallnotice_get)
    serializer_class = RecallNoticeSerializer
    filterset_class = RecallNoticeFilter
    queryset_model = RecallNotice
    cursor_ordering = "-id"

    @transition_schema(
        RecallNoticeAcknowledgeInputSerializer,
        RecallNoticeSerializer,
        "Acknowledge the notice with the units on hand (the store's own staff)",
    )
    @action(detail=True, methods=["post"], url_path="acknowledge")
    def acknowledge(self, request, pk=None):
        notice = self.get_object()
        data = self.read_input(
            RecallNoticeAcknowledgeInputSerializer,
            refuse=lambda: recalls.recallnotice_acknowledge_refusal(user=request.user, notice=notice),
        )
        recalls.recallnotice_acknowledge(user=request.user, notice=notice, on_hand=data["on_hand"])
        return self.detail_response(notice.pk)

    @transition_schema(
        RecallNoticeCorrectOnHandInputSerializer,
        RecallNoticeSerializer,
        "Correct the acknowledged on-hand quantity, with the reason (the store's own staff; logged)",
    )
    @action(detail=True, methods=["post"], url_path="correct_on_hand")
    def correct_on_hand(self, request, pk=None):
        notice = self.get_object()
        data = self.read_input(
            RecallNoticeCorrectOnHandInputSerializer,
            refuse=lambda: recalls.RECALLNOTICE_CORRECT_ON_HAND.refusal(notice, request.user),
        )
        recalls.recallnotice_correct_on_hand(
            user=request.user, notice=notice, on_hand=data["on_hand"], reason=data["reason"]
        )
        return self.detail_response(notice.pk)

    @extend_schema(
        summary="Log the store's recall Returns in bulk: quantity per colour and size, with the return document no.",
        request=RecallReturnsInputSerializer,
        responses={201: RecallReturnSerializer(many=True), **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="returns")
    def returns(self, request, pk=None):
        notice = self.get_object()
        data = self.read_input(
            RecallReturnsInputSerializer, refuse=lambda: recalls.RECALL_RETURNS_LOG.refusal(notice, request.user)
        )
        created = recalls.recall_returns_log(
            notice=notice,
            user=request.user,
            lines=[dict(line) for line in data["lines"]],
            document_no=data["document_no"],
            confirm_reused_document_no=data["confirm_reused_document_no"],
        )
        return Response(
            RecallReturnSerializer(created, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class RecallCandidateView(APIView):
    """Recall candidates 整款退货候选, computed from recent Returns (technicians and QA only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Styles with the same defect from several stores lately, and the Returns behind each",
        responses={200: RecallCandidateListSerializer, 401: REFUSALS[401], 403: REFUSALS[403]},
    )
    def get(self, request):
        if not may_see_recall_candidates(request.user):
            raise TransitionForbidden(_("Only technicians and QA see recall candidates."), transition="candidates")
        candidates = recall_candidate_list(request.user)
        return Response(
            {
                "next": None,
                "previous": None,
                "count": len(candidates),
                "results": RecallCandidateSerializer(candidates, many=True, context={"request": request}).data,
            }
        )
