"""The navigation's addresses, reversed once per script prefix (tracker.navigation)."""

from django.template.loader import render_to_string
from django.urls import reverse, set_script_prefix

from tracker import navigation


def test_each_address_is_its_patterns():
    found = navigation.addresses()
    assert found == {name: reverse(pattern) for name, pattern in navigation.NAMED.items()}
    assert navigation.addresses() is found  # reversed once, then kept


def test_a_deployment_under_a_sub_path_gets_its_own_addresses():
    try:
        set_script_prefix("/bonetrack/")
        assert navigation.addresses()["panel"] == "/bonetrack/patients/"
    finally:
        set_script_prefix("/")
    assert navigation.addresses()["panel"] == "/patients/"


def test_an_error_page_rendered_without_a_request_still_links_home():
    page = render_to_string("500.html")
    assert f'href="{reverse("home")}"' in page
    assert f'href="{reverse("accounts:login")}"' in page
    assert 'href=""' not in page


def test_the_pages_link_to_where_they_did(client, cast, patient):
    client.force_login(cast["clinician"])
    page = client.get(reverse("dashboard:panel")).content.decode()
    for name in ("dashboard:panel", "dashboard:quality", "learn:rules", "accounts:logout"):
        assert f'"{reverse(name)}"' in page
    assert f'href="{reverse("dashboard:panel")}" aria-current="page"' in page
    client.force_login(cast["owner"])
    page = client.get(reverse("accounts:sharing")).content.decode()
    assert f'href="{reverse("accounts:sharing")}" aria-current="page"' in page
    assert f'href="{reverse("dashboard:patient", args=[patient.pk])}"' in page
    assert 'href=""' not in page
