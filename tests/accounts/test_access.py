import pytest
from django.urls import reverse

from tracker.accounts.models import AuditEvent, Patient


def test_visible_to_follows_the_care_links(cast, patient, other_patient):
    assert list(Patient.objects.visible_to(cast["owner"])) == [patient]
    assert list(Patient.objects.visible_to(cast["other_patient"])) == [other_patient]
    assert list(Patient.objects.visible_to(cast["clinician"])) == [patient]
    assert list(Patient.objects.visible_to(cast["other_clinician"])) == []
    assert list(Patient.objects.visible_to(cast["admin"])) == []


def test_one_record_is_seen_by_the_same_rule_as_the_list(cast, patient, other_patient):
    """visible_record (the gate, one record by its own links) answers as visible_to."""
    from tests.conftest import link, make_caregiver, make_user

    waiting = make_user("waiting@example.com", "Dr Waiting", "clinician")
    link(other_patient, cast["other_clinician"], status="pending")
    link(other_patient, waiting)  # a link, but the clinician is not approved yet
    make_caregiver(other_patient, "", "", user=cast["clinician"])  # a clinician as family
    sleeper = make_user("sleep@example.com", "Sid Sleeper", "patient", is_active=False)
    make_caregiver(patient, "", "", user=sleeper)
    for user in [*(u for u in cast.values() if u is not None), waiting, sleeper]:
        seen = set(Patient.objects.visible_to(user).values_list("pk", flat=True))
        for record in (patient, other_patient):
            one = Patient.objects.visible_record(user, record.pk)
            assert one.exists() == (record.pk in seen), (user, record)


def test_unapproved_clinician_sees_no_patient(cast, patient):
    doc = cast["clinician"]
    doc.approved_at = None
    doc.save()
    assert not Patient.objects.visible_to(doc).exists()


def test_pending_link_shows_nothing(cast, patient, other_clinician):
    from tests.conftest import link

    link(patient, other_clinician, status="pending")
    assert not Patient.objects.visible_to(other_clinician).exists()


def test_dashboard_wrong_method(as_role, patient):
    assert as_role("owner").post(reverse("dashboard:patient", args=[patient.pk])).status_code == 405


def test_unknown_patient_is_404_not_403(as_role):
    assert as_role("clinician").get(reverse("dashboard:patient", args=[999999])).status_code == 404


def test_clinician_read_is_audited_owner_read_is_not(as_role, patient):
    url = reverse("dashboard:patient", args=[patient.pk])
    as_role("owner").get(url)
    assert not AuditEvent.objects.filter(action="view").exists()
    as_role("clinician").get(url)
    event = AuditEvent.objects.get(action="view")
    assert (event.actor.email, event.patient, event.summary) == (
        "doc@example.com",
        patient,
        "opened your record",
    )
    assert event.ip == "127.0.0.1"


@pytest.mark.parametrize("name", ["accounts:access-log", "home"])
def test_read_only_pages_refuse_post(as_role, name):
    assert as_role("owner").post(reverse(name)).status_code == 405


def test_home_sends_each_role_to_its_start(as_role, patient):
    assert as_role("owner").get("/")["Location"] == reverse("dashboard:patient", args=[patient.pk])
    assert as_role("clinician").get("/")["Location"] == reverse("dashboard:panel")
    assert as_role("admin").get("/")["Location"] == reverse("admin:index")


def test_logout_is_post_only(as_role):
    client = as_role("owner")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
