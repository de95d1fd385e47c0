"""Accessibility of the frame every page shares (issue 11, item 11): the navigation's
contrast, computed from the colours in site.css, and the current page marked in it."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

SITE_CSS = Path(__file__).resolve().parent.parent / "static/css/site.css"


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour written #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        [relative_luminance(foreground), relative_luminance(background)], reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def css_variable(name: str) -> str:
    return re.search(rf"{name}:\s*(#[0-9a-fA-F]{{6}})", SITE_CSS.read_text()).group(1)


@pytest.mark.parametrize(
    ("foreground", "background", "expected"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#ffffff", "#0d6efd", 4.5)],
)
def test_contrast_ratio_matches_known_pairs(foreground, background, expected):
    assert contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.05)


def test_navigation_text_has_at_least_4_5_to_1_contrast():
    ratio = contrast_ratio(css_variable("--bt-nav-link"), css_variable("--bt-nav-bg"))
    assert ratio >= 4.5, f"navigation contrast {ratio:.2f}:1"


def test_the_navbar_uses_the_checked_colours(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'class="navbar navbar-expand-lg navbar-dark site-navbar"' in html


def current_links(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page">', html)


def test_the_patients_current_page_is_marked_in_the_navigation(as_role):
    client = as_role("owner")
    html = client.get(reverse("accounts:sharing")).content.decode()
    assert current_links(html) == [reverse("accounts:sharing")]


def test_the_clinicians_current_page_is_marked_in_the_navigation(as_role):
    client = as_role("clinician")
    html = client.get(reverse("dashboard:panel")).content.decode()
    assert current_links(html) == [reverse("dashboard:panel")]


def test_a_page_outside_the_navigation_marks_nothing(as_role):
    client = as_role("owner")
    html = client.get(reverse("accounts:account")).content.decode()
    assert current_links(html) == []


def test_sign_in_is_marked_when_signed_out(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert current_links(html) == [reverse("accounts:login")]
