"""Quality management's API serializers, one module per part."""
