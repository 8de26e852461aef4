from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from aftersales.api.views import ScopedReadOnlyViewSet, ScopedWorkflowViewSet, transition_schema
from repairs.api.serializers import (
    RepairTicketCompleteInputSerializer,
    RepairTicketSerializer,
    RepairTicketUpdateInputSerializer,
    SparePartSerializer,
    StockMovementSerializer,
)
from repairs.filters import RepairTicketFilter, SparePartFilter, StockMovementFilter
from repairs.models import StockMovement
from repairs.selectors import repairticket_get, repairticket_list, sparepart_list, stockmovement_list
from repairs.services import REPAIRTICKET_UPDATE, repairticket_complete, repairticket_update


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


@extend_schema_view(
    list=extend_schema(summary="The spare-part stock ledger, newest first (service center)"),
    retrieve=extend_schema(summary="A stock movement"),
)
class StockMovementViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(stockmovement_list)
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilter
    cursor_ordering = "-id"
