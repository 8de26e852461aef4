"""The service desk's API views, one module per part of the desk; every name is importable from here."""

from servicedesk.api.views.cases import (
    CustomerViewSet,
    ServiceCaseAttachmentFileView,
    ServiceCaseViewSet,
    servicecase_attachment_upload,
)

__all__ = [
    "CustomerViewSet",
    "ServiceCaseAttachmentFileView",
    "ServiceCaseViewSet",
    "servicecase_attachment_upload",
]
