"""Accessibility as a keyboard user meets it (issue 11, item 11): axe-core runs on every page
the browser tests load (tests/browser/conftest.py) and this file checks that the check bites;
the focus ring shows; the current page is marked; a refused form puts focus on its first error."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_patient


def test_axe_fails_a_page_with_a_known_violation(open_page, live_server, db):
    page = open_page("visitor")
    page.go("/accounts/login/")
    assert page.audited[-1].endswith("/accounts/login/")  # audited on load, and clean
    assert not page.problems
    page.page.evaluate(
        "document.querySelector('main').appendChild(document.createElement('img')).src ="
        " '/static/img/favicon.svg'"
    )
    page.audit()
    assert any(problem.startswith("axe image-alt") for problem in page.problems), page.problems
    page.problems.clear()  # the violation was the point of this test: take it away again
    page.page.evaluate("document.querySelector('main img').remove()")
    page.audit()
    assert not page.problems


def test_the_keyboard_focus_ring_shows_and_the_current_page_is_marked(open_page, transactional_db):
    pat = make_patient("pat@example.com", "Pat Patient")
    page = open_page("patient")
    sign_in(page, "pat@example.com", PASSWORD)
    page.go("/accounts/sharing/")
    current = page.page.locator("nav a[aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Sharing")
    assert current.evaluate("a => getComputedStyle(a).fontWeight") == "700"
    ring = (
        "e => [e.textContent, getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor]"
    )
    amber = "rgb(255, 191, 71)"
    page.page.keyboard.press("Tab")  # the skip link comes first
    page.page.keyboard.press("Tab")
    assert page.page.evaluate_handle("document.activeElement").evaluate(ring) == [
        "BoneTrack",
        "solid",
        amber,
    ]
    page.page.keyboard.press("Tab")  # Bootstrap's nav links had only a faint blue glow
    assert page.page.evaluate_handle("document.activeElement").evaluate(ring) == [
        "My record",
        "solid",
        amber,
    ]
    page.go(f"/patients/{pat.pk}/")
    expect(page.page.locator("nav a[aria-current=page]")).to_have_text("My record")


def test_a_refused_form_puts_focus_on_its_first_error(open_page, transactional_db):
    pat = make_patient("pat@example.com", "Pat Patient")
    page = open_page("patient", viewport={"width": 390, "height": 844})
    sign_in(page, "pat@example.com", PASSWORD)
    page.go(f"/patients/{pat.pk}/falls/add/")
    expect(page.page.locator("#id_date")).not_to_be_focused()
    page.page.fill("#id_date", "2999-01-01")
    page.page.click("button:has-text('Save')")
    expect(page.page.locator(".invalid-feedback")).to_contain_text("future")
    expect(page.page.locator("#id_date")).to_be_focused()
    page.shot("focus-on-error")


def test_larger_text_chosen_on_the_account_page_makes_every_page_larger(
    open_page, transactional_db
):
    pat = make_patient("pat@example.com", "Pat Patient")
    page = open_page("patient", viewport={"width": 390, "height": 844})
    sign_in(page, "pat@example.com", PASSWORD)
    page.go(f"/patients/{pat.pk}/")
    heading = page.page.locator("h1").first
    before = heading.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
    root = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    assert page.page.evaluate(root) == 16

    page.go("/accounts/account/")
    page.page.check("text=Show larger text on every page")
    page.page.click("button:has-text('Save my text size')")
    expect(page.page.locator(".alert-success")).to_contain_text("Text is now larger")
    page.shot("account-larger")

    page.go(f"/patients/{pat.pk}/")
    assert page.page.evaluate(root) == 20
    after = heading.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
    assert after > before * 1.15  # headings scale with the viewport too (Bootstrap RFS)
    assert page.page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("record-larger")


def test_a_refused_import_puts_focus_on_its_error_message(open_page, transactional_db, tmp_path):
    pat = make_patient("pat@example.com", "Pat Patient")
    page = open_page("patient")
    sign_in(page, "pat@example.com", PASSWORD)
    page.go(f"/patients/{pat.pk}/import/csv/")
    upload = tmp_path / "records.zip"
    upload.write_bytes(b"not a zip file")
    page.page.set_input_files("input[type=file]", str(upload))
    page.page.click("button:has-text('Import')")
    message = page.page.locator("main .alert-danger, main .is-invalid").first
    expect(message).to_be_visible()
    expect(message).to_be_focused()
