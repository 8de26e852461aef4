"""The Simplified Chinese catalogue: complete, placeholder-safe, compiled and loaded."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


def _translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _pairs(catalogue) -> set[tuple[str, str]]:
    """Every (msgid, msgstr) a catalogue maps, plural forms included, header left out."""
    pairs = set()
    for entry in catalogue:
        if entry.msgid_plural:
            for index, msgstr in entry.msgstr_plural.items():
                pairs.add((f"{entry.msgid}\x00{entry.msgid_plural}[{index}]", msgstr))
        else:
            pairs.add((entry.msgid, entry.msgstr))
    return pairs


def test_the_catalogue_declares_simplified_chinese_in_utf8_with_one_plural_form(po):
    assert po.metadata["Language"] == "zh_Hans"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    untranslated = [entry.msgid for entry in po if not all(_translations(entry))]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
    assert not untranslated and not fuzzy, f"untranslated entries: {untranslated}; fuzzy entries: {fuzzy}"
    assert len(po) > 0


def test_plural_entries_have_exactly_the_one_chinese_form(po):
    wrong = [entry.msgid for entry in po if entry.msgid_plural and sorted(entry.msgstr_plural) != [0]]
    assert not wrong, f"plural entries without exactly one msgstr[0]: {wrong}"


def test_every_placeholder_of_a_msgid_appears_in_its_translation(po):
    broken = []
    for entry in po:
        if not ({"python-format", "python-brace-format"} & set(entry.flags)) and not PLACEHOLDER.search(entry.msgid):
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for msgstr in _translations(entry):
            missing = wanted - set(PLACEHOLDER.findall(msgstr))
            extra = set(PLACEHOLDER.findall(msgstr)) - wanted
            if missing or extra:
                broken.append((entry.msgid, msgstr, sorted(missing), sorted(extra)))
    assert not broken, f"placeholders lost or invented (msgid, msgstr, missing, extra): {broken}"


def test_the_committed_mo_is_compiled_from_the_current_po(tmp_path):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages and commit it"
    fresh = tmp_path / "django.mo"
    polib.pofile(str(PO_PATH)).save_as_mofile(str(fresh))
    committed = _pairs(polib.mofile(str(MO_PATH)))
    expected = _pairs(polib.mofile(str(fresh)))
    assert committed == expected, (
        "django.mo is stale: run compilemessages. "
        f"Only in .po: {sorted(expected - committed)}; only in .mo: {sorted(committed - expected)}"
    )


def test_django_loads_the_project_catalogue_for_simplified_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Master data") == "主数据"
        assert translation.gettext("After-sales service") == "售后服务"
        assert translation.gettext("Service center technician") == "售后服务部技术员"
    with translation.override("en"):
        assert translation.gettext("Master data") == "Master data"
