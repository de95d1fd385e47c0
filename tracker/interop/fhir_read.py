"""Reading a FHIR R4 Bundle: the index of its resources, values and dates with errors
per resource and field, and the DXA scans it holds (scans_from_bundle)."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tracker.clinical import history as h
from tracker.interop import fhir_codes as c


class Problem(Exception):
    """One thing wrong with one field of one resource."""


@dataclass
class Bundle:
    """The resources of a Bundle, by fullUrl and by "Type/id", in file order."""

    entries: list[tuple[str, dict]] = field(default_factory=list)
    by_ref: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, reference: dict | None) -> dict | None:
        if not isinstance(reference, dict):
            return None
        return self.by_ref.get(str(reference.get("reference", "")))


def read_bundle(data) -> Bundle:
    bundle = Bundle()
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        bundle.errors.append('The file is not a FHIR Bundle (resourceType must be "Bundle").')
        return bundle
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        bundle.errors.append("Bundle.entry must be a list.")
        return bundle
    for n, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            bundle.errors.append(f"Entry {n}: no resource with a resourceType.")
            continue
        label = f"{resource['resourceType']} {resource.get('id') or f'(entry {n})'}"
        bundle.entries.append((label, resource))
        if isinstance(entry.get("fullUrl"), str):
            bundle.by_ref[entry["fullUrl"]] = resource
        if isinstance(resource.get("id"), str):
            bundle.by_ref[f"{resource['resourceType']}/{resource['id']}"] = resource
    return bundle


def codings(concept) -> list[tuple[str, str]]:
    if not isinstance(concept, dict):
        return []
    found = concept.get("coding") or []
    return [
        (str(x.get("system", "")), str(x.get("code", ""))) for x in found if isinstance(x, dict)
    ]


def code_in(concept, system: str) -> str | None:
    return next((code for sys, code in codings(concept) if sys == system), None)


def text_of(concept) -> str:
    return str(concept.get("text", "")) if isinstance(concept, dict) else ""


def day(value, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise Problem(f"{what}: {value!r} is not a date (YYYY-MM-DD).") from None


def number(value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Problem(f"{what}: {value!r} is not a number.")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise Problem(f"{what}: {value!r} is not a number.") from None
    if not result.is_finite():
        raise Problem(f"{what}: {value!r} is not a number.")
    return result


def notes(resource: dict, *, skip: tuple[str, ...] = ()) -> str:
    texts = [n.get("text", "") for n in resource.get("note") or [] if isinstance(n, dict)]
    return "\n".join(str(t) for t in texts if t and t not in skip)


def extension(resource: dict, what: str):
    for ext in resource.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == c.own(what):
            return ext.get("valueBoolean")
    return None


def is_dxa_report(resource: dict) -> bool:
    return (
        resource.get("resourceType") == "DiagnosticReport"
        and code_in(resource.get("code"), c.LOINC) == c.DXA_PANEL
    )


def scans_from_bundle(data) -> list[dict]:
    """The DXA scans of a Bundle (ours or another system's), as the review screen for
    scans takes them: date, manufacturer, model, facility, vertebrae and sites
    ({site, side, bmd, t_score, z_score}), plus vertebral_fracture_found and notes.
    Raises Problem for the first report it cannot read."""
    bundle = read_bundle(data)
    if bundle.errors:
        raise Problem(bundle.errors[0])
    return [read_scan(bundle, r) for _, r in bundle.entries if is_dxa_report(r)]


VERTEBRAE = re.compile(r"L[1-4](?:\s*[-,]\s*L[1-4])*")
MANUFACTURERS = (("hologic", "hologic"), ("lunar", "ge_lunar"), ("ge ", "ge_lunar"))


def read_scan(bundle: Bundle, report: dict) -> dict:
    when = day(report.get("effectiveDateTime"), "effectiveDateTime")
    performers = report.get("performer") or []
    facility = str(performers[0].get("display", "")) if performers else ""
    scan = {
        "date": when,
        "manufacturer": "other",
        "model": "",
        "facility": facility,
        "vertebrae": "",
        "sites": [],
        "vertebral_fracture_found": any(
            "VFA" in text_of(x) or "vertebral fracture" in text_of(x)
            for x in report.get("conclusionCode") or []
        ),
        "notes": str(report.get("conclusion", "")),
    }
    sites: dict[tuple[str, str], dict] = {}
    for n, ref in enumerate(report.get("result") or [], start=1):
        obs = bundle.get(ref)
        if obs is None:
            raise Problem(f"result {n}: {ref!r} is not in the Bundle.")
        site, side, measure = _site_measure(obs, n)
        value = _value(obs, measure, n)
        row = sites.setdefault((site, side), {"site": site, "side": side})
        if measure in row:
            raise Problem(f"result {n}: a second {measure} for {site} ({side}).")
        row[measure] = value
        if site == "lumbar_spine" and (found := VERTEBRAE.search(text_of(obs.get("bodySite")))):
            scan["vertebrae"] = re.sub(r"\s+", "", found.group(0)).replace(",", ", ")
        device = bundle.get(obs.get("device"))
        if device:
            scan["manufacturer"], scan["model"] = _device(device)
    for key, row in sites.items():
        if "bmd" not in row:
            raise Problem(f"{key[0]} ({key[1]}): a T- or Z-score without a BMD.")
        scan["sites"].append({"t_score": None, "z_score": None, **row})
    return scan


def _device(device: dict) -> tuple[str, str]:
    maker = str(device.get("manufacturer", "")).lower() + " "
    make = next((code for word, code in MANUFACTURERS if word in maker), "other")
    names = [n for n in device.get("deviceName") or [] if isinstance(n, dict)]
    return make, str(names[0].get("name", "")) if names else ""


def _site_measure(obs: dict, n: int) -> tuple[str, str, str]:
    body = obs.get("bodySite")
    region = text_of(body).lower()
    ours = code_in(obs.get("code"), c.own("measure"))
    if ours and ours.count("/") == 1:
        site, measure = ours.split("/")
        side = "none"
    elif (loinc := code_in(obs.get("code"), c.LOINC)) in c.BY_CODE:
        group, side, measure = c.BY_CODE[loinc]
        site = {"spine": "lumbar_spine", "hip": "total_hip", "radius": "radius_33"}.get(group)
        if group == "femur":
            site = "trochanter" if "trochanter" in region else "femoral_neck"
            site = "wards" if "ward" in region else site
    else:
        raise Problem(f"result {n}: not a BMD, T-score or Z-score code of rule book section 9.")
    if site not in h.SITES or measure not in c.MEASURES:
        raise Problem(f"result {n}: unknown site or measure {ours!r}.")
    if side == "none":
        lateral = {code: s for s, (code, _) in c.LATERALITY.items()}
        side = next((lateral[code] for _, code in codings(body) if code in lateral), "none")
    if side == "none":
        side = next((s for s in ("left", "right") if s in region), "none")
    return site, side, measure


def _value(obs: dict, measure: str, n: int) -> Decimal:
    quantity = obs.get("valueQuantity")
    if not isinstance(quantity, dict):
        raise Problem(f"result {n}: valueQuantity is missing.")
    value = number(quantity.get("value"), f"result {n} valueQuantity.value")
    unit = str(quantity.get("code") or quantity.get("unit") or "")
    if measure == "bmd":
        if unit.replace("²", "2") == "mg/cm2":
            return value / 1000
        if unit.replace("²", "2") != "g/cm2":
            raise Problem(f"result {n}: a BMD in {unit!r}; expected g/cm2 or mg/cm2.")
    elif unit not in ("1", ""):
        raise Problem(f"result {n}: a score in {unit!r}; expected 1.")
    return value
