"""Pages of paid repair past the warranty 保修期外有偿维修 (``repairs.quotes``): the quote card of the repair ticket's
page (the technician's quote form, the answer form of the hotline and the Return's store, the payment form), and
the list of quotes waiting for the customer's answer 待客户确认的维修报价 that the hotline and the stores call from.

Every write goes through ``repairs.quotes``; the views bind the form and map the service's refusals the way the
ticket page does (``repairs.views.PanelView.submit``): 409 wrong state, 403 wrong person, 400 bad input.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales import fsm
from aftersales.exports import Column
from aftersales.ui.views import ScopedListView
from cases.permissions import customer_contact_for, mask_name, sees_customer_contact
from repairs import quotes
from repairs.filters import RepairTicketFilter
from repairs.models import (
    MAX_LABOUR_MINUTES,
    MAX_QUOTE_TOTAL,
    MAX_STOCK,
    QuoteChannel,
    RepairPaymentMethod,
    RepairTicket,
    RepairTicketState,
)
from repairs.selectors import repairticket_get, repairticket_list, sparepart_choices
from repairs.views import RepairTicketDetailView

QUOTE_ROWS = 3  # part rows of the quote form; a repair past the warranty rarely needs more


class QuoteForm(forms.Form):
    """The technician's quote: up to three parts with their quantities, the labour minutes, what will be done."""

    labour_minutes = forms.IntegerField(label=_("Labour (minutes)"), min_value=0, max_value=MAX_LABOUR_MINUTES)
    note = forms.CharField(label=_("What the repair will do"), max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args, user, ticket: RepairTicket | None = None, **kwargs):
        initial = kwargs.pop("initial", {})
        if ticket is not None and ticket.quote_total is not None:
            # A revision starts from the quote as it stands.
            initial.setdefault("labour_minutes", ticket.quote_labour_minutes)
            initial.setdefault("note", ticket.quote_note)
        super().__init__(*args, initial=initial, **kwargs)
        choices = sparepart_choices(user)
        by_number = {part.part_no: part for part in choices} if ticket is not None and ticket.quote_parts else {}
        lines = ticket.quote_parts if ticket is not None else []
        for index in range(1, QUOTE_ROWS + 1):
            line = lines[index - 1] if index <= len(lines) else None
            self.fields[f"part_{index}"] = forms.ModelChoiceField(
                queryset=choices,
                label=_("Part"),
                required=False,
                initial=by_number.get(line["part_no"]) if line else None,
            )
            self.fields[f"quantity_{index}"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=MAX_STOCK, required=False,
                initial=line["quantity"] if line else None,
            )  # fmt: skip
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field, forms.ModelChoiceField)
                else "form-control form-control-sm",
            )
        self.fields["note"].widget.attrs["rows"] = 2

    def rows(self):
        return [(self[f"part_{index}"], self[f"quantity_{index}"]) for index in range(1, QUOTE_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for index in range(1, QUOTE_ROWS + 1):
            part, quantity = data.get(f"part_{index}"), data.get(f"quantity_{index}")
            if part is not None and quantity is None:
                self.add_error(f"quantity_{index}", _("Give the quantity of this part."))
            elif part is None and quantity is not None:
                self.add_error(f"part_{index}", _("Choose the part."))
        return data

    def arguments(self) -> dict:
        data = self.cleaned_data
        parts = [
            (data[f"part_{index}"], data[f"quantity_{index}"])
            for index in range(1, QUOTE_ROWS + 1)
            if data.get(f"part_{index}") is not None
        ]
        return {"parts": parts, "labour_minutes": data["labour_minutes"], "note": data["note"]}


class AnswerForm(forms.Form):
    """The customer's answer to the quote, as the hotline or the store heard it."""

    ACCEPT, REFUSE = "accept", "refuse"
    decision = forms.ChoiceField(
        label=_("The customer"),
        choices=[(ACCEPT, _("accepts the quote")), (REFUSE, _("declines: send the unit back unrepaired"))],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Who answered (customer)"), max_length=60)
    channel = forms.ChoiceField(label=_("By way of"), choices=QuoteChannel.choices)
    answered_at = forms.DateTimeField(
        label=_("When (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # The total the page showed: a quote revised since then is not accepted unseen.
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=MAX_QUOTE_TOTAL, widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note (why they declined)"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "decision":
                field.widget.attrs.setdefault(
                    "class", "form-select form-select-sm" if name == "channel" else "form-control form-control-sm"
                )

    def accepts(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPT

    def arguments(self) -> dict:
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "channel": data["channel"],
            "answered_at": data["answered_at"],
            "note": data["note"],
        }
        return {**values, "amount": data["amount"]} if self.accepts() else values


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Paid by"), choices=RepairPaymentMethod.choices)
    paid_at = forms.DateTimeField(
        label=_("When (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["paid_at"].widget.attrs["class"] = "form-control form-control-sm"


def answered_by_for(ticket: RepairTicket, user) -> str:
    """The customer who answered, masked for those who may not see the customer's name."""
    name = ticket.answered_by_name
    return name if sees_customer_contact(ticket.return_item, user) else mask_name(name)


def quote_context(ticket: RepairTicket, user, failed_form=None) -> dict:
    """The quote card of the ticket's page: the quote, the answer, the payment, and the forms this user may use."""
    if not ticket.paid:
        return {"quote_shown": False}
    may_quote = fsm.refusal(ticket, "quote", user) is None
    may_answer = fsm.refusal(ticket, "accept_quote", user) is None
    may_pay = quotes.REPAIRTICKET_PAYMENT.refusal(ticket, user) is None
    quote_form = failed_form if isinstance(failed_form, QuoteForm) else None
    answer_form = failed_form if isinstance(failed_form, AnswerForm) else None
    payment_form = failed_form if isinstance(failed_form, PaymentForm) else None
    item = ticket.return_item
    name, _phone = customer_contact_for(item, user)
    return {
        "quote_shown": True,
        "quote_form": (quote_form or QuoteForm(user=user, ticket=ticket)) if may_quote else None,
        "answer_form": (
            answer_form or AnswerForm(initial={"amount": ticket.quote_total, "name": name, "channel": "phone"})
        )
        if may_answer
        else None,
        "payment_form": (payment_form or PaymentForm()) if may_pay else None,
        "answered_by": answered_by_for(ticket, user),
    }


class QuoteView(RepairTicketDetailView):
    """The technician's quote (or its revision before the customer answers)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = repairticket_get(request.user, pk)
        form = QuoteForm(request.POST, user=request.user, ticket=ticket)
        return self.answer(
            ticket,
            form=form,
            call=lambda: quotes.repairticket_quote(user=request.user, ticket=ticket, **form.arguments()),
            success=gettext("Quote saved: the hotline or the store now asks the customer."),
            refusal=lambda: fsm.refusal(ticket, "quote", request.user, check_conditions=False),
        )


class AnswerView(RepairTicketDetailView):
    """The customer's answer: accepted (the repair may take parts) or declined (the unit goes back unrepaired)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = repairticket_get(request.user, pk)
        form = AnswerForm(request.POST)

        def call():
            if form.accepts():
                quotes.repairticket_accept_quote(user=request.user, ticket=ticket, **form.arguments())
            else:
                quotes.repairticket_refuse_quote(user=request.user, ticket=ticket, **form.arguments())

        def success() -> str:
            if form.accepts():
                return gettext("Acceptance recorded: the technician may now repair the unit.")
            return gettext("Refusal recorded: the unit goes back to the store unrepaired.")

        return self.answer(
            ticket,
            form=form,
            call=call,
            success=success() if form.is_valid() else "",
            refusal=lambda: fsm.refusal(ticket, "accept_quote", request.user, check_conditions=False),
        )


class PaymentView(RepairTicketDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = repairticket_get(request.user, pk)
        form = PaymentForm(request.POST)
        return self.answer(
            ticket,
            form=form,
            call=lambda: quotes.repairticket_record_payment(user=request.user, ticket=ticket, **form.cleaned_data),
            success=gettext("Payment recorded."),
            refusal=lambda: quotes.REPAIRTICKET_PAYMENT.refusal(ticket, request.user),
        )


def waiting_quotes(user):
    """Quotes waiting for the customer's answer, oldest quote first (the customer waiting longest is called first)."""
    return repairticket_list(user).filter(state=RepairTicketState.QUOTED).order_by("quoted_at", "id")


class QuoteListView(ScopedListView):
    """待客户确认的维修报价: paid-repair quotes the hotline and the stores still have to ask the customer about."""

    selector = staticmethod(waiting_quotes)
    filterset_class = RepairTicketFilter
    template_name = "repairs/quote_list.html"
    title = _("Repair quotes waiting for the customer")
    export_name = "repair-quotes"
    columns = [
        Column(_("Return"), "return_item.number"),
        Column(_("Store"), "return_item.store.code"),
        Column(_("Style"), "return_item.style.style_no"),
        Column(_("Quoted at"), "quoted_at"),
        Column(_("Quote total (CNY)"), "quote_total", money=True),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for ticket in context["object_list"]:
            # The hotline and the Return's store call the customer: they see the phone; the scope decides the rows.
            ticket.contact = customer_contact_for(ticket.return_item, user)
            ticket.url = reverse("repairs:repairticket_detail", kwargs={"pk": ticket.pk})
        return context
