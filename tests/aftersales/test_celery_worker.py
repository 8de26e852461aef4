"""The real Celery worker (PostgreSQL + Redis pass): tasks go through Redis and a prefork worker."""

import pytest
from django.contrib.auth import get_user_model

from aftersales.models import Notification
from aftersales.tasks import notification_email_task


@pytest.mark.django_db(transaction=True)
def test_worker_emails_a_notification(celery_worker):
    # given a committed inbox message for a user with an e-mail address
    user = get_user_model().objects.create_user("mailee", email="mailee@example.com", password="x")
    notification = Notification.objects.create(recipient=user, kind="test", subject="Hello", body="Text body")

    # when the task goes through Redis to the worker
    result = notification_email_task.delay(notification.pk)

    # then the worker sent it once and recorded the time
    assert result.get(timeout=60) == "sent"
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    mails = celery_worker.sent_mail()
    assert [(m["To"], m["Subject"]) for m in mails] == [("mailee@example.com", "Hello")]
    assert "notification_email_task" in celery_worker.log()
