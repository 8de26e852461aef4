"""The refusals every API operation may answer, written into the OpenAPI schema (a drf-spectacular hook).

The API's conventions (api-contract.md, "Errors") hold for every operation, not only the ones whose views say
so: an operation behind a login may answer 401 (no or an expired token) and 403 (the role may not do this); one
addressed by a path parameter 404 (no such record within the user's scope, or a malformed id); one that takes
query parameters or a body 400 (a filter value, a cursor or a field the API refuses); a list that pages with a
cursor 404 for a cursor it did not hand out. Every refusal's body is JSON: ``{"detail": message}``, or for bad
input ``{"field": ["message"]}`` as well. The hook adds each of these where the view's own annotations did not,
and gives every 4xx response without a body its JSON body, so that a client (and Schemathesis in CI,
tests/aftersales/test_schemathesis.py) finds every answer the API gives in the schema.

``AutoSchema`` (the project's schema class) reads a read-only field's model field for what DRF leaves out: a
``ModelSerializer`` drops ``allow_blank`` from the fields listed in ``read_only_fields``, and a field declared by
hand (``SlugRelatedField(read_only=True)``) says nothing of its column being nullable; so a Return without a
responsibility yet (``""``) or a notice nobody acknowledged (``null``) did not match the schema.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


def _model_field(field):
    """The model column a serializer field reads directly (``source`` without dots), or None."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*" or "." in source:
        return None
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    return model_field if getattr(model_field, "concrete", False) else None


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with read-only fields as nullable or blank as their model columns are."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and field.parent is not None:
            model_field = _model_field(field)
            if model_field is not None:
                if model_field.null:
                    field.allow_null = True
                if isinstance(field, serializers.ChoiceField) and model_field.blank:
                    field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


METHODS = ("get", "put", "patch", "post", "delete")

DETAIL = "ErrorDetail"
BAD_INPUT = "BadInput"
COMPONENTS = {
    DETAIL: {
        "type": "object",
        "description": "A refusal: why, in the user's language.",
        "properties": {"detail": {"type": "string"}},
    },
    BAD_INPUT: {
        "type": "object",
        "description": "Bad input: `{field: [messages]}` (nested for nested fields) or `{detail: message}`.",
        "additionalProperties": {},
    },
}
DESCRIPTIONS = {
    "400": "Bad input: `{field: [messages]}` or `{detail: message}`.",
    "401": "Not authenticated.",
    "403": "You may not do this.",
    "404": "No such record within your scope.",
}


def _body(name: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _refusals(operation: dict) -> list[str]:
    """The refusals this operation may answer by the API's conventions."""
    parameters = operation.get("parameters", [])
    codes = []
    if any(parameter["in"] in ("query", "path") for parameter in parameters) or "requestBody" in operation:
        codes.append("400")
    if operation.get("security") and {} not in operation["security"]:
        codes += ["401", "403"]
    if any(parameter["in"] == "path" or parameter["name"] == "cursor" for parameter in parameters):
        codes.append("404")
    return codes


def add_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook: the conventional refusals and their JSON bodies on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in COMPONENTS.items():
        schemas.setdefault(name, component)
    for path_item in result.get("paths", {}).values():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code in _refusals(operation):
                responses.setdefault(code, {"description": DESCRIPTIONS[code]})
            for code, response in responses.items():
                if str(code).startswith("4") and "content" not in response:
                    response["content"] = _body(BAD_INPUT if str(code) == "400" else DETAIL)
            operation["responses"] = dict(sorted(responses.items()))
    return result
