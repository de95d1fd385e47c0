from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.clinical import rulebook
from tracker.clinical.assess import DISCLAIMER


@require_GET
def rules(request):
    """How BoneTrack decides: the rule book, for anyone signed in (it holds no patient data)."""
    return render(
        request,
        "learn/rules.html",
        {
            "sections": rulebook.sections(),
            "severities": rulebook.SEVERITIES,
            "disclaimer": DISCLAIMER,
        },
    )
