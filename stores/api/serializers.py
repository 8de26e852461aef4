from rest_framework import serializers

from stores.models import Region, Store


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
