from django.conf import settings
from django.utils.cache import add_never_cache_headers


class ContentSecurityPolicyMiddleware:
    """Send the strict Content-Security-Policy on every response.

    No inline scripts or styles anywhere: charts get their data through
    json_script and plotly's global CSS is a static file (see base.html).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class PrivacyHeadersMiddleware:
    """No browser or proxy keeps a signed-in page (each may hold health data), and no
    page may use the camera, microphone, location and other powerful features.

    Anonymous pages (sign-in, sign-up, static files) may still be cached; the calendar
    feed, which is fetched without a session, marks itself never_cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)  # unset when whitenoise answered first
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
