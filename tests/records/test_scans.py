"""The scan page: a scan and its sites together, with the plausibility rules of
rule book section 1.1 applied on both sides of every limit."""

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.records import models as m


def scan_data(*sites, date="2026-05-04", manufacturer="hologic", **extra):
    data = {
        "date": date,
        "facility": "City Hospital",
        "manufacturer": manufacturer,
        "model": "Horizon A",
        "sites-TOTAL_FORMS": str(len(sites)),
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, site in enumerate(sites):
        for key, value in site.items():
            data[f"sites-{i}-{key}"] = value
    return data


SPINE = {
    "site": "lumbar_spine",
    "side": "none",
    "bmd": "0.850",
    "t_score": "-1.9",
    "z_score": "-0.6",
    "vertebrae": "L1-L4",
}
HIP = {"site": "total_hip", "side": "left", "bmd": "0.780", "t_score": "-1.6", "z_score": "-0.3"}
NECK = {
    "site": "femoral_neck",
    "side": "left",
    "bmd": "0.650",
    "t_score": "-2.1",
    "z_score": "-0.8",
}


@pytest.fixture
def owner(client, patient):
    client.force_login(patient.user)
    return client


def post_scan(client, patient, data):
    return client.post(reverse("records:scan-add", args=[patient.pk]), data)


def test_three_site_scan_is_saved_together(owner, patient):
    response = post_scan(owner, patient, scan_data(SPINE, HIP, NECK))
    assert response.status_code == 302, response.content.decode()[:3000]
    scan = m.Scan.objects.get()
    assert sorted(scan.sites.values_list("site", flat=True)) == [
        "femoral_neck",
        "lumbar_spine",
        "total_hip",
    ]
    assert scan.entered_by == patient.user


def test_new_scan_page_offers_the_usual_sites(owner, patient):
    page = owner.get(reverse("records:scan-add", args=[patient.pk])).content.decode()
    assert page.count("site-row") == 5
    assert '<option value="lumbar_spine" selected>' in page


# (field, value, accepted without a tick, accepted with a tick, message fragment)
RULES_1_1 = [
    ("bmd", "0", False, False, "0"),
    ("bmd", "0.001", False, True, "unusually low"),
    ("bmd", "0.349", False, True, "unusually low"),
    ("bmd", "0.350", True, True, ""),
    ("bmd", "1.600", True, True, ""),
    ("bmd", "1.601", False, True, "unusually high"),
    ("bmd", "2.500", False, True, "unusually high"),
    ("bmd", "2.501", False, False, "2.5"),
    ("bmd", "1200", False, False, "Did you mean 1.200 g/cm²?"),
    ("bmd", "-0.5", False, False, ""),
    ("t_score", "-8.1", False, False, "T-score"),
    ("t_score", "-8.0", False, True, "T-score"),
    ("t_score", "-5.1", False, True, "T-score"),
    ("t_score", "-5.0", True, True, ""),
    ("t_score", "4.0", True, True, ""),
    ("t_score", "4.1", False, True, "T-score"),
    ("t_score", "8.0", False, True, "T-score"),
    ("t_score", "8.1", False, False, "T-score"),
    ("z_score", "-8.1", False, False, "Z-score"),
    ("z_score", "-5.1", False, True, "Z-score"),
    ("z_score", "-5.0", True, True, ""),
    ("z_score", "4.1", False, True, "Z-score"),
    ("z_score", "8.1", False, False, "Z-score"),
]


@pytest.mark.parametrize(
    ("field", "value", "plain", "ticked", "message"),
    RULES_1_1,
    ids=[f"1.1 {r[0]}={r[1]}" for r in RULES_1_1],
)
def test_plausibility_rules_1_1(owner, patient, field, value, plain, ticked, message):
    site = {**SPINE, field: value}
    response = post_scan(owner, patient, scan_data(site))
    assert (response.status_code == 302) is plain, response.content.decode()[-4000:]
    if not plain:
        html = response.content.decode()
        assert message in html
        assert f'value="{value}"' in html  # what the user typed is kept
        assert not m.Scan.objects.exists()
        response = post_scan(owner, patient, scan_data({**site, "checked": "on"}))
        assert (response.status_code == 302) is ticked
        assert m.Scan.objects.exists() is ticked


@pytest.mark.parametrize(
    ("date", "accepted"),
    [("2026-11-21", True), ("2026-11-22", False), ("1955-05-17", True), ("1955-05-16", False)],
    ids=["1.1 today", "1.1 tomorrow", "1.1 day of birth", "1.1 day before birth"],
)
def test_scan_date_rules(owner, patient, time_machine, date, accepted):
    time_machine.move_to(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))
    response = post_scan(owner, patient, scan_data(SPINE, date=date))
    assert (response.status_code == 302) is accepted


def test_change_over_15_percent_a_year_needs_a_tick(owner, patient):
    assert post_scan(owner, patient, scan_data(SPINE, date="2024-05-04")).status_code == 302
    jump = {**SPINE, "bmd": "1.150"}  # +35 % in two years
    response = post_scan(owner, patient, scan_data(jump, date="2026-05-04"))
    assert "per year" in response.content.decode()
    assert m.Scan.objects.count() == 1
    assert (
        post_scan(
            owner, patient, scan_data({**jump, "checked": "on"}, date="2026-05-04")
        ).status_code
        == 302
    )


def test_scans_under_six_months_apart_need_a_tick(owner, patient):
    post_scan(owner, patient, scan_data(SPINE, date="2026-01-04"))
    response = post_scan(owner, patient, scan_data(SPINE, date="2026-05-04"))
    assert "6 months" in response.content.decode()
    assert m.Scan.objects.count() == 1


def test_one_bad_site_saves_nothing_at_all(owner, patient):
    response = post_scan(owner, patient, scan_data(SPINE, HIP, {**NECK, "bmd": "650"}))
    assert response.status_code == 200
    assert not m.Scan.objects.exists() and not m.SiteResult.objects.exists()
    html = response.content.decode()
    assert 'value="0.850"' in html and 'value="650"' in html


def test_a_site_at_most_once(owner, patient):
    response = post_scan(owner, patient, scan_data(SPINE, HIP, HIP))
    assert "already in this scan" in response.content.decode()
    assert not m.Scan.objects.exists()


def test_at_least_one_site(owner, patient):
    response = post_scan(owner, patient, scan_data())
    assert "at least one site" in response.content.decode()
    assert not m.Scan.objects.exists()


def test_hip_needs_a_side_and_spine_has_none(owner, patient):
    response = post_scan(
        owner, patient, scan_data({**HIP, "side": "none"}, {**SPINE, "side": "left"})
    )
    html = response.content.decode()
    assert "Choose left or right" in html and "has no side" in html


def test_edit_scan_changes_a_site_and_deletes_another(owner, patient):
    post_scan(owner, patient, scan_data(SPINE, HIP))
    scan = m.Scan.objects.get()
    spine, hip = scan.sites.get(site="lumbar_spine"), scan.sites.get(site="total_hip")
    data = scan_data(
        {**SPINE, "id": spine.pk, "bmd": "0.860"}, {**HIP, "id": hip.pk, "DELETE": "on"}
    )
    data["sites-INITIAL_FORMS"] = "2"
    response = owner.post(reverse("records:scan-edit", args=[patient.pk, scan.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert [(s, str(b)) for s, b in scan.sites.values_list("site", "bmd")] == [
        ("lumbar_spine", "0.860")
    ]


def test_fewer_vertebrae_are_stored(owner, patient):
    post_scan(owner, patient, scan_data({**SPINE, "vertebrae": "L2-L4"}))
    site = m.SiteResult.objects.get()
    assert (site.vertebrae, site.vertebrae_count) == ("L2-L4", 3)


decimals = st.one_of(
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
    st.sampled_from(["1200", "-0", "1e400", "0.0000001", "NaN", "  0.9 ", "١٢"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bmd=decimals,
    t=decimals,
    z=decimals,
    date=st.one_of(st.dates().map(str), st.text(max_size=10)),
    site=st.sampled_from(["lumbar_spine", "total_hip", "bogus", ""]),
    side=st.sampled_from(["none", "left", "x"]),
    checked=st.booleans(),
)
def test_arbitrary_scan_input_never_errors_or_saves_nonsense(
    owner, patient, bmd, t, z, date, site, side, checked
):
    data = scan_data(
        {
            "site": site,
            "side": side,
            "bmd": bmd or "",
            "t_score": t or "",
            "z_score": z or "",
            **({"checked": "on"} if checked else {}),
        },
        date=date,
    )
    response = post_scan(owner, patient, data)
    assert response.status_code in (200, 302)
    for result in m.SiteResult.objects.all():
        assert 0 < result.bmd <= 2.5
        assert result.t_score is None or -8 <= result.t_score <= 8
        assert result.z_score is None or -8 <= result.z_score <= 8
        assert result.scan.date <= dt.date.today()
    m.Scan.objects.all().delete()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(
        ["falls", "heights", "labs", "exercise", "medications", "fractures", "events"]
    ),
    values=st.dictionaries(
        st.sampled_from(
            [
                "date",
                "cm",
                "kind",
                "minutes",
                "effort",
                "drug",
                "start",
                "end",
                "site",
                "calcium",
                "stop_reason",
            ]
        ),
        st.one_of(st.text(max_size=8), st.integers(-(10**6), 10**6).map(str), st.dates().map(str)),
    ),
)
def test_arbitrary_entry_input_never_errors(owner, patient, kind, values):
    response = owner.post(reverse("records:add", args=[patient.pk, kind]), values)
    assert response.status_code in (200, 302)
    for height in m.HeightMeasurement.objects.all():
        assert 50 <= height.cm <= 250
    for course in m.MedicationCourse.objects.all():
        assert course.end is None or course.end >= course.start
