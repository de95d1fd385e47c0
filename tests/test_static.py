"""Assets are served by the app: vendored, hashed, compressed (Brotli and gzip), pages
gzipped, and a first visit to the dashboard within its bytes budget (issue 13);
plotly.js matches plotly."""

import gzip
import hashlib
import re
from pathlib import Path

import plotly
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.bench_bytes import (
    FIRST_VISIT_BUDGET,
    first_visit_bytes,
    production_static,
)
from tests.records.factories import big_history, settle

ROOT = Path(__file__).resolve().parent.parent
PLOTLY = ROOT / "static/vendor/plotly/plotly-bonetrack.min.js"


def test_vendored_plotly_js_matches_the_python_package():
    bundled = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:200]
    vendored = PLOTLY.read_text()[:200]
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", bundled).group(1)
    assert f"v{version}" in vendored


def test_plotly_bundle_is_the_one_built_by_make_plotly():
    """Rebuilt, never edited by hand: BUILD.txt records the SHA-256 of what `make plotly`
    wrote (.ci/plotly/entry.js says which traces are in)."""
    build = (PLOTLY.parent / "BUILD.txt").read_text()
    assert f"sha256 {hashlib.sha256(PLOTLY.read_bytes()).hexdigest()}" in build
    assert "plotly.js@4.1.1" in build


def test_vendored_files_carry_their_licences():
    for folder in ["bootstrap", "plotly"]:
        assert (ROOT / "static/vendor" / folder / "LICENSE").exists()
    third_party = (ROOT / "static/vendor/plotly/THIRD-PARTY-LICENSES.txt").read_text()
    assert "@plotly/d3@" in third_party and "culori@" in third_party


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """One collectstatic for the module: compressing everything takes 10-20 s."""
    root = tmp_path_factory.mktemp("staticfiles")
    with production_static(root):
        pass
    return root


def test_production_collects_hashed_brotli_and_gzip_copies(collected):
    """The STORAGES of DEBUG=0 (tests/test_deploy.py checks it is this backend): every
    large asset gets a .br (only when the Brotli package is installed) and a .gz."""
    for folder, pattern in [
        ("vendor/plotly", "plotly-bonetrack.min.*.js"),
        ("vendor/bootstrap", "bootstrap.min.*.css"),
        ("vendor/bootstrap", "bootstrap.bundle.min.*.js"),
        ("js", "chart.*.js"),
    ]:
        hashed = [p for p in (collected / folder).glob(pattern) if p.suffix in (".js", ".css")]
        assert hashed, f"no hashed {pattern}"
        for suffix in (".br", ".gz"):
            assert Path(f"{hashed[0]}{suffix}").exists(), f"{hashed[0].name}{suffix}"


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("", None)],
)
def test_whitenoise_serves_the_compressed_copy_asked_for(collected, db, accept, encoding):
    with production_static(collected):
        from django.templatetags.static import static

        url = static("vendor/plotly/plotly-bonetrack.min.js")
        response = Client().get(url, HTTP_ACCEPT_ENCODING=accept)
        assert response.status_code == 200
        assert response.get("Content-Encoding") == encoding
        assert "Accept-Encoding" in response["Vary"]
        body = response.getvalue()
        if encoding is None:
            assert body == PLOTLY.read_bytes()
        elif encoding == "gzip":
            assert gzip.decompress(body) == PLOTLY.read_bytes()
        assert "max-age=31536000" in response["Cache-Control"]  # hashed: kept a year


def test_pages_are_gzipped_when_asked(client, patient):
    client.force_login(patient.user)
    url = reverse("dashboard:patient", args=[patient.pk])
    plain = client.get(url)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 3
    page = gzip.decompress(packed.content).decode()
    assert "My record" in page
    # Django's BREACH mitigation: a gzip file name of random length in every response.
    assert packed.content[3] & 0x08, "no FNAME flag: the random padding is missing"
    assert packed["Content-Security-Policy"] and packed["Cache-Control"].startswith("max-age=0")


def test_first_visit_to_a_25_year_dashboard_within_budget(collected, patient):
    """Issue 13: HTML, CSS, JS and the icon, compressed as served, at most 450 KB."""
    big_history(patient, today=timezone.localdate())
    settle(patient)
    with production_static(collected):
        client = Client()
        client.force_login(patient.user)
        sizes = first_visit_bytes(client, reverse("dashboard:patient", args=[patient.pk]))
    assert any("plotly-bonetrack" in url for url in sizes["assets"])
    assert any(url.endswith(".svg") for url in sizes["assets"]), "the icon"
    texts = {url: e for url, e in sizes["encodings"].items() if not url.endswith(".svg")}
    assert set(texts.values()) <= {"br", "gzip"}, texts
    assert sizes["total"] <= FIRST_VISIT_BUDGET, sizes


def test_pages_send_a_strict_csp(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()
    assert " style=" not in response.content.decode()


def test_a_browser_asking_for_favicon_ico_is_sent_to_our_icon(client):
    # The Django admin's pages have no <link rel="icon">: browsers then ask /favicon.ico.
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg") and "favicon" in response["Location"]
