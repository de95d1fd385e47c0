"""The access ladder (style.md): every view, every member of the cast."""

from django.conf import settings
from django.shortcuts import resolve_url

ROLES = [
    "anonymous",
    "owner",
    "other_patient",
    "clinician",
    "other_clinician",
    "admin",
    # Issue 12: a link, not a role. The owner's caregiver (an account with no record of
    # its own), another patient's caregiver (a patient with a record of their own) and a
    # caregiver whose link to the owner ended.
    "caregiver",
    "other_caregiver",
    "ended_caregiver",
]

# Who may read a patient's record: the patient, a clinician with an active link and a
# caregiver with an active link. Everyone else gets 404 (existence is not leaked);
# anonymous goes to sign in.
READERS = {
    "anonymous": 302,
    "owner": 200,
    "other_patient": 404,
    "clinician": 200,
    "other_clinician": 404,
    "admin": 404,
    "caregiver": 200,
    "other_caregiver": 404,
    "ended_caregiver": 404,
}


def rung(as_role, url: str, role: str, expected: int, method: str = "get") -> None:
    """One role on one URL; anonymous must be sent to sign in."""
    response = getattr(as_role(role), method)(url)
    assert response.status_code == expected, (url, role)
    if role == "anonymous":
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
