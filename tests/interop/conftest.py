import pytest

from tests.interop.helpers import reports_storage_in


@pytest.fixture(autouse=True)
def _reports_storage(monkeypatch, tmp_path):
    reports_storage_in(monkeypatch, tmp_path / "reports")
    return tmp_path / "reports"
