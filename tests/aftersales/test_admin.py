"""The administrator's pages for master data and users open, with their membership inlines."""

import pytest

from stores.models import Region, Store
from suppliers.models import Supplier


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "inline"),
    [
        ("/admin/stores/store/{store}/change/", "StoreMembership"),
        ("/admin/stores/region/{region}/change/", "RegionMembership"),
        ("/admin/suppliers/supplier/{supplier}/change/", "SupplierMembership"),
    ],
)
def test_master_data_pages_list_who_belongs_to_them(browser_as, path, inline):
    ids = {
        "store": Store.objects.get(code="S001").pk,
        "region": Region.objects.get(code="R01").pk,
        "supplier": Supplier.objects.get(code="SUP01").pk,
    }
    response = browser_as("admin").get(path.format(**ids))
    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert formset.opts.model.__name__ == inline
    # the demo login tied to it is listed
    assert formset.formset.queryset.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/stores/store/",
        "/admin/suppliers/style/",
        "/admin/suppliers/category/",
        "/admin/suppliers/defectcode/",
        "/admin/repairs/sparepart/",
        "/admin/auth/user/",
        "/admin/cases/return/",
        "/admin/cases/shipment/",
        "/admin/inspection/inspectionreport/",
        "/admin/repairs/repairticket/",
        "/admin/repairs/stockmovement/",
        "/admin/aftersales/transitionlog/",
    ],
)
def test_admin_lists_open_for_the_superuser_only(browser_as, path):
    assert browser_as("admin").get(path).status_code == 200
    assert browser_as("tech1").get(path).status_code == 302  # not staff: sent to the admin login


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/admin/cases/return/add/", "/admin/cases/shipment/add/", "/admin/aftersales/transitionlog/add/"]
)
def test_workflow_records_cannot_be_added_by_hand(browser_as, path):
    # Given the superuser; when opening an add page of a workflow record; then it is refused:
    # such records change only through their services, which log every state change.
    assert browser_as("admin").get(path).status_code == 403
