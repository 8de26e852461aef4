"""Logging the units of one receipt 退货登记, with the live policy hint and the colours and sizes known for a style."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views import View

from aftersales.fsm import TransitionError
from aftersales.ui.forms import RowsOnce
from cases import forms as case_forms
from cases import selectors, services
from cases.choices import ReasonKind
from cases.models import Return
from suppliers.models import DefectCode, Style


class ReturnCreateView(LoginRequiredMixin, View):
    """Log the units of one receipt 退货登记 in one form; several units, photos per unit or per receipt."""

    template_name = "cases/return_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.stores = list(selectors.store_staff_stores(request.user))
            if not self.stores:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def unit_kwargs(self) -> dict:
        styles = Style.objects.visible_to(self.request.user).order_by("style_no")
        codes = DefectCode.objects.filter(active=True).order_by("code")
        # read once for every unit form and the empty form the page copies (issue 19)
        return {"styles": RowsOnce(styles), "defect_codes": RowsOnce(codes)}

    def build_forms(self, data=None, files=None):
        receipt = case_forms.ReceiptForm(data, files, stores=self.stores, user=self.request.user)
        units = case_forms.UnitFormSet(
            data, files, prefix="unit", form_kwargs={**self.unit_kwargs(), "user": self.request.user}
        )
        return receipt, units

    def render_form(
        self, receipt, units, *, status=200, errors=(), policy_problems=(), already_logged=None, same_receipt=None
    ):
        context = {
            "title": _("Log a return"),
            "form": receipt,
            "units": units,
            "errors": errors,
            "policy_problems": policy_problems,
            # The Returns an earlier submit of this very form logged, or logged today with this receipt number.
            "already_logged": already_logged,
            "same_receipt": same_receipt,
        }
        return render(self.request, self.template_name, context, status=status)

    def visible(self, returns) -> list[Return]:
        store_ids = {store.pk for store in self.stores}
        return [item for item in returns if item.store_id in store_ids]

    def get(self, request, *args, **kwargs):
        receipt, units = self.build_forms()
        return self.render_form(receipt, units)

    def post(self, request, *args, **kwargs):
        receipt, units = self.build_forms(request.POST, request.FILES)
        # A form already submitted (Back, then submit) is answered before its fields are checked: its photos
        # were claimed by the first submit. The service's unique token is what keeps a race from logging twice.
        earlier = services.receipt_submission_returns(token=request.POST.get("form_token", ""))
        if earlier is not None:
            return self.render_form(receipt, units, status=409, already_logged=self.visible(earlier))
        if not (receipt.is_valid() and units.is_valid()):
            return self.render_form(receipt, units, status=400)
        data = receipt.cleaned_data
        unit_forms = [form for form in units.forms if form.cleaned_data]
        problems = policy_problems(
            [form.cleaned_data["style"] for form in unit_forms],
            data["purchase_date"],
            data["onsite_handling"],
            data["reason_kind"],
        )
        try:
            # One service logs the units and attaches their photos (each unit's own, and the receipt's to every
            # unit), claiming those uploaded while the form was filled, in one transaction.
            created = services.return_log(
                user=request.user,
                store=data["store"],
                receipt_no=data["receipt_no"],
                purchase_date=data["purchase_date"],
                onsite_handling=data["onsite_handling"],
                customer_name=data["customer_name"],
                customer_phone=data["customer_phone"],
                policy_exception_reason=data["policy_exception_reason"],
                reason_kind=data["reason_kind"],
                resaleable=data["resaleable"],
                form_token=data["form_token"],
                warn_same_receipt=not data["confirm_same_receipt"],
                units=[
                    services.ReturnUnit(
                        style=form.cleaned_data["style"],
                        color=form.cleaned_data["color"],
                        size=form.cleaned_data["size"],
                        batch_no=form.cleaned_data["batch_no"],
                        production_year=form.cleaned_data["production_year"],
                        defect_description=form.cleaned_data["defect_description"],
                        reported_defect=form.cleaned_data["reported_defect"],
                        photos=form.cleaned_data["photos"],
                    )
                    for form in unit_forms
                ],
                photos=data["photos"],
            )
        except TransitionError as error:
            raise PermissionDenied(error.message) from error
        except services.ReceiptAlreadyLogged as error:
            return self.render_form(receipt, units, status=409, already_logged=self.visible(error.returns))
        except services.SameReceiptToday as error:
            return self.render_form(receipt, units, status=409, same_receipt=self.visible(error.returns))
        except ValidationError as error:
            return self.render_form(
                receipt, units, status=400, errors=map_receipt_errors(receipt, error), policy_problems=problems
            )
        numbers = ", ".join(item.number for item in created)
        messages.success(
            request,
            _("Logged %(count)s unit(s): %(numbers)s.") % {"count": len(created), "numbers": numbers},
        )
        return HttpResponseRedirect(reverse("cases:return_list"))


def policy_problems(styles, purchase_date, onsite_handling, reason_kind=ReasonKind.QUALITY) -> list[str]:
    today = timezone.localdate()
    found = []
    refusal = services.acceptance_refusal(onsite_handling=onsite_handling, reason_kind=reason_kind, resaleable=True)
    if refusal is not None:
        found.append(refusal[1])
    for style in styles:
        problem = services.policy_problem(
            style=style,
            purchase_date=purchase_date,
            onsite_handling=onsite_handling,
            today=today,
            reason_kind=reason_kind,
        )
        if problem and problem not in found:
            found.append(problem)
    return found


def map_receipt_errors(receipt, error: ValidationError) -> list[str]:
    """Put the service's errors on the receipt's fields where they belong; the rest are listed at the top."""
    loose = []
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    for key, messages_ in error.message_dict.items():
        field = "photos" if key == "file" else key
        if field in receipt.fields and field != "store":
            receipt.add_error(field, messages_)
        else:
            loose.extend(messages_)
    return loose


class PolicyHintView(LoginRequiredMixin, View):
    """htmx live hint beside the purchase date: is this receipt inside the category's windows and warranty?"""

    def post(self, request, *args, **kwargs):
        try:
            purchase_date = parse_date(request.POST.get("purchase_date", ""))
        except ValueError:
            purchase_date = None
        handling = request.POST.get("onsite_handling", "")
        reason_kind = request.POST.get("reason_kind", "")
        if reason_kind not in ReasonKind.values:
            reason_kind = ReasonKind.QUALITY
        style_ids = [value for key, value in request.POST.items() if key.startswith("unit-") and key.endswith("-style")]
        style_ids = [int(value) for value in style_ids if value.isdigit()][: case_forms.MAX_UNITS_PER_RECEIPT]
        problems = []
        if purchase_date and handling and style_ids and purchase_date <= timezone.localdate():
            styles = Style.objects.visible_to(request.user).filter(pk__in=style_ids).select_related("category")
            problems = policy_problems(list(styles), purchase_date, handling, reason_kind)
        return render(request, "cases/partials/_policy_hint.html", {"policy_problems": problems})


class StyleValuesView(LoginRequiredMixin, View):
    """htmx: the colours and sizes already used for the chosen style, as datalists for one unit of the form.

    The unit's fields stay free text (domain.md); the lists only save typing and keep spellings alike.
    """

    def get(self, request, *args, **kwargs):
        key = next((key for key in request.GET if key.startswith("unit-") and key.endswith("-style")), "")
        prefix = key.removesuffix("-style")
        value = request.GET.get(key, "")
        style = None
        if prefix[len("unit-") :].isdigit() and value.isdigit():
            style = Style.objects.visible_to(request.user).filter(pk=int(value)).first()
        context = {
            "prefix": prefix if style is not None else "",
            "colors": selectors.style_known_values(style, "color") if style is not None else [],
            "sizes": selectors.style_known_values(style, "size") if style is not None else [],
        }
        return render(request, "cases/partials/_style_values.html", context)
