"""Placeholder of the report reader's interface: replaced by the reader (issue 10)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

MAX_BYTES = 10 * 1024 * 1024


class ReportError(ValueError):
    """Why a file cannot be read, in words for the person who uploaded it."""


@dataclass(frozen=True, kw_only=True)
class ReadSite:
    site: str
    side: str
    bmd: Decimal | None
    t_score: Decimal | None
    z_score: Decimal | None


@dataclass(frozen=True, kw_only=True)
class ReadReport:
    method: str
    text: str
    is_report: bool
    date: datetime.date | None
    manufacturer: str | None
    model: str
    facility: str
    vertebrae: str | None
    sites: tuple[ReadSite, ...]
    notes: tuple[str, ...]
    pages: tuple[bytes, ...]  # PNG page images, metadata-free; may be empty


def ocr_available() -> bool:
    return False


def read_report(data: bytes, *, filename: str = "") -> ReadReport:
    raise ReportError("not available yet")
