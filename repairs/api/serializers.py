from rest_framework import serializers

from repairs.models import SparePart


class SparePartSerializer(serializers.ModelSerializer):
    class Meta:
        model = SparePart
        fields = ["id", "part_no", "name", "unit", "unit_cost", "stock_quantity", "reorder_level", "active"]
