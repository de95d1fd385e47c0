"""The history page (issue 13: its rows written in Python, not by the template) reads
the same on a phone and a desk: every kind of entry, newest first, "page N of M", and
older and newer pages that work; axe-clean at both widths."""

import datetime as dt

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_patient
from tracker.records import models as m


def test_history_on_a_phone_and_a_desk(open_page, transactional_db):
    patient = make_patient("hist@example.com", "Hester Story")
    common = {"patient": patient, "entered_by": patient.user}
    m.Scan.objects.create(date=dt.date(2024, 5, 2), manufacturer="hologic", **common)
    course = m.MedicationCourse.objects.create(
        drug="denosumab", start=dt.date(2024, 1, 10), **common
    )
    m.Dose.objects.create(course=course, date=dt.date(2024, 1, 10), **common)
    m.Fracture.objects.create(date=dt.date(2019, 3, 4), site="wrist_forearm", **common)
    m.ClinicalEvent.objects.create(date=dt.date(2020, 6, 1), kind="stroke", **common)
    m.ExerciseSession.objects.bulk_create(
        m.ExerciseSession(
            date=dt.date(2026, 11, 1) - dt.timedelta(days=i), kind="balance", minutes=20, **common
        )
        for i in range(30)
    )
    for width, name in ((1280, "desk"), (390, "phone")):
        tab = open_page(name, viewport={"width": width, "height": 900})
        p = tab.page
        sign_in(tab, "hist@example.com", PASSWORD)
        tab.go(f"/patients/{patient.pk}/history/")
        expect(p.locator("h1")).to_have_text("History")
        expect(p.locator("table tbody tr")).to_have_count(25)
        expect(p.locator("table tbody tr").first).to_contain_text("1 Nov 2026")
        expect(p.locator(".pagination")).to_contain_text("Page 1 of 2")
        tab.shot(f"history-{width}")
        # Nothing wider than the screen but the table, which scrolls in its own box.
        assert p.evaluate("document.documentElement.scrollWidth") <= width
        p.click("a.page-link:has-text('Older')")
        expect(p.locator(".pagination")).to_contain_text("Page 2 of 2")
        expect(p.locator("table tbody tr")).to_have_count(10)
        expect(p.locator("table tbody tr").last).to_contain_text("Fracture: wrist or forearm")
        scan = m.Scan.objects.get(patient=patient)
        expect(p.locator("a:has-text('DXA scan 02 May 2024')")).to_have_attribute(
            "href", f"/patients/{patient.pk}/scans/{scan.pk}/"
        )
        p.click("a.page-link:has-text('Newer')")
        expect(p.locator(".pagination")).to_contain_text("Page 1 of 2")
        tab.assert_clean()
