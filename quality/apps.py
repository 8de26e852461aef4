from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import HomeTiles, MenuItem, MenuSection

# Rectification orders 质量整改令: QA opens them; the parties read their own (rows scoped), the VP reads them all.
_ORDERS = ["quality.view_rectificationorder"]


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
            "quality:order_list", "quality", 10, _("Rectification orders"), permission=_ORDERS[0],
        ),  # fmt: skip
    ]
    home_tiles = [HomeTiles("quality.selectors.orders.order_tiles", 28)]
    role_permissions = {
        "qa_manager": [*_ORDERS, "quality.add_rectificationorder"],
        "production_vp": _ORDERS,
        "supplier_user": _ORDERS,
        "store_staff": _ORDERS,
        "region_manager": _ORDERS,
    }
    api_urls = "quality.api.urls"

    def ready(self):
        # A discontinued supplier's inspection resumes only by closing or citing its rectification order
        # (inspection.hooks; inspection imports nothing of this app).
        from inspection.hooks import register_resume_check
        from quality.services.orders import supplier_resume_check

        register_resume_check(supplier_resume_check)
