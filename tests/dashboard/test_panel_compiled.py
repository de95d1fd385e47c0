"""The panel's query compiled once per shape (issue 13, tracker.dashboard.panel_pages):
every shape the panel uses is compiled, and a compiled shape gives each request its
own rows: the same rows, converted the same way, as the ORM gives for that request."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.records.factories import panel_patients
from tracker.compiled import Shapes
from tracker.dashboard import panel_pages
from tracker.dashboard.panel import PanelRow
from tracker.dashboard.views import PANEL_FILTERS
from tracker.records.search import word_starts

WAYS = ("first", "after", "before", "at")


@pytest.fixture
def fresh_shapes(monkeypatch):
    shapes = Shapes()
    monkeypatch.setattr(panel_pages, "_COMPILED", shapes)
    return shapes.known


def _criteria(query: str = "", chosen: str = "") -> panel_pages.Criteria:
    return panel_pages.Criteria(
        tuple(word_starts(query)), chosen, PANEL_FILTERS[chosen][1] if chosen else None
    )


@pytest.mark.parametrize("chosen", ["", *PANEL_FILTERS])
@pytest.mark.parametrize("way", WAYS)
def test_every_shape_the_panel_uses_is_compiled(db, chosen, way):
    for words in range(4):
        shape = panel_pages.Shape("default", words, chosen, way, tuple(PanelRow.COLUMNS))
        criteria = panel_pages.Criteria(("x",) * words, chosen, _criteria("", chosen).filter)
        assert panel_pages._compile(shape, criteria, PanelRow.COLUMNS) is not None, shape


def _both(user, criteria, way, place):
    """The rows of the compiled shape and those the ORM gives for the same request."""
    compiled = panel_pages._rows(user, criteria, way, place, PanelRow.COLUMNS)
    built = list(panel_pages._query(user, criteria, way, place, PanelRow.COLUMNS))
    return compiled, built


def test_a_compiled_shape_gives_what_the_orm_gives(clinician, other_clinician, fresh_shapes):
    panel_patients(clinician, 40, names=[f"Ann {i:02d} Smith%" for i in range(40)])
    panel_patients(other_clinician, 30, prefix="q", names=[f"Bo {i:02d} Jones_" for i in range(30)])
    middle = panel_pages.Place(0, dt.date(2020, 1, 1), 0)
    for user in (clinician, other_clinician, clinician):  # one shape, two clinicians
        for query in ("", "ann", "smith% 1", "jones_", "bo 2", "%", "1 smith ann"):
            for chosen in ("", *PANEL_FILTERS):
                criteria = _criteria(query, chosen)
                first, built = _both(user, criteria, "first", None)
                assert first == built, (user, query, chosen)
                if first:
                    place = panel_pages.Place.of(first[len(first) // 2])
                    for way in ("after", "before"):
                        assert (
                            _both(user, criteria, way, place)[0]
                            == _both(user, criteria, way, place)[1]
                        )
                assert (
                    _both(user, criteria, "after", middle)[0]
                    == _both(user, criteria, "after", middle)[1]
                )
    assert fresh_shapes and all(compiled is not None for compiled in fresh_shapes.values())
    rows = panel_pages._rows(clinician, _criteria("ann 0"), "first", None, PanelRow.COLUMNS)
    assert {row["name"] for row in rows} == {f"Ann {i:02d} Smith%" for i in range(10)}
    assert isinstance(rows[0]["birth_date"], dt.date)  # converted as the ORM converts
    assert rows[0]["sharing"] == 41  # the 40 and the cast's patient


def test_an_unapproved_clinician_sees_nobody_and_nothing_is_compiled(db, fresh_shapes):
    waiting = make_user("waiting@example.com", "Dr Waiting", "clinician")
    assert panel_pages._rows(waiting, _criteria(), "first", None, PanelRow.COLUMNS) == []
    assert not fresh_shapes


def test_a_shape_that_cannot_be_bound_is_built_for_each_request(
    client, clinician, other_clinician, fresh_shapes, monkeypatch
):
    panel_patients(clinician, 3)
    panel_patients(other_clinician, 2, prefix="q")
    monkeypatch.setattr(panel_pages, "_compile", lambda *args: None)
    for user, count in ((clinician, 3), (other_clinician, 2)):
        client.force_login(user)
        assert len(client.get(reverse("dashboard:panel")).context["rows"]) == count
    assert set(fresh_shapes.values()) == {None}


def test_a_search_narrowed_by_the_word_index_is_compiled_and_gives_what_the_orm_gives(
    clinician, fresh_shapes
):
    """The word index's ids (panel_entries.candidates) are a list of any length up to
    FEW_MATCHES: padded to a power of two, a handful of shapes serve them all."""
    from tracker.records.panel_entries import candidates
    from tracker.records.search import folded_words

    panel_patients(clinician, 40, names=[f"Ann {i:02d} Smith" for i in range(40)])
    for query in ("ann 07", "ann 1", "smith 2", "ann", "zed"):
        for chosen in ("", *PANEL_FILTERS):
            found = candidates(clinician, folded_words(query))
            criteria = panel_pages.Criteria(
                tuple(word_starts(query)),
                chosen,
                PANEL_FILTERS[chosen][1] if chosen else None,
                None if found is None else tuple(found),
            )
            first, built = _both(clinician, criteria, "first", None)
            assert first == built, (query, chosen)
            if first:
                place = panel_pages.Place.of(first[0])
                assert _both(clinician, criteria, "after", place)[0] == list(
                    panel_pages._query(clinician, criteria, "after", place, PanelRow.COLUMNS)
                )
    sizes = {shape.patients for shape in fresh_shapes}
    assert {1, 16} <= sizes and all(s is None or s & (s - 1) == 0 for s in sizes), sizes
    assert all(compiled is not None for compiled in fresh_shapes.values())


def test_a_typed_page_number_finds_its_start_by_a_compiled_offset(clinician, fresh_shapes):
    """?page=N without a key: the entry that ends the page before, at its offset in the
    index, by a compiled query with the offset bound (LIMIT 1 OFFSET %s)."""
    panel_patients(clinician, 60, names=[f"Ann {i:02d} Smith" for i in range(60)])
    for query in ("", "ann", "ann 1"):
        for chosen in ("", *PANEL_FILTERS):
            criteria = _criteria(query, chosen)
            places = list(panel_pages._query(clinician, criteria, "at", None, {}))
            for offset in {0, 24, 49, max(len(places) - 1, 0), len(places), 500}:
                found = panel_pages._rows(clinician, criteria, "at", None, {}, offset=offset)
                assert found == places[offset : offset + 1], (query, chosen, offset)
    assert any(shape.way == "at" for shape in fresh_shapes)
    assert all(compiled is not None for compiled in fresh_shapes.values())
    page = panel_pages.read(
        clinician, _criteria(), number=3, after=None, before=None, columns=PanelRow.COLUMNS
    )
    first = panel_pages._query(clinician, _criteria(), "first", None, PanelRow.COLUMNS)
    everyone = list(panel_pages.selection(clinician, _criteria()).values("patient_id"))
    assert [row["patient_id"] for row in page.rows] == [r["patient_id"] for r in everyone[50:61]]
    assert first  # page 1 is there too


def test_a_sliced_query_is_not_taken_by_offset(patient):
    from tracker.accounts.models import Patient
    from tracker.compiled import compile_query, standins

    given = standins(pk="int")
    compiled = compile_query(Patient.objects.filter(pk__gte=given["pk"].value)[:5], given)
    with pytest.raises(ValueError):
        compiled.rows({"pk": 0}, offset=1)
