from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aftersales.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump custom format of one snapshot; SQLite: its online backup) and "
        "every file its rows refer to (local disk or the S3 bucket) into a dated folder with a manifest of "
        "checksums (aftersales/backups.py). `make backup` runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Folder that receives the dated backup folder.")

    def handle(self, *args, **options):
        try:
            result = backup(output=Path(options["output"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for name in result.missing:
            self.stderr.write(self.style.WARNING(f"A row refers to {name}, which the storage does not have."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {result.tables} tables ({result.rows} rows) and {result.files} files into {result.folder}"
            )
        )
