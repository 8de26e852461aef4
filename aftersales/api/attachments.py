"""The ``attachments`` action of a workflow object: ``GET`` lists its photos and PDFs, ``POST`` adds one.

One action for every app (Returns, recalls, service cases), parameterised by the app: its serializers, the guard
that says who may attach, and the service that stores the upload. The core imports no app; each viewset builds
its action here::

    attachments = attachments_action(
        serializer=AttachmentSerializer,
        upload_serializer=AttachmentUploadInputSerializer,
        refusal=lambda item, user: RETURN_ATTACH.refusal(item, user),
        add=lambda request, item, upload, data: attachment_add(...),
        list_summary="The return's photos and PDFs",
        add_summary="Attach a photo or PDF (checked by its bytes, 10 MB at most)",
    )

Refusals come in ``fire``'s order: out of scope 404 (``get_object``), then the guard (409, 403) before the upload
is read, then the service's checks of the file (400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from aftersales.api.views import REFUSALS


def attachments_action(
    *,
    serializer: type,
    upload_serializer: type,
    refusal: Callable[[Any, Any], Exception | None],
    add: Callable[[Any, Any, Any, dict], Any],
    list_summary: str,
    add_summary: str,
):
    """``/<object>/{id}/attachments/`` for a ``ScopedWorkflowViewSet``.

    ``refusal(obj, user)`` is the app's guard (None when the user may attach); ``add(request, obj, upload, data)``
    stores the upload through the app's service and returns the new attachment.
    """

    @extend_schema(
        methods=["GET"],
        summary=list_summary,
        request=None,
        responses={200: serializer(many=True), 401: REFUSALS[401], 404: REFUSALS[404]},
    )
    @extend_schema(
        methods=["POST"],
        summary=add_summary,
        request={"multipart/form-data": upload_serializer},
        responses={201: serializer, **REFUSALS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="attachments",
        parser_classes=[MultiPartParser, FormParser],
        filterset_class=None,
    )
    def attachments(self, request, pk=None):
        obj = self.get_object()
        context = {"request": request}
        if request.method == "GET":
            page = self.paginate_queryset(obj.attachments.select_related("uploaded_by"))
            return self.get_paginated_response(serializer(page, many=True, context=context).data)
        data = self.read_input(upload_serializer, refuse=lambda: refusal(obj, request.user))
        created = add(request, obj, data["file"], data)
        return Response(serializer(created, context=context).data, status=status.HTTP_201_CREATED)

    return attachments
