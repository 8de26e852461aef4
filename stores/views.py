from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from aftersales.display import display_name
from aftersales.exports import Column
from aftersales.fsm import TransitionError
from aftersales.roles import Role, roles_of
from aftersales.ui.forms import RowsOnce, offer_rows
from aftersales.ui.views import ScopedListView
from stores.access import scope_for
from stores.filters import DeliveryFilter, RegionFilter, StoreFilter
from stores.forms import DeliveryForm, DeliveryImportForm
from stores.models import Store
from stores.selectors import delivery_list, region_list, store_list
from stores.services import (
    deliveries_import,
    delivery_record,
    delivery_record_refusal,
    may_record_deliveries,
)
from suppliers.models import Style

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def contact_name(store) -> str | None:
    return display_name(store.contact_user) or None


class RegionListView(ScopedListView):
    selector = staticmethod(region_list)
    filterset_class = RegionFilter
    title = _("Regions")
    export_name = "regions"
    columns = [Column(_("Code"), "code"), Column(_("Name"), "name")]


class StoreListView(ScopedListView):
    selector = staticmethod(store_list)
    filterset_class = StoreFilter
    title = _("Stores")
    export_name = "stores"
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Region"), "region.name"),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Phone"), "phone"),
        Column(_("After-sales contact"), contact_name),
        Column(_("Free dispatches per week"), "free_dispatches_per_week"),
        Column(_("Extra dispatch fee (CNY)"), "extra_dispatch_fee", money=True),
        Column(_("Active"), "active"),
    ]


class DeliveryListView(ScopedListView):
    """Deliveries from logistics 物流到货 the user may see; store staff and logistics record or import them here."""

    selector = staticmethod(delivery_list)
    filterset_class = DeliveryFilter
    template_name = "stores/delivery_list.html"
    title = _("Deliveries from logistics")
    export_name = "deliveries"
    columns = [
        Column(_("Delivered on"), "delivered_on"),
        Column(_("Store"), "store.code"),
        Column(_("Style"), "style.style_no"),
        Column(_("Quantity"), "quantity"),
        Column(_("Delivery note number"), "reference"),
        Column(_("Recorded by"), lambda row: display_name(row.recorded_by)),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if may_record_deliveries(user):
            # The filter bar's store list is read once and the form's stores are taken from it (issue 19).
            shown = None
            if "store" in self.filterset.form.fields:
                shown = RowsOnce(self.filterset.form.fields["store"].queryset)
                offer_rows(self.filterset.form.fields["store"], shown)
            context.setdefault("delivery_form", delivery_form(user, shown_stores=shown))
            context.setdefault("import_form", DeliveryImportForm())
        return context


def recordable_stores(user, shown: RowsOnce | None = None):
    """The stores the user may record deliveries for; taken from ``shown`` (the stores the user sees, read once
    for the filter bar) when those include them all."""
    scope = scope_for(user)
    if Role.LOGISTICS_MANAGER in roles_of(user):
        stores = Store.objects.filter(active=True).order_by("code")
        covered = scope.everything

        def keep(store):
            return store.active
    else:
        stores = Store.objects.filter(pk__in=sorted(scope.staff_store_ids)).order_by("code")
        covered = scope.everything or scope.staff_store_ids <= scope.store_ids

        def keep(store):
            return store.pk in scope.staff_store_ids

    if shown is None or not covered:
        return stores
    return RowsOnce(stores, read=lambda: sorted((s for s in shown.rows if keep(s)), key=lambda s: s.code))


def delivery_form(user, data=None, shown_stores: RowsOnce | None = None) -> DeliveryForm:
    return DeliveryForm(
        data,
        stores=recordable_stores(user, shown_stores),
        styles=Style.objects.visible_to(user).order_by("style_no"),
    )


class DeliveryRecordView(LoginRequiredMixin, View):
    """POST one delivery (the form on the deliveries page), or the warehouse system's CSV (``file``)."""

    def post(self, request, *args, **kwargs):
        user = request.user
        if refused := delivery_record_refusal(user=user):
            raise PermissionDenied(refused.message)
        if "file" in request.FILES or request.POST.get("import"):
            form = DeliveryImportForm(request.POST, request.FILES)
            if form.is_valid():
                content = form.cleaned_data["file"].read(MAX_IMPORT_BYTES + 1)
                try:
                    if len(content) > MAX_IMPORT_BYTES:
                        raise ValidationError(_("The file is larger than 2 MB; split it."))
                    created = deliveries_import(user=user, content=content)
                except ValidationError as error:
                    form.add_error("file", error.messages)
                else:
                    messages.success(request, _("Imported %(count)s deliveries.") % {"count": len(created)})
                    return HttpResponseRedirect(reverse("stores:delivery_list"))
            return self.again(import_form=form)
        form = delivery_form(user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                delivery_record(
                    user=user,
                    store=data["store"],
                    style=data["style"],
                    delivered_on=data["delivered_on"],
                    quantity=data["quantity"],
                    reference=data["reference"],
                )
            except TransitionError as error:
                raise PermissionDenied(error.message) from error
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("The delivery was recorded."))
                return HttpResponseRedirect(reverse("stores:delivery_list"))
        return self.again(delivery_form=form)

    def again(self, **forms):
        view = DeliveryListView()
        view.setup(self.request)
        view.object_list = view.get_queryset()
        context = view.get_context_data(**forms)
        return TemplateResponse(self.request, view.template_name, context, status=400)
