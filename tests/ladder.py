"""The access ladder (style.md): every view, every member of the cast."""

from django.conf import settings
from django.shortcuts import resolve_url


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
