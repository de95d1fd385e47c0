"""Two people at once: one person's refused date leaves the next person's form
clean (issue 9, item 2: one shared widget once turned every date field red)."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_patient


def test_a_second_users_form_is_clean_after_the_first_users_error(open_page, transactional_db):
    first = make_patient("pat@example.com", "Pat Patient")
    second = make_patient("olga@example.com", "Olga Other")

    pat = open_page("first")
    sign_in(pat, "pat@example.com", PASSWORD)
    pat.go(f"/patients/{first.pk}/falls/add/")
    pat.page.fill("#id_date", "2999-01-01")
    pat.page.click("button:has-text('Save')")
    expect(pat.page.locator("#id_date")).to_have_class("dateinput form-control is-invalid")
    expect(pat.page.locator(".invalid-feedback")).to_contain_text("future")
    pat.shot("refused")

    olga = open_page("second", viewport={"width": 390, "height": 844})
    sign_in(olga, "olga@example.com", PASSWORD)
    olga.go(f"/patients/{second.pk}/falls/add/")
    expect(olga.page.locator("h1")).to_be_visible()
    assert "is-invalid" not in (olga.page.get_attribute("#id_date", "class") or "")
    expect(olga.page.locator(".is-invalid")).to_have_count(0)
    olga.shot("clean")
