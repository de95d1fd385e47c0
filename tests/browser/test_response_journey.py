"""What each drug did (issue 12, item 6), as Margaret and her clinician see it: the table
under the change table, the shaded courses on the bone density chart (BMD view only), on a
laptop and a phone; axe-core checks every page (tests/browser/conftest.py)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import seed_demo
from tracker.records.management.commands.seed_demo import DEMO_PASSWORD


@pytest.mark.parametrize("width", [1280, 390])
def test_margaret_sees_what_each_drug_did(open_page, transactional_db, width):
    seed_demo()
    person = open_page(f"margaret-response-{width}", viewport={"width": width, "height": 900})
    p = person.page
    sign_in(person, "margaret@example.com", DEMO_PASSWORD)
    table = p.locator("table.response-table")
    expect(table).to_be_visible()
    # The demo: alendronate within the margin everywhere, then a real gain on denosumab.
    alendronate, denosumab = table.locator("tbody").all()
    expect(alendronate).to_contain_text("Alendronate")
    expect(alendronate).not_to_contain_text("A real change")
    expect(denosumab).to_contain_text("Denosumab")
    expect(denosumab).to_contain_text("to now")
    expect(denosumab).to_contain_text("A real change")
    expect(table).not_to_contain_text("LSC")
    table.scroll_into_view_if_needed()
    person.shot("table")

    chart = p.locator("#chart-bmd")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator(".legend")).to_contain_text("Antiresorptive (shaded)")
    expect(chart.locator(".shapelayer path")).to_have_count(2)  # one per course
    chart.scroll_into_view_if_needed()
    person.shot("chart")
    p.locator(".chart-views button:has-text('T-score')").click()
    expect(chart.locator(".legend")).not_to_contain_text("Antiresorptive (shaded)")
    width_now = p.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the page scrolls sideways ({width_now}px)"


def test_the_clinician_reads_the_lsc(open_page, transactional_db):
    seed_demo()
    doc = open_page("clinician-response")
    sign_in(doc, "clinician@example.com", DEMO_PASSWORD)
    doc.page.click("a:has-text('Margaret Denholm')")
    table = doc.page.locator("table.response-table")
    expect(table).to_contain_text("Significant (≥ LSC)")
    expect(table).to_contain_text("LSC 5.3 % (default, estimated)")
    table.scroll_into_view_if_needed()
    doc.shot("table")
