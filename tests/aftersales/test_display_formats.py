"""One look for money, dates, moments and people on every page, document, export and message (issue 11, items 8
and 10): the helpers themselves, and a lint over every template that refuses any other way of printing them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from aftersales.display import display_name, format_date, format_datetime
from aftersales.exports import Column
from aftersales.money import format_money

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("2391.9"), "¥2,391.90"),
        (Decimal("2391.90000000000"), "¥2,391.90"),
        (Decimal("1404.5"), "¥1,404.50"),
        (1048, "¥1,048.00"),
        ("758.50", "¥758.50"),
        (Decimal("0"), "¥0.00"),
        (Decimal("-15"), "-¥15.00"),
        (Decimal("1234567.005"), "¥1,234,567.01"),
        (None, "—"),
    ],
)
def test_money_prints_two_places_and_thousands_separators(amount, text):
    assert format_money(amount) == text


def test_a_float_is_refused_because_it_is_not_the_amount():
    with pytest.raises(TypeError):
        format_money(2391.9)
    # while a page that meets one still renders, as the amount that was meant
    assert Template("{{ a|money }}").render(Context({"a": 2391.9})) == "¥2,391.90"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_and_moments_read_the_same_in_both_languages_on_shanghai_time(language):
    moment = dt.datetime(2026, 12, 17, 0, 36, tzinfo=dt.UTC)  # 08:36 in Shanghai
    with translation.override(language):
        assert format_datetime(moment) == "2026-12-17 08:36"
        assert format_date(moment) == "2026-12-17"
        assert format_date(dt.date(2026, 1, 5)) == "2026-01-05"
        rendered = Template(
            "{{ m|datetime_text }} | {{ d|date_text }} | {{ a|money }} | {{ none|datetime_text }}"
        ).render(Context({"m": moment, "d": dt.date(2026, 12, 17), "a": Decimal("1404.5"), "none": None}))
    assert rendered == "2026-12-17 08:36 | 2026-12-17 | ¥1,404.50 | "


@pytest.mark.django_db
def test_people_are_shown_by_name_not_login(demo_user):
    assert display_name(demo_user("tech1")) == "刘洋（售后服务部）"
    assert Template("{{ u|person }}").render(Context({"u": demo_user("tech1")})) == "刘洋（售后服务部）"
    assert display_name(None) == ""


def test_table_columns_and_exports_print_dates_and_money_through_the_helpers():
    moment = dt.datetime(2026, 12, 17, 8, 36, tzinfo=SHANGHAI)
    with translation.override("zh-hans"):
        assert Column("at", lambda row: moment).display(None) == "2026-12-17 08:36"
        assert Column("on", lambda row: moment.date()).display(None) == "2026-12-17"
        assert Column("cost", lambda row: Decimal("2391.9"), money=True).display(None) == "¥2,391.90"


# --- the lint: every template prints money, dates and people through the filters ---------------------------------

MONEY_NAME = r"[\w.]*(?:amount|total|_cost|cost|_fee|fee|price|rate)"
RULES = [
    (re.compile(r"¥\{\{"), "a ¥ before a variable: use {{ value|money }}"),
    (re.compile(r"¥%\("), "a ¥ before a placeholder: pass the amount through |money"),
    (re.compile(r"\|floatformat"), "floatformat on a figure: money goes through |money"),
    (re.compile(r'\|date:"(?!Y-m")'), "a date format of its own: use |date_text or |datetime_text"),
    (re.compile(r"\|date\b(?!:|_text)"), "a bare |date: use |date_text or |datetime_text"),
    (re.compile(r"\.username\b"), "a login shown to people: use {{ user|person }}"),
    (re.compile(r"get_full_name"), "a name built by hand: use {{ user|person }}"),
    # An attribute holding money printed without the filter ({{ statement.total }}), or handed to a translation
    # without it (total=statement.total). Bare names ({{ total }}) are strings prepared by the PDF code.
    (re.compile(r"\{\{\s*\w+\." + MONEY_NAME + r"\s*(?:\|(?!money)[^}]*)?\}\}"), "money without |money"),
    (re.compile(r"\b\w+=\w+\." + MONEY_NAME + r"(?=[\s%])"), "money handed to a translation without |money"),
    # A moment or a day printed raw (localized formats differ between the languages: 2026年12月17日 08:36).
    (re.compile(r"\{\{\s*\w+\.[\w.]*(?:_at|_on|_date|deadline)\s*(?:\|default[^}]*)?\}\}"), "a date without a filter"),
]
ALLOWED = {
    # The login form's field is the username itself.
    ("registration/login.html", r"\.username\b"),
    # A data attribute the KPI tests find a person's row by; the row shows the person's name.
    ("quality/kpi.html", r"\.username\b"),
}
# Counts and percentages are not money (a pass rate is a share of lots, printed with its own "%"; a bulletin's
# recipients, the recurrences of a problem and a resolution rate are counts and shares), nor is a form's field.
COUNTS = re.compile(
    r"\.(?:statements|units|lines|count|\w*pass_rate|resolution_rate)\b"
    r"|\b(?:compliance|region|recurrences)\.total\b|_form\.amount\b"
)


def template_files():
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt"})


def test_every_template_prints_money_dates_and_people_through_the_helpers():
    problems = []
    for path in template_files():
        name = str(path.relative_to(TEMPLATES))
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern, why in RULES:
                if (name, pattern.pattern) in ALLOWED:
                    continue
                for match in pattern.finditer(line):
                    if COUNTS.search(match.group(0)):
                        continue
                    problems.append(f"{name}:{number}: {why}: {match.group(0)[:80]}")
    assert not problems, "\n".join(problems)


def test_the_lint_would_catch_the_old_ways():
    old = [
        '<td class="text-end">¥{{ row.total }}</td>',
        "{{ statement.total }}",
        '{{ ticket.total_cost|floatformat:"2g" }}',
        '{{ item.created_at|date:"Y-m-d H:i" }}',
        "{{ item.created_at }}",
        "{{ line.removed_by.username }}",
        "{% blocktranslate with total=statement.total %}",
    ]
    for line in old:
        assert any(pattern.search(line) for pattern, _why in RULES), line


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_e_mails_print_money_through_the_helper(demo, language):
    from aftersales.notifications import render_message
    from chargebacks.choices import StatementState
    from tests.factories.chargebacks import ChargebackStatementFactory

    statement = ChargebackStatementFactory(state=StatementState.ISSUED, total=Decimal("1391.8"))
    subject, text, html = render_message("chargeback_issued", {"statement": statement}, language=language)
    assert "¥1,391.80" in text and "¥1,391.80" in html
    assert "¥¥" not in text and "1391.8" not in text
