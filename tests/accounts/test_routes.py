"""Deny by default: every named URL asked anonymously goes to a login page,
except the short explicit public list."""

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {
    "accounts:login",
    "accounts:signup",
    "accounts:clinician-signup",
    "accounts:confirm-email",  # the signed, expiring token is the credential
    # Issue 12: the invitation's single-use random secret is the credential; a stranger
    # who got the email by mistake declines without an account.
    "accounts:caregiver-invitation",
    "accounts:caregiver-decline",
    "accounts:caregiver-signup",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "admin:login",  # sends everyone to accounts:login, the one throttled, two-step way in
    "healthz",
    "reminders:calendar-feed",  # the long random token is the credential
}
SAMPLE = {
    "int": 1,
    "string": "x",
    "path": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from named_routes(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = entry.pattern.converters
            kwargs = {
                key: SAMPLE[type(conv).__name__.replace("Converter", "").lower()]
                for key, conv in converters.items()
            }
            yield f"{namespace}{entry.name}", kwargs


def test_every_route_needs_login_except_the_public_list(client, db):
    checked = 0
    for name, kwargs in named_routes():
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:  # admin routes whose arguments are regex-constrained
            continue
        response = client.get(url)
        checked += 1
        if name in PUBLIC:
            assert response.status_code in (200, 302, 404, 405), name
            if response.status_code == 302 and name != "admin:login":
                assert "login" not in response["Location"], name
        else:
            assert response.status_code == 302, (name, response.status_code)
            assert "/login/" in response["Location"], (name, response["Location"])
    assert checked > 20


def test_public_pages_render(client, db):
    for name in [
        "accounts:login",
        "accounts:signup",
        "accounts:clinician-signup",
        "accounts:password-reset",
    ]:
        assert client.get(reverse(name)).status_code == 200, name
