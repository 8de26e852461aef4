"""A statement's PDF and XLSX, rendered by a task after issue (as a report run's build, ``reports.services``):
progress, failures and retries, and who may ask for them again."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.background import error_text, store_document
from aftersales.fsm import TransitionForbidden, TransitionStateConflict, lock, log_event
from chargebacks import permissions
from chargebacks.choices import DocumentsStatus, StatementState
from chargebacks.models import ChargebackStatement

logger = logging.getLogger(__name__)


# --- the documents, rendered by a task after issue (as a report run's build: ``reports.services``) ---


def document_name(statement: ChargebackStatement, extension: str) -> str:
    return f"{statement.number}-v{statement.version}.{extension}"


def documents_enqueue(statement_id: int) -> None:
    from chargebacks.tasks import chargeback_documents_task

    transaction.on_commit(lambda: chargeback_documents_task.delay(statement_id))


def may_make_documents(statement: ChargebackStatement, user) -> bool:
    """Finance, and the service center's roles that read statements, may have the documents made again."""
    from aftersales.roles import has_role_permission, sees_everything

    return permissions.is_finance(statement, user) or (
        sees_everything(user) and has_role_permission(user, "chargebacks.view_chargebackstatement")
    )


def may_retry_documents(statement: ChargebackStatement, user) -> bool:
    """Failed documents, and a user who may have them made again (``may_make_documents``)."""
    return statement.documents_status == DocumentsStatus.FAILED and may_make_documents(statement, user)


def documents_missing(statement: ChargebackStatement) -> str | None:
    """Why a download of the statement's documents cannot be answered now (a 409's message), or None."""
    if statement.state == StatementState.DRAFT:
        return _("A draft has no documents yet; they are made when it is issued.")
    if statement.documents_ready:
        return None
    if statement.documents_status == DocumentsStatus.FAILED:
        return _("The documents could not be made; finance can make them again from the statement's page.")
    return _("The documents are being made; try again in a moment.")


def _set_documents_progress(statement_id: int, progress: int) -> None:
    # Committed at once (no surrounding transaction) so the page polling the statement sees it move.
    ChargebackStatement.objects.filter(pk=statement_id, documents_status=DocumentsStatus.RUNNING).update(
        documents_progress=min(progress, 99), updated_at=timezone.now()
    )


def _documents_start(statement_id: int) -> ChargebackStatement | None:
    """Mark the render running (another attempt), or None when there is nothing to render: the documents are
    done, the statement is gone, or it is a draft (never issued; nothing is frozen to print)."""
    with transaction.atomic():
        row = ChargebackStatement.objects.select_for_update().filter(pk=statement_id).first()
        if row is None or row.state == StatementState.DRAFT or row.documents_status == DocumentsStatus.DONE:
            return None
        ChargebackStatement.objects.filter(pk=row.pk).update(
            documents_status=DocumentsStatus.RUNNING,
            documents_attempts=row.documents_attempts + 1,
            documents_progress=0,
            updated_at=timezone.now(),
        )
        row.refresh_from_db()
        return row


def chargeback_documents_render(*, statement_id: int) -> str:
    """Render an issued statement's PDF and XLSX 生成扣款单文件 and store them with their SHA-256.

    Returns the documents' status. Documents already done are left as they are (a redelivered message,
    or a second render, changes nothing: the frozen checksums stay). Progress is committed as it goes;
    the files, their checksums and ``done`` are committed in one transaction under deterministic names
    (``document_name``), so a render cut short leaves no "done" without files and no second set of files.
    An error is raised for the task, which retries it with backoff and then marks the documents failed.
    """
    from chargebacks import documents

    row = _documents_start(statement_id)
    if row is None:
        return DocumentsStatus.DONE
    lines = documents.chargeback_lines(row)
    pdf_bytes = documents.chargeback_pdf(row, lines=lines)
    _set_documents_progress(row.pk, 50)
    xlsx_bytes = documents.chargeback_xlsx(row, lines=lines)
    _set_documents_progress(row.pk, 90)
    with transaction.atomic():
        locked = ChargebackStatement.objects.select_for_update().get(pk=row.pk)
        if locked.documents_status == DocumentsStatus.DONE:
            return DocumentsStatus.DONE
        locked.pdf_sha256 = store_document(locked, "pdf", document_name(locked, "pdf"), pdf_bytes)
        locked.xlsx_sha256 = store_document(locked, "xlsx", document_name(locked, "xlsx"), xlsx_bytes)
        locked.documents_status, locked.documents_progress, locked.documents_error = DocumentsStatus.DONE, 100, ""
        locked.documents_rendered_at = timezone.now()
        locked.save(
            update_fields=[
                "pdf", "pdf_sha256", "xlsx", "xlsx_sha256", "documents_status", "documents_progress",
                "documents_error", "documents_rendered_at", "updated_at",
            ]
        )  # fmt: skip
        log_event(
            locked,
            "documents_stored",
            user=None,
            payload={
                "pdf_sha256": locked.pdf_sha256,
                "xlsx_sha256": locked.xlsx_sha256,
                "attempts": locked.documents_attempts,
            },
        )
    return DocumentsStatus.DONE


def chargeback_documents_failed(*, statement_id: int, error: BaseException | str, final: bool) -> None:
    """Record a failed render for people to read: queued again while the task still retries it (``final``
    False), failed once it gives up, when finance or the center may retry it (``chargeback_documents_retry``)."""
    text = error_text(error)
    with transaction.atomic():
        row = ChargebackStatement.objects.select_for_update().filter(pk=statement_id).first()
        if row is None or row.documents_status == DocumentsStatus.DONE:
            return
        status = DocumentsStatus.FAILED if final else DocumentsStatus.QUEUED
        ChargebackStatement.objects.filter(pk=row.pk).update(
            documents_status=status, documents_error=text, documents_progress=0, updated_at=timezone.now()
        )
        if final:
            log_event(row, "documents_failed", user=None, payload={"error": text, "attempts": row.documents_attempts})


@transaction.atomic
def chargeback_documents_retry(*, statement: ChargebackStatement, user) -> ChargebackStatement:
    """Render the documents again after a failed render (重新生成): 409 unless they failed, 403 for anyone but
    finance and the service center; queued for the task once this transaction commits."""
    (row,) = lock(ChargebackStatement, [statement.pk])
    if row.documents_status != DocumentsStatus.FAILED:
        raise TransitionStateConflict(
            _("Only documents whose rendering failed can be made again; these are %(status)s.")
            % {"status": row.get_documents_status_display() or _("not made yet (a draft)")},
            transition="retry_documents",
        )
    if not may_make_documents(row, user):
        raise TransitionForbidden(
            _("Only finance or the service center may make the documents again."), transition="retry_documents"
        )
    previous_error = row.documents_error
    row.documents_status, row.documents_progress, row.documents_error = DocumentsStatus.QUEUED, 0, ""
    row.save(update_fields=["documents_status", "documents_progress", "documents_error", "updated_at"])
    log_event(row, "documents_retry", user=user, payload={"error": previous_error})
    documents_enqueue(row.pk)
    return row
