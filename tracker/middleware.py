from django.conf import settings


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
