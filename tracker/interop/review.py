"""The review of a read report: the read values as the ordinary scan form's data, and
which of them were read and which are missing. The form's own rules (plausibility
included) then judge them exactly as typed input."""

from dataclasses import dataclass

from tracker.records.forms import NEW_SCAN_ROWS
from tracker.records.guards import new_token
from tracker.records.models import MANUFACTURER_CHOICES, SITE_CHOICES

READ, MISSING = "read", "missing"
SCAN_FIELDS = ("date", "manufacturer", "model", "facility")
SITE_VALUES = ("bmd", "t_score", "z_score")
MANUFACTURERS = {code for code, _ in MANUFACTURER_CHOICES}
SITES = {code for code, _ in SITE_CHOICES}


@dataclass(frozen=True)
class Prefill:
    data: dict[str, str]  # the scan form's and the site formset's data, as if posted
    scan_marks: dict[str, str]  # field -> READ | MISSING
    site_marks: list[dict[str, str]]  # per row: field -> READ | MISSING


def _manufacturer(value: str | None) -> str:
    if not value:
        return ""
    return value if value in MANUFACTURERS else "other"


def prefill(read: dict) -> Prefill:
    scan = {
        "date": read.get("date") or "",
        "manufacturer": _manufacturer(read.get("manufacturer")),
        "model": read.get("model") or "",
        "facility": read.get("facility") or "",
    }
    data = {**scan, "notes": read.get("scan_notes") or "", "submission": new_token(), "version": ""}
    if read.get("vertebral_fracture_found"):
        data["vertebral_fracture_found"] = "on"
    scan_marks = {name: READ if scan[name] else MISSING for name in SCAN_FIELDS}
    rows = [row for row in read.get("sites", []) if row.get("site") in SITES]
    if not rows:  # nothing read: the usual empty rows, every value to type
        rows = [dict(row) for row in NEW_SCAN_ROWS]
    site_marks = []
    for index, row in enumerate(rows):
        prefix = f"sites-{index}-"
        values = {name: row.get(name) or "" for name in SITE_VALUES}
        data |= {
            f"{prefix}site": row["site"],
            f"{prefix}side": row.get("side") or "none",
            f"{prefix}vertebrae": (read.get("vertebrae") or "L1-L4")
            if row["site"] == "lumbar_spine"
            else "",
            **{f"{prefix}{name}": value for name, value in values.items()},
        }
        site_marks.append({name: READ if value else MISSING for name, value in values.items()})
    data |= {
        "sites-TOTAL_FORMS": str(len(rows)),
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
    }
    return Prefill(data=data, scan_marks=scan_marks, site_marks=site_marks)
