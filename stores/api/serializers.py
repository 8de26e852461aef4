from rest_framework import serializers

from aftersales.api.fields import ScopedSlugRelatedField
from stores.models import Delivery, Region, Store
from suppliers.models import Style


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class StoreSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    contact_user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Store
        fields = [
            "id",
            "code",
            "name",
            "region",
            "kind",
            "address",
            "phone",
            "active",
            "contact_user",
            "free_dispatches_per_week",
            "extra_dispatch_fee",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    style = serializers.SlugRelatedField(slug_field="style_no", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "store", "style", "delivered_on", "quantity", "reference", "recorded_by", "created_at"]
        read_only_fields = fields


class DeliveryCreateInputSerializer(serializers.Serializer):
    """Goods of a style the store received from logistics 物流到货."""

    store = ScopedSlugRelatedField(Store, slug_field="code", only_active=True)
    style = ScopedSlugRelatedField(Style, slug_field="style_no")
    delivered_on = serializers.DateField()
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class DeliveryImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="CSV, UTF-8, header store,style,delivered_on,quantity,reference; any bad row imports nothing.",
    )
