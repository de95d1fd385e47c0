"""The rule book: one entry per rule id the engine emits, values read from the engine."""

import inspect
import re
from decimal import Decimal
from string import Formatter

import pytest

from tracker.clinical import alerts, rulebook, schedule
from tracker.clinical.rulebook import (
    CONVENTIONS,
    ENGINE_MODULES,
    NOT_DEFINED,
    REFERENCES,
    RULES,
    SECTIONS,
    Convention,
    Rule,
    constant,
    format_value,
    render_markdown,
    rule,
    sections,
)

# Being added to the engine on another branch: documented before it lands.
ROMO_DUE = "ROMO-DUE"
PENDING_CONSTANTS = {"ROMO_DUE_INTERVAL_MONTHS", "ROMO_DUE_SHOWN_DAYS_BEFORE"}
SCAN_INTERVAL_PREFIX = "SCAN-INTERVAL-"

IDS = [entry.rule_id for entry in RULES]
ENTRIES = [*RULES, *REFERENCES, *CONVENTIONS]
NAMES = sorted({name for entry in ENTRIES for name in entry.constants})


def _texts(entry) -> list[str]:
    if isinstance(entry, Rule):
        return [entry.meaning, entry.severity]
    if isinstance(entry, Convention):
        return [entry.text]
    return [entry.meaning]


def test_every_rule_the_engine_emits_has_exactly_one_entry():
    assert len(IDS) == len(set(IDS))
    assert set(alerts.SOURCES) <= set(IDS)


def test_every_entry_is_an_engine_rule_romo_due_or_a_scan_interval():
    extra = {i for i in IDS if i not in alerts.SOURCES}
    assert extra <= {ROMO_DUE} | {i for i in IDS if i.startswith(SCAN_INTERVAL_PREFIX)}
    assert ROMO_DUE in IDS


def test_sources_come_from_the_engine_where_it_has_one():
    for entry in RULES:
        assert entry.source, entry.rule_id
        if entry.rule_id in alerts.SOURCES:
            assert entry.source == alerts.SOURCES[entry.rule_id]


def test_romo_due_takes_the_engine_source_once_it_lands():
    if ROMO_DUE not in alerts.SOURCES:
        pytest.skip("ROMO-DUE is not in alerts.SOURCES yet")
    assert rule(ROMO_DUE).source == alerts.SOURCES[ROMO_DUE]


def test_each_scan_interval_rule_is_a_basis_the_schedule_uses():
    code = inspect.getsource(schedule)
    intervals = [i for i in IDS if i.startswith(SCAN_INTERVAL_PREFIX)]
    assert len(intervals) == 7
    for rule_id in intervals:
        basis = rule_id.removeprefix(SCAN_INTERVAL_PREFIX).lower().replace("-", "_")
        assert f'"{basis}"' in code, rule_id


@pytest.mark.parametrize("name", NAMES)
def test_every_constant_name_resolves_on_an_engine_module(name):
    found = constant(name)
    if name in PENDING_CONSTANTS and not found.defined:
        pytest.skip(f"{name} is not in the engine yet")
    assert found.defined, name
    module = next(m for m in ENGINE_MODULES if m.__name__ == found.module)
    assert getattr(module, name) is found.value
    # A name several modules hold (one imports it from another) is one object.
    assert all(getattr(m, name) is found.value for m in ENGINE_MODULES if hasattr(m, name))


def test_alert_constants_resolve_through_the_alerts_module():
    assert constant("DMAB_LATE_AFTER_DAYS").module == "tracker.clinical.alerts"
    assert constant("T_OSTEOPOROSIS_MAX").module == "tracker.clinical.classify"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: getattr(e, "rule_id", e.title))
def test_placeholders_name_listed_constants(entry):
    for text in _texts(entry):
        used = {field for _, field, _, _ in Formatter().parse(text) if field}
        assert used <= set(entry.constants), (text, used)


def test_sections_follow_the_specification():
    numbers = [number for number, _, _ in SECTIONS]
    assert numbers == ["1.1", "2", "3", "4", "5.1", "6", "7", "10", "11"]
    for entry in [*RULES, *REFERENCES]:
        assert entry.section in numbers
    for entry in RULES:
        words = set(re.findall(r"[a-z]+", entry.severity))
        assert words & {"info", "warn", "alert"} or entry.rule_id.startswith(
            SCAN_INTERVAL_PREFIX
        ), entry.rule_id


def test_the_twenty_eight_conventions_in_order():
    assert [c.number for c in CONVENTIONS] == [f"11.{n}" for n in range(1, 29)]
    assert all(c.title and c.text_shown for c in CONVENTIONS)
    assert CONVENTIONS[24].anchor == "convention-11-25"


def test_sections_group_the_entries():
    book = {s.number: s for s in sections()}
    assert book["4"].heading == "4. When is the next DXA due?"
    assert book["5.1"].heading == "5.1 Drug warnings"
    assert book["5.1"].anchor == "section-5-1"
    assert [r.rule_id for r in book["5.1"].rules][:2] == ["DMAB-DUE", "DMAB-LATE"]
    assert book["11"].conventions == CONVENTIONS
    assert book["1.1"].references and not book["1.1"].rules
    assert sum(len(s.rules) for s in book.values()) == len(RULES)


def test_rule_looks_up_by_id():
    assert rule("DMAB-LATE").anchor == "rule-DMAB-LATE"
    assert rule("DMAB-LATE").severity_shown == "warn"
    assert rule("DMAB-LATE").level == "warn"
    assert rule("PTH-OVER-LIMIT").level == ""  # alert or warn, depending on the drug
    with pytest.raises(KeyError):
        rule("NO-SUCH-RULE")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "yes"),
        (False, "no"),
        (182, "182"),
        (Decimal("-2.5"), "-2.5"),
        (Decimal("4.0"), "4.0"),
        ("a note", "a note"),
        (("total_hip", "femoral_neck"), "total_hip, femoral_neck"),
        (((Decimal("-1.49"), 180), (Decimal("-1.99"), 60)), "(-1.49, 180), (-1.99, 60)"),
        ({4: Decimal("1.00"), 3: Decimal("1.07")}, "4: 1.00; 3: 1.07"),
    ],
)
def test_format_value(value, shown):
    assert format_value(value) == shown


def test_an_unknown_constant_says_so_and_its_placeholder_keeps_the_name():
    missing = constant("NO_SUCH_CONSTANT")
    assert not missing.defined and missing.module is None
    assert missing.shown == NOT_DEFINED
    entry = Rule(
        rule_id="X-TEST",
        section="5.1",
        title="Test",
        severity="info",
        meaning="Due {NO_SUCH_CONSTANT} days after {DMAB_DUE_DAYS}.",
        constants=("NO_SUCH_CONSTANT", "DMAB_DUE_DAYS"),
        source="test",
    )
    assert entry.meaning_shown == "Due NO_SUCH_CONSTANT days after 182."


def test_render_is_deterministic_and_complete():
    text = render_markdown()
    assert text == render_markdown()
    assert text.startswith("# How BoneTrack decides\n") and text.endswith("\n")
    assert "## 4. When is the next DXA due?" in text
    assert "## 5.1 Drug warnings" in text
    assert "## 11. Conventions and edge cases" in text
    assert text.index("## 1.1 ") < text.index("## 4. ") < text.index("## 5.1 ")
    for rule_id in IDS:
        assert f'<a id="rule-{rule_id}"></a>' in text
        assert f"### `{rule_id}`: " in text
    for name in NAMES:
        found = constant(name)
        assert f"`{name}` = `{found.shown}`" in text
    for convention in CONVENTIONS:
        assert f"### {convention.number} {convention.title}" in text


def test_values_are_read_from_the_engine_when_rendering(monkeypatch):
    monkeypatch.setattr(alerts, "DMAB_LATE_AFTER_DAYS", 211)
    text = render_markdown()
    assert "`DMAB_LATE_AFTER_DAYS` = `211` (tracker.clinical.alerts)" in text
    assert "More than 211 days (7 months)" in text
    assert rule("DMAB-LATE").constant_values()[0].value == 211


def test_severities_as_the_specification_defines_them():
    assert [name for name, _ in rulebook.SEVERITIES] == ["info", "warn", "alert"]
