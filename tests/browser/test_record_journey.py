"""A patient keeps their record: a three-site scan, a denosumab course with two
doses and an exercise session; edits the scan; deletes the session after
confirming; and finds it all on the history page."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_patient


def test_record_journey(open_page, transactional_db):
    make_patient("pat@example.com", "Pat Patient")
    pat = open_page("patient")
    p = pat.page
    sign_in(pat, "pat@example.com", PASSWORD)
    expect(p.locator("h1")).to_have_text("My record")

    p.click("a:has-text('DXA scan')")
    p.fill("#id_date", "2026-03-04")
    p.fill("#id_facility", "City Hospital")
    p.select_option("#id_manufacturer", "hologic")
    for i, (bmd, t, z) in enumerate(
        [("0.812", "-2.2", "-0.9"), ("0.701", "-2.0", "-0.7"), ("0.598", "-2.6", "-1.1")]
    ):
        p.fill(f"#id_sites-{i}-bmd", bmd)
        p.fill(f"#id_sites-{i}-t_score", t)
        p.fill(f"#id_sites-{i}-z_score", z)
    pat.shot("scan-form")
    p.click("button:has-text('Save the scan')")
    expect(p.locator("h1")).to_have_text("DXA scan 04 Mar 2026")
    expect(p.locator("table tbody tr")).to_have_count(3)
    pat.shot("scan-detail")

    p.click("a:has-text('Edit')")
    p.fill("#id_sites-0-bmd", "1200")
    p.click("button:has-text('Save the scan')")
    expect(p.locator(".invalid-feedback").first).to_contain_text("Did you mean 1.200 g/cm²?")
    pat.shot("scan-edit-refused")
    p.fill("#id_sites-0-bmd", "0.815")
    p.click("button:has-text('Save the scan')")
    expect(p.locator("table")).to_contain_text("0.815")

    p.click(".breadcrumb a >> nth=0")
    p.click("a.btn:has-text('Medications')")
    p.select_option("#id_drug", "denosumab")
    p.fill("#id_start", "2025-05-01")
    p.click("button:has-text('Save')")
    expect(p.locator("h1")).to_contain_text("Denosumab from 01 May 2025")
    for day in ("2025-05-01", "2025-11-03"):
        p.fill("#id_date", day)
        p.click("button:has-text('Save the dose')")
        expect(p.locator(".alert-success")).to_contain_text("Saved")
    expect(p.locator("#doses-h + ul li")).to_have_count(2)
    pat.shot("course-with-doses")

    p.click(".breadcrumb a >> nth=0")
    p.select_option("#quick-kind", "balance")
    p.fill("#quick-minutes", "25")
    p.click("button:has-text('Log session')")
    expect(p.locator(".alert-success")).to_contain_text("Saved: Balance / functional 25 min")
    pat.shot("record-after-exercise")

    p.click("a:has-text('Full history')")
    expect(p.locator("main table")).to_contain_text("Balance / functional 25 min")
    expect(p.locator("main table")).to_contain_text("DXA scan 04 Mar 2026")
    expect(p.locator("main table")).to_contain_text("Denosumab dose 03 Nov 2025")
    pat.shot("history")

    p.click("a:has-text('Balance / functional 25 min')")
    p.click("a:has-text('Delete')")
    expect(p.locator("h1")).to_contain_text("Delete")
    pat.shot("confirm-delete")
    p.click("button:has-text('Yes, delete it')")
    expect(p.locator(".alert-success")).to_contain_text("Deleted")
    p.click("a:has-text('Full history')")
    expect(p.locator("main table")).not_to_contain_text("Balance / functional 25 min")
    expect(p.locator("main table")).to_contain_text("DXA scan 04 Mar 2026")
    pat.shot("history-after-delete")
