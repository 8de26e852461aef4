from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.api.fields import MAX_ID, AvailableTransitionsMixin, ScopedSlugRelatedField
from cases.permissions import mask_name, sees_customer_contact
from repairs.models import (
    CENTER,
    MAX_LABOUR_MINUTES,
    MAX_QUOTE_TOTAL,
    MAX_STOCK,
    PartStock,
    QuoteChannel,
    RepairPaymentMethod,
    RepairTicket,
    SparePart,
    StockMovement,
    Stocktake,
    StocktakeLine,
)
from repairs.selectors import location_from_code

CENT = Decimal("0.01")


class SparePartSerializer(serializers.ModelSerializer):
    class Meta:
        model = SparePart
        fields = ["id", "part_no", "name", "unit", "unit_cost", "stock_quantity", "reorder_level", "active"]


class RepairTicketPartSerializer(serializers.Serializer):
    """One part a repair used: the total held now (consumed minus given back) and what it cost as booked."""

    part_no = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    quantity = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_STOCK)
    unit_cost = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


def ticket_parts(ticket: RepairTicket) -> list[dict]:
    """The parts of a ticket from its (prefetched) ledger lines, so a page of tickets costs one query for all."""
    totals: dict[int, dict] = {}
    for movement in ticket.stock_movements.all():
        line = totals.setdefault(movement.part_id, {"part": movement.part, "quantity": 0, "cost": Decimal("0")})
        line["quantity"] -= movement.quantity
        line["cost"] -= movement.quantity * movement.unit_cost
    return [
        {
            "part_no": line["part"].part_no,
            "name": line["part"].name,
            "quantity": line["quantity"],
            # What the held units cost on average as booked (the part's price may have changed since).
            "unit_cost": (line["cost"] / line["quantity"]).quantize(CENT),
            "cost": line["cost"].quantize(CENT),
        }
        for line in sorted(totals.values(), key=lambda line: line["part"].part_no)
        if line["quantity"] > 0
    ]


class RepairQuoteLineSerializer(serializers.Serializer):
    part_no = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_STOCK)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class RepairQuoteSerializer(serializers.ModelSerializer):
    """A paid repair's quote 报价 (CNY, at cost): the parts, the labour, the total."""

    parts = RepairQuoteLineSerializer(source="quote_parts", many=True, read_only=True)
    labour_minutes = serializers.IntegerField(
        source="quote_labour_minutes", read_only=True, min_value=0, max_value=MAX_LABOUR_MINUTES
    )
    labour_rate = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    parts_amount = serializers.DecimalField(source="quote_parts_amount", max_digits=12, decimal_places=2)
    labour_amount = serializers.DecimalField(source="quote_labour_amount", max_digits=12, decimal_places=2)
    total = serializers.DecimalField(source="quote_total", max_digits=12, decimal_places=2)
    note = serializers.CharField(source="quote_note")
    quoted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RepairTicket
        fields = [
            "parts",
            "labour_minutes",
            "labour_rate",
            "parts_amount",
            "labour_amount",
            "total",
            "note",
            "quoted_at",
            "quoted_by",
        ]
        read_only_fields = fields


class QuoteAnswerSerializer(serializers.ModelSerializer):
    """The customer's answer to the quote: accepted or refused, who, when, by which channel, who recorded it."""

    answer = serializers.CharField(source="customer_answer")
    name = serializers.CharField(source="answered_by_name")
    channel = serializers.CharField(source="answer_channel")
    at = serializers.DateTimeField(source="answered_at")
    recorded_by = serializers.SlugRelatedField(source="answer_recorded_by", slug_field="username", read_only=True)
    note = serializers.CharField(source="answer_note")

    class Meta:
        model = RepairTicket
        fields = ["answer", "name", "channel", "at", "recorded_by", "note"]
        read_only_fields = fields


class RepairTicketSerializer(AvailableTransitionsMixin, serializers.ModelSerializer):
    """A repair ticket 维修单: its Return, parts used, labour, costs (CNY) and quality check."""

    return_id = serializers.IntegerField(source="return_item_id", read_only=True, min_value=1, max_value=MAX_ID)
    return_number = serializers.CharField(source="return_item.number", read_only=True)
    technician = serializers.SlugRelatedField(slug_field="username", read_only=True)
    labour_minutes = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_LABOUR_MINUTES)
    parts = serializers.SerializerMethodField()
    quote = serializers.SerializerMethodField()
    customer_answer = serializers.SerializerMethodField()
    payment_method = serializers.CharField(read_only=True)

    class Meta:
        model = RepairTicket
        fields = [
            "id",
            "return_id",
            "return_number",
            "state",
            "technician",
            "work_done",
            "parts",
            "labour_minutes",
            "labour_rate",
            "parts_cost",
            "labour_cost",
            "total_cost",
            "qc_passed",
            "qc_notes",
            "qc_checked_at",
            "completed_at",
            "paid",
            "quote",
            "customer_answer",
            "accepted_amount",
            "paid_at",
            "payment_method",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(RepairTicketPartSerializer(many=True))
    def get_parts(self, obj) -> list[dict]:
        return RepairTicketPartSerializer(ticket_parts(obj), many=True).data

    @extend_schema_field(RepairQuoteSerializer(allow_null=True))
    def get_quote(self, obj) -> dict | None:
        """The paid repair's quote as the customer was told it, or null (no quote yet, or a free repair)."""
        if obj.quote_total is None:
            return None
        return RepairQuoteSerializer(obj).data

    @extend_schema_field(QuoteAnswerSerializer(allow_null=True))
    def get_customer_answer(self, obj) -> dict | None:
        """Who answered the quote, when and how; the name masked for those who may not see the customer's."""
        if not obj.customer_answer:
            return None
        name = obj.answered_by_name
        if not sees_customer_contact(obj.return_item, self.context["request"].user):
            name = mask_name(name)
        return {**QuoteAnswerSerializer(obj).data, "name": name}


class RepairTicketPartInputSerializer(serializers.Serializer):
    part = ScopedSlugRelatedField(SparePart, slug_field="part_no")
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_STOCK)


class RepairTicketUpdateInputSerializer(serializers.Serializer):
    """What the repair used and did; ``parts`` is the total used per part (stock moves by the difference).

    Fields left out stay as they are.
    """

    parts = RepairTicketPartInputSerializer(many=True, required=False, max_length=100)
    labour_minutes = serializers.IntegerField(min_value=0, max_value=MAX_LABOUR_MINUTES, required=False)
    work_done = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    qc_passed = serializers.BooleanField(required=False, allow_null=True)
    qc_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @staticmethod
    def arguments(data: dict) -> dict:
        """The service's keyword arguments: ``None`` for what was left out (it then stays as it is)."""
        parts = data.get("parts")
        return {
            "parts": None if parts is None else [(line["part"], line["quantity"]) for line in parts],
            "labour_minutes": data.get("labour_minutes"),
            "work_done": data.get("work_done"),
            "qc_passed": data.get("qc_passed"),
            "qc_notes": data.get("qc_notes"),
        }


class RepairTicketCompleteInputSerializer(RepairTicketUpdateInputSerializer):
    """Close the repair: the same optional fields as an update; quality control must have passed."""


class RepairQuoteInputSerializer(serializers.Serializer):
    """A paid repair's quote: the parts it will need (none leave stock now) and the labour minutes."""

    parts = RepairTicketPartInputSerializer(many=True, max_length=100)
    labour_minutes = serializers.IntegerField(min_value=0, max_value=MAX_LABOUR_MINUTES)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @staticmethod
    def arguments(data: dict) -> dict:
        return {
            "parts": [(line["part"], line["quantity"]) for line in data["parts"]],
            "labour_minutes": data["labour_minutes"],
            "note": data["note"],
        }


class QuoteAnswerInputSerializer(serializers.Serializer):
    """The customer's answer: who gave it, by which channel, when (default now), a note (why they declined)."""

    name = serializers.CharField(max_length=60)
    # Checked by the service (400 naming it); a plain string here keeps its enum apart from the service cases'.
    channel = serializers.CharField(
        max_length=10, help_text="How the customer answered: " + ", ".join(QuoteChannel.values) + "."
    )
    answered_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class QuoteAcceptInputSerializer(QuoteAnswerInputSerializer):
    """The acceptance names the amount the customer accepted: the quote's total, which they will pay."""

    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=MAX_QUOTE_TOTAL
    )


class RepairPaymentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=RepairPaymentMethod.choices)
    paid_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class StockMovementSerializer(serializers.ModelSerializer):
    """A line of the stock ledger 备件台账."""

    part = serializers.SlugRelatedField(slug_field="part_no", read_only=True)
    quantity = serializers.IntegerField(read_only=True, min_value=-MAX_STOCK, max_value=MAX_STOCK)
    balance_after = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_STOCK)
    repair_ticket = serializers.PrimaryKeyRelatedField(read_only=True)
    return_number = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    shipment = serializers.PrimaryKeyRelatedField(read_only=True)
    stocktake = serializers.PrimaryKeyRelatedField(read_only=True)
    moved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "part",
            "location",
            "quantity",
            "balance_after",
            "reason",
            "repair_ticket",
            "return_number",
            "shipment",
            "stocktake",
            "unit_cost",
            "note",
            "moved_by",
            "moved_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_return_number(self, obj) -> str | None:
        """The Return repaired: by the center's repair ticket, or at the store (a local repair)."""
        if obj.repair_ticket_id:
            return obj.repair_ticket.return_item.number
        if obj.return_item_id:
            return obj.return_item.number
        return None

    def get_location(self, obj) -> str:
        """``CENTER`` or the store's code."""
        return CENTER if obj.store_id is None else obj.store.code


class PartStockSerializer(serializers.ModelSerializer):
    """A part's stock at one location 库存: ``location`` is ``CENTER`` or a store's code."""

    part = serializers.SlugRelatedField(slug_field="part_no", read_only=True)
    name = serializers.CharField(source="part.name", read_only=True)
    unit = serializers.CharField(source="part.unit", read_only=True)
    location = serializers.CharField(source="location_code", read_only=True)
    quantity = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_STOCK)
    reorder_level = serializers.IntegerField(
        source="effective_reorder_level", read_only=True, min_value=0, max_value=MAX_STOCK
    )
    needs_reorder = serializers.BooleanField(read_only=True)

    class Meta:
        model = PartStock
        fields = ["id", "location", "part", "name", "unit", "quantity", "reorder_level", "needs_reorder", "updated_at"]
        read_only_fields = fields


class StocktakeLineSerializer(serializers.ModelSerializer):
    part = serializers.SlugRelatedField(slug_field="part_no", read_only=True)
    expected = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_STOCK)
    counted = serializers.IntegerField(read_only=True, min_value=0, max_value=MAX_STOCK)
    difference = serializers.IntegerField(read_only=True, min_value=-MAX_STOCK, max_value=MAX_STOCK)

    class Meta:
        model = StocktakeLine
        fields = ["part", "expected", "counted", "difference", "reason"]
        read_only_fields = fields


class StocktakeSerializer(serializers.ModelSerializer):
    """A stocktake 清点 and its lines: book stock, count, difference and reason per part."""

    location = serializers.CharField(source="location_code", read_only=True)
    counted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    lines = StocktakeLineSerializer(many=True, read_only=True)

    class Meta:
        model = Stocktake
        fields = ["id", "location", "counted_by", "counted_at", "note", "lines"]
        read_only_fields = fields


class AnyPartField(ScopedSlugRelatedField):
    """A spare part by ``part_no`` among every active part: a store counts the parts the center sends it, and
    the parts list is not secret (stores see no spare-part pages, only their own stock)."""

    def get_queryset(self):
        return SparePart.objects.filter(active=True)


class StocktakeCountInputSerializer(serializers.Serializer):
    part = AnyPartField(SparePart, slug_field="part_no")
    counted = serializers.IntegerField(min_value=0, max_value=MAX_STOCK)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class StocktakeCreateInputSerializer(serializers.Serializer):
    """``location`` (``CENTER`` or a store code you may count), each part's count, and the reason for a difference."""

    location = serializers.CharField(max_length=20)
    counts = StocktakeCountInputSerializer(many=True, allow_empty=False, max_length=2000)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_location(self, value):
        return location_from_code(self.context["request"].user, value)


class StorePartInputSerializer(serializers.Serializer):
    part = AnyPartField(SparePart, slug_field="part_no")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_STOCK)


class ReturnStorePartsInputSerializer(serializers.Serializer):
    """The parts a store's local repair used, each from the store's own stock."""

    parts = StorePartInputSerializer(many=True, allow_empty=False, max_length=100)

    @staticmethod
    def arguments(data: dict) -> list[tuple[SparePart, int]]:
        return [(row["part"], row["quantity"]) for row in data["parts"]]


@extend_schema_field(serializers.IntegerField(min_value=1, max_value=MAX_ID))
class VisibleShipmentField(serializers.PrimaryKeyRelatedField):
    """A shipment by id among those the user sees (another reads as unknown)."""

    def get_queryset(self):
        from cases.models import Shipment

        request = self.context.get("request")
        return Shipment.objects.visible_to(getattr(request, "user", None))


class ShipmentKitInputSerializer(serializers.Serializer):
    """Spare parts packed into a center → store parcel (a kit of 常用辅料配件)."""

    shipment = VisibleShipmentField()
    parts = StorePartInputSerializer(many=True, allow_empty=False, max_length=100)


class KitPartSerializer(serializers.Serializer):
    part = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_STOCK)


class ShipmentKitSerializer(serializers.Serializer):
    """What a parcel carries of each part."""

    shipment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    parts = KitPartSerializer(many=True)
