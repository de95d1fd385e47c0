"""Issue 12, caregivers: the demo denosumab patient (her injection is late) invites her
son from the Sharing page; he signs up from the email's link, accepts, and sets up his
two-step sign-in before he sees her record; her late
injection reaches him by email and in his calendar (the delivery run in-process); he
records the dose he took her to; she sees it under his name, removes him, and his next
request is a 404."""

import base64
import re

import icalendar
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import app_code, sign_in
from tests.conftest import seed_demo
from tracker.accounts.models import Patient
from tracker.records.management.commands.seed_demo import DEMO_PASSWORD
from tracker.records.models import Dose
from tracker.reminders.delivery import deliver_pending, queue_due

SON = "daniel@example.com"


def test_invite_accept_escalate_log_a_dose_remove(
    open_page, transactional_db, live_server, settings, mailoutbox
):
    settings.SITE_URL = live_server.url
    seed_demo()
    margaret = open_page("patient")
    p = margaret.page
    sign_in(margaret, "margaret@example.com", DEMO_PASSWORD)
    record_url = p.url
    p.click("a.nav-link:has-text('Sharing')")
    expect(p.locator("h2#caregivers-h")).to_have_text("People who help me")
    p.fill("#id_caregiver-email", SON)
    p.check("#id_caregiver-reminders")
    p.click("button:has-text('Send the invitation')")
    expect(p.locator(".alert-success")).to_contain_text(f"We sent an invitation to {SON}")
    card = p.locator("li.caregiver", has_text=SON)  # the demo's Colin helps her already
    expect(card).to_contain_text("Waiting for them to accept")
    expect(card).to_contain_text("They get your injection and infusion reminders")

    # The son opens the link in the email, makes an account and accepts.
    [invitation] = [message for message in mailoutbox if message.to == [SON]]
    link = re.search(r"http\S+/caregivers/invitation/\S+/", invitation.body).group(0)
    daniel = open_page("caregiver", viewport={"width": 390, "height": 844})  # his phone
    d = daniel.page
    d.goto(link)
    expect(d.locator("h1")).to_have_text("Margaret Denholm asks you to help with their record")
    daniel.shot("invitation")
    d.click("main a:has-text('Create an account')")
    expect(d.locator("#id_account-email")).to_have_value(SON)
    d.fill("#id_account-full_name", "Daniel Denholm")
    d.fill("#id_account-password1", "a-long-enough-passphrase")
    d.fill("#id_account-password2", "a-long-enough-passphrase")
    d.click("button:has-text('Create my account')")
    expect(d.locator(".alert-success")).to_contain_text("accept the invitation")
    d.click("button:has-text('Accept: help Margaret Denholm')")
    # Before her record, his own second step: he reads someone else's health record.
    expect(d.locator("h1")).to_have_text("Set up two-step sign-in")
    expect(d.locator(".alert-success")).to_contain_text("You now help Margaret Denholm")
    daniel.shot("two-step-setup")
    typed = d.locator("#secret").text_content().replace(" ", "")
    key = base64.b32decode(typed + "=" * (-len(typed) % 8))
    d.fill("input[name=code]", app_code(key)[0])
    d.click("button:has-text('Turn on two-step sign-in')")
    expect(d.locator(".backup-code")).to_have_count(10)
    d.click("a:has-text('I have saved my codes')")
    expect(d.locator("h1")).to_have_text("Margaret Denholm")
    assert d.url == record_url
    expect(d.locator("[data-rule='DMAB-LATE']")).to_contain_text("Denosumab injection is late")
    expect(d.locator("a:has-text('Download (FHIR)')")).to_have_count(0)
    daniel.shot("her-record")

    # The late injection reaches him once, by email and in his calendar.
    now = timezone.now()
    queue_due(now=now)
    deliver_pending(now)
    to_daniel = [message for message in mailoutbox if message.to == [SON]][1:]
    assert len(to_daniel) == 1
    assert "M. D.: Denosumab injection is late" in to_daniel[0].body
    queue_due(now=now)
    deliver_pending(now)
    assert len([message for message in mailoutbox if message.to == [SON]]) == 2
    d.goto(live_server.url + "/reminders/settings/")
    d.click("button:has-text('Create my calendar address')")
    feed = d.locator("#feed").input_value()
    events = icalendar.Calendar.from_ical(d.request.get(feed).body()).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Denosumab injection is late (M. D.)"]

    # He took her to the injection yesterday, and records it.
    d.goto(record_url)
    d.click("a:has-text('Record the dose given')")
    expect(d.locator("#dose-form")).to_be_visible()
    d.click("button:has-text('Save the dose')")
    expect(d.locator(".alert-success")).to_contain_text("Saved")
    patient = Patient.objects.get(user__email="margaret@example.com")
    assert Dose.objects.filter(patient=patient).latest("date").entered_by.email == SON
    daniel.shot("dose-recorded")

    # She sees it, and who did it, then removes him.
    p.goto(record_url)
    expect(p.locator("[data-rule='DMAB-LATE']")).to_have_count(0)
    p.click("a.nav-link:has-text('Who viewed my record')")
    expect(p.locator("main table")).to_contain_text("Daniel Denholm")
    p.click("a.nav-link:has-text('Sharing')")
    card = p.locator("li.caregiver", has_text="Daniel Denholm")
    expect(card).to_contain_text("Can see your record and add to it since")
    p.set_viewport_size({"width": 1280, "height": 900})
    margaret.shot("sharing-desktop")
    p.set_viewport_size({"width": 390, "height": 844})
    margaret.shot("sharing-phone")
    assert p.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    p.set_viewport_size({"width": 1280, "height": 900})
    card.locator("a:has-text('Remove')").click()
    expect(p.locator("h1")).to_have_text("Remove Daniel Denholm?")
    p.click("button:has-text('Yes, remove Daniel Denholm')")
    expect(p.locator(".alert-success")).to_contain_text("can no longer see your record")

    daniel.expect_not_found()
    response = d.goto(record_url)
    assert response.status == 404
    expect(d.locator("h1")).to_have_text("Page not found")
    d.goto(live_server.url + "/accounts/caring/")
    expect(d.locator("main")).to_contain_text("You do not help anyone")
