"""What reading a DXA report gives back: plain values for the review screen.

Nothing here is saved: a person checks every value on the review screen first.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, kw_only=True)
class ReadSite:
    site: str  # a tracker.clinical.history.SITES code
    side: str  # "none" | "left" | "right"
    bmd: Decimal | None  # g/cm², 3 decimals
    t_score: Decimal | None  # 1 decimal
    z_score: Decimal | None  # 1 decimal


@dataclass(frozen=True, kw_only=True)
class ReadReport:
    method: str  # "pdf-text" or "ocr"
    text: str
    is_report: bool
    date: datetime.date | None
    manufacturer: str | None  # "hologic" | "ge_lunar" | "other"
    model: str
    facility: str
    vertebrae: str | None  # a records.models.VERTEBRAE_CHOICES label
    sites: tuple[ReadSite, ...]
    notes: tuple[str, ...]
    pages: tuple[bytes, ...] = ()


class ReportError(ValueError):
    """A file we refuse to read; the message is shown to the person as it is."""
