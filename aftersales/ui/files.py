"""The one way a stored photo or PDF (``aftersales.models.StoredFile``) is served: scope-checked, with its own type.

An app's download view says only how to find the file within the viewer's scope (``get_stored_file``, which
raises ``Http404`` for anything the viewer may not see); the answer, its headers and the missing-file 404 are
the same everywhere. Pages subclass ``StoredFileView``; the API subclasses ``aftersales.api.views.StoredFileAPIView``.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.views import View

from aftersales.models import StoredFile

# A user's file is never active content under our origin: no script, no plug-in, nothing loaded, sandboxed.
USER_FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def stored_file_response(stored: StoredFile) -> FileResponse:
    """The file's bytes with the type sniffed at upload; browsers are told not to guess another.

    Photos (JPEG, PNG, GIF, WebP: no script can run in them) open inline, so pages can show them; everything
    else, PDFs above all, downloads as an attachment: a user's PDF may carry JavaScript, and opened inline it
    would run under the product's origin. Every file also gets a sandboxing Content-Security-Policy, so even a
    file opened in the browser by hand runs no script and reaches nothing. The viewer's browser may keep it for an
    hour, no shared cache may. A row whose file is gone answers 404.
    """
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=stored.content_type, as_attachment=not stored.is_image, filename=stored.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = USER_FILE_POLICY
    response["Cache-Control"] = "private, max-age=3600"
    return response


class StoredFileMixin:
    """``get`` answers the file ``get_stored_file`` finds within the viewer's scope."""

    def get_stored_file(self, request, **kwargs) -> StoredFile:
        """The file named by the URL's ``kwargs``, fetched through the app's selector (``Http404`` outside scope)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return stored_file_response(self.get_stored_file(request, **kwargs))


class StoredFileView(LoginRequiredMixin, StoredFileMixin, View):
    """A page's download of a stored file: signed-in users only, 404 for a file outside their scope."""
