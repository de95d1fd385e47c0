"""Which of a clinician's patients a page of the panel lists (issue 13): a range of
the clinician's own entries (tracker.records.panel_entries), read in urgency order from
an index that starts with the clinician, so that a page costs the same at 50,000
patients or a million, for a clinician with 5,000 patients or 3.

Pages go by key: a Next link carries the last row's place in the urgency order and the
next page is the range after it (a Previous link: the range before its first row), so
page 200 costs what page 2 costs; the number in the link is only shown. A number
without a key (typed, bookmarked) is read with an OFFSET: the same rows, at the cost
of skipping the entries before them in the index.

A page's query is built and compiled by the ORM once per shape (`Shape`: the number
of words searched, the filter, which way the page goes), not once per request: Django
spent three times longer writing that query (its joins, the gate's subquery, thirteen
columns) than the database spent running it. The shape is compiled with stand-in
values (tracker.compiled) and each request binds its own (the clinician, the words,
the key) where the stand-ins stood; the database still runs the query every time.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from tracker.accounts.models import CareLink, Role, User
from tracker.compiled import Compiled, Shapes, compile_query, standins
from tracker.records.models import URGENCY_ORDER, PanelEntry

PAGE_SIZE = 25
SHARING_COUNTED = 1000  # past this, the panel says "more than 1,000 patients share"
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


@dataclass(frozen=True)
class Criteria:
    """What the clinician searched and filtered on: the starts of words of the name
    (" smi" for "Smi": tracker.records.search.folded_words) and a filter on the
    entries' own columns."""

    words: tuple[str, ...] = ()
    filter_name: str = ""  # part of the query's shape: one name, one condition
    filter: Q | None = None
    # The only patients a search can find, from the word index when the words typed
    # start few names (tracker.records.panel_entries.candidates); None: any patient.
    patients: tuple[int, ...] | None = None


def selection(user, criteria: Criteria) -> models.QuerySet:
    """The entries the search and the filter select, in urgency order: a range of the
    clinician's index, not yet through the access gate (`gate`)."""
    selected = entries(user)
    if criteria.patients is not None:
        selected = selected.filter(patient_id__in=criteria.patients)
    for start in criteria.words:
        selected = selected.filter(search_name__contains=start)
    if criteria.filter is not None:
        selected = selected.filter(criteria.filter)
    return selected


def gate(user) -> Q:
    """The access gate on each entry: the panel lists a patient only if they share
    their record with this clinician (Patient.objects.shared_with_clinician's rule: an
    active care link to an approved clinician, an active account; family they care
    for are not their patients), asked of each entry by its own link, the account
    being the one the row joins for its name anyway: two tables fewer for PostgreSQL
    to plan on every page than the rule's own query."""
    if not (user.is_active and user.is_approved_clinician):
        return Q(pk__in=[])  # nobody
    link = CareLink.objects.active().filter(clinician=user, patient=OuterRef("patient_id"))
    return Q(Exists(link), patient__user__is_active=True)


class _CountOf(Subquery):
    """The number of rows a (sliced) query selects, as one value."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = models.IntegerField()


def _sharing_links(user) -> models.QuerySet:
    return CareLink.objects.active().filter(clinician=user).order_by().values("pk")


def sharing(user) -> _CountOf:
    """How many patients share their record with the clinician (active care links), as
    one value, counted up to SHARING_COUNTED + 1 (a full count would read every link of
    a panel of any size): the panel says so above its list (`read` brings it with the
    rows)."""
    return _CountOf(_sharing_links(user)[: SHARING_COUNTED + 1])


def sharing_count(user) -> int:
    """`sharing` on its own (a page with no row to bring it)."""
    return _sharing_links(user)[: SHARING_COUNTED + 1].count()


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    number: int
    next: Place | None  # the next page starts after this row (None: this is the last)
    previous: Place | None  # the previous page ends before this row (None: page 1 or 2)
    sharing: int | None = None  # `sharing`, read with the rows (None: no row to bring it)


def read(user, criteria: Criteria, *, number: int, after, before, columns) -> Page:
    """Page `number` of the entries `criteria` select that pass the gate, with `columns`
    (name: expression): the rows after `after`, or those before `before`. A number
    without a key starts after the entry that ends the page before, found in the index
    alone (an OFFSET through the gate would check every entry it skips). One row more
    than a page tells whether there is another page, without counting."""
    if before is not None:
        found = _rows(user, criteria, "before", before, columns)
        if len(found) <= PAGE_SIZE:  # nothing before these: the rows moved, start again
            return read(user, criteria, number=1, after=None, before=None, columns=columns)
        rows = found[PAGE_SIZE - 1 :: -1]
        return Page(rows, number, Place.of(rows[-1]), _previous(rows, number), _sharing(rows))
    if after is None and number > 1:
        skipped = (number - 1) * PAGE_SIZE
        last = _rows(user, criteria, "at", None, {}, offset=skipped - 1)
        after = next((Place.of(row) for row in last), None)
        if after is None:  # past the end
            return Page([], number, None, None)
    found = _rows(user, criteria, "after" if after else "first", after, columns)
    rows = found[:PAGE_SIZE]
    following = Place.of(rows[-1]) if len(found) > PAGE_SIZE else None
    return Page(rows, number, following, _previous(rows, number), _sharing(rows))


def _sharing(rows: list[dict]) -> int | None:
    return rows[0]["sharing"] if rows else None


def _query(user, criteria: Criteria, way: str, place: Place | None, columns):
    """The query of a page: up to a page and one row, through the gate; or ("at") the
    places of the entries selected, in order, from the index alone (the caller takes
    the one row it needs by its offset)."""
    if way == "at":
        return selection(user, criteria).values(*Place.COLUMNS)
    values = (
        selection(user, criteria)
        .filter(gate(user))
        .values(*Place.COLUMNS, **columns, sharing=sharing(user))
    )
    if way == "before":
        values = values.filter(LessThan(ORDER_COLUMNS, place.row())).reverse()
    elif way == "after":
        values = values.filter(GreaterThan(ORDER_COLUMNS, place.row()))
    return values[: PAGE_SIZE + 1]


def _rows(
    user, criteria: Criteria, way: str, place: Place | None, columns, offset: int | None = None
) -> list[dict]:
    def built() -> list[dict]:  # by the ORM, for this request
        query = _query(user, criteria, way, place, columns)
        return list(query if offset is None else query[offset : offset + 1])

    if not (user.is_active and user.is_approved_clinician):  # the gate lets nobody through
        return built()
    patients = criteria.patients
    if patients is not None:
        if not patients:  # the word index found nobody: the ORM answers without a query
            return built()
        # A list of its own length: padded (with its last id) to a power of two, so
        # that a handful of shapes serve every length up to FEW_MATCHES.
        patients += (patients[-1],) * (_padded(len(patients)) - len(patients))
    shape = Shape(
        connection.alias,
        len(criteria.words),
        criteria.filter_name,
        way,
        tuple(columns),
        len(patients) if patients is not None else None,
    )
    compiled = _COMPILED.get(shape, lambda: _compile(shape, criteria, columns))
    if compiled is None:  # a shape that cannot be bound (see tracker.compiled): as it comes
        return built()
    values = {"clinician": user.pk, **{f"word{i}": w for i, w in enumerate(criteria.words)}}
    if patients is not None:
        values["patients"] = patients
    if place is not None:
        values.update(urgency=place.urgency, due=place.due, patient=place.patient)
    return compiled.dicts(values, offset=offset)


# ---------------------------------------------------------------- compiled once per shape


@dataclass(frozen=True)
class Shape:
    database: str
    words: int
    filter_name: str
    way: str  # "first", "after", "before" or "at" (the place of the entry at an offset)
    columns: tuple[str, ...]
    patients: int | None = None  # how many ids the word index gave (padded), if any


def _padded(length: int) -> int:
    return 1 << (length - 1).bit_length()


def _compile(shape: Shape, criteria: Criteria, columns) -> Compiled | None:
    """The shape's query, compiled with stand-ins (tracker.compiled); None if it
    cannot be bound: such a shape is built for every request."""
    kinds = {"clinician": "int", **{f"word{i}": "like" for i in range(shape.words)}}
    if shape.patients is not None:
        kinds["patients"] = f"ints:{shape.patients}"
    if shape.way in ("after", "before"):
        kinds.update(urgency="int", due="date", patient="int")
    given = standins(**kinds)
    standin = User(
        pk=given["clinician"].value,
        role=Role.CLINICIAN,
        approved_at=timezone.now(),
        is_active=True,
    )
    words = tuple(given[f"word{i}"].value for i in range(shape.words))
    place = None
    if shape.way in ("after", "before"):
        place = Place(given["urgency"].value, given["due"].value, given["patient"].value)
    patients = given["patients"].value if shape.patients is not None else None
    criteria = Criteria(words, criteria.filter_name, criteria.filter, patients)
    return compile_query(_query(standin, criteria, shape.way, place, columns), given)


# Shapes: words x filters x ways; a panel uses a handful.
_COMPILED = Shapes(limit=256)


def _previous(rows: list[dict], number: int) -> Place | None:
    # Page 1 has none; page 2's link is page 1's own address, with no key.
    return Place.of(rows[0]) if number > 2 and rows else None
