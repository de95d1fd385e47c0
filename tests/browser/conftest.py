"""Playwright driving the system Chromium, with axe-core checking every app page a test
visits. Skipped, with the reason, when no Chromium or no axe-core is found; in CI (CI=true)
either missing is a failure instead."""

import os
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# axe-core comes from the npm registry, outside the repository: .ci/run installs it with
# `npm install --prefix .axe axe-core@<version>`; AXE_CORE_PATH points elsewhere.
AXE_DEFAULT = ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The Django admin is Django's own, outside what we test for accessibility.
AXE_EXCEPT_PATHS = ("/admin/",)
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


def find_axe() -> Path | None:
    candidate = Path(os.environ.get("AXE_CORE_PATH") or AXE_DEFAULT)
    return candidate if candidate.is_file() else None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        skip_or_fail("no Chromium found (install Debian's chromium or set CHROMIUM_PATH)")
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


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = find_axe()
    if path is None:
        skip_or_fail("no axe-core found (npm install --prefix .axe axe-core, or set AXE_CORE_PATH)")
    return path.read_text()


# One run at a time per document (axe refuses a second concurrent run); the audit on load and
# the audit after go() share one result unless asked to run again.
AXE_RUN = """async ([tags, again]) => {
  if (!window.__axeResult || again) {
    const run = () => axe.run(document, {runOnly: {type: "tag", values: tags}});
    window.__axeResult = (window.__axeResult || Promise.resolve()).then(run, run).then(
      (result) => result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      }))
    );
  }
  return await window.__axeResult;
}"""


class Page:
    """One person's browser tab that fails the test on console errors, CSP violations or
    any WCAG 2.1 A/AA violation axe-core finds on an app page it loaded."""

    def __init__(self, context, base_url: str, name: str):
        self.page = context.new_page()
        self.base_url = base_url
        self.name = name
        self.problems: list[str] = []
        self.allowed: list[str] = []
        self.shots = 0
        self.audited: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        # Every document that finishes loading is audited, whether a test reached it with
        # go() or with a click; audit() again after in-page changes that matter.
        self.page.on("load", lambda _: self._audit_quietly())

    def audit(self, *, again: bool = True) -> None:
        """Run axe-core on the document now showing; record each violation as a problem."""
        url = self.page.url
        if not url.startswith(self.base_url):
            return
        if url.removeprefix(self.base_url).startswith(AXE_EXCEPT_PATHS):
            return
        violations = self.page.evaluate(AXE_RUN, [AXE_TAGS, again])
        if url not in self.audited[-1:]:
            self.audited.append(url)
        for violation in violations:
            problem = (
                f"axe {violation['id']} ({violation['impact']}) on {url}: {violation['help']}"
                f" at {', '.join(violation['nodes'])}"
            )
            if problem not in self.problems:
                self.problems.append(problem)

    def _audit_quietly(self) -> None:
        # A test may leave the page before the audit finishes: that document is gone, and
        # the page it went to is audited when it loads.
        from playwright.sync_api import Error

        if self.page.is_closed():
            return
        try:
            self.audit(again=False)
        except Error as exc:
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise

    def _console(self, message):
        if message.type == "error" and not any(text in message.text for text in self.allowed):
            self.problems.append(f"console error: {message.text}")

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        self._audit_quietly()
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
        self._audit_quietly()
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def open_page(browser, axe_source, live_server, request):
    contexts = []
    pages = []

    def make(name: str, *, viewport=None) -> Page:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        # Added through the DevTools protocol, axe-core runs beside the page's strict CSP
        # without loosening it: the CSP still applies to the app's own scripts and styles.
        context.add_init_script(script=axe_source)
        contexts.append(context)
        page = Page(context, live_server.url, f"{request.node.name}-{name}")
        pages.append(page)
        return page

    yield make
    for page in pages:
        if not page.page.is_closed():
            page._audit_quietly()  # the page each test ends on
    for context in contexts:
        context.close()
    for page in pages:
        assert not page.problems, "\n".join(page.problems)


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
