"""``/api/v1/returns/`` and ``/api/v1/shipments/``: reads through the selectors, writes through the services.

Each transition is an explicit action: input serializer → service → the
object's detail. Refusals follow ``aftersales.fsm``: out of scope 404 (the
object is fetched through the selector), wrong state 409, wrong role 403,
bad input 400 — in that order.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.api.attachments import attachments_action
from aftersales.api.views import (
    REFUSALS,
    NoContentNegotiation,
    ScopedWorkflowViewSet,
    StoredFileAPIView,
    transition_schema,
)
from cases import hooks, services
from cases.api.serializers import (
    AttachmentSerializer,
    AttachmentUploadInputSerializer,
    BatchAlarmSerializer,
    ReturnBatchAlarmInputSerializer,
    ReturnCancelInputSerializer,
    ReturnCreateInputSerializer,
    ReturnDetailSerializer,
    ReturnFoundInputSerializer,
    ReturnReceiveFromSupplierInputSerializer,
    ReturnReferToRepairPointInputSerializer,
    ReturnResolveAtStoreInputSerializer,
    ReturnSerializer,
    ShipmentCancelInputSerializer,
    ShipmentConfirmReceivedInputSerializer,
    ShipmentCreateInputSerializer,
    ShipmentDetailSerializer,
    ShipmentDispatchInputSerializer,
    ShipmentReceiveInputSerializer,
    ShipmentSerializer,
    ShipmentSignOffInputSerializer,
)
from cases.filters import ReturnFilter, ShipmentFilter
from cases.models import Attachment, Return, ShipmentLine
from cases.selectors import return_get, return_list, shipment_get, shipment_list

# What the API's Return rows read of the rows joined to them (ReturnSerializer and the transition predicates).
RETURN_COLUMNS = tuple(field.name for field in Return._meta.concrete_fields)
JOINED_COLUMNS = (
    "store__code",
    "store__region",
    "style__style_no",
    "reported_defect__code",
    "logged_by__username",
    "recall_unit__outcome_recorded_at",
)


def _repair_ticket_ids():
    # The repairs app's ticket, reached by the reverse name (cases imports no higher app): a row shows its id; the
    # state is loaded too because the FSM mixin reads it when the ticket is built.
    ticket = Return._meta.get_field("repair_ticket").related_model
    return ticket.objects.only("id", "return_item", "state")


@extend_schema_view(
    list=extend_schema(summary="List returns within your scope, newest first"),
    retrieve=extend_schema(summary="A return with its inspection, repair ticket and the transitions you may fire"),
)
class ReturnViewSet(ScopedWorkflowViewSet):
    """Returns 退货: logged by store staff, moved through the workflow by transitions."""

    selector = staticmethod(return_list)
    getter = staticmethod(return_get)
    serializer_class = ReturnSerializer
    detail_serializer_class = ReturnDetailSerializer
    filterset_class = ReturnFilter
    queryset_model = Return
    cursor_ordering = "-id"

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        # A row nests its inspection report (a field the inspection app registers, with its prefetch) and repair
        # ticket id, fetched once for the whole page. Only forward keys are joined: joining the reverse
        # one-to-ones too made PostgreSQL spend 20–30 ms planning a 1 ms query at a million returns
        # (bench/RESULTS.md), so those come as prefetches.
        registered = [field.prefetch() for field in hooks.return_api_fields().values() if field.prefetch]
        # Of the joined rows only what a row shows or a permission reads is loaded (issue 19, "Speed"): the codes,
        # the store's region, the recall unit's outcome. The repair point is not joined: a second join of the
        # stores added ~14 ms of PostgreSQL planning to every page for the few referred rows (bench/RESULTS.md).
        return (
            queryset.select_related("reported_defect", "logged_by")
            .only(*RETURN_COLUMNS, *JOINED_COLUMNS)
            .prefetch_related(*registered, Prefetch("repair_ticket", queryset=_repair_ticket_ids()))
        )

    @extend_schema(
        summary="Log a returned unit (store staff of the store)",
        request=ReturnCreateInputSerializer,
        responses={201: ReturnDetailSerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    def create(self, request, *args, **kwargs):
        # Bad input from a role that never logs returns is answered as return_log would: 403 first.
        data = self.read_input(
            ReturnCreateInputSerializer, refuse=lambda: services.return_log_refusal(user=request.user)
        )
        unit = services.ReturnUnit(
            style=data["style"],
            color=data["color"],
            size=data["size"],
            batch_no=data["batch_no"],
            production_year=data["production_year"],
            defect_description=data["defect_description"],
            reported_defect=data["reported_defect"],
            recall=data["recall"],
        )
        created = services.return_log(
            user=request.user,
            store=data["store"],
            receipt_no=data["receipt_no"],
            purchase_date=data["purchase_date"],
            onsite_handling=data["onsite_handling"],
            units=[unit],
            customer_name=data["customer_name"],
            customer_phone=data["customer_phone"],
            policy_exception_reason=data["policy_exception_reason"],
            reason_kind=data["reason_kind"],
            resaleable=data["resaleable"],
        )
        return self.detail_response(created[0].pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The store raises a suspected batch problem on the return's style (store staff of the store)",
        request=ReturnBatchAlarmInputSerializer,
        responses={201: BatchAlarmSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="raise_batch_alarm")
    def raise_batch_alarm(self, request, pk=None):
        item = self.get_object()
        data = self.read_input(
            ReturnBatchAlarmInputSerializer,
            refuse=lambda: services.RETURN_BATCH_ALARM.refusal(item, request.user),
        )
        alarm = services.return_raise_batch_alarm(user=request.user, return_item=item, note=data["note"])
        return Response(BatchAlarmSerializer(alarm).data, status=status.HTTP_201_CREATED)

    @transition_schema(
        ReturnResolveAtStoreInputSerializer,
        ReturnDetailSerializer,
        "Resolved at the store by a local repair (store staff)",
    )
    @action(detail=True, methods=["post"], url_path="resolve_at_store")
    def resolve_at_store(self, request, pk=None):
        item = self.get_object()
        data = self.read_input(ReturnResolveAtStoreInputSerializer, item, transition="resolve_at_store")
        services.return_resolve_at_store(user=request.user, return_item=item, note=data["note"])
        return self.detail_response(item.pk)

    @transition_schema(
        ReturnCancelInputSerializer, ReturnDetailSerializer, "Cancel a return logged by mistake (store staff)"
    )
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request, pk=None):
        item = self.get_object()
        data = self.read_input(ReturnCancelInputSerializer, item, transition="cancel")
        services.return_cancel(user=request.user, return_item=item, reason=data["reason"])
        return self.detail_response(item.pk)

    @transition_schema(ReturnFoundInputSerializer, ReturnDetailSerializer, "A missing unit turned up (technician)")
    @action(detail=True, methods=["post"], url_path="found")
    def found(self, request, pk=None):
        item = self.get_object()
        self.read_input(ReturnFoundInputSerializer, item, transition="found")
        services.return_found(user=request.user, return_item=item)
        return self.detail_response(item.pk)

    @transition_schema(
        ReturnReferToRepairPointInputSerializer,
        ReturnDetailSerializer,
        "Refer a received unit to its store or an authorized repair point for a local repair (technician)",
    )
    @action(detail=True, methods=["post"], url_path="refer_to_repair_point")
    def refer_to_repair_point(self, request, pk=None):
        item = self.get_object()
        data = self.read_input(ReturnReferToRepairPointInputSerializer, item, transition="refer_to_repair_point")
        services.return_refer_to_repair_point(
            user=request.user, return_item=item, repair_point=data["repair_point"], note=data["note"]
        )
        return self.detail_response(item.pk)

    @transition_schema(
        ReturnReceiveFromSupplierInputSerializer, ReturnDetailSerializer, "The supplier's rework came back (technician)"
    )
    @action(detail=True, methods=["post"], url_path="receive_from_supplier")
    def receive_from_supplier(self, request, pk=None):
        item = self.get_object()
        data = self.read_input(ReturnReceiveFromSupplierInputSerializer, item, transition="receive_from_supplier")
        services.return_receive_from_supplier(user=request.user, return_item=item, note=data["note"])
        return self.detail_response(item.pk)

    attachments = attachments_action(
        serializer=AttachmentSerializer,
        upload_serializer=AttachmentUploadInputSerializer,
        refusal=services.RETURN_ATTACH.refusal,
        add=lambda request, item, upload, data: services.attachment_add(
            user=request.user,
            return_item=item,
            name=upload.name or "",
            # One byte over the limit is enough for the service to refuse; the rest is never read into memory.
            content=upload.read(settings.AFTERSALES_MAX_UPLOAD_BYTES + 1),
            kind=data["kind"],
        ),
        list_summary="The return's photos and PDFs",
        add_summary="Attach a photo or PDF (checked by its bytes, 10 MB at most)",
    )


def register_return_action(func) -> None:
    """Add a higher app's action to ``ReturnViewSet`` (``/api/v1/returns/{id}/<url_path>/``), e.g. ``inspect``.

    ``func`` is an ``@action`` function taking the viewset as ``self`` (``get_object``, ``read_input``,
    ``detail_response``), named as the action. Called from the app's ``AppConfig.ready()``, so the action is
    there before the URLs and the schema are built; cases imports nothing of the app.
    """
    name = func.__name__
    known = ReturnViewSet.__dict__.get(name)
    if known is not None and known is not func:
        raise ValueError(f"ReturnViewSet already has {name!r}.")
    setattr(ReturnViewSet, name, func)


@extend_schema(summary="Download an attachment's file")
class ReturnAttachmentFileView(StoredFileAPIView):
    """The file of a Return's attachment, for whoever may see the Return (404 for anyone else).

    Files live outside the static files and are only ever served here. The
    type is the one sniffed from the bytes at upload and browsers are told
    not to guess another; images and PDFs open inline.
    """

    queryset_model = Return

    def get_stored_file(self, request, *, return_pk: int, pk: int) -> Attachment:
        attachments = Attachment.objects.filter(return_item__in=return_list(request.user).values("pk"))
        return get_object_or_404(attachments, pk=pk, return_item__pk=return_pk)


@extend_schema_view(
    list=extend_schema(summary="List shipments within your scope, newest first"),
    retrieve=extend_schema(summary="A shipment with its units and the transitions you may fire"),
)
class ShipmentViewSet(ScopedWorkflowViewSet):
    """Shipments 寄送: a store's weekly parcel to the center, or repaired units back to the store."""

    selector = staticmethod(shipment_list)
    getter = staticmethod(shipment_get)
    serializer_class = ShipmentSerializer
    detail_serializer_class = ShipmentDetailSerializer
    filterset_class = ShipmentFilter
    cursor_ordering = "-id"

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset.prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("return_item").order_by("id"))
        )

    @extend_schema(
        summary="Pack a shipment (store staff to the center, technicians back to a store)",
        request=ShipmentCreateInputSerializer,
        responses={201: ShipmentDetailSerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    def create(self, request, *args, **kwargs):
        data = self.read_input(
            ShipmentCreateInputSerializer, refuse=lambda: services.shipment_create_refusal(user=request.user)
        )
        shipment = services.shipment_create(
            user=request.user,
            direction=data["direction"],
            store=data["store"],
            return_ids=data["returns"],
            carrier=data["carrier"],
            tracking_no=data["tracking_no"],
        )
        return self.detail_response(shipment.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The parcel's packing list 装箱单: an A4 PDF with every unit and the shipment number as a QR code",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The packing list."),
            **{code: REFUSALS[code] for code in (401, 403, 404)},
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="packing-list",
        url_name="packing_list",
        content_negotiation_class=NoContentNegotiation,
    )
    def packing_list(self, request, pk=None):
        from cases.documents import packinglist_response

        return packinglist_response(self.get_object())

    @transition_schema(
        ShipmentDispatchInputSerializer,
        ShipmentDetailSerializer,
        "Dispatch the shipment; a store's second dispatch in an ISO week carries its extra fee",
    )
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_shipment(self, request, pk=None):
        shipment = self.get_object()
        data = self.read_input(ShipmentDispatchInputSerializer, shipment, transition="dispatch")
        services.shipment_dispatch(
            user=request.user,
            shipment=shipment,
            carrier=data.get("carrier"),
            tracking_no=data.get("tracking_no"),
            freight_cost=data.get("freight_cost"),
        )
        return self.detail_response(shipment.pk)

    @transition_schema(
        ShipmentSignOffInputSerializer,
        ShipmentDetailSerializer,
        "The region manager signs off a store's parcel to the center, where the region's policy asks for it",
    )
    @action(detail=True, methods=["post"], url_path="sign_off")
    def sign_off(self, request, pk=None):
        shipment = self.get_object()
        data = self.read_input(ShipmentSignOffInputSerializer, shipment, transition="sign_off")
        services.shipment_sign_off(user=request.user, shipment=shipment, note=data["note"])
        return self.detail_response(shipment.pk)

    @transition_schema(
        ShipmentReceiveInputSerializer,
        ShipmentDetailSerializer,
        "Receive a store's parcel as a checklist: ticked units received, the rest missing (technician)",
    )
    @action(detail=True, methods=["post"], url_path="receive")
    def receive(self, request, pk=None):
        shipment = self.get_object()
        data = self.read_input(ShipmentReceiveInputSerializer, shipment, transition="receive")
        services.shipment_receive(user=request.user, shipment=shipment, received_ids=data["received"])
        return self.detail_response(shipment.pk)

    @transition_schema(
        ShipmentConfirmReceivedInputSerializer,
        ShipmentDetailSerializer,
        "The store has the center's parcel back (store staff)",
    )
    @action(detail=True, methods=["post"], url_path="confirm_received")
    def confirm_received(self, request, pk=None):
        shipment = self.get_object()
        self.read_input(ShipmentConfirmReceivedInputSerializer, shipment, transition="confirm_received")
        services.shipment_confirm_received(user=request.user, shipment=shipment)
        return self.detail_response(shipment.pk)

    @transition_schema(
        ShipmentCancelInputSerializer, ShipmentDetailSerializer, "Unpack a shipment that has not left (its sender)"
    )
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request, pk=None):
        shipment = self.get_object()
        data = self.read_input(ShipmentCancelInputSerializer, shipment, transition="cancel")
        services.shipment_cancel(user=request.user, shipment=shipment, reason=data["reason"])
        return self.detail_response(shipment.pk)
