"""What every chart shares: the palette, font and sizes, and the label and format helpers.

Draws nothing itself. `site_label`, `SIDE_ORDER` and `site_results` also serve
the dashboard tables, so a site reads and sorts the same in a chart and a table
(sites and sides as in rule book section 1).
"""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from typing import Any

from tracker.clinical.history import SITE_LABELS, PatientHistory, SiteResult

Figure = dict[str, Any]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SERIES_COLOURS: tuple[str, ...] = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK)

FONT_SIZE = 14
HEIGHT_PX = 420
MS_PER_DAY = 86_400_000
DATE_HOVER = "%{x|%-d %b %Y}"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

SIDE_ORDER = {"none": 0, "left": 1, "right": 2}


# --- formatting helpers -------------------------------------------------------------


def _num(value: Decimal, places: int) -> float:
    return round(float(value), places)


def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def _month(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _duration(days: int) -> str:
    months = round(days / 30.4375)
    if months < 1:
        return "1 day" if days == 1 else f"{days} days"
    if months < 24:
        return "1 month" if months == 1 else f"{months} months"
    return f"{months // 12} years"


def _years(first: date, last: date) -> str:
    return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"


def lower_first(name: str) -> str:
    """A drug's name inside a sentence: "Alendronate" -> "alendronate"."""
    return name[:1].lower() + name[1:]


def signed_pct(value: Decimal) -> str:
    """A change as the tables and hovers write it: "+4.1", "-0.6", "0.0" (never "+0.0")."""
    return "0.0" if value == 0 else f"{value:+.1f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def plain_text(value: str) -> str:
    """Text someone typed (a scanner model, a facility), ready for a figure.

    Plotly draws a subset of HTML (<a href>, <b>, <br>...) in trace names, hover text
    and annotations, and decodes entities when it draws: escaping shows the text as
    typed and never as a link. Every user-typed string enters a figure through here.
    """
    return html.escape(value, quote=False)


def site_label(site: str, side: str) -> str:
    """Human-readable series name: "Lumbar spine", "Total hip (left)"."""
    label = SITE_LABELS[site]
    label = label[:1].upper() + label[1:]
    return label if side == "none" else f"{label} ({side})"


def _base_layout(title: str, *, subtitle: str = "", height: int = HEIGHT_PX) -> Figure:
    title_dict: dict[str, Any] = {"text": title, "x": 0, "xanchor": "left"}
    if subtitle:
        title_dict["subtitle"] = {"text": subtitle}
    return {
        "title": title_dict,
        "autosize": True,
        "height": height,
        "font": {"size": FONT_SIZE},
        "margin": {"l": 64, "r": 24, "t": 80 if subtitle else 64, "b": 48},
        "hovermode": "closest",
        "legend": {"orientation": "h"},
    }


def _empty_note(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": FONT_SIZE},
    }


def site_results(history: PatientHistory) -> dict[tuple[int, str, str], SiteResult]:
    # change_rows keeps the first result of a site and side on a scan; so do we.
    found: dict[tuple[int, str, str], SiteResult] = {}
    for scan in history.scans:
        for result in scan.sites:
            found.setdefault((scan.id, result.site, result.side), result)
    return found
