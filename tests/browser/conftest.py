"""Playwright driving the system Chromium. Skipped, with the reason, when no
Chromium is found; in CI (CI=true) a missing browser is a failure instead."""

import os
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    for candidate in [
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ]:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        reason = "no Chromium found (install Debian's chromium or set CHROMIUM_PATH)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the dev requirements install it
        pytest.fail(f"playwright is not installed: {exc}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


class Page:
    """One person's browser tab that fails the test on console errors or CSP violations."""

    def __init__(self, context, base_url: str, name: str):
        self.page = context.new_page()
        self.base_url = base_url
        self.name = name
        self.problems: list[str] = []
        self.allowed: list[str] = []
        self.shots = 0
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def _console(self, message):
        if message.type == "error" and not any(text in message.text for text in self.allowed):
            self.problems.append(f"console error: {message.text}")

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        return response

    def shot(self, label: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def expect_not_found(self) -> None:
        """The next document is meant to be a 404: Chromium logs that as a console error."""
        self.allowed.append("the server responded with a status of 404")

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def open_page(browser, live_server, request):
    contexts = []
    pages = []

    def make(name: str, *, viewport=None) -> Page:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        page = Page(context, live_server.url, f"{request.node.name}-{name}")
        pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()
    for page in pages:
        page.assert_clean()


def app_code(key: bytes, *, after_step: int = -1) -> tuple[str, int]:
    """What an authenticator app holding `key` shows: the code for this 30-second step,
    or for the next one when this step's code was used already (a code works once)."""
    from django_otp.oath import TOTP

    app = TOTP(key)
    if app.t() <= after_step:
        app.time = time.time() + app.step  # within the server's one-step tolerance
    return f"{app.token():06d}", app.t()


def sign_in(page: Page, email: str, password: str) -> None:
    """Password, then (clinicians, admins, patients who set it up) the code from the
    user's authenticator app, computed from the device's key as the app would."""
    page.go("/accounts/login/")
    page.page.fill("input[name=username]", email)
    page.page.fill("input[name=password]", password)
    page.page.click("button[type=submit]:has-text('Sign in')")
    page.page.wait_for_load_state()
    if "/accounts/two-step/verify/" in page.page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        code, _ = app_code(device.bin_key, after_step=device.last_t)
        page.page.fill("input[name=code]", code)
        page.page.click("button[type=submit]:has-text('Continue')")
        page.page.wait_for_load_state()
