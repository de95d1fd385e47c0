"""Assets are served by the app: vendored, hashed, compressed; plotly.js matches plotly."""

import re
from pathlib import Path

import plotly
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_vendored_plotly_js_matches_the_python_package():
    bundled = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:200]
    vendored = (ROOT / "static/vendor/plotly/plotly-basic.min.js").read_text()[:200]
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", bundled).group(1)
    assert f"v{version}" in vendored


def test_vendored_files_carry_their_licences():
    for folder in ["bootstrap", "plotly"]:
        assert (ROOT / "static/vendor" / folder / "LICENSE").exists()


def test_collectstatic_hashes_and_compresses(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    hashed = list((tmp_path / "vendor/plotly").glob("plotly-basic.min.*.js"))
    assert hashed, "no hashed plotly bundle"
    assert Path(f"{hashed[0]}.gz").exists()
    assert list((tmp_path / "js").glob("chart.*.js.gz"))


def test_pages_send_a_strict_csp(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()
    assert " style=" not in response.content.decode()
