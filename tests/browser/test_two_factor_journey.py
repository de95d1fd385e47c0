"""Two-step sign-in (issue 9, item 8) as a person meets it: a new clinician sets up an
authenticator app, keeps the backup codes and reaches the panel; the demo clinician
verifies with the code from the app; a lost phone is answered by a backup code."""

import base64

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import app_code, sign_in
from tests.conftest import PASSWORD, make_user, seed_demo
from tracker.records.management.commands.seed_demo import (
    DEMO_BACKUP_CODES,
    DEMO_PASSWORD,
    DEMO_TOTP_KEYS,
)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_new_clinician_sets_up_two_step_sign_in(open_page, transactional_db, width):
    make_user("new.doc@example.com", "Dr Nia New", "clinician", approved_at=timezone.now())
    doc = open_page(f"new-clinician-{width}", viewport={"width": width, "height": 900})
    p = doc.page
    sign_in(doc, "new.doc@example.com", PASSWORD)
    expect(p.locator("h1")).to_have_text("Set up two-step sign-in")
    expect(p.locator("img.qr-code")).to_be_visible()
    doc.shot("setup")
    # The app's side: the key typed in by hand, the code it shows.
    typed = p.locator("#secret").text_content().replace(" ", "")
    key = base64.b32decode(typed + "=" * (-len(typed) % 8))
    p.fill("input[name=code]", app_code(key)[0])
    p.click("button:has-text('Turn on two-step sign-in')")
    expect(p.locator("h1")).to_have_text("Two-step sign-in is on")
    expect(p.locator(".backup-code")).to_have_count(10)
    doc.shot("backup-codes")
    p.click("a:has-text('I have saved my codes')")
    expect(p.locator("h1")).to_have_text("My patients")
    assert p.evaluate("document.documentElement.scrollWidth") <= width


def test_the_demo_clinician_verifies_with_the_apps_code(open_page, transactional_db):
    seed_demo()
    doc = open_page("demo-clinician")
    p = doc.page
    p.goto(doc.base_url + "/accounts/login/")
    p.fill("input[name=username]", "clinician@example.com")
    p.fill("input[name=password]", DEMO_PASSWORD)
    p.click("button:has-text('Sign in')")
    expect(p.locator("h1")).to_have_text("One more step")
    doc.shot("verify")
    p.fill("input[name=code]", "000000")
    p.click("button:has-text('Continue')")
    expect(p.locator(".invalid-feedback")).to_contain_text("did not match")
    p.wait_for_timeout(1100)  # django-otp's pause after a wrong code
    code, _ = app_code(bytes.fromhex(DEMO_TOTP_KEYS["clinician@example.com"]))
    p.fill("input[name=code]", code)
    p.click("button:has-text('Continue')")
    expect(p.locator("h1")).to_have_text("My patients")
    expect(p.locator("table a").first).to_be_visible()


def test_a_lost_phone_is_answered_by_a_backup_code(open_page, transactional_db):
    seed_demo()
    admin = open_page("demo-admin-lost-phone")
    p = admin.page
    p.goto(admin.base_url + "/admin/")
    expect(p.locator("h1")).to_have_text("Sign in")
    p.fill("input[name=username]", "admin@example.com")
    p.fill("input[name=password]", DEMO_PASSWORD)
    p.click("button:has-text('Sign in')")
    p.click("a:has-text('Lost your phone or app?')")
    expect(p.locator("h1")).to_have_text("Lost your phone or app?")
    admin.shot("lost")
    p.fill("input[name=code]", DEMO_BACKUP_CODES["admin@example.com"][0])
    p.click("button:has-text('Continue')")
    expect(p).to_have_title("Site administration | BoneTrack admin")
    expect(p.locator(".messagelist")).to_contain_text("backup code")


def test_the_sign_in_helper_passes_the_second_step(open_page, transactional_db):
    seed_demo()
    doc = open_page("helper")
    sign_in(doc, "clinician@example.com", DEMO_PASSWORD)
    expect(doc.page.locator("h1")).to_have_text("My patients")
