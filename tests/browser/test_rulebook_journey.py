"""A clinician follows an alert's rule id to its entry in How BoneTrack decides,
on a wide screen and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import seed_demo
from tracker.records.management.commands.seed_demo import DEMO_PASSWORD


@pytest.mark.parametrize("width", [1280, 390])
def test_clinician_follows_an_alert_to_its_rule(open_page, transactional_db, width):
    seed_demo()
    doc = open_page(f"clinician-{width}", viewport={"width": width, "height": 900})
    p = doc.page
    sign_in(doc, "clinician@example.com", DEMO_PASSWORD)
    p.locator("table a").first.click()
    link = p.locator("a[href^='/learn/rules/#rule-']").first
    rule_id = link.locator("code").text_content()
    link.click()
    expect(p).to_have_title("How BoneTrack decides · BoneTrack")
    entry = p.locator(f"#rule-{rule_id}")
    expect(entry).to_be_in_viewport()
    expect(entry.locator(".rule-id")).to_have_text(rule_id)
    assert p.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    doc.shot("rule")
