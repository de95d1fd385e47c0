"""A new patient signs up, sees the notice, opens the link from the email and sees the
address confirmed; then, on the Account page, chooses a time zone and changes the
address, which changes only once the new one is confirmed (issue 9)."""

import re

from playwright.sync_api import expect

from tracker.accounts.models import User

NOTICE = "Please confirm your email address"


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm/\S+/", message.body).group(0)


def test_signup_confirm_and_change_address(open_page, live_server, settings, mailoutbox):
    settings.SITE_URL = live_server.url  # the email's link points at this server
    nora = open_page("patient", viewport={"width": 390, "height": 844})  # a phone
    p = nora.page
    nora.go("/accounts/signup/")
    p.fill("#id_account-full_name", "Nora Newcomer")
    p.fill("#id_account-email", "nora@example.com")
    p.fill("#id_account-password1", "a-long-enough-passphrase")
    p.fill("#id_account-password2", "a-long-enough-passphrase")
    p.fill("#id_profile-birth_date", "1951-02-03")
    p.select_option("#id_profile-sex", "female")
    p.select_option("#id_profile-menopausal_status", "postmenopausal")
    p.click("button:has-text('Create my account')")
    expect(p.locator("h1")).to_have_text("My record")
    notice = p.locator(".verify-notice")
    expect(notice).to_contain_text(NOTICE)
    expect(notice).to_contain_text("nora@example.com")
    nora.shot("unconfirmed")

    assert [m.to for m in mailoutbox] == [["nora@example.com"]]
    p.goto(link_in(mailoutbox[0]))
    expect(p.locator("h1")).to_have_text("Your email address is confirmed")
    expect(p.locator(".verify-notice")).to_have_count(0)
    nora.shot("confirmed")
    assert User.objects.get(email="nora@example.com").email_verified_at is not None

    # The Account page, from the user menu.
    p.click(".navbar-toggler")
    # The menu slides open; a click while it still slides can be lost on a slow machine.
    expect(p.locator(".navbar-collapse.show")).to_be_visible()
    p.click("a.dropdown-toggle:has-text('Nora Newcomer')")
    p.click("a.dropdown-item:has-text('Account')")
    expect(p.locator("h1")).to_have_text("Account")
    p.select_option("#id_zone-time_zone", "Europe/Madrid")
    p.click("button:has-text('Save my time zone')")
    expect(p.locator(".alert-success")).to_contain_text("Europe/Madrid")

    p.fill("#id_email-email", "nora.new@example.com")
    p.fill("#id_email-password", "a-long-enough-passphrase")
    p.click("button:has-text('Change my email address')")
    expect(p.locator(".alert-info")).to_contain_text("Waiting for you to confirm")
    nora.shot("change-pending")
    assert User.objects.get(full_name="Nora Newcomer").email == "nora@example.com"

    to_new = next(m for m in mailoutbox if m.to == ["nora.new@example.com"])
    p.goto(link_in(to_new))
    expect(p.locator("main")).to_contain_text("nora.new@example.com is now your email address")
    nora.shot("changed")
    assert User.objects.get(full_name="Nora Newcomer").email == "nora.new@example.com"


def test_an_expired_or_broken_link_offers_a_new_one(open_page, live_server, db):
    page = open_page("stranger", viewport={"width": 1280, "height": 900})
    page.go("/accounts/confirm/not-a-real-token/")
    expect(page.page.locator("h1")).to_have_text("This link is not valid")
    page.page.click("a:has-text('Send me a new link')")
    expect(page.page.locator("h1")).to_have_text("Sign in")  # then it sends the link
    page.shot("broken-link")
