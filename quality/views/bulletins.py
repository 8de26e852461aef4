"""Pages of quality bulletins 质量通报: the list (a recipient's unread first), writing and publishing (QA), a
bulletin (opening it records the store's or supplier's read receipt), and QA's reading compliance with reminders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from aftersales.fsm import TransitionError
from aftersales.pagination import CappedPaginator
from aftersales.roles import Role
from quality.forms.bulletins import BulletinForm
from quality.models.bulletins import BulletinState, QualityBulletin
from quality.selectors import bulletins as selectors
from quality.services import bulletins as services
from quality.views.access import RoleRequiredMixin, has_role

QA = (Role.QA_MANAGER,)


def _bulletin(request, pk) -> QualityBulletin:
    try:
        return selectors.bulletin_get(request.user, pk)
    except QualityBulletin.DoesNotExist as error:
        raise Http404 from error


class BulletinListView(LoginRequiredMixin, View):
    """Every bulletin the user sees: QA all with their share read; a store or supplier its own, unread first."""

    page_size = 50

    def get(self, request):
        paginator = CappedPaginator(selectors.bulletin_list(request.user), self.page_size)
        page = paginator.get_page(request.GET.get("page"))
        context = {
            "title": _("Quality bulletins"),
            "bulletins": list(page.object_list),
            "may_write": has_role(request.user, QA),
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
        }
        return render(request, "quality/bulletin_list.html", context)


class BulletinCreateView(RoleRequiredMixin, View):
    roles = QA

    def get(self, request):
        context = {"title": _("New quality bulletin"), "form": BulletinForm()}
        return render(request, "quality/bulletin_form.html", context)

    def post(self, request):
        form = BulletinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                bulletin = services.bulletin_draft(
                    user=request.user, title=data["title"], body=data["body"], audience=data["audience"],
                    regions=list(data["regions"]), suppliers=list(data["suppliers"]), style=data["style_no"],
                    defect_code=data["defect_code"], supplier=data["supplier"],
                )  # fmt: skip
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("Draft saved. Check it, then publish it."))
                return redirect("quality:bulletin_detail", pk=bulletin.pk)
        context = {"title": _("New quality bulletin"), "form": form}
        return render(request, "quality/bulletin_form.html", context, status=400)


class BulletinDetailView(LoginRequiredMixin, View):
    """A bulletin; its recipient's user opening it records the read receipt; QA sees who has read it."""

    def get(self, request, pk):
        bulletin = _bulletin(request, pk)
        services.bulletin_mark_read(user=request.user, bulletin=bulletin)
        is_qa = has_role(request.user, QA)
        return render(
            request,
            "quality/bulletin_detail.html",
            {
                "title": f"{bulletin.number} {bulletin.title}",
                "bulletin": bulletin,
                "is_qa": is_qa,
                "compliance": selectors.bulletin_compliance(bulletin) if is_qa else None,
                "draft": bulletin.state == BulletinState.DRAFT,
            },
        )


class BulletinActionView(RoleRequiredMixin, View):
    """POST ``publish`` or ``remind`` (QA): 404 outside scope, 409 in the wrong state, 400 with the reason."""

    roles = QA
    action = ""

    def post(self, request, pk):
        bulletin = _bulletin(request, pk)
        try:
            if self.action == "publish":
                services.bulletin_publish(user=request.user, bulletin=bulletin)
                messages.success(request, _("Published to its recipients."))
            else:
                count = services.bulletin_remind(user=request.user, bulletin=bulletin)
                messages.success(request, _("%(count)d recipients reminded.") % {"count": count})
        except TransitionError as error:
            return HttpResponse(str(error.message), status=error.status, content_type="text/plain; charset=utf-8")
        except ValidationError as error:
            text = "; ".join(str(problem) for problems in error.message_dict.values() for problem in problems)
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        return redirect("quality:bulletin_detail", pk=bulletin.pk)
