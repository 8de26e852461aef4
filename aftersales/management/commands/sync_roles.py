from django.core.management.base import BaseCommand

from aftersales.roles import sync_roles


class Command(BaseCommand):
    help = "Create the role groups of domain.md and set their permissions from the code's table (idempotent)."

    def handle(self, *args, **options):
        result = sync_roles()
        self.stdout.write(
            self.style.SUCCESS(
                f"Roles in line: {result.groups_created} group(s) created, {result.groups_changed} group(s) corrected."
            )
        )
