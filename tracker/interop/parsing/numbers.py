"""Reading numbers from report text, printed or OCR'd: never guess.

A value that does not have the exact printed form (BMD with three decimals,
scores with one) is None: shown as missing, which is better than wrong.
"""

import re
from decimal import Decimal

_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-"})
# OCR look-alikes inside a number: O for 0, l or I for 1.
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})
_NUMBERISH = re.compile(r"(?<![A-Za-z])[-+]?[\dOolI]+(?:\.[\dOolI]+)?(?![A-Za-z])")
_SPLIT_POINT = re.compile(r"(\d) ?\. (\d)|(\d) \.(\d)")
_SPLIT_SIGN = re.compile(r"(^|\s)([-+]) (\d)")

BMD_G = re.compile(r"^\d\.\d{3}$")
BMD_MG = re.compile(r"^\d{3,4}(?:\.\d)?$")
SCORE = re.compile(r"^[-+]?\d\.\d$")
THOUSAND = Decimal(1000)


def clean_line(line: str) -> str:
    """Undo common OCR damage to numbers: '-1 .9' and '- 1.9' to '-1.9', 'O.8l2' to '0.812'.

    Decimal commas are left alone ('1,020' may be a thousand and twenty): unread."""
    line = line.translate(_DASHES)
    line = _SPLIT_POINT.sub(lambda m: f"{m[1] or m[3]}.{m[2] or m[4]}", line)
    line = _SPLIT_SIGN.sub(r"\1\2\3", line)
    return _NUMBERISH.sub(_fix_number, line)


def _fix_number(match: re.Match[str]) -> str:
    text = match[0]
    if not any(ch.isdigit() for ch in text):
        return text
    return text.translate(_LOOKALIKE)


def is_value_token(token: str) -> bool:
    """A table cell: anything with a digit (a number, or a damaged one)."""
    return any(ch.isdigit() for ch in token)


def bmd(token: str | None, *, mg: bool = False) -> Decimal | None:
    """BMD in g/cm², 3 decimals; mg/cm² (e.g. 851) converted when mg is true."""
    if token is None:
        return None
    token = token.strip().rstrip("%")
    if mg:
        if not BMD_MG.match(token):
            return None
        return (Decimal(token) / THOUSAND).quantize(Decimal("0.001"))
    if not BMD_G.match(token):
        return None
    return Decimal(token)


def score(token: str | None) -> Decimal | None:
    """A T- or Z-score with one decimal, or None."""
    if token is None:
        return None
    token = token.strip()
    if not SCORE.match(token):
        return None
    return Decimal(token.lstrip("+"))
