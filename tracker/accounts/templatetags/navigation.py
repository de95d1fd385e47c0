"""`{% navigation as nav %}`: the navigation's addresses (tracker.navigation), reversed
once per process; base.html sets `nav` for itself and its includes, on every page,
the error pages (rendered without a request's context) included."""

from django import template

from tracker import navigation

register = template.Library()


@register.simple_tag
def addresses() -> dict[str, str]:
    return navigation.addresses()
