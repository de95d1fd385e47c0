"""Which of a clinician's patients a page of the panel lists (issue 13): a range of
the clinician's own entries (tracker.records.panel_entries), read in urgency order from
an index that starts with the clinician, so that a page costs the same at 50,000
patients or a million, for a clinician with 5,000 patients or 3.

Pages go by key: a Next link carries the last row's place in the urgency order and the
next page is the range after it (a Previous link: the range before its first row), so
page 200 costs what page 2 costs; the number in the link is only shown. A number
without a key (typed, bookmarked) is read with an OFFSET: the same rows, at the cost
of skipping the entries before them in the index.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Value
from django.db.models.lookups import GreaterThan, LessThan

from tracker.accounts.models import Patient
from tracker.records.models import URGENCY_ORDER, PanelEntry

PAGE_SIZE = 25
KEY_SEPARATOR = "_"
KEY_NUMBERS = range(-(2**62), 2**62)  # what a 64-bit integer column holds, with room


class _Row(Func):
    """A row value, (a, b, c): compared as a whole, it is one range of an index whose
    columns are a, b, c, on SQLite (3.15+) and PostgreSQL alike. (Django's own tuple
    lookups spell it out as ORs on SQLite, which no index serves.)"""

    template = "(%(expressions)s)"
    output_field = models.Field()


ORDER_COLUMNS = _Row(*(F(name) for name in URGENCY_ORDER))


@dataclass(frozen=True)
class Place:
    """A row's place in the urgency order: the key in a page link."""

    urgency: int
    due: dt.date
    patient: int

    COLUMNS = URGENCY_ORDER  # urgency, due_order, patient_id

    @classmethod
    def of(cls, row: dict) -> "Place":
        return cls(row["urgency"], row["due_order"], row["patient_id"])

    @classmethod
    def parse(cls, key: str | None) -> "Place | None":
        """The place a link's key names; None for a key that is missing or malformed
        (the page number alone then says where the page starts)."""
        try:
            urgency, due, patient = key.split(KEY_SEPARATOR)
            place = cls(int(urgency), dt.date.fromisoformat(due), int(patient))
        except (AttributeError, ValueError):
            return None
        if place.urgency not in KEY_NUMBERS or place.patient not in KEY_NUMBERS:
            return None  # no database integer could hold it
        return place

    def key(self) -> str:
        return KEY_SEPARATOR.join((str(self.urgency), self.due.isoformat(), str(self.patient)))

    def row(self) -> _Row:
        return _Row(
            Value(self.urgency),
            Value(self.due, output_field=models.DateField()),
            Value(self.patient),
        )


def entries(user) -> models.QuerySet:
    """The clinician's panel entries, in urgency order: an index, not the rule (`gate`)."""
    return PanelEntry.objects.filter(clinician=user).by_urgency()


def gate(user) -> Exists:
    """The access gate on each entry: the panel lists a patient only if they share
    their record with this clinician (a care link; family they care for are not
    their patients: Patient.objects.shared_with_clinician)."""
    return Exists(Patient.objects.shared_with_clinician(user).filter(pk=OuterRef("patient_id")))


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    number: int
    next: Place | None  # the next page starts after this row (None: this is the last)
    previous: Place | None  # the previous page ends before this row (None: page 1 or 2)


def read(entries, *, gate, number: int, after: Place | None, before: Place | None, columns):
    """Page `number` of `entries` (in urgency order) that pass `gate`, with `columns`
    (name: expression): the rows after `after`, or those before `before`. A number
    without a key starts after the entry that ends the page before, found in the index
    alone (an OFFSET through the gate would check every entry it skips). One row more
    than a page tells whether there is another page, without counting."""
    values = entries.filter(gate).values(*Place.COLUMNS, **columns)
    if before is not None:
        earlier = values.filter(LessThan(ORDER_COLUMNS, before.row())).reverse()
        found = list(earlier[: PAGE_SIZE + 1])
        if len(found) <= PAGE_SIZE:  # nothing before these: the rows moved, start again
            return read(entries, gate=gate, number=1, after=None, before=None, columns=columns)
        rows = found[PAGE_SIZE - 1 :: -1]
        return Page(rows, number, Place.of(rows[-1]), _previous(rows, number))
    if after is None and number > 1:
        skipped = (number - 1) * PAGE_SIZE
        last = entries.values(*Place.COLUMNS)[skipped - 1 : skipped]
        after = next((Place.of(row) for row in last), None)
        if after is None:  # past the end
            return Page([], number, None, None)
    if after is not None:
        values = values.filter(GreaterThan(ORDER_COLUMNS, after.row()))
    found = list(values[: PAGE_SIZE + 1])
    rows = found[:PAGE_SIZE]
    following = Place.of(rows[-1]) if len(found) > PAGE_SIZE else None
    return Page(rows, number, following, _previous(rows, number))


def _previous(rows: list[dict], number: int) -> Place | None:
    # Page 1 has none; page 2's link is page 1's own address, with no key.
    return Place.of(rows[0]) if number > 2 and rows else None
