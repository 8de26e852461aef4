from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import HomeTiles, MenuItem, MenuSection

# The monthly audit 每月抽查 judges other people's work: QA alone reads and draws it (quality/models/audits.py).
_AUDITS = ["quality.view_monthlyaudit", "quality.view_auditsample"]
# Rectification orders 质量整改令: QA opens them; the parties read their own (rows scoped), the VP reads them all.
_ORDERS = ["quality.view_rectificationorder"]

# Bulletins 质量通报 go to stores and suppliers and are read by the center: every role but finance and the VP.
_BULLETIN_READERS = (
    "qa_manager", "store_staff", "region_manager", "supplier_user", "technician", "hotline_agent", "logistics_manager",
)  # fmt: skip


class QualityConfig(AppConfig):
    """Quality management 质量管理 (domain.md, *Quality management*): QA closes every loop here.

    Rectification orders 质量整改令 under 四不放过, quality bulletins 质量通报 with read receipts, the monthly
    10 % audit 每月抽查, satisfaction surveys 满意度调查 and people's KPIs with the service star 服务之星. It sits
    above the apps whose records it opens orders from and samples (recalls, inspection, cases, the service
    desk) and below the monthly build (reports), which draws the audit on the 1st.
    """

    name = "quality"
    verbose_name = _("Quality management")

    menu_sections = [MenuSection("quality", _("Quality"), 28)]
    menu_items = [
        MenuItem(
            "quality:order_list",
            "quality",
            10,
            _("Rectification orders"),
            permission=_ORDERS[0],
        ),  # fmt: skip
        MenuItem("quality:audit_list", "quality", 40, _("Monthly audits"), permission=_AUDITS[0]),
        MenuItem(
            "quality:kpi",
            "quality",
            50,
            _("KPIs and service star"),
            roles=("qa_manager", "production_vp", "hotline_agent", "technician"),
            flags=("superuser",),
        ),  # fmt: skip
        # Quality bulletins 质量通报: QA writes them; every role reads those addressed to it (scoped rows).
        MenuItem(
            "quality:bulletin_list",
            "quality",
            20,
            _("Quality bulletins"),
            roles=_BULLETIN_READERS,
            flags=("superuser",),
        ),
        # Satisfaction surveys 满意度调查: QA's quarters and results; the hotline's links to read out.
        MenuItem(
            "quality:survey_list", "quality", 60, _("Satisfaction surveys"), roles=("qa_manager",), flags=("superuser",)
        ),
        MenuItem(
            "quality:survey_readout",
            "quality",
            65,
            _("Survey links to read out"),
            roles=("hotline_agent",),
            flags=("superuser",),
        ),
    ]
    home_tiles = [
        HomeTiles("quality.selectors.orders.order_tiles", 28),
        HomeTiles("quality.selectors.bulletins.bulletin_tiles", 29),
    ]
    role_permissions = {
        "qa_manager": [*_AUDITS, *_ORDERS, "quality.add_rectificationorder"],
        "production_vp": _ORDERS,
        "supplier_user": _ORDERS,
        "store_staff": _ORDERS,
        "region_manager": _ORDERS,
    }
    api_urls = "quality.api.urls"

    def ready(self):
        # Rectification orders on their sources' pages, and inspection's rule that a discontinued supplier resumes
        # only by closing or citing its order (cases, servicedesk and inspection hooks; they import nothing here).
        from quality.hooks.orders import register as register_orders

        register_orders()
