"""Admin import of stores, suppliers and styles: a file with a bad row imports nothing and names the row."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from stores.admin import StoreResource
from stores.models import Store
from suppliers.admin import StyleResource
from suppliers.models import Style

STORE_HEADERS = [
    "code",
    "name",
    "region",
    "kind",
    "address",
    "phone",
    "active",
    "free_dispatches_per_week",
    "extra_dispatch_fee",
]


def store_csv(*rows: list[str]) -> bytes:
    lines = [",".join(STORE_HEADERS)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


GOOD_ROW = ["S301", "成都春熙路专卖店", "R01", "own", "成都市锦江区春熙路 1 号", "028-1", "1", "1", "50.00"]
SECOND_GOOD_ROW = ["S302", "重庆解放碑专卖店", "R01", "franchise", "", "", "1", "2", "30.00"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "field", "message"),
    [
        (["S303", "西安钟楼店", "R99", "own", "", "", "1", "1", "50.00"], "region", "R99"),
        (["S303", "西安钟楼店", "R01", "castle", "", "", "1", "1", "50.00"], "kind", "castle"),
        (["S303", "西安钟楼店", "R01", "own", "", "", "1", "1", "-3"], "extra_dispatch_fee", "0"),
        (["S303", "", "R01", "own", "", "", "1", "1", "50.00"], "name", "空"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_the_row(demo, bad_row, field, message):
    # given a file whose third data row is bad
    dataset = tablib.Dataset().load(store_csv(GOOD_ROW, SECOND_GOOD_ROW, bad_row).decode(), format="csv")
    before = Store.objects.count()
    # when it is imported for real
    result = StoreResource().import_data(dataset, dry_run=False, raise_errors=False)
    # then nothing was written and the error points at row 3 with the reason
    assert result.has_validation_errors() or result.has_errors()
    assert Store.objects.count() == before
    assert not Store.objects.filter(code__in=["S301", "S302"]).exists()
    assert [row.number for row in result.invalid_rows] == [3]
    (bad,) = result.invalid_rows
    assert field in bad.error_dict
    assert message in " ".join(bad.error_dict[field])


@pytest.mark.django_db
def test_a_clean_file_imports_every_row_and_is_idempotent(demo):
    dataset = tablib.Dataset().load(store_csv(GOOD_ROW, SECOND_GOOD_ROW).decode(), format="csv")
    result = StoreResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Store.objects.get(code="S302").region.code == "R01"
    assert str(Store.objects.get(code="S302").extra_dispatch_fee) == "30.00"
    # importing the same file again changes nothing
    again = StoreResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert again.totals["skip"] == 2


@pytest.mark.django_db
def test_styles_refer_to_category_and_supplier_by_code(demo):
    dataset = tablib.Dataset(
        headers=["style_no", "name", "category", "supplier", "season", "year", "unit_cost", "retail_price"]
    )
    dataset.append(["227101JK100", "新款夹克", "JK", "SUP02", "spring", 2027, "199.50", "799.00"])
    dataset.append(["227101JK101", "另一款", "JK", "SUP99", "spring", 2027, "199.50", "799.00"])
    result = StyleResource().import_data(dataset, dry_run=False, raise_errors=False)
    assert [(row.number, list(row.error_dict)) for row in result.invalid_rows] == [(2, ["supplier"])]
    assert "SUP99" in result.invalid_rows[0].error_dict["supplier"][0]
    assert not Style.objects.filter(style_no__startswith="227101").exists()


def _xlsx_upload(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(STORE_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "stores.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.mark.django_db
def test_admin_import_page_shows_the_bad_row_and_saves_nothing(browser_as, demo):
    # given the administrator uploads an XLSX whose second row names an unknown region
    client = browser_as("admin")
    upload = _xlsx_upload([GOOD_ROW, ["S303", "西安钟楼店", "R99", "own", "", "", True, 1, 50]])
    page = client.get("/admin/stores/store/import/")
    assert page.status_code == 200
    formats = page.context["form"].fields["format"].choices
    xlsx_format = next(value for value, label in formats if "xlsx" in str(label).lower())
    # when the file is submitted
    response = client.post("/admin/stores/store/import/", {"import_file": upload, "format": xlsx_format, "resource": 0})
    # then the page names the row and the problem, and nothing was created
    assert response.status_code == 200
    result = response.context["result"]
    assert [(row.number, list(row.error_dict)) for row in result.invalid_rows] == [(2, ["region"])]
    assert "R99" in response.content.decode()
    # no confirmation is offered, and nothing was created
    assert response.context.get("confirm_form") is None
    assert not Store.objects.filter(code__in=["S301", "S303"]).exists()
