"""Shared page views: the scoped, filterable, exportable list every list page is built on, the one view shape
that fires a transition from a detail page's button and form, and the buttons themselves (``transition_actions``,
rendered by ``templates/aftersales/partials/_actions.html``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView
from django_fsm import ConcurrentTransition

from aftersales.exports import XLSX_CONTENT_TYPE, Column, xlsx_bytes
from aftersales.fsm import CONCURRENT_CHANGE_MESSAGE, TransitionError, available_transitions, refusal
from aftersales.pagination import CappedPaginator
from aftersales.roles import has_role_permission, view_permission


class LazyRows:
    """The page's rows as (object, [cell, ...]) for the generic table, built only if the template reads them.

    Pages with their own table (the returns list, the queues) never do, and building 50 rows × 9 cells they do not
    render was 13–18 % of such a page (issue 19, "Speed"). Compares equal to the list it stands for.
    """

    def __init__(self, objects: Iterable[Model], columns: list[Column]):
        self._objects = objects
        self._columns = columns

    @cached_property
    def _rows(self) -> list[tuple[Model, list[Any]]]:
        return [(row, [column.display(row) for column in self._columns]) for row in self._objects]

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __getitem__(self, index):
        return self._rows[index]

    def __eq__(self, other) -> bool:
        return self._rows == (other._rows if isinstance(other, LazyRows) else other)

    __hash__ = None


class ScopedListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """A list page: rows from the app's selector (so only what the user may see),
    narrowed by the app's FilterSet (the one the API uses too), paginated, and
    downloadable as XLSX with ``?export=xlsx`` using the same columns.
    """

    template_name = "aftersales/object_list.html"
    paginate_by = 50
    paginator_class = CappedPaginator
    selector: Callable[..., QuerySet]  # wrap in staticmethod()
    filterset_class: type
    columns: list[Column]
    title: Any = ""
    export_name = "export"
    raise_exception = False

    def get_permission_required(self):
        return [view_permission(self.filterset_class._meta.model)]

    def has_permission(self) -> bool:
        return all(has_role_permission(self.request.user, name) for name in self.get_permission_required())

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            # A role that may not see this list at all: 403, not a login loop.
            self.raise_exception = True
        return super().handle_no_permission()

    def get_queryset(self) -> QuerySet:
        queryset = self.selector(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def export_xlsx(self) -> HttpResponse:
        rows = self.get_queryset().iterator(chunk_size=2000)
        content = xlsx_bytes(title=str(self.title), columns=self.columns, rows=rows)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{stamp}.xlsx"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            title=self.title,
            filter=self.filterset,
            columns=self.columns,
            rows=LazyRows(context["object_list"], self.columns),
            query_string=query.urlencode(),
            is_filtered=any(value for key, value in self.request.GET.items() if key not in {"page", "export"}),
        )
        return context


class TransitionViewMixin(LoginRequiredMixin):
    """The one UI view shape that fires a transition 状态变更 from a button and its form.

    POST ``<detail>/<name>/``: the object comes from the app's selector (so
    out of scope is 404); the form is bound; the subclass's ``perform`` calls
    the service of the action, which refuses in ``aftersales.fsm.fire``'s
    order (409 wrong state, 403 wrong person, 400 bad input), and the errors
    it raises are mapped (``TransitionError.status``, django-fsm's
    ``ConcurrentTransition`` → 409, ``ValidationError`` → 400 on the form).
    The view refuses nothing itself: a bad form, which never reaches the
    service, is answered with the refusal the service would give first
    (``refusal``: the transition's, or the service's ``Guard`` rule for an
    extra action), else 400 with its errors.
    An htmx request gets the object's panel back (with the same status, which
    the page's htmx config swaps in); a plain POST is redirected to the detail
    page with a message on success, or gets the whole page with the error.

    Subclasses set ``forms`` ({transition name: form class}) and implement
    ``get_object``, ``perform`` (returns the success message, or
    ``("warning", message)`` for a result that needs a look) and
    ``render_panel``. Actions that are not FSM transitions (a recall's
    outcomes and photos, a store's bulk returns) go in ``extra_forms``, with
    ``extra_refusal`` asking their service's rule for a bad form.
    """

    http_method_names = ["post"]
    forms: dict[str, type] = {}
    extra_forms: dict[str, type] = {}
    # Service error keys that are named differently on the form.
    error_field_aliases: dict[str, str] = {"file": "photos"}

    def get_object(self):
        raise NotImplementedError

    def get_form_kwargs(self, name: str, obj) -> dict[str, Any]:
        return {}

    def perform(self, name: str, obj, form) -> str:
        raise NotImplementedError

    def render_panel(self, obj, *, status: int = 200, name: str = "", form=None, alert=None, full_page=False):
        raise NotImplementedError

    def extra_refusal(self, name: str, obj) -> TransitionError | None:
        """Why this user may not take the extra action ``name`` on ``obj`` now (409, then 403), or None."""
        raise NotImplementedError

    def refusal(self, name: str, obj) -> TransitionError | None:
        """The 409 or 403 the service of ``name`` gives before it reads its input, or None (asked for a bad form)."""
        if name in self.extra_forms:
            return self.extra_refusal(name, obj)
        return refusal(obj, name, self.request.user, check_conditions=False)

    @classmethod
    def all_forms(cls) -> dict[str, type]:
        """Every form of the page, transitions and extra actions (for views whose ``forms`` is a class attribute)."""
        return {**cls.forms, **cls.extra_forms}

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        name = kwargs["name"]
        if name in self.extra_forms:
            form_class = self.extra_forms[name]
        elif name in self.forms:
            form_class = self.forms[name]
        else:
            raise Http404
        form = form_class(request.POST, request.FILES, **self.get_form_kwargs(name, obj))
        if not form.is_valid():
            refused = self.refusal(name, obj)
            if refused is not None:
                return self.refused(obj, refused.status, refused.message)
            return self.render_panel(obj, status=400, name=name, form=form, full_page=not self.request.htmx)
        try:
            # Each perform is one service, its own unit of work, except the write-off destruction record, whose
            # kept photos are still claimed beside its service: this transaction holds the two together.
            with transaction.atomic():
                message = self.perform(name, obj, form)
        except TransitionError as error:
            return self.refused(self.get_object(), error.status, error.message)
        except ConcurrentTransition:
            return self.refused(self.get_object(), 409, str(CONCURRENT_CHANGE_MESSAGE))
        except ValidationError as error:
            self.add_service_errors(form, error)
            return self.render_panel(
                self.get_object(), status=400, name=name, form=form, full_page=not self.request.htmx
            )
        # ``perform`` may answer ("warning", message) when the action went through but left something to
        # look at (a parcel received with units missing): it must not read as a plain green success.
        level, message = message if isinstance(message, tuple) else ("success", message)
        obj = self.get_object()
        if self.request.htmx:
            return self.render_panel(obj, alert=(level, message))
        messages.add_message(request, messages.WARNING if level == "warning" else messages.SUCCESS, message)
        return HttpResponseRedirect(self.detail_url(obj))

    def detail_url(self, obj) -> str:
        raise NotImplementedError

    def refused(self, obj, status: int, message: str):
        return self.render_panel(obj, status=status, alert=("danger", message), full_page=not self.request.htmx)

    def add_service_errors(self, form, error) -> None:
        if not hasattr(error, "error_dict"):
            form.add_error(None, error.messages)
            return
        for key, field_messages in error.message_dict.items():
            field = self.error_field_aliases.get(key, key)
            form.add_error(field if field in form.fields else None, field_messages)


def transition_actions(
    instance: Model,
    user,
    *,
    forms: Mapping[str, type[Form]],
    labels: Mapping[str, Any],
    url_name: str,
    name: str = "",
    form: Form | None = None,
    extra: Iterable[str] = (),
    new_form: Callable[[str], Form] | None = None,
    open_names: Collection[str] = (),
    danger: Collection[str] = (),
    confirm: Mapping[str, Any] | None = None,
    intros: Mapping[str, str] | None = None,
    slow: Collection[str] = (),
) -> list[dict[str, Any]]:
    """The buttons of a detail page 可执行操作: what this user may do on ``instance`` now, each with its form.

    The names are the transitions ``available_transitions`` gives this user that the page has a form for
    (``forms``), then ``extra`` (actions that are not FSM transitions, which the caller has already found
    allowed). Each action is a dict: ``name``, ``label`` (from ``labels``, else the name), ``form`` (the
    submitted ``form`` when the action is ``name``, so it comes back with its errors, else ``new_form(name)``
    or ``forms[name]()``), ``open`` (the submitted one and ``open_names``), ``url`` (``url_name`` with the
    object's pk and the name), ``danger`` (shown red), ``confirm`` (the question asked before sending),
    ``intro_template`` (words another app registers for its action) and ``slow`` (it takes seconds: the form
    shows the "Generating…" indicator while it runs).
    """
    names = [action for action in available_transitions(instance, user) if action in forms]
    for action in extra:
        if action not in names:
            names.append(action)
    confirm = confirm or {}
    intros = intros or {}
    actions = []
    for action in names:
        bound = form if action == name and form is not None else None
        actions.append(
            {
                "name": action,
                "label": labels.get(action, action),
                "form": bound if bound is not None else (new_form(action) if new_form else forms[action]()),
                "open": bound is not None or action in open_names,
                "url": reverse(url_name, args=[instance.pk, action]),
                "danger": action in danger,
                "confirm": confirm.get(action, ""),
                "intro_template": intros.get(action, ""),
                "slow": action in slow,
            }
        )
    return actions
