"""Issue 12, items 7 and 8 in the browser (axe-core on every page): the clinician reads
the fracture service's quality page, follows an open deadline to the patient, records a
FRAX result from the FRAX page; the patient reads it beside the headline; both pages fit
a phone."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import seed_demo
from tracker.accounts.models import Patient
from tracker.records.management.commands.seed_demo import DEMO_PASSWORD


def fits_a_phone(page) -> None:
    width = page.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.page.url} scrolls sideways on a phone ({width}px)"


def test_clinician_quality_page_and_a_frax_result(open_page, transactional_db):
    seed_demo()
    olive = Patient.objects.get(user__email="olive@example.com")
    doc = open_page("clinician")
    sign_in(doc, "clinician@example.com", DEMO_PASSWORD)
    doc.page.click("nav a:has-text('Fracture service quality')")
    expect(doc.page.locator("h1")).to_have_text("Fracture service quality")
    expect(doc.page.locator("tr[data-quarter]")).to_have_count(2)  # Olive's and Rosa's
    first = doc.page.locator("section[aria-labelledby=open-h] tbody tr").first
    expect(first).to_contain_text("Olive Osborne")
    expect(first).to_contain_text("DXA within 12 weeks")
    doc.shot("quality")
    first.locator("th a").click()
    expect(doc.page.locator("h1")).to_have_text("Olive Osborne")
    expect(doc.page.locator("[data-frax-latest]")).to_contain_text("18 %")

    doc.page.click("[data-frax-latest] a:has-text('Fracture risk (FRAX)')")
    expect(doc.page.locator("h1")).to_have_text("Fracture risk (FRAX)")
    expect(doc.page.locator("tr[data-input=weight]")).to_contain_text("missing")
    doc.page.click("a:has-text('Record a FRAX result')")
    doc.page.fill("#id_major", "21.5")
    doc.page.fill("#id_hip", "30")  # above the major one: refused, with why
    doc.page.click("button:has-text('Save')")
    expect(doc.page.locator("main")).to_contain_text("cannot be higher")
    doc.page.fill("#id_hip", "4.1")
    doc.page.click("button:has-text('Save')")
    expect(doc.page.locator("h1")).to_have_text("Fracture risk (FRAX)")
    expect(doc.page.locator("section[aria-labelledby=results-h] tbody tr")).to_have_count(2)
    doc.shot("frax")

    phone = open_page("clinician-phone", viewport={"width": 390, "height": 844})
    sign_in(phone, "clinician@example.com", DEMO_PASSWORD)
    for path in ("/fracture-service/", f"/patients/{olive.pk}/fracture-risk/"):
        phone.go(path)
        fits_a_phone(phone)
        phone.shot("phone")


def test_patient_reads_frax_but_records_nothing(open_page, transactional_db):
    seed_demo()
    olive = open_page("olive", viewport={"width": 390, "height": 844})
    sign_in(olive, "olive@example.com", DEMO_PASSWORD)
    expect(olive.page.locator("[data-frax-latest]")).to_contain_text(
        "Chance of a major fracture in the next 10 years: 18 %"
    )
    olive.page.click("[data-frax-latest] a:has-text('Fracture risk (FRAX)')")
    expect(olive.page.locator("h1")).to_have_text("Fracture risk (FRAX)")
    expect(olive.page.locator("a:has-text('Record a FRAX result')")).to_have_count(0)
    fits_a_phone(olive)
    olive.shot("frax")
