from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.api.views import REFUSALS, ScopedReadOnlyViewSet, ScopedWorkflowViewSet, transition_schema
from aftersales.fsm import TransitionForbidden
from cases.permissions import is_technician
from repairs.api.serializers import (
    PartStockSerializer,
    QuoteAcceptInputSerializer,
    QuoteAnswerInputSerializer,
    RepairPaymentInputSerializer,
    RepairQuoteInputSerializer,
    RepairTicketCompleteInputSerializer,
    RepairTicketSerializer,
    RepairTicketUpdateInputSerializer,
    ShipmentKitInputSerializer,
    ShipmentKitSerializer,
    SparePartSerializer,
    StockMovementSerializer,
    StocktakeCreateInputSerializer,
    StocktakeSerializer,
)
from repairs.filters import PartStockFilter, RepairTicketFilter, SparePartFilter, StockMovementFilter, StocktakeFilter
from repairs.models import SparePart, StockMovement, StocktakeLine
from repairs.quotes import (
    REPAIRTICKET_PAYMENT,
    repairticket_accept_quote,
    repairticket_quote,
    repairticket_record_payment,
    repairticket_refuse_quote,
)
from repairs.selectors import (
    partstock_list,
    repairticket_get,
    repairticket_list,
    sparepart_list,
    stockmovement_list,
    stocktake_get,
    stocktake_list,
)
from repairs.services import (
    REPAIRTICKET_UPDATE,
    repairticket_complete,
    repairticket_update,
    shipment_kit_add,
    stocktake_post,
)


@extend_schema_view(
    list=extend_schema(summary="List spare parts (service center)"),
    retrieve=extend_schema(summary="A spare part"),
)
class SparePartViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(sparepart_list)
    serializer_class = SparePartSerializer
    filterset_class = SparePartFilter
    cursor_ordering = "part_no"


@extend_schema_view(
    list=extend_schema(summary="List repair tickets within your scope, newest first"),
    retrieve=extend_schema(summary="A repair ticket with its parts, labour, costs and quality check"),
)
class RepairTicketViewSet(ScopedWorkflowViewSet):
    """Repair tickets 维修单: opened by a ``repairable`` verdict, recorded by technicians, closed by ``complete``."""

    selector = staticmethod(repairticket_list)
    getter = staticmethod(repairticket_get)
    serializer_class = RepairTicketSerializer
    filterset_class = RepairTicketFilter
    cursor_ordering = "-id"

    @staticmethod
    def with_parts(queryset):
        # The parts a ticket shows come from its ledger lines: one query for the whole page.
        return queryset.prefetch_related(
            Prefetch("stock_movements", queryset=StockMovement.objects.select_related("part").order_by("id"))
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return self.with_parts(queryset)

    def get_object(self):
        ticket = super().get_object()
        prefetch_related_objects(
            [ticket], Prefetch("stock_movements", queryset=StockMovement.objects.select_related("part").order_by("id"))
        )
        return ticket

    @transition_schema(
        RepairTicketUpdateInputSerializer,
        RepairTicketSerializer,
        "Record the repair: parts used (total per part), labour, work done, quality check (technician)",
    )
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        # Bad input from the wrong person or for a closed ticket answers as repairticket_update would: 409, 403, 400.
        data = self.read_input(
            RepairTicketUpdateInputSerializer, refuse=lambda: REPAIRTICKET_UPDATE.refusal(ticket, request.user)
        )
        repairticket_update(user=request.user, ticket=ticket, **RepairTicketUpdateInputSerializer.arguments(data))
        return self.detail_response(ticket.pk)

    @transition_schema(
        RepairTicketCompleteInputSerializer,
        RepairTicketSerializer,
        "Close the repair once quality control passed; the return gets ready to go back (technician)",
    )
    @action(detail=True, methods=["post"], url_path="complete")
    def complete(self, request, pk=None):
        ticket = self.get_object()
        data = self.read_input(RepairTicketCompleteInputSerializer, ticket, transition="complete")
        repairticket_complete(user=request.user, ticket=ticket, **RepairTicketCompleteInputSerializer.arguments(data))
        return self.detail_response(ticket.pk)

    # --- paid repair past the warranty (repairs.quotes) ---

    @transition_schema(
        RepairQuoteInputSerializer,
        RepairTicketSerializer,
        "Quote a paid repair past the warranty: parts at cost and labour at the ticket's rate, the total; nothing "
        "leaves stock (technician; may be revised until the customer answers)",
    )
    @action(detail=True, methods=["post"], url_path="quote")
    def quote(self, request, pk=None):
        ticket = self.get_object()
        data = self.read_input(RepairQuoteInputSerializer, ticket, transition="quote")
        repairticket_quote(user=request.user, ticket=ticket, **RepairQuoteInputSerializer.arguments(data))
        return self.detail_response(ticket.pk)

    @transition_schema(
        QuoteAcceptInputSerializer,
        RepairTicketSerializer,
        "Record the customer's acceptance of the quote (who, when, channel, the amount: the quote's total, which "
        "they pay); the repair may then take parts from stock (hotline, or the staff of the Return's store)",
    )
    @action(detail=True, methods=["post"], url_path="accept_quote")
    def accept_quote(self, request, pk=None):
        ticket = self.get_object()
        data = self.read_input(QuoteAcceptInputSerializer, ticket, transition="accept_quote")
        repairticket_accept_quote(user=request.user, ticket=ticket, **data)
        return self.detail_response(ticket.pk)

    @transition_schema(
        QuoteAnswerInputSerializer,
        RepairTicketSerializer,
        "Record that the customer declined the paid repair: the unit goes back to the store unrepaired (hotline, "
        "or the staff of the Return's store)",
    )
    @action(detail=True, methods=["post"], url_path="refuse_quote")
    def refuse_quote(self, request, pk=None):
        ticket = self.get_object()
        data = self.read_input(QuoteAnswerInputSerializer, ticket, transition="refuse_quote")
        repairticket_refuse_quote(user=request.user, ticket=ticket, **data)
        return self.detail_response(ticket.pk)

    @transition_schema(
        RepairPaymentInputSerializer,
        RepairTicketSerializer,
        "Record that the customer paid the accepted amount, when and how; once (hotline, or the Return's store)",
    )
    @action(detail=True, methods=["post"], url_path="record_payment")
    def record_payment(self, request, pk=None):
        ticket = self.get_object()
        data = self.read_input(
            RepairPaymentInputSerializer, refuse=lambda: REPAIRTICKET_PAYMENT.refusal(ticket, request.user)
        )
        repairticket_record_payment(user=request.user, ticket=ticket, **data)
        return self.detail_response(ticket.pk)


@extend_schema_view(
    list=extend_schema(summary="The spare-part stock ledger, newest first: every location's, or a store's own"),
    retrieve=extend_schema(summary="A stock movement"),
)
class StockMovementViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(stockmovement_list)
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilter
    cursor_ordering = "-id"


@extend_schema_view(
    list=extend_schema(
        summary="Stock per location 库存: ?location=CENTER or a store code, ?part=; a store sees its own"
    ),
    retrieve=extend_schema(summary="A part's stock at one location"),
)
class PartStockViewSet(ScopedReadOnlyViewSet):
    """Spare-part stock per location: the service center and each store or repair point (read-only: stock
    changes only through the ledger's movements)."""

    selector = staticmethod(partstock_list)
    serializer_class = PartStockSerializer
    filterset_class = PartStockFilter
    cursor_ordering = "id"

    @extend_schema(
        summary="Pack spare parts into a center → store parcel being packed: out of the center's stock now, into "
        "the store's when it confirms the parcel (technician)",
        request=ShipmentKitInputSerializer,
        responses={200: ShipmentKitSerializer, **REFUSALS},
    )
    @action(detail=False, methods=["post"], url_path="kits", url_name="kits")
    def kits(self, request):
        data = self.read_kit_input(request)
        kit = shipment_kit_add(user=request.user, shipment=data["shipment"], parts=data["parts"])
        parts = SparePart.objects.in_bulk(list(kit))
        rows = [{"part": parts[pk].part_no, "quantity": quantity} for pk, quantity in sorted(kit.items())]
        return Response({"shipment": data["shipment"].pk, "parts": rows})

    def read_kit_input(self, request) -> dict:
        serializer = ShipmentKitInputSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # The service's rule first: a store's staff is told 403 whatever the body says.
            if not is_technician(None, request.user):
                raise TransitionForbidden(_("Only service-center technicians pack parts into parcels."))
            serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        return {"shipment": values["shipment"], "parts": [(row["part"], row["quantity"]) for row in values["parts"]]}


@extend_schema_view(
    list=extend_schema(summary="Stocktakes 清点, newest first: every location's, or a store's own"),
    retrieve=extend_schema(summary="A stocktake with each part's book stock, count, difference and reason"),
    create=extend_schema(
        summary="Post a stocktake of a location: differences go to the ledger as adjustments with their reason",
        request=StocktakeCreateInputSerializer,
        responses={201: StocktakeSerializer, **REFUSALS},
    ),
)
class StocktakeViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    selector = staticmethod(stocktake_list)
    serializer_class = StocktakeSerializer
    filterset_class = StocktakeFilter
    cursor_ordering = "-id"

    def get_object(self):
        pk = self.kwargs["pk"]
        # An id that is not a number is a 404 like one outside the scope (it was a ValueError, a 500: Schemathesis).
        if not (pk.isascii() and pk.isdigit()):
            raise Http404
        return stocktake_get(self.request.user, pk)

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset.prefetch_related(Prefetch("lines", queryset=StocktakeLine.objects.select_related("part")))

    def create(self, request, *args, **kwargs):
        data = StocktakeCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        stocktake = stocktake_post(
            user=request.user,
            store=values["location"],
            counts=[(row["part"], row["counted"], row["reason"]) for row in values["counts"]],
            note=values["note"],
        )
        body = StocktakeSerializer(stocktake_get(request.user, stocktake.pk), context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
