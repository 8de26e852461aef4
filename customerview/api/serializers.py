"""The Return's ``status_url`` (api-contract.md): the public status page's absolute link."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customerview.links import status_url_maker


@extend_schema_field(OpenApiTypes.URI)
class StatusUrlField(serializers.Field):
    """The link of the Return's status page 进度查询 (no login), from its number; read-only."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        # The field lives as long as its serializer, so a page of rows reverses the page's path once.
        make = self.__dict__.get("_make")
        if make is None:
            make = self.__dict__["_make"] = status_url_maker()
        return make(value.number)
