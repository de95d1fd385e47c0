"""How BoneTrack decides: the rule book page, for anyone signed in."""

import pytest
from django.urls import reverse

from tracker.clinical import alerts
from tracker.clinical.rulebook import RULES

URL = "/learn/rules/"
# Its access ladder (every signed-in role) is in tests/test_ladders.py.


def test_url_name():
    assert reverse("learn:rules") == URL


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method(as_role, method):
    client = as_role("owner")
    assert getattr(client, method)(URL).status_code == 405


def test_page_shows_every_rule_with_its_values(client, patient):
    client.force_login(patient.user)
    page = client.get(URL).content.decode()
    assert '<h1 class="h2">How BoneTrack decides</h1>' in page
    for entry in RULES:
        assert f'id="rule-{entry.rule_id}"' in page
        assert f'<code class="rule-id">{entry.rule_id}</code>' in page
    assert "<code>DMAB_LATE_AFTER_DAYS</code> = <strong>210</strong>" in page
    assert "More than 210 days (7 months)" in page
    assert 'id="convention-11-27"' in page
    assert "5.1 Drug warnings" in page and "4. When is the next DXA due?" in page
    # The disclaimer in the page itself, not only in the footer.
    assert "For information; decisions belong to you and your clinician." in page


def test_values_come_from_the_engine(client, patient, monkeypatch):
    monkeypatch.setattr(alerts, "DMAB_LATE_AFTER_DAYS", 211)
    client.force_login(patient.user)
    page = client.get(URL).content.decode()
    assert "<code>DMAB_LATE_AFTER_DAYS</code> = <strong>211</strong>" in page


@pytest.mark.parametrize("role", ["owner", "clinician", "admin"])
def test_every_signed_in_user_finds_it_in_the_navigation(as_role, role):
    page = as_role(role).get(reverse("accounts:password-change")).content.decode()
    assert f'href="{URL}">How BoneTrack decides</a>' in page


def test_strict_csp_holds(client, patient):
    client.force_login(patient.user)
    response = client.get(URL)
    page = response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<script>" not in page and " style=" not in page


@pytest.mark.parametrize(("role", "queries"), [("clinician", 3), ("owner", 3)])
def test_query_count(as_role, role, queries, django_assert_num_queries):
    # The session and the user; a clinician's verified two-step device (issue 9);
    # a patient's navigation adds their record's link.
    client = as_role(role)
    client.get(URL)  # the first request after sign-in writes the session's clocks
    with django_assert_num_queries(queries):
        assert client.get(URL).status_code == 200
