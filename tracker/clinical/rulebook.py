"""The rule book ("How BoneTrack decides"): every rule the engine applies, in words.

Each entry names its constants; their values are looked up in the engine
modules when the book is rendered, never copied here, so the book cannot
drift from the code. Sources come from `alerts.SOURCES` where the rule has an
entry there. Sections are numbered like the clinical specification, so a
source that says "section 5.1" points at section 5.1 of this book.

The words live in `rulebook_text.py` and `rulebook_conventions.py`; this module
types, resolves and renders them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType

from tracker.clinical import (
    alerts,
    assess,
    change,
    classify,
    exercise,
    frax,
    plausibility,
    quality,
    response,
    schedule,
    therapy,
)
from tracker.clinical import rulebook_quality as quality_text
from tracker.clinical import rulebook_text as text
from tracker.clinical.rulebook_conventions import CONVENTIONS as CONVENTION_TEXTS

# Where constants are looked up, modules that others import from first, so a
# name that one module imports from another is shown under the module defining it.
ENGINE_MODULES: tuple[ModuleType, ...] = (
    classify,
    change,
    therapy,
    schedule,
    alerts,
    plausibility,
    exercise,
    response,
    quality,
    frax,
    assess,
)
NOT_DEFINED = "not in the engine yet"

# (number, title, introduction), in the specification's order.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("1.1", "Plausibility of input", "Checks on a scan value as it is entered [ours]."),
    ("2", "Classification", "The WHO category of the latest scan and the standing diagnosis."),
    (
        "3",
        "Is a change real? Least significant change (LSC)",
        "Change is judged on BMD in g/cm², never on T-scores.",
    ),
    (
        "4",
        "When is the next DXA due?",
        "The reminders first, then the interval rules in the order the engine tries them: "
        "the first that applies sets the due date. Every reminder says which one did.",
    ),
    (
        "5.1",
        "Drug warnings",
        "Schedules run from the dose actually given, not from the planned date.",
    ),
    ("6", "Treatment goals and failure", ""),
    ("7", "Fractures, falls, height", ""),
    (
        "10",
        "Fracture-risk calculators",
        "BoneTrack calculates no fracture risk of its own.",
    ),
    (
        "11",
        "Conventions and edge cases",
        "Where the rules above leave a choice, the engine follows these.",
    ),
)

SEVERITIES: tuple[tuple[str, str], ...] = (
    ("info", "for the patient"),
    ("warn", "for the patient and the clinician"),
    ("alert", "the clinician must acknowledge it"),
)
SEVERITY_LEVELS = frozenset(name for name, _ in SEVERITIES)


@dataclass(frozen=True, kw_only=True)
class Constant:
    name: str
    module: str | None  # e.g. "tracker.clinical.alerts"; None while no engine module has it
    value: object

    @property
    def defined(self) -> bool:
        return self.module is not None

    @property
    def shown(self) -> str:
        return format_value(self.value) if self.defined else NOT_DEFINED


def format_value(value: object) -> str:
    """A constant as a clinician reads it: 5.3, "yes", "lumbar_spine: 5.3; total_hip: 5.0"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {format_value(item)}" for key, item in value.items())
    if isinstance(value, tuple):
        return ", ".join(
            f"({format_value(item)})" if isinstance(item, tuple) else format_value(item)
            for item in value
        )
    return str(value)


def constant(name: str) -> Constant:
    for module in ENGINE_MODULES:
        if hasattr(module, name):
            return Constant(name=name, module=module.__name__, value=getattr(module, name))
    return Constant(name=name, module=None, value=None)


class _NamesConstants:
    constants: tuple[str, ...]

    def constant_values(self) -> tuple[Constant, ...]:
        return tuple(constant(name) for name in self.constants)

    def _fill(self, text: str) -> str:
        """`{NAME}` in the text becomes the constant's current value (its name while undefined)."""
        return text.format_map(
            {c.name: c.shown if c.defined else c.name for c in self.constant_values()}
        )


@dataclass(frozen=True, kw_only=True)
class Rule(_NamesConstants):
    """One rule id: what raises it, how loud it is, and why."""

    rule_id: str
    section: str  # as numbered in the specification: "4", "5.1"
    title: str  # short, for clinicians
    severity: str  # "warn", or e.g. "info at 24 months, warn at 36 months"
    meaning: str  # plain language, a sentence or three
    constants: tuple[str, ...] = ()
    source: str

    @property
    def anchor(self) -> str:
        return f"rule-{self.rule_id}"

    @property
    def level(self) -> str:
        """ "info", "warn" or "alert" when the rule has one severity; "" when it depends."""
        return self.severity if self.severity in SEVERITY_LEVELS else ""

    @property
    def meaning_shown(self) -> str:
        return self._fill(self.meaning)

    @property
    def severity_shown(self) -> str:
        return self._fill(self.severity)


@dataclass(frozen=True, kw_only=True)
class Reference(_NamesConstants):
    """Thresholds outside the alert rules: plausibility, classification, change."""

    section: str
    title: str
    meaning: str
    constants: tuple[str, ...] = ()
    source: str

    @property
    def meaning_shown(self) -> str:
        return self._fill(self.meaning)


@dataclass(frozen=True, kw_only=True)
class Convention(_NamesConstants):
    """One of the decided edge cases of section 11."""

    number: str  # "11.1" ... "11.28"
    title: str
    text: str
    constants: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return "convention-" + self.number.replace(".", "-")

    @property
    def text_shown(self) -> str:
        return self._fill(self.text)


@dataclass(frozen=True, kw_only=True)
class Section:
    number: str
    title: str
    intro: str = ""
    references: tuple[Reference, ...] = ()
    rules: tuple[Rule, ...] = ()
    conventions: tuple[Convention, ...] = ()

    @property
    def heading(self) -> str:
        """ "4. When is the next DXA due?" or "5.1 Drug warnings", as the specification numbers."""
        dot = "" if "." in self.number else "."
        return f"{self.number}{dot} {self.title}"

    @property
    def anchor(self) -> str:
        return "section-" + self.number.replace(".", "-")


def _rule(fields: dict[str, object]) -> Rule:
    # A rule with an entry in alerts.SOURCES takes its source from there, its one
    # definition; the text's own "source" serves only rules without one (yet).
    source = alerts.SOURCES.get(str(fields["rule_id"]), fields.get("source"))
    return Rule(**{**fields, "source": source})


RULES: tuple[Rule, ...] = tuple(_rule(fields) for fields in text.RULES)
REFERENCES: tuple[Reference, ...] = tuple(
    Reference(**fields) for fields in (*text.REFERENCES, *quality_text.REFERENCES)
)
CONVENTIONS: tuple[Convention, ...] = tuple(Convention(**fields) for fields in CONVENTION_TEXTS)

_BY_ID = {entry.rule_id: entry for entry in RULES}


def rule(rule_id: str) -> Rule:
    """The entry for one rule id; KeyError for an id the book does not know."""
    return _BY_ID[rule_id]


def sections() -> tuple[Section, ...]:
    """The book in the specification's order, each section with its entries."""
    return tuple(
        Section(
            number=number,
            title=title,
            intro=intro,
            references=tuple(r for r in REFERENCES if r.section == number),
            rules=tuple(r for r in RULES if r.section == number),
            conventions=CONVENTIONS if number == "11" else (),
        )
        for number, title, intro in SECTIONS
    )


def _constant_lines(entry: _NamesConstants) -> list[str]:
    if not entry.constants:
        return []
    lines = ["- **Constants:**"]
    for c in entry.constant_values():
        where = f" ({c.module})" if c.defined else ""
        lines.append(f"  - `{c.name}` = `{c.shown}`{where}")
    return lines


def _rule_lines(entry: Rule) -> list[str]:
    return [
        f'<a id="{entry.anchor}"></a>',
        "",
        f"### `{entry.rule_id}`: {entry.title}",
        "",
        f"- **Severity:** {entry.severity_shown}",
        f"- **Meaning:** {entry.meaning_shown}",
        *_constant_lines(entry),
        f"- **Source:** {entry.source}",
        "",
    ]


def _reference_lines(entry: Reference) -> list[str]:
    return [
        f"### {entry.title}",
        "",
        entry.meaning_shown,
        "",
        *_constant_lines(entry),
        f"- **Source:** {entry.source}",
        "",
    ]


def _convention_lines(entry: Convention) -> list[str]:
    lines = [f'<a id="{entry.anchor}"></a>', "", f"### {entry.number} {entry.title}", ""]
    lines += [entry.text_shown, ""]
    if entry.constants:
        lines += [*_constant_lines(entry), ""]
    return lines


def render_markdown() -> str:
    """The whole book as Markdown (docs/clinical-rules.md); the same input gives the same text."""
    book = sections()
    lines = [
        "# How BoneTrack decides",
        "",
        "<!-- Generated by `python manage.py rulebook` from tracker/clinical: do not edit. -->",
        "",
        "Every rule BoneTrack applies, with its rule id, how loud it is, the named",
        "constants it uses (with their current values) and its source. Sources that",
        'say "section 5.1" mean section 5.1 below.',
        "",
        f"*{assess.DISCLAIMER}*",
        "",
        "Severities: " + "; ".join(f"**{name}**: {what}" for name, what in SEVERITIES) + ".",
        "",
        "## Contents",
        "",
        *(f"- [{s.heading}](#{s.anchor})" for s in book),
        "",
    ]
    for s in book:
        lines += [f'<a id="{s.anchor}"></a>', "", f"## {s.heading}", ""]
        if s.intro:
            lines += [s.intro, ""]
        for reference in s.references:
            lines += _reference_lines(reference)
        for entry in s.rules:
            lines += _rule_lines(entry)
        for convention in s.conventions:
            lines += _convention_lines(convention)
    return "\n".join(lines).rstrip("\n") + "\n"
