"""The region manager's sign-off queue 待区域审批: stores' parcels to the center waiting for the region's sign-off.

Where a region's policy asks for it (``Region.shipment_sign_off_required``), a
store's parcel to the service center is dispatched only once the region
manager signed it off on the shipment's page (transition ``sign_off``).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from aftersales.roles import Role, roles_of
from cases import selectors


class SignOffQueueView(LoginRequiredMixin, TemplateView):
    """Parcels of the user's regions waiting for the sign-off, the oldest packed first."""

    template_name = "cases/sign_off_queue.html"

    def get_context_data(self, **kwargs):
        if Role.REGION_MANAGER not in roles_of(self.request.user):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context.update(
            title=gettext_lazy("Parcels waiting for your sign-off"),
            shipments=list(selectors.sign_off_queue(self.request.user)[:500]),
        )
        return context
