"""Password-reset links come from SITE_URL, never from the request's Host header
(issue 9, item 10): a spoofed host must not receive a working reset link."""

import re

from django.urls import reverse


def test_reset_link_uses_site_url_not_the_request_host(client, patient, settings, mailoutbox):
    settings.SITE_URL = "https://bonetrack.example.org"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    response = client.post(
        reverse("accounts:password-reset"),
        {"email": patient.user.email},
        HTTP_HOST="evil.example",
    )
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert "evil.example" not in mail.body
    assert "evil.example" not in mail.subject
    links = re.findall(r"https?://\S+", mail.body)
    assert links and all(
        link.startswith("https://bonetrack.example.org/accounts/password/reset/") for link in links
    )
