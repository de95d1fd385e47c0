"""The demo denosumab patient sees the late-injection warning with its reason and
snoozes an info item; the demo clinician sees and acknowledges the warning."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import seed_demo
from tracker.records.management.commands.seed_demo import DEMO_PASSWORD


def test_late_injection_journey(open_page, transactional_db):
    seed_demo()
    margaret = open_page("patient")
    p = margaret.page
    sign_in(margaret, "margaret@example.com", DEMO_PASSWORD)
    late = p.locator("[data-rule='DMAB-LATE']")
    expect(late).to_contain_text("Denosumab injection is late")
    expect(late).to_contain_text("What this means")  # patients: the learn page, no source
    expect(late).not_to_contain_text("Source:")
    expect(late).to_contain_text("days")
    margaret.shot("late-warning")

    info = p.locator("[data-rule='SEVERE-OSTEOPOROSIS']")
    info.locator("button:has-text('Snooze')").click()
    expect(p.locator(".alert-success")).to_contain_text("Snoozed until")
    expect(p.locator("[data-rule='SEVERE-OSTEOPOROSIS']")).to_have_count(0)
    expect(p.locator("[data-rule='DMAB-LATE']")).to_have_count(1)
    margaret.shot("after-snooze")

    doc = open_page("clinician")
    sign_in(doc, "clinician@example.com", DEMO_PASSWORD)
    doc.page.click("a:has-text('Margaret Denholm')")
    card = doc.page.locator("[data-rule='DMAB-LATE']")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Source:")  # clinicians: the rule id and its source
    expect(card).to_contain_text("DMAB-LATE")
    card.locator("input[name=note]").fill("Injection booked for Monday")
    doc.shot("clinician-before-ack")
    card.locator("button:has-text('Acknowledge')").click()
    expect(doc.page.locator(".alert-success")).to_contain_text("Acknowledged")
    expect(doc.page.locator("[data-rule='DMAB-LATE']")).to_have_count(0)
    doc.shot("clinician-after-ack")

    p.reload()
    expect(p.locator("[data-rule='DMAB-LATE']")).to_have_count(0)


def test_i_had_it_records_the_late_dose(open_page, transactional_db):
    """Issue 9, item 1: on a late injection the patient's action is "I had it", which
    opens the dose form filled in; recording the dose is what closes the warning,
    for the patient and the clinician alike."""
    seed_demo()
    margaret = open_page("patient")
    p = margaret.page
    sign_in(margaret, "margaret@example.com", DEMO_PASSWORD)
    late = p.locator("[data-rule='DMAB-LATE']")
    expect(late.locator("button:has-text('Done')")).to_have_count(0)
    late.locator("a:has-text('I had it')").click()
    expect(p).to_have_url(re.compile(r"/medications/\d+/#dose-form$"))
    form = p.locator("#dose-form")
    expect(form.locator("input[name=date]")).not_to_have_value("")
    margaret.shot("dose-form-from-i-had-it")
    form.locator("button:has-text('Save the dose')").click()
    expect(p.locator(".alert-success")).to_contain_text("Saved")
    p.click("a:has-text('My record')")
    expect(p.locator("[data-rule='DMAB-LATE']")).to_have_count(0)

    doc = open_page("clinician")
    sign_in(doc, "clinician@example.com", DEMO_PASSWORD)
    doc.page.click("a:has-text('Margaret Denholm')")
    expect(doc.page.locator("[data-rule='DMAB-LATE']")).to_have_count(0)
