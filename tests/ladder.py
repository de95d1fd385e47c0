"""The access ladder (style.md): every view, every member of the cast."""

from django.conf import settings
from django.shortcuts import resolve_url

# Who may read a patient's record: the patient and a clinician with an active link.
# Everyone else gets 404 (existence is not leaked); anonymous goes to sign in.
READERS = {
    "anonymous": 302,
    "owner": 200,
    "other_patient": 404,
    "clinician": 200,
    "other_clinician": 404,
    "admin": 404,
}


def check_ladder(as_role, url: str, expected: dict[str, int], method: str = "get") -> None:
    """`expected` maps cast roles to status codes; anonymous must redirect to login."""
    login_url = resolve_url(settings.LOGIN_URL)
    seen = {}
    for role in expected:
        client = as_role(role)
        response = getattr(client, method)(url)
        seen[role] = response.status_code
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith(login_url), response["Location"]
        client.logout()
    assert seen == expected, url
