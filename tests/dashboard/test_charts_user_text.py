"""Text a person typed is shown as text in a chart (issue 9, item 14): plotly draws a
subset of HTML in names, hover text and annotations, so a scanner model of
`<a href=...>` once showed a live link."""

import json
import re
from datetime import date

from django.urls import reverse

from tests.clinical.builders import history, scan, site
from tests.dashboard.conftest import TODAY
from tests.records.factories import make_scan, settle
from tracker.clinical.assess import assess
from tracker.dashboard.charts import bmd_trend, height_chart, medication_timeline, summaries
from tracker.dashboard.charts.common import plain_text

LINK = '<a href="https://evil.example/">Prodigy</a>'
BOLD = "<b>Lunar</b> & co"


def _history():
    return history(
        scans=(
            scan(1, date(2018, 1, 5), site("lumbar_spine", "0.800", t="-2.7"), facility=BOLD),
            scan(
                2,
                date(2021, 1, 5),
                site("lumbar_spine", "0.860", t="-2.2"),
                make="other",
                model=LINK,
                facility=LINK,
            ),
            scan(
                3,
                date(2023, 1, 5),
                site("lumbar_spine", "0.870", t="-2.1"),
                make="other",
                model=BOLD,
            ),
        )
    )


def test_plain_text_escapes_what_plotly_would_draw_as_html():
    assert plain_text(LINK) == '&lt;a href="https://evil.example/"&gt;Prodigy&lt;/a&gt;'
    assert plain_text(BOLD) == "&lt;b&gt;Lunar&lt;/b&gt; &amp; co"
    assert plain_text("Horizon A") == "Horizon A"


def test_a_scanner_model_is_shown_as_text_not_markup():
    hist = _history()
    text = json.dumps(bmd_trend(hist, assess(hist, TODAY)))
    assert "Prodigy" in text  # the model is shown (the scanner-change note)...
    assert "<a " not in text and "<b>Lunar" not in text  # ...as text, never as markup
    assert "&lt;a href=" in text


def test_no_chart_carries_markup_from_the_record():
    hist = _history()
    assessment = assess(hist, TODAY)
    for figure in (
        bmd_trend(hist, assessment),
        medication_timeline(hist, assessment),
        height_chart(hist),
    ):
        text = json.dumps(figure)
        assert "<a " not in text and "<b>Lunar" not in text


def test_the_text_summary_keeps_the_model_as_typed_for_the_template_to_escape():
    hist = _history()
    texts = summaries(hist, assess(hist, TODAY), sessions=())
    assert LINK in texts["bmd"]  # escaped once, by Django's autoescape, not twice
    assert "&lt;" not in texts["bmd"]


def test_the_dashboard_shows_a_typed_model_as_text(client, patient):
    make_scan(patient, date(2018, 1, 5), manufacturer="hologic")
    make_scan(patient, date(2021, 1, 5), manufacturer="other", model=LINK)
    settle(patient)
    client.force_login(patient.user)
    page = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert LINK not in page
    assert "&lt;a href=&quot;https://evil.example/&quot;&gt;Prodigy&lt;/a&gt;" in page
    data = re.search(r'<script id="chart-bmd-data" type="application/json">(.*?)</script>', page)
    figure = json.loads(data.group(1))
    assert "Prodigy" in json.dumps(figure)
    assert "<a " not in json.dumps(figure)
