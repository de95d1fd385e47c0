"""The navigation's "People I care for" (issue 12), read from the cache on every page."""

from django import template

from tracker.accounts import caregivers

register = template.Library()


@register.simple_tag
def people_cared_for(user) -> list[dict]:
    return caregivers.people_cared_for(user)
