"""The access ladder (style.md): every view, every member of the cast."""

from django.conf import settings
from django.shortcuts import resolve_url

ROLES = ["anonymous", "owner", "other_patient", "clinician", "other_clinician", "admin"]

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


def rung(as_role, url: str, role: str, expected: int, method: str = "get") -> None:
    """One role on one URL; anonymous must be sent to sign in."""
    response = getattr(as_role(role), method)(url)
    assert response.status_code == expected, (url, role)
    if role == "anonymous":
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
