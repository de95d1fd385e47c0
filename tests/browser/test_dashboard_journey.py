"""Every demo patient's dashboard draws every chart; the T-score toggle works; the
print view renders; the clinician panel puts the late-denosumab patient first."""

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import seed_demo
from tracker.records.management.commands.seed_demo import DEMO_PASSWORD

CHARTS = ("bmd", "medication", "exercise", "height")
TRACES = ".scatterlayer .trace, .barlayer .trace"


def drawn_charts(page) -> list[str]:
    found = []
    for name in CHARTS:
        chart = page.locator(f"#chart-{name}")
        if chart.count() == 0:
            continue
        expect(chart).to_have_attribute("data-drawn", "true")
        figure = json.loads(page.locator(f"#chart-{name}-data").text_content())
        visible = [trace for trace in figure["data"] if trace.get("visible", True) is True]
        assert chart.locator(TRACES).count() == len(visible), name
        found.append(name)
    return found


@pytest.mark.parametrize(
    ("email", "charts"),
    [
        ("margaret@example.com", CHARTS),
        ("rosa@example.com", CHARTS),
        ("olive@example.com", ("bmd", "exercise", "height")),
        ("uma@example.com", ("bmd", "exercise")),
    ],
)
def test_dashboard_charts(open_page, transactional_db, email, charts):
    seed_demo()
    person = open_page(email.split("@")[0])
    p = person.page
    sign_in(person, email, DEMO_PASSWORD)
    expect(p.locator("h1")).to_have_text("My record")
    assert tuple(drawn_charts(p)) == charts
    person.shot("dashboard")

    bmd = p.locator("#chart-bmd")
    toggle = p.locator(".chart-views button:has-text('T-score')")
    toggle.focus()
    p.keyboard.press("Enter")  # reachable and usable from the keyboard
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(bmd.locator(".ytitle")).to_have_text("T-score")
    if email != "uma@example.com":
        expect(bmd.locator(".shapelayer path").first).to_be_attached()
    person.shot("t-score")
    p.locator(".chart-views button:has-text('BMD')").click()
    expect(bmd.locator(".ytitle")).to_have_text("BMD (g/cm²)")

    p.click("a:has-text('Print view')")
    expect(p.locator("h1")).to_contain_text("bone health summary")
    assert tuple(drawn_charts(p)) == charts
    person.shot("print")


def test_phone_dashboard(open_page, transactional_db):
    seed_demo()
    rosa = open_page("rosa-phone", viewport={"width": 390, "height": 844})
    sign_in(rosa, "rosa@example.com", DEMO_PASSWORD)
    assert drawn_charts(rosa.page)
    width = rosa.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    rosa.shot("phone")


def test_clinician_panel_puts_late_denosumab_first(open_page, transactional_db):
    seed_demo()
    doc = open_page("clinician")
    sign_in(doc, "clinician@example.com", DEMO_PASSWORD)
    expect(doc.page.locator("h1")).to_have_text("My patients")
    first = doc.page.locator("table.panel-table tbody tr").first
    expect(first).to_contain_text("Margaret Denholm")
    expect(first).to_contain_text("overdue")
    expect(first.locator("td.open-items")).to_contain_text("Denosumab injection late")
    doc.shot("panel")
    with doc.page.expect_download() as download:  # issue 12: the panel as CSV
        doc.page.click("a:has-text('Download as CSV')")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [line["name"] for line in lines][0] == "Margaret Denholm" and len(lines) == 3
    assert lines[0]["open_items"] == "Denosumab injection late"
    doc.page.select_option("#filter", "late-denosumab")
    doc.page.click("button:has-text('Apply')")
    expect(doc.page.locator("table.panel-table tbody tr")).to_have_count(1)
    doc.page.click("a:has-text('Margaret Denholm')")
    assert drawn_charts(doc.page)
    expect(doc.page.locator("#controls-h")).to_be_visible()
    # Issue 12: the clinician's settings on the first screen, beside the alerts.
    assert doc.page.locator("#controls-h").bounding_box()["y"] < 900
    expect(doc.page.locator("li[data-rule='DMAB-LATE'] h3")).to_contain_text(
        "Denosumab injection late"
    )
    doc.shot("patient-for-clinician")
