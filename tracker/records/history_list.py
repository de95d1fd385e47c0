"""The history page's list (issue 13): every entry of a record, newest first, a page
at a time, in a cost that does not grow with the page's depth in Python.

- Two queries find the page: the number of entries (a sum of each kind's count), for
  "page N of M", and a UNION ALL of (id, kind, date) over every kind of entry
  (tracker.records.kinds.KINDS, or the one kind filtered on), sorted and cut with
  LIMIT/OFFSET. The SQL is written once per set of kinds from the models' own table
  and column names: the ORM spent longer compiling an eleven-arm UNION (twice: the
  Paginator's COUNT and the page) than the database spent running it.
- Then one query per kind on the page loads its entries (each kind's __str__ and
  `entered_by_label` say what a row shows).
- Each row's markup is written here once (`rows_html`), every value escaped as the
  template engine escapes it: 25 rows of template tags, URL reversing and date
  formatting cost more than the rest of the page (see tracker.dashboard.panel, the
  same for the panel's rows).

A page number behaves as Django's Paginator.get_page: not a number is page 1; below 1
or past the end is the last page (issue 9: never a 500).
"""

import functools
import html
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tracker.accounts.models import User
from tracker.records.kinds import KINDS, Kind

PER_PAGE = 25


@dataclass(frozen=True)
class HistoryPage:
    page: Page  # number, has_next, paginator.num_pages... (templates/includes/pagination.html)
    entries: list[tuple[Kind, object]]  # (kind, model instance), newest first


@functools.cache
def _sql(slugs: tuple[str, ...], vendor: str) -> tuple[str, str]:
    """The count and the page, each with the patient's id once per kind as parameters
    (the page: then LIMIT and OFFSET). The page's rows are (entry id, kind: its index
    in `slugs`, date); ties on the date go by id, then kind, so that every entry has
    one place and pages neither repeat nor skip one. Each kind's (patient, date) index
    gives its entries in that order: the database merges them without sorting."""
    qn = connection.ops.quote_name
    counts, arms = [], []
    for index, slug in enumerate(slugs):
        meta = KINDS[slug].model._meta
        table, patient = qn(meta.db_table), qn(meta.get_field("patient").column)
        day = qn(meta.get_field(KINDS[slug].date_field).column)
        counts.append(f"(SELECT COUNT(*) FROM {table} WHERE {patient} = %s)")
        arms.append(
            f"SELECT {qn(meta.pk.column)}, {index}, {day} FROM {table} WHERE {patient} = %s"
        )
    return (
        # A sum of counts, each from its index (COUNT(*) OVER () over the UNION cost
        # SQLite ten times the page itself).
        "SELECT " + " + ".join(counts),
        " UNION ALL ".join(arms) + " ORDER BY 3 DESC, 1 DESC, 2 LIMIT %s OFFSET %s",
    )


def _number(page: str | None, pages: int) -> int:
    """The page asked for, as Paginator.get_page: not a number is page 1, one below 1
    or past the end is the last page."""
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= pages else pages


def read(patient, *, kind: str | None, page: str | None, per_page: int = PER_PAGE):
    """Page `page` of the patient's entries (of `kind` only, if it is one), newest first:
    two queries (the count, the page), then one per kind on the page, and one for the
    names of those who entered them if anyone but the patient did."""
    slugs = (kind,) if kind in KINDS else tuple(KINDS)
    count_sql, page_sql = _sql(slugs, connection.vendor)
    ids = [patient.pk] * len(slugs)
    with connection.cursor() as cursor:
        cursor.execute(count_sql, ids)
        total = cursor.fetchone()[0]
        paginator = Paginator((), per_page)
        paginator.count = total  # known already: Paginator's own COUNT is not run
        number = _number(page, paginator.num_pages)
        rows = []
        if total:
            cursor.execute(page_sql, [*ids, per_page, (number - 1) * per_page])
            rows = cursor.fetchall()
    wanted: dict[str, list[int]] = {}
    for pk, index, _day in rows:
        wanted.setdefault(slugs[index], []).append(pk)
    loaded = {slug: _load(KINDS[slug], pks) for slug, pks in wanted.items()}
    entries = [(KINDS[slugs[index]], loaded[slugs[index]][pk]) for pk, index, _day in rows]
    _entered_by(patient, [entry for _, entry in entries])
    return HistoryPage(Page([entry for _, entry in entries], number, paginator), entries)


def _load(kind: Kind, pks: list[int]) -> dict:
    """{id: entry} of one kind, with what its __str__ reads (a dose: its course). Who
    entered it comes apart (_entered_by): not a whole user row per entry."""
    entries = kind.model.objects.filter(pk__in=pks).order_by()
    related = [name for name in kind.select_related if name != "entered_by"]
    if related:  # (select_related() without a name would follow every relation)
        entries = entries.select_related(*related)
    return {entry.pk: entry for entry in entries}


def _entered_by(patient, entries: list) -> None:
    """What entered_by_label() reads: the patient's own entries need no user (the
    patient's own is at hand), anyone else's name comes in one query for the page."""
    others = {e.entered_by_id for e in entries} - {None, patient.user_id}
    users = User.objects.only("full_name").in_bulk(others) if others else {}
    for entry in entries:
        entry.patient = patient  # entered_by_label() compares with the patient's user
        if entry.entered_by_id in users:
            entry.entered_by = users[entry.entered_by_id]


def rows_html(patient, entries: list[tuple[Kind, object]]) -> SafeString:
    """The rows of the history's table (templates/records/history.html): the date, the
    entry (a link to its page) with its kind, and who entered it."""
    prefixes: dict[str, str] = {}
    rows = []
    for kind, entry in entries:
        prefix = prefixes.get(kind.slug) or prefixes.setdefault(
            kind.slug, _url_prefix(patient.pk, kind)
        )
        day = entry.date
        rows.append(
            f'<tr><td class="text-nowrap">{day.day} {day:%b %Y}</td>'
            f'<td><a href="{prefix}{entry.pk}/">{_e(str(entry))}</a> '
            f'<span class="badge text-bg-light">{_e(kind.plural)}</span></td>'
            f'<td class="small">{_e(entry.entered_by_label())}</td></tr>\n'
        )
    return mark_safe("".join(rows))


def _url_prefix(patient_id: int, kind: Kind) -> str:
    """An entry's page is this prefix, its id and a slash (see tracker/records/urls.py)."""
    if kind.slug == "scans":
        url = reverse("records:scan", args=[patient_id, 0])
    else:
        url = reverse("records:detail", args=[patient_id, kind.slug, 0])
    assert url.endswith("/0/"), url
    return _e(url[:-2])


def _e(text: str) -> str:
    """HTML-escaped as Django's templates escape (see tracker.dashboard.panel._e)."""
    return html.escape(text, quote=True)
