"""The service desk over the API: ``/api/v1/service-cases/`` and ``/api/v1/customers/`` (api-contract.md).

Reads through the selectors (a case outside the scope, or any case for a
supplier, is a 404), writes through ``servicedesk.services``; refusals follow
``aftersales.fsm`` (404, 409, 403, then 400) and change nothing. Every answer
that shows a full phone writes the phone access log, in one statement.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aftersales.api.attachments import attachments_action
from aftersales.api.views import (
    REFUSALS,
    ScopedReadOnlyViewSet,
    ScopedWorkflowViewSet,
    StoredFileAPIView,
    transition_schema,
)
from servicedesk import services
from servicedesk.api.serializers import (
    CustomerSerializer,
    ServiceCaseAttachmentSerializer,
    ServiceCaseAttachmentUploadInputSerializer,
    ServiceCaseCancelInputSerializer,
    ServiceCaseCreateInputSerializer,
    ServiceCaseDetailSerializer,
    ServiceCaseFollowUpInputSerializer,
    ServiceCasePromiseInputSerializer,
    ServiceCaseResolveInputSerializer,
    ServiceCaseRespondInputSerializer,
    ServiceCaseSerializer,
)
from servicedesk.filters import ServiceCaseFilter
from servicedesk.models import Customer, ServiceCase, ServiceCaseAttachment
from servicedesk.selectors import customer_list, servicecase_get, servicecase_list


def servicecase_attachment_upload(user, case: ServiceCase, upload) -> ServiceCaseAttachment:
    """One uploaded file through the case's service (which takes a list of files, as the page posts them)."""
    upload.seek(0)
    return services.servicecase_attachments_add(user=user, case=case, files=[upload])[0]


@extend_schema_view(
    list=extend_schema(summary="Service cases within your scope (filter ?phone=, ?state=, ?kind=, ?breached=)"),
    retrieve=extend_schema(summary="One service case with its Returns, photos and promise history"),
)
class ServiceCaseViewSet(ScopedWorkflowViewSet):
    """Service cases 服务单: logged by the hotline (and stores in store), answered, resolved, called back."""

    # Every role may ask; the scope decides what it sees (a supplier: nothing, each case a 404).
    permission_classes = [IsAuthenticated]
    selector = staticmethod(servicecase_list)
    getter = staticmethod(servicecase_get)
    serializer_class = ServiceCaseSerializer
    detail_serializer_class = ServiceCaseDetailSerializer
    filterset_class = ServiceCaseFilter
    queryset_model = ServiceCase
    cursor_ordering = "-id"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["shown_full"] = []
        self._context_used = context
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        context = getattr(self, "_context_used", None)
        if context and context["shown_full"] and 200 <= response.status_code < 300:
            services.phone_access_record(
                user=request.user,
                customers=[customer for customer, _case in context["shown_full"]],
                where=f"api:{request.path}",
                service_case=context["shown_full"][0][1] if len(context["shown_full"]) == 1 else None,
            )
            context["shown_full"] = []
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary="Log a service case (hotline; store staff: in-store cases of their own store)",
        request=ServiceCaseCreateInputSerializer,
        responses={201: ServiceCaseDetailSerializer, **{code: REFUSALS[code] for code in (400, 401, 403)}},
    )
    def create(self, request, *args, **kwargs):
        def refuse():
            channel = request.data.get("channel") if isinstance(request.data, dict) else None
            store_code = request.data.get("store") if isinstance(request.data, dict) else None
            from stores.models import Store

            store = (
                Store.objects.visible_to(request.user).filter(code=store_code).first()
                if isinstance(store_code, str)
                else None
            )
            return services.servicecase_open_refusal(
                user=request.user,
                channel=channel if isinstance(channel, str) else "",
                store_id=getattr(store, "pk", None),
            )

        data = self.read_input(ServiceCaseCreateInputSerializer, refuse=refuse)
        case = services.servicecase_open(
            user=request.user,
            channel=data["channel"],
            kind=data["kind"],
            severity=data["severity"],
            description=data["description"],
            customer=data["customer"],
            store=data["store"],
            style=data["style"],
            batch_no=data["batch_no"],
            production_date=data["production_date"],
            quantity=data["quantity"],
            return_ids=data["returns"],
            direct_loss=data["direct_loss"],
            told_to_stop_using=data["told_to_stop_using"],
            stop_using_instruction=data["stop_using_instruction"],
            initial_opinion=data["initial_opinion"],
            customer_demand=data["customer_demand"],
        )
        return self.detail_response(case.pk, status_code=status.HTTP_201_CREATED)

    @transition_schema(ServiceCaseRespondInputSerializer, ServiceCaseDetailSerializer, "The first response, and how")
    @action(detail=True, methods=["post"], url_path="respond")
    def respond(self, request, pk=None):
        case = self.get_object()
        data = self.read_input(ServiceCaseRespondInputSerializer, case, transition="respond")
        services.servicecase_respond(user=request.user, case=case, **data)
        return self.detail_response(case.pk)

    @transition_schema(ServiceCaseResolveInputSerializer, ServiceCaseDetailSerializer, "Resolve with the outcome")
    @action(detail=True, methods=["post"], url_path="resolve")
    def resolve(self, request, pk=None):
        case = self.get_object()
        data = self.read_input(ServiceCaseResolveInputSerializer, case, transition="resolve")
        services.servicecase_resolve(user=request.user, case=case, **data)
        return self.detail_response(case.pk)

    @transition_schema(
        ServiceCaseFollowUpInputSerializer,
        ServiceCaseDetailSerializer,
        "The callback with satisfaction 1-5: 3-5 closes, 1-2 reopens once (hotline)",
    )
    @action(detail=True, methods=["post"], url_path="follow_up")
    def follow_up(self, request, pk=None):
        case = self.get_object()
        data = self.read_input(ServiceCaseFollowUpInputSerializer, case, transition="follow_up")
        services.servicecase_follow_up(user=request.user, case=case, **data)
        return self.detail_response(case.pk)

    @transition_schema(
        ServiceCaseCancelInputSerializer, ServiceCaseDetailSerializer, "Cancel an open case (a duplicate)"
    )
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request, pk=None):
        case = self.get_object()
        data = self.read_input(ServiceCaseCancelInputSerializer, case, transition="cancel")
        services.servicecase_cancel(user=request.user, case=case, **data)
        return self.detail_response(case.pk)

    @transition_schema(
        ServiceCasePromiseInputSerializer, ServiceCaseDetailSerializer, "Make or change the promise (deadline, outcome)"
    )
    @action(detail=True, methods=["post"], url_path="promise")
    def promise(self, request, pk=None):
        case = self.get_object()
        data = self.read_input(
            ServiceCasePromiseInputSerializer,
            refuse=lambda: services.SERVICECASE_PROMISE.refusal(case, request.user),
        )
        services.servicecase_promise(user=request.user, case=case, **data)
        return self.detail_response(case.pk)

    attachments = attachments_action(
        serializer=ServiceCaseAttachmentSerializer,
        upload_serializer=ServiceCaseAttachmentUploadInputSerializer,
        refusal=services.SERVICECASE_ATTACH.refusal,
        add=lambda request, case, upload, data: servicecase_attachment_upload(request.user, case, upload),
        list_summary="Photos and PDFs of the case",
        add_summary="Attach a photo or PDF to the case",
    )


@extend_schema(summary="Download a service case attachment's file")
class ServiceCaseAttachmentFileView(StoredFileAPIView):
    """The file of a case's attachment, for whoever may see the case (404 for anyone else)."""

    permission_classes = [IsAuthenticated]
    queryset_model = ServiceCase

    def get_stored_file(self, request, *, case_pk: int, pk: int) -> ServiceCaseAttachment:
        attachments = ServiceCaseAttachment.objects.filter(
            service_case__in=ServiceCase.objects.visible_to(request.user).values("pk")
        )
        return get_object_or_404(attachments, pk=pk, service_case__pk=case_pk)


@extend_schema_view(
    list=extend_schema(
        summary="The customer archive (hotline only); ?phone= finds one with its cases and Returns",
        parameters=[OpenApiParameter("phone", str, description="The caller's phone (spaces and dashes ignored).")],
    ),
    retrieve=extend_schema(summary="One customer with their cases and Returns (hotline only)"),
)
class CustomerViewSet(ScopedReadOnlyViewSet):
    """The customer archive 客户档案: one record per phone, kept with consent; the hotline's only."""

    selector = staticmethod(customer_list)
    serializer_class = CustomerSerializer
    queryset_model = Customer
    filterset_class = None
    cursor_ordering = "-id"

    def get_queryset(self):
        queryset = super().get_queryset()
        phone = self.request.query_params.get("phone") if not getattr(self, "swagger_fake_view", False) else None
        if phone is not None:
            queryset = queryset.filter(phone=services.phone_clean(phone)[:20]) if phone.strip() else queryset.none()
        return queryset

    def finalize_response(self, request, response, *args, **kwargs):
        if 200 <= response.status_code < 300 and request.method == "GET" and isinstance(response.data, dict):
            rows = response.data.get("results", [response.data])
            shown = [row["id"] for row in rows if isinstance(row, dict) and row.get("phone")]
            if shown:
                services.phone_access_record(
                    user=request.user,
                    customers=list(Customer.objects.filter(pk__in=shown)),
                    where=f"api:{request.path}",
                )
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary="Erase on request: name and phone anonymised in the record, its cases and Returns (hotline)",
        request=None,
        responses={200: CustomerSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"], url_path="erase")
    def erase(self, request, pk=None):
        customer = self.get_object()
        services.customer_erase(user=request.user, customer=customer)
        return Response(
            CustomerSerializer(self.get_queryset().get(pk=customer.pk), context=self.get_serializer_context()).data
        )
