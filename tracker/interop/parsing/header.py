"""The report's header: scan date, scanner make and model, facility."""

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = [
    re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<m>\d\d?)-(?P<d>\d\d?)"),
    re.compile(r"(?P<a>\d\d?)[/.](?P<b>\d\d?)[/.](?P<year>(?:19|20)\d\d)"),
    re.compile(r"(?P<d>\d\d?) " + _MONTH + r",? (?P<year>(?:19|20)\d\d)"),
    re.compile(_MONTH + r" (?P<d>\d\d?),? (?P<year>(?:19|20)\d\d)"),
]
# Labels of the scan date; birth, print and analysis dates are other dates.
_SCAN_DATE_LABEL = re.compile(
    r"\b(scan(?:ned)?|exam(?:ination)?|study|measured|acquired|acquisition"
    r"|date of (?:exam|scan|study))"
    r"\b[^:\n]*?(?:date|on)?\s*:?",
    re.IGNORECASE,
)
_OTHER_DATE = re.compile(r"birth|dob|printed|analy[sz]ed|report(?:ed)? date|signed", re.IGNORECASE)

MAKES: list[tuple[str, re.Pattern[str]]] = [
    ("hologic", re.compile(r"\bhologic\b|\bapex\b|\bqdr\b|\bhorizon\b|\bdiscovery\b", re.I)),
    ("ge_lunar", re.compile(r"\blunar\b|\bencore\b|\bprodigy\b|\bidxa\b|\bge healthcare\b", re.I)),
    ("other", re.compile(r"\bnorland\b|\bstratos\b|\bmedilink\b|\bosteosys\b|\bswissray\b", re.I)),
]
_MODELS = re.compile(
    r"\b(Horizon ?[ACWi]{1,2}|Discovery ?(?:[ACWi]{1,2}|SL)?|QDR[- ]?\d{4}\w*|Explorer|"
    r"Prodigy(?: Advance| Primo| Pro)?|iDXA|DPX[- ]?\w+|Stratos(?: dR)?|"
    r"Norland [\w-]+|XR-\d+|Medix DR|Primus)\b",
    re.IGNORECASE,
)
_MODEL_LABEL = re.compile(r"^\s*(?:scanner|device|model|system|densitometer)\s*:\s*(.+)$", re.I)
_FACILITY_LABEL = re.compile(
    r"^\s*(?:facility|institution|center|centre|clinic|hospital|site name)\s*:\s*(.+)$", re.I
)


def _month(name: str) -> int | None:
    return MONTHS.get(name.lower())


def _build(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_in(text: str, *, us: bool, notes: list[str]) -> datetime.date | None:
    for form in _DATE_FORMS:
        match = form.search(text)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["year"])
        if "a" in parts:
            first, second = int(parts["a"]), int(parts["b"])
            if first > 12 >= second:
                return _build(year, second, first)
            if second > 12 >= first or first == second:
                return _build(year, first, second)
            if us:
                notes.append(
                    f"The date {match[0]} was read as month/day/year, as US reports print it."
                )
                return _build(year, first, second)
            notes.append(
                f"The date {match[0]} could be day/month or month/day: please enter the date."
            )
            return None
        month = int(parts["m"]) if "m" in parts else _month(parts["month"])
        if month is None:
            continue
        return _build(year, month, int(parts["d"]))
    return None


def scan_date(lines: list[str], *, us: bool, notes: list[str]) -> datetime.date | None:
    """The date on a line labelled as the scan's (never a birth or print date)."""
    for line in lines:
        label = _SCAN_DATE_LABEL.search(line)
        if not label:
            continue
        rest = line[label.start() :]
        other = _OTHER_DATE.search(rest)
        if other:
            rest = rest[: other.start()]
        found = _date_in(rest, us=us, notes=notes)
        if found:
            return found
    return None


def manufacturer(text: str) -> str | None:
    for code, pattern in MAKES:
        if pattern.search(text):
            return code
    return None


def model(lines: list[str]) -> str:
    for line in lines:
        label = _MODEL_LABEL.match(line)
        if label:
            found = _MODELS.search(label[1])
            return (found[0] if found else label[1].strip())[:60]
    for line in lines:
        found = _MODELS.search(line)
        if found:
            return found[0][:60]
    return ""


def facility(lines: list[str]) -> str:
    for line in lines:
        label = _FACILITY_LABEL.match(line)
        if label:
            return label[1].strip()[:120]
    return ""
