"""Reading the clinician's fracture-care entries from a FHIR Bundle (issue 12): a FRAX
result (an Observation with BoneTrack's own code) and a falls assessment (a Procedure),
as BoneTrack exports them. Only a clinician's import adds them (they are clinician-only
kinds); a patient's import lists them as not added."""

from tracker.clinical import frax
from tracker.interop import fhir_codes as c
from tracker.interop.fhir_read import Problem, code_in, notes, number, text_of
from tracker.records import models as m

# The kinds of the import's plan, with what they are called in its summary.
LABELS = {"falls_assessments": "falls assessments", "frax": "FRAX results"}
# The natural key of a row, stored or read: what makes two the same entry.
KEYS = {
    "falls_assessments": (m.FallsAssessment, lambda x: (x.date, x.assessed_by, x.outcome)),
    "frax": (m.FraxResult, lambda x: (x.date, x.major, x.hip)),
}


def is_frax(resource: dict) -> bool:
    return code_in(resource.get("code"), c.own("observation")) == c.FRAX


def is_falls_assessment(resource: dict) -> bool:
    return (
        resource.get("resourceType") == "Procedure"
        and code_in(resource.get("code"), c.own("procedure")) == c.FALLS_ASSESSMENT
    )


def frax_result(r: dict, when, common: dict) -> m.FraxResult:
    values = {}
    for n, part in enumerate(r.get("component") or [], start=1):
        name = code_in(part.get("code"), c.own("frax"))
        if name in c.FRAX_PARTS:
            values[name] = number((part.get("valueQuantity") or {}).get("value"), f"component {n}")
    for name in c.FRAX_PARTS:
        if name not in values:
            raise Problem(f"component: no {c.FRAX_PARTS[name]}.")
    for name, message in frax.check_result(major=values["major"], hip=values["hip"]):
        raise Problem(f"component {name}: {message}")
    return m.FraxResult(
        **common,
        date=when,
        major=values["major"],
        hip=values["hip"],
        bmd_used=code_in(r.get("method"), c.own("frax-bmd")) or "",
        model_note=notes(r),
    )


def falls_assessment(r: dict, when, common: dict) -> m.FallsAssessment:
    performers = r.get("performer") or [{}]
    actor = performers[0].get("actor") if isinstance(performers[0], dict) else None
    by = str(actor.get("display", "")) if isinstance(actor, dict) else ""
    if not by:
        raise Problem("performer: who assessed is missing.")
    return m.FallsAssessment(
        **common,
        date=when,
        assessed_by=by,
        outcome=text_of(r.get("outcome")),
        notes=notes(r),
    )
