from rest_framework import serializers

from suppliers.models import Category, DefectCode, Style, Supplier


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = [
            "id",
            "code",
            "name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "active",
            "inspection_severity",
        ]
        read_only_fields = ["inspection_severity"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "quality_return_days",
            "change_of_mind_days",
            "warranty_months",
            "paid_repair_offered",
            "aql_major",
            "aql_minor",
        ]


class StyleSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    supplier = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Style
        fields = ["id", "style_no", "name", "category", "supplier", "season", "year", "unit_cost", "retail_price"]


class DefectCodeSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DefectCode
        fields = ["id", "code", "name_zh", "name_en", "category", "default_responsibility", "active"]
