from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tracker.accounts.access import patient_for
from tracker.clinical import rulebook
from tracker.clinical.assess import DISCLAIMER
from tracker.learn import topics
from tracker.learn.drug_facts import drug_facts
from tracker.learn.pages import RELATED
from tracker.learn.questions import for_visit


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
    """The learn pages, for anyone signed in: plain words, no patient data."""
    return render(request, "learn/index.html", {"pages": topics.PAGES})


@require_GET
def page(request, slug: str):
    if slug not in topics.PAGES:
        raise Http404
    context = {
        "slug": slug,
        "title": topics.PAGES[slug],
        "related": [(other, topics.PAGES[other]) for other in RELATED[slug]],
    }
    if slug == "drugs":
        context["drugs"] = drug_facts()
    return render(request, f"learn/pages/{slug}.html", context)


@require_GET
def questions(request, patient_id: int):
    """Questions for my next visit: printable, built from the record's open items."""
    patient = patient_for(request, patient_id, what="opened the questions for your next visit")
    today = timezone.localdate()
    context = {"patient": patient, "today": today, "questions": for_visit(request, patient, today)}
    return render(request, "learn/questions.html", context)
