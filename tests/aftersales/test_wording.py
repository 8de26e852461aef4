"""Chinese pages speak Chinese only, in the product's words (issue 11, item 11)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from cases.forms import UnitFormSet

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = r"[\u4e00-\u9fff]"
# A Chinese sentence with an ASCII colon, full stop, comma, semicolon, ? or ! beside Chinese, or ending in ':' / '.'.
ASCII_PUNCTUATION = re.compile(CJK + r"\s*[:.,;?!](?!\d)|[:;?!]\s*" + CJK + r"|[.:]$")
# Django's yesno filter takes its two words as "是,否": a comma there is the filter's syntax, not prose.
NOT_PROSE = {"Yes,No"}


def chinese_strings():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or entry.msgid in NOT_PROSE:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if re.search(CJK, text):
                yield entry.msgid, text


def test_chinese_translations_use_full_width_punctuation():
    offending = [f"{msgid!r} → {text!r}" for msgid, text in chinese_strings() if ASCII_PUNCTUATION.search(text)]
    assert not offending, "\n".join(offending)


def test_a_store_is_a_zhuanmaidian_in_every_translation():
    offending = [f"{msgid!r} → {text!r}" for msgid, text in chinese_strings() if "门店" in text]
    assert not offending, "\n".join(offending)


def test_the_scan_would_catch_the_old_wording():
    assert ASCII_PUNCTUATION.search("合计: ¥10.00")
    assert ASCII_PUNCTUATION.search("已保存.")
    assert not ASCII_PUNCTUATION.search("合计：¥1,000.50")


def test_an_empty_receipt_asks_for_a_unit_not_a_form():
    # given the return form's unit blocks with every block removed
    data = {
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "1",
        "units-MAX_NUM_FORMS": "20",
    }
    with translation.override("zh-hans"):
        formset = UnitFormSet(data, prefix="units")
        # then the clerk reads a domain message, not Django's formset wording
        assert not formset.is_valid()
        assert formset.non_form_errors() == ["请至少登记 1 件退货。"]


def test_a_unit_block_is_numbered_as_the_nth_piece():
    with translation.override("zh-hans"):
        html = render_to_string(
            "cases/partials/_unit_form.html", {"unit": UnitFormSet(prefix="units").empty_form, "index": 1}
        )
    assert '第 <span class="unit-index">1</span> 件' in html
    assert "单位" not in html


@pytest.mark.parametrize(
    ("language", "shown", "hidden"), [("zh-hans", "污渍", "Stain or dirt"), ("en", "Stain or dirt", "污渍")]
)
def test_a_defect_is_named_in_the_active_language_only(language, shown, hidden):
    from reports.views import defect_name

    row = {"code": "D07", "name_zh": "污渍", "name_en": "Stain or dirt", "units": 1, "cost": "10.00"}
    with translation.override(language):
        html = render_to_string(
            "reports/partials/_reportrun_scrap_table.html",
            {"rows": [row], "defect": True, "LANGUAGE_CODE": language},
        )
        assert defect_name(row) == shown
    assert shown in html and hidden not in html
