"""Printing: Markdown tables that paste straight into the README."""

import sys
import time


def table(headers: list[str], rows: list[list[object]]) -> list[str]:
    """A Markdown table, columns padded so that it also reads as plain text."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        padded = (
            value.ljust(width) if i == 0 else value.rjust(width)
            for i, (value, width) in enumerate(zip(row, widths, strict=True))
        )
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return [line(cells[0]), rule, *(line(row) for row in cells[1:])]


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ratio(value: float, base: float) -> str:
    """How many times the minimal view's cost: 1 decimal, 2 under 2 (so 1.04 reads)."""
    x = value / base if base else float("nan")
    return f"{x:.2f}" if x < 2 else f"{x:.1f}"


def emit(lines: list[str] | str = "") -> None:
    """Print at once, so that a long run shows each section as it ends."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    print(text, flush=True)
    sys.stdout.flush()


def progress(message: str) -> None:
    """What the bench is doing now, on stderr (stdout is the report)."""
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
