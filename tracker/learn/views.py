from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.clinical import rulebook
from tracker.clinical.assess import DISCLAIMER
from tracker.learn import topics


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


@require_GET
def index(request):
    """Placeholder until the learn pages land (issue 11): the list of topics."""
    return render(request, "learn/index.html", {"pages": topics.PAGES})


@require_GET
def page(request, slug: str):
    if slug not in topics.PAGES:
        raise Http404
    return render(request, "learn/index.html", {"pages": topics.PAGES, "current": slug})
