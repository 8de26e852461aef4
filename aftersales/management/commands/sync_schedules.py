from django.core.management.base import BaseCommand

from aftersales.schedules import schedules_sync


class Command(BaseCommand):
    help = (
        "Create the beat schedule's rows (django-celery-beat) from settings.CELERY_BEAT_SCHEDULE (idempotent). "
        "Times changed in the admin are kept unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Put every row's time, expiry and switch back to the settings table."
        )

    def handle(self, *args, **options):
        result = schedules_sync(reset=options["reset"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Schedules in line: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.disabled} switched off."
            )
        )
