"""`{{ figure|figure_json:"chart-bmd-data" }}`: Django's json_script for the charts,
at a fraction of its cost. A 25-year bone density figure is about 50 KB of JSON, and
json_script escapes it with str.translate, character by character: a fifth of a cold
dashboard (issue 13). The same escapes (<, >, & as \\u escapes, so nothing in the data
can close the script element), with str.replace, which works in C."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def figure_json_text(figure) -> str:
    """The figure as JSON that is safe inside <script> (figures are plain JSON:
    tests/dashboard/conftest.py `valid`)."""
    return (
        json.dumps(figure, separators=(",", ":"))
        .replace("&", "\\u0026")
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
    )


@register.filter
def figure_json(figure, element_id: str) -> SafeString:
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(figure_json_text(figure)),  # noqa: S308 - escaped above
    )
