"""Photos kept across a failed form 临时上传: the upload endpoint, the owner-only view, and the form field.

A photo is uploaded as soon as it is chosen (``static/js/temporary-uploads.js``) into a
``TemporaryUpload`` owned by the user; the form then carries its id in a hidden input,
so a form that fails validation comes back with the photo, and the successful submit
claims it. Without JavaScript the plain file input goes with the form as before, and
a form that comes back says plainly that its photos must be attached again.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views import View

from aftersales.models import TemporaryUpload
from aftersales.services import temporary_upload_create, temporary_uploads_of

UPLOADS_SUFFIX = "_uploads"


def upload_json(upload: TemporaryUpload) -> dict:
    return {
        "id": str(upload.token),
        "name": upload.original_name,
        "size": upload.size,
        "content_type": upload.content_type,
        "url": reverse("temporary_upload_file", args=[upload.token]),
    }


class TemporaryUploadCreateView(LoginRequiredMixin, View):
    """POST one file: 201 with its id, name and owner-only address; 400 with a message when it is refused."""

    def post(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        if upload is None:
            return JsonResponse({"error": _("Choose a file.")}, status=400)
        # Read at most one byte past the limit: the service refuses anything longer without holding a huge file.
        content = upload.read(settings.AFTERSALES_MAX_UPLOAD_BYTES + 1)
        try:
            row = temporary_upload_create(user=request.user, name=upload.name or "", content=content)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse(upload_json(row), status=201)


class TemporaryUploadFileView(LoginRequiredMixin, View):
    """The uploaded bytes, for the thumbnail: only to their owner, and only until claimed (else 404)."""

    def get(self, request, *args, **kwargs):
        row = TemporaryUpload.objects.filter(token=kwargs["token"], owner=request.user, claimed_at=None).first()
        if row is None or not row.file:
            raise Http404
        with row.file.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type=row.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("uploads/", TemporaryUploadCreateView.as_view(), name="temporary_upload_create"),
    path("uploads/<uuid:token>/", TemporaryUploadFileView.as_view(), name="temporary_upload_file"),
]


# --- the form side ---


class KeptFile:
    """A claimed-to-be temporary upload as the form hands it on: reads like an uploaded file (name, seek, read)."""

    def __init__(self, upload: TemporaryUpload):
        self.temporary = upload
        self.name = upload.original_name
        self._handle = None

    def seek(self, position: int) -> None:
        if self._handle is None:
            self._handle = self.temporary.file.open("rb")
        self._handle.seek(position)

    def read(self, size: int = -1) -> bytes:
        if self._handle is None:
            self.seek(0)
        return self._handle.read(size)


def attach_again_note() -> str:
    return format_html(
        '<div class="alert alert-warning py-1 px-2 mt-1 mb-0 small" role="alert" data-testid="attach-again">{}</div>',
        _("The form was not saved, so the files you chose were not kept: choose them again."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    """Several files in one input; a form coming back with errors says its files must be chosen again."""

    allow_multiple_selected = True

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        # ``value`` is what was posted (see MultipleFileField.bound_data): files posted with a form that is
        # shown again were not kept, since a successful form is never shown again.
        if isinstance(value, list | tuple) and any(value):
            html += attach_again_note()
        return html


class MultipleFileField(forms.FileField):
    """Several photos in one input; each file is checked by the service that attaches it (bytes, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []

    def bound_data(self, data, initial):
        # The posted files, so the widget can tell the user they were not kept.
        return data


class TemporaryUploadInput(MultipleFileInput):
    """The file input, plus the photos already uploaded for this form (hidden ids and thumbnails).

    ``static/js/temporary-uploads.js`` uploads each chosen file at once and adds
    its id here; without JavaScript the files go with the form.
    """

    def value_from_datadict(self, data, files, name):
        return {
            "files": super().value_from_datadict(data, files, name) or [],
            "uploads": [value for value in data.getlist(name + UPLOADS_SUFFIX) if value],
        }

    def value_omitted_from_data(self, data, files, name):
        return name not in files and name + UPLOADS_SUFFIX not in data

    def render(self, name, value, attrs=None, renderer=None):
        value = value if isinstance(value, dict) else {}
        kept = value.get("kept", [])
        html = forms.ClearableFileInput.render(self, name, None, attrs, renderer)
        items = format_html_join(
            "",
            '<li class="list-inline-item border rounded p-1 mb-1" data-upload="{}">'
            '<input type="hidden" name="{}" value="{}">{}'
            '<span class="small ms-1">{}</span>'
            '<button type="button" class="btn btn-link btn-sm text-danger p-0 ms-1" data-remove-upload>{}</button>'
            "</li>",
            (
                (
                    upload.token,
                    name + UPLOADS_SUFFIX,
                    upload.token,
                    format_html(
                        '<img src="{}" alt="" class="rounded" style="height:2.5rem">',
                        reverse("temporary_upload_file", args=[upload.token]),
                    )
                    if upload.is_image
                    else "",
                    upload.original_name,
                    _("Remove"),
                )
                for upload in kept
            ),
        )
        widget = format_html(
            '<div class="temporary-upload" data-temporary-upload data-upload-url="{}" data-name="{}" '
            'data-remove-label="{}" data-uploading-label="{}">{}'
            '<ul class="list-inline mb-0 mt-1" data-kept-uploads data-testid="kept-uploads">{}</ul>'
            '<div class="invalid-feedback d-block" data-upload-error></div></div>',
            reverse("temporary_upload_create"),
            name + UPLOADS_SUFFIX,
            _("Remove"),
            _("Uploading…"),
            html,
            items,
        )
        if value.get("files"):
            widget += attach_again_note()
        return widget


class TemporaryUploadField(MultipleFileField):
    """Photos chosen on a form, kept across a failed validation; the form sets ``owner`` (the user).

    Cleans to a list of files: those posted with the form and ``KeptFile`` for each
    temporary upload. The view attaches them and claims the temporary ones in the
    same transaction (``aftersales.services.temporary_upload_claim``).
    """

    widget = TemporaryUploadInput
    owner = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", TemporaryUploadInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        data = data if isinstance(data, dict) else {"files": data or [], "uploads": []}
        files = super().clean(data["files"], initial)
        kept = temporary_uploads_of(user=self.owner, tokens=data["uploads"])
        return [*files, *(KeptFile(upload) for upload in kept)]

    def bound_data(self, data, initial):
        data = data if isinstance(data, dict) else {"files": data or [], "uploads": []}
        try:
            kept = temporary_uploads_of(user=self.owner, tokens=data["uploads"])
        except ValidationError:
            # Show the ones still available; the field's error says the others must be attached again.
            kept = [upload for token in data["uploads"] for upload in _safe_uploads(self.owner, token)]
        return {"files": [item for item in data["files"] if item], "kept": kept}


def _safe_uploads(owner, token) -> list[TemporaryUpload]:
    try:
        return temporary_uploads_of(user=owner, tokens=[token])
    except ValidationError:
        return []


def temporary_uploads_in(cleaned_files) -> list[TemporaryUpload]:
    """The temporary uploads among a TemporaryUploadField's cleaned files, to claim."""
    return [item.temporary for item in cleaned_files if isinstance(item, KeptFile)]
