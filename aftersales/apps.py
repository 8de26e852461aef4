from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales service")

    def ready(self) -> None:
        # What the apps declare in their AppConfigs (menu, tiles, role table, API, ...) and its system check.
        from aftersales import registry  # noqa: F401

        # Keep the role groups in line with the code's permission table after
        # every migrate. aftersales is the last installed app, so every other
        # app's permissions exist by the time this sender fires.
        post_migrate.connect(_sync_roles_after_migrate, sender=self)
        # And the beat schedule's rows with settings.CELERY_BEAT_SCHEDULE (admin edits kept).
        post_migrate.connect(_sync_schedules_after_migrate, sender=self)
        # Pillow's decompression-bomb guard at our pixel limit, for every decode (uploads check it themselves,
        # aftersales/files.py; this covers anything else that opens a stored photo, such as PDF rendering).
        from django.conf import settings
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = settings.AFTERSALES_MAX_IMAGE_PIXELS
        # A password change revokes the user's API tokens (aftersales/api/tokens.py).
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from aftersales.api.tokens import revoke_tokens_on_password_change

        pre_save.connect(revoke_tokens_on_password_change, sender=get_user_model(), dispatch_uid="revoke_tokens")
        # Files written by a transaction that rolled back are deleted when the request or task ends
        # (aftersales/storage.py; also at the next file save on the same thread).
        from celery.signals import task_postrun
        from django.core.signals import request_finished

        from aftersales.storage import discard_rolled_back_files

        request_finished.connect(discard_rolled_back_files, dispatch_uid="discard_rolled_back_files")
        task_postrun.connect(discard_rolled_back_files, dispatch_uid="discard_rolled_back_files", weak=False)


def _sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    from aftersales.roles import sync_roles

    sync_roles(using=using)


def _sync_schedules_after_migrate(sender, using="default", **kwargs) -> None:
    from aftersales.schedules import schedules_sync

    schedules_sync(using=using)
