from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aftersales.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `backup` into an EMPTY database (DATABASE_URL; no migrate before) and "
        "an empty file storage, after checking every checksum; then compare row counts and file checksums with "
        "the manifest. A database with any table or a storage with any file is refused. `make restore` runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder (the one holding manifest.json).")

    def handle(self, *args, **options):
        try:
            result = restore(folder=Path(options["folder"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.tables} tables ({result.rows} rows) and {result.files} files; "
                "row counts and checksums match the backup."
            )
        )
