"""Lists and forms usable by touch: no Ctrl-click list boxes, a folded filter panel that says what is active, and
cells labelled for the phone's card layout."""

from __future__ import annotations

import re

from cases.choices import ReturnState
from stores.models import Store
from suppliers.models import Style
from tests.factories.cases import ReturnFactory


def test_the_state_filter_is_tick_boxes_and_the_active_filters_are_counted(browser_as):
    # Given store1 with a logged and a shipped return
    store = Store.objects.get(code="S001")
    style = Style.objects.order_by("style_no").first()
    ReturnFactory(store=store, style=style, state=ReturnState.LOGGED)
    ReturnFactory(store=store, style=style, state=ReturnState.IN_TRANSIT)

    # When they filter the returns list by two states
    page = browser_as("store1").get("/returns/?state=logged&state=in_transit").content.decode()

    # Then no list box needs Ctrl-click: each state is a tick box, the chosen two ticked and named on the closed box
    assert "<select multiple" not in page and "multiple>" not in page
    assert re.search(r'<input type="checkbox" name="state" value="logged"[^>]*checked', page)
    assert re.search(r'<input type="checkbox" name="state" value="in_transit"[^>]*checked', page)
    assert "已登记、寄送中</summary>" in page
    # and the filter panel is open, its toggle counting one active filter (state)
    # (data-open-on-wide: static/js/page.js opens it on a wide screen, the inline script it replaced is gone with
    # issue 19's Content-Security-Policy)
    assert re.search(r'<details class="filter-panel mb-3" data-testid="filter-panel" data-open-on-wide open>', page)
    assert re.search(r'data-testid="filter-toggle">筛选 <span class="badge[^"]*">1</span>', page)
    # and each cell carries its column's name for the card layout on a phone
    assert 'data-label="状态"' in page and 'data-label="应返还"' in page


def test_without_filters_the_panel_is_folded(browser_as):
    page = browser_as("store1").get("/returns/").content.decode()
    assert '<details class="filter-panel mb-3" data-testid="filter-panel" data-open-on-wide>' in page


def test_the_master_data_lists_label_their_cells_and_use_the_same_filter_panel(browser_as):
    page = browser_as("store1").get("/master-data/stores/").content.decode()
    assert 'data-testid="filter-panel"' in page and "table-cards" in page
    assert re.search(r'<td class="cell-head" data-label="[^"]+">S001', page)


def test_the_inspection_form_ticks_defect_codes_instead_of_a_list_box(browser_as):
    # Given a received unit at the center
    unit = ReturnFactory(
        store=Store.objects.get(code="S001"),
        style=Style.objects.order_by("style_no").first(),
        state=ReturnState.RECEIVED,
    )

    # When tech1 opens it
    page = browser_as("tech1").get(f"/returns/{unit.pk}/").content.decode()

    # Then the defect codes are tick boxes in a small drop-down, not a <select multiple>
    assert "<select multiple" not in page and "multiple>" not in page
    assert 'data-testid="checklist-defect_codes"' in page
    assert re.search(r'<input type="checkbox" name="defect_codes"', page)
