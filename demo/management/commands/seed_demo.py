"""``seed_demo``: the demo brand, so a new user sees a living system (api-contract.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from aftersales.roles import sync_roles
from demo import data as demo_data
from demo.audit_history import audit_history_build
from demo.bulletins_history import bulletins_history_build
from demo.history import history_build
from demo.incoming_history import incoming_history_build
from demo.quality_history import orders_history_build
from demo.servicedesk_history import servicedesk_history_build
from demo.surveys_history import surveys_history_build
from inspection.services import defectcode_upsert
from repairs.models import SparePart
from repairs.services import sparepart_upsert
from stores.services import account_upsert, region_upsert, store_upsert
from suppliers.services import category_upsert, style_upsert, supplier_upsert

DEFAULT_PASSWORD = "demo12345"  # noqa: S105 - development-only demo logins, printed on purpose


class Command(BaseCommand):
    help = "Create the demo regions, stores, suppliers, catalogue and one login per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=None, help=f"Password of every demo login (default {DEFAULT_PASSWORD}, debug only)."
        )
        parser.add_argument(
            "--no-history", action="store_true", help="Create master data and users only, no workflow history."
        )

    def handle(self, *args, password: str | None, no_history: bool, **options):
        if password is None:
            if not settings.DEBUG:
                raise CommandError("DJANGO_DEBUG is off: give the demo logins a password with --password.")
            password = DEFAULT_PASSWORD
        if len(password) < 8:
            raise CommandError("--password must be at least 8 characters.")
        with transaction.atomic():
            sync_roles()
            self._master_data()
            self._accounts(password, history=not no_history)
        if not no_history:
            self._history()
        self._print_logins(password, history=not no_history)

    def _master_data(self) -> None:
        regions = {code: region_upsert(code=code, name=name) for code, name in demo_data.REGIONS}
        for code, name, region, kind, address, phone in demo_data.STORES:
            store_upsert(code=code, name=name, region=regions[region], kind=kind, address=address, phone=phone)
        suppliers = {
            code: supplier_upsert(code=code, name=name, contact_name=contact, contact_phone=phone, contact_email=email)
            for code, name, contact, phone, email in demo_data.SUPPLIERS
        }
        categories = {
            code: category_upsert(
                code=code,
                name=name,
                quality_return_days=quality_days,
                change_of_mind_days=mind_days,
                warranty_months=warranty,
                paid_repair_offered=paid_repair,
            )
            for code, name, quality_days, mind_days, warranty, paid_repair in demo_data.CATEGORIES
        }
        for style_no, name, category, supplier, season, year, cost, price in demo_data.STYLES:
            style_upsert(
                style_no=style_no,
                name=name,
                category=categories[category],
                supplier=suppliers[supplier],
                season=season,
                year=year,
                unit_cost=Decimal(cost),
                retail_price=Decimal(price),
            )
        for code, name_zh, name_en, category, responsibility in demo_data.DEFECT_CODES:
            defectcode_upsert(
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                category=categories[category] if category else None,
                default_responsibility=responsibility,
            )
        existing_parts = set(SparePart.objects.values_list("part_no", flat=True))
        for part_no, name, unit, cost, stock, reorder in demo_data.SPARE_PARTS:
            # The opening stock is set once; after that only the stock ledger moves it (repairs, deliveries).
            opening = {} if part_no in existing_parts else {"stock_quantity": stock}
            sparepart_upsert(part_no=part_no, name=name, unit=unit, unit_cost=cost, reorder_level=reorder, **opening)

    def _accounts(self, password: str, *, history: bool) -> None:
        from stores.models import Region, Store
        from suppliers.models import Supplier

        users = {}
        for username, full_name, roles, stores, regions, suppliers, superuser in self._account_rows(history):
            users[username] = account_upsert(
                username=username,
                password=password,
                roles=roles,
                full_name=full_name,
                email=f"{username}@aftersales.example.cn",
                stores=Store.objects.filter(code__in=stores),
                regions=Region.objects.filter(code__in=regions),
                suppliers=Supplier.objects.filter(code__in=suppliers),
                is_superuser=superuser,
            )
        contacts = dict(demo_data.STORE_CONTACTS)
        if history:
            contacts.update({code: username for username, _name, code in demo_data.HISTORY_STORE_STAFF})
        for code, username in contacts.items():
            store_upsert(code=code, contact_user=users[username])

    @staticmethod
    def _account_rows(history: bool) -> list[tuple]:
        """The contract's logins; with history also the staff of the other stores, who log those stores' returns."""
        rows = list(demo_data.ACCOUNTS)
        if history:
            rows += [
                (username, full_name, ["store_staff"], [code], [], [], False)
                for username, full_name, code in demo_data.HISTORY_STORE_STAFF
            ]
        return rows

    def _history(self) -> None:
        """Three months of returns in every state, made through the services (skipped when Returns exist)."""
        # The incoming lots first: the month end that history_build runs reports on them.
        lots = incoming_history_build()
        if not lots.skipped:
            self.stdout.write(f"Demo incoming inspection: {lots.lots} incoming lots.")
        summary = history_build()
        desk = servicedesk_history_build()
        if not desk.skipped:
            self.stdout.write(f"Demo service desk: {desk.cases} service cases.")
        # After the desk's history: the survey invites the customers of its closed cases (quality management).
        bulletins, surveys = bulletins_history_build(), surveys_history_build()
        # Rectification orders in every state, from the lots, recalls, Returns and cases made above.
        orders = orders_history_build()
        if not orders.skipped:
            self.stdout.write(f"Demo rectification orders: {orders.orders}.")
        # Last month's 10 % audit, drawn once the desk's closed cases exist, part reviewed, one finding's order.
        audit = audit_history_build()
        if not audit.skipped:
            self.stdout.write(f"Demo audit: {audit.samples} samples, {audit.reviewed} reviewed, {audit.orders} order.")
        if not surveys.skipped:
            self.stdout.write(
                f"Demo quality: {bulletins.bulletins} bulletin, survey of {surveys.invited} customers "
                f"({surveys.answered} answered)."
            )
        if summary.skipped:
            self.stdout.write("Returns already exist: the demo history was left as it is.")
            return
        states = ", ".join(f"{state} {count}" for state, count in sorted(summary.states.items()))
        self.stdout.write(
            f"Demo history: {summary.returns} returns ({states}); {summary.shipments} shipments, "
            f"{summary.extra_fees} with an extra-dispatch fee."
        )

    def _print_logins(self, password: str, *, history: bool) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Logins (development only):"))
        for username, full_name, roles, stores, regions, suppliers, superuser in self._account_rows(history):
            scope = ", ".join([*stores, *regions, *suppliers])
            what = "superuser" if superuser else ", ".join(roles)
            self.stdout.write(f"  {username:<11} {password}  {what}{f' ({scope})' if scope else ''}  {full_name}")
