from rest_framework import serializers

from inspection.models import DefectCode


class DefectCodeSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DefectCode
        fields = ["id", "code", "name_zh", "name_en", "category", "default_responsibility", "active"]
