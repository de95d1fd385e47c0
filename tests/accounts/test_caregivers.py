"""Caregivers (issue 12): the gate that knows them, and every step of the link: invite,
accept with the right or a wrong address, sign up from an invitation, decline, end by
the patient, step back, and the patient's consent to send their reminders."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import make_caregiver, make_user
from tracker.accounts import caregivers
from tracker.accounts.models import AuditEvent, CaregiverLink, Patient, Role

Action = AuditEvent.Action
INVITED = "daughter@example.com"


def invite(client, patient, email=INVITED, reminders=True):
    client.force_login(patient.user)
    data = {"form": "caregiver", "caregiver-email": email}
    if reminders:
        data["caregiver-reminders"] = "on"
    return client.post(reverse("accounts:sharing"), data, follow=True)


def token_in(message) -> str:
    return re.search(r"/caregivers/invitation/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def token(client, patient, mailoutbox):
    invite(client, patient)
    client.logout()
    return token_in(mailoutbox[-1])


@pytest.fixture
def daughter(db):
    """Has an account with the invited address, and no record of her own."""
    return make_user(INVITED, "Dana Daughter", Role.PATIENT)


# --- The gate ---------------------------------------------------------------------


def test_a_caregiver_sees_the_people_she_cares_for(patient, other_patient, caregiver):
    assert list(Patient.objects.visible_to(caregiver)) == [patient]
    assert list(Patient.objects.cared_for_by(caregiver)) == [patient]


def test_a_patient_who_cares_for_someone_sees_both_in_one_query(
    patient, other_patient, django_assert_num_queries
):
    make_caregiver(other_patient, "", "", user=patient.user)
    with django_assert_num_queries(1):
        ids = list(Patient.objects.visible_to(patient.user).values_list("pk", flat=True))
    assert sorted(ids) == sorted([patient.pk, other_patient.pk])


def test_a_clinician_who_is_a_caregiver_sees_both_sets_once_each(
    patient, other_patient, clinician, django_assert_num_queries
):
    make_caregiver(other_patient, "", "", user=clinician)
    make_caregiver(patient, "", "", user=clinician)  # her patient, and her mother too
    with django_assert_num_queries(1):
        ids = list(Patient.objects.visible_to(clinician).values_list("pk", flat=True))
    assert sorted(ids) == sorted([patient.pk, other_patient.pk])
    # Her panel (and her cohort) is her patients only: never her family.
    assert list(Patient.objects.shared_with_clinician(clinician)) == [patient]


def test_pending_declined_and_ended_links_show_nothing(patient):
    for status in ("pending", "declined", "ended"):
        helper = make_caregiver(patient, f"{status}@example.com", status, status=status).caregiver
        assert not Patient.objects.visible_to(helper).exists(), status


def test_an_admin_never_cares_for_anyone(patient, admin_user):
    make_caregiver(patient, "", "", user=admin_user)
    assert not Patient.objects.visible_to(admin_user).exists()


def test_a_deactivated_patient_is_gone_for_the_caregiver(client, patient, caregiver):
    patient.user.is_active = False
    patient.user.save()
    client.force_login(caregiver)
    assert client.get(reverse("dashboard:patient", args=[patient.pk])).status_code == 404


def test_the_gate_uses_the_link_indexes():
    indexes = {tuple(index.fields) for index in CaregiverLink._meta.indexes}
    assert ("caregiver", "status") in indexes


# --- Inviting -------------------------------------------------------------------


def test_the_patient_invites_by_email_with_a_hashed_single_use_secret(client, patient, mailoutbox):
    page = invite(client, patient).content.decode()
    assert f"We sent an invitation to {INVITED}" in page
    assert "Waiting for them to accept" in page
    message = mailoutbox[-1]
    assert message.to == [INVITED]
    assert "Pat Patient" in message.body and "injection and infusion reminders" in message.body
    token = token_in(message)
    link = CaregiverLink.objects.get()
    assert (link.status, link.email, link.caregiver, link.gets_injection_reminders) == (
        "pending",
        INVITED,
        None,
        True,
    )
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash
    event = AuditEvent.objects.get(action=Action.CARE_INVITE)
    assert (event.actor, event.patient) == (patient.user, patient)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("pat@example.com", "This is your own email address"),
        (INVITED, "You have already invited this address"),
    ],
)
def test_refused_invitations_say_why(client, patient, mailoutbox, email, message):
    invite(client, patient)
    page = invite(client, patient, email=email).content.decode()
    assert message in page
    assert CaregiverLink.objects.count() == 1


def test_someone_who_already_helps_is_not_invited_twice(client, patient, caregiver):
    assert (
        "This person already helps you" in invite(client, patient, caregiver.email).content.decode()
    )


def test_an_unconfirmed_patient_invites_nobody(client, patient):
    patient.user.email_verified_at = None
    patient.user.save()
    assert "confirm your email address first" in invite(client, patient).content.decode()
    assert not CaregiverLink.objects.exists()


# --- Accepting ------------------------------------------------------------------


def test_accepting_with_the_invited_address(client, patient, daughter, token):
    daughter.email_verified_at = None
    daughter.save()
    url = reverse("accounts:caregiver-invitation", args=[token])
    client.force_login(daughter)
    page = client.get(url).content.decode()
    assert "Pat Patient asks you to help with their record" in page
    response = client.post(reverse("accounts:caregiver-accept", args=[token]))
    assert response["Location"] == reverse("dashboard:patient", args=[patient.pk])
    link = CaregiverLink.objects.get()
    assert (link.status, link.caregiver, link.token_hash) == ("active", daughter, None)
    event = AuditEvent.objects.get(action=Action.CARE_ACCEPT)
    assert (event.actor, event.patient) == (daughter, patient)
    daughter.refresh_from_db()
    assert daughter.email_verified  # the invitation reached her address
    # Now a caregiver: the second step before the record (test_caregiver_two_step.py).
    asked = client.get(reverse("dashboard:patient", args=[patient.pk]))
    assert asked["Location"].startswith(reverse("accounts:two-factor-verify"))
    client.force_login(daughter)  # verified, as after the second step
    assert client.get(reverse("dashboard:patient", args=[patient.pk])).status_code == 200


def test_an_invitation_works_once(client, patient, daughter, token):
    client.force_login(daughter)
    client.post(reverse("accounts:caregiver-accept", args=[token]))
    daughter.refresh_from_db()
    client.force_login(daughter)  # now a caregiver: verified, as after the second step
    again = client.post(reverse("accounts:caregiver-accept", args=[token]))
    assert again.status_code == 404
    assert "This invitation cannot be used" in again.content.decode()


def test_signed_in_with_another_address_is_told_so(client, patient, other_patient, token):
    client.force_login(other_patient.user)
    page = client.get(reverse("accounts:caregiver-invitation", args=[token])).content.decode()
    assert f"This invitation is for {INVITED}, but you are signed in as olga@example.com" in page
    assert "Sign out" in page and "Accept: help" not in page
    response = client.post(reverse("accounts:caregiver-accept", args=[token]))
    assert response.status_code == 400
    assert CaregiverLink.objects.get().status == "pending"


def test_the_patient_cannot_accept_her_own_invitation(client, patient, mailoutbox):
    invite(client, patient, email="PAT2@example.com")
    patient.user.email = "pat2@example.com"
    patient.user.save()
    token = token_in(mailoutbox[-1])
    response = client.post(reverse("accounts:caregiver-accept", args=[token]))
    assert "You cannot be your own caregiver" in response.content.decode()
    assert not CaregiverLink.objects.active().exists()


def test_an_expired_invitation_says_so(client, patient, daughter, token, time_machine):
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=15))
    client.force_login(daughter)
    page = client.get(reverse("accounts:caregiver-invitation", args=[token]))
    assert page.status_code == 404
    assert "This invitation has expired" in page.content.decode()
    client.post(reverse("accounts:caregiver-accept", args=[token]))
    assert not CaregiverLink.objects.active().exists()


def test_anonymous_visitors_are_offered_sign_in_and_sign_up(client, token):
    page = client.get(reverse("accounts:caregiver-invitation", args=[token])).content.decode()
    assert f"To accept, sign in with {INVITED}" in page
    assert reverse("accounts:caregiver-signup", args=[token]) in page
    assert "?next=/accounts/caregivers/invitation/" in page


def test_signing_up_from_an_invitation_makes_an_account_without_a_record(client, patient, token):
    url = reverse("accounts:caregiver-signup", args=[token])
    assert INVITED in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "account-full_name": "Dana Daughter",
            "account-email": "someone-else@example.com",  # disabled: the invited one is used
            "account-password1": "a-long-enough-passphrase",
            "account-password2": "a-long-enough-passphrase",
        },
    )
    assert response["Location"] == reverse("accounts:caregiver-invitation", args=[token])
    dana = caregivers.User.objects.get(full_name="Dana Daughter")
    assert (dana.email, dana.role, dana.has_record, dana.email_verified) == (
        INVITED,
        "patient",
        False,
        True,
    )
    client.post(reverse("accounts:caregiver-accept", args=[token]))
    dana.refresh_from_db()
    client.force_login(dana)  # now a caregiver: verified, as after the second step
    assert client.get("/")["Location"] == reverse("accounts:caring")
    page = client.get(reverse("accounts:caring")).content.decode()
    assert "Pat Patient" in page and "Start my own record" in page
    assert "My record" not in page and "Who viewed my record" not in page


def test_declining_needs_no_account(client, patient, token):
    page = client.post(reverse("accounts:caregiver-decline", args=[token]))
    assert "You declined the invitation" in page.content.decode()
    link = CaregiverLink.objects.get()
    assert (link.status, link.token_hash) == ("declined", None)
    event = AuditEvent.objects.get(action=Action.CARE_DECLINE)
    assert (event.actor, event.patient) == (None, patient)


# --- Ending, stepping back, consent ----------------------------------------------


def test_the_patient_removes_a_caregiver_at_once(client, patient, caregiver):
    link = CaregiverLink.objects.get(caregiver=caregiver)
    dashboard = reverse("dashboard:patient", args=[patient.pk])
    helper = client.__class__()
    helper.force_login(caregiver)
    assert helper.get(dashboard).status_code == 200
    client.force_login(patient.user)
    url = reverse("accounts:caregiver-end", args=[link.pk])
    assert "Remove Carla Carer?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "Carla Carer can no longer see your record" in response.content.decode()
    assert helper.get(dashboard).status_code == 404  # the very next request
    link.refresh_from_db()
    assert (link.status, link.ended_by) == ("ended", patient.user)
    event = AuditEvent.objects.get(action=Action.CARE_END)
    assert (event.actor, event.patient) == (patient.user, patient)


def test_the_caregiver_steps_back(client, patient, caregiver):
    link = CaregiverLink.objects.get(caregiver=caregiver)
    client.force_login(caregiver)
    url = reverse("accounts:caregiver-end", args=[link.pk])
    assert "Stop helping Pat Patient?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "You no longer help Pat Patient" in response.content.decode()
    assert client.get(reverse("dashboard:patient", args=[patient.pk])).status_code == 404
    event = AuditEvent.objects.get(action=Action.CARE_END)
    assert (event.actor, event.summary) == (
        caregiver,
        "Carla Carer (carla@example.com): stepped back",
    )


def test_the_patient_withdraws_an_invitation(client, patient, daughter, token):
    link = CaregiverLink.objects.get()
    client.force_login(patient.user)
    client.post(reverse("accounts:caregiver-end", args=[link.pk]))
    client.force_login(daughter)
    assert client.post(reverse("accounts:caregiver-accept", args=[token])).status_code == 404
    assert not Patient.objects.visible_to(daughter).exists()


def test_the_patient_turns_the_reminders_on_and_off(client, patient, caregiver):
    link = CaregiverLink.objects.get(caregiver=caregiver)
    url = reverse("accounts:caregiver-reminders", args=[link.pk])
    client.force_login(patient.user)
    page = client.post(url, {"send": "no"}, follow=True).content.decode()
    assert "Carla Carer will no longer get your reminders" in page
    assert "Send my injection reminders" in page
    link.refresh_from_db()
    assert not link.gets_injection_reminders
    client.post(url, {"send": "yes"})
    link.refresh_from_db()
    assert link.gets_injection_reminders
    summaries = list(
        AuditEvent.objects.filter(action=Action.CARE_REMINDERS)
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "injection reminders to Carla Carer: off",
        "injection reminders to Carla Carer: on",
    ]


def test_only_the_patient_decides_about_the_reminders(client, patient, caregiver):
    link = CaregiverLink.objects.get(caregiver=caregiver)
    client.force_login(caregiver)
    url = reverse("accounts:caregiver-reminders", args=[link.pk])
    assert client.post(url, {"send": "no"}).status_code == 403
    link.refresh_from_db()
    assert link.gets_injection_reminders


def test_the_sharing_page_lists_caregivers_with_their_start(client, patient, caregiver):
    client.force_login(patient.user)
    page = client.get(reverse("accounts:sharing")).content.decode()
    assert "People who help me" in page and "Carla Carer" in page
    assert "Can see your record and add to it since" in page
    assert "They get your injection and infusion reminders" in page


# --- Navigation and the patient's view of them ------------------------------------


def test_people_i_care_for_in_the_navigation_own_record_first(client, patient, other_patient):
    make_caregiver(other_patient, "", "", user=patient.user)
    client.force_login(patient.user)
    assert client.get("/")["Location"] == reverse("dashboard:patient", args=[patient.pk])
    page = client.get(reverse("reminders:settings")).content.decode()
    assert page.index(">My record<") < page.index("People I care for")
    switch = reverse("dashboard:patient", args=[other_patient.pk])
    assert f'href="{switch}">Olga Other</a>' in page


def test_the_menu_forgets_an_ended_link_at_once(client, patient, caregiver):
    client.force_login(caregiver)
    assert "Pat Patient" in client.get(reverse("accounts:caring")).content.decode()
    link = CaregiverLink.objects.get(caregiver=caregiver)
    owner = client.__class__()
    owner.force_login(patient.user)
    owner.post(reverse("accounts:caregiver-end", args=[link.pk]))
    assert "Pat Patient" not in client.get(reverse("reminders:settings")).content.decode()


def test_the_access_log_names_the_caregiver(client, patient, caregiver):
    client.force_login(caregiver)
    client.get(reverse("dashboard:patient", args=[patient.pk]))
    client.force_login(patient.user)
    page = client.get(reverse("accounts:access-log")).content.decode()
    assert "Carla Carer" in page and "Opened your record" in page


def test_a_record_less_account_starts_its_own_record(client, caregiver):
    client.force_login(caregiver)
    assert "Start my own record" in client.get(reverse("accounts:profile")).content.decode()
    response = client.post(
        reverse("accounts:profile"),
        {"birth_date": "1970-03-04", "sex": "female", "menopausal_status": "postmenopausal"},
    )
    assert response.status_code == 302
    caregiver.refresh_from_db()
    assert Patient.objects.filter(user=caregiver).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, summary="started own record").exists()


def test_a_clinician_caring_for_her_mother_has_no_clinician_controls_there(
    client, other_patient, clinician
):
    make_caregiver(other_patient, "", "", user=clinician)
    client.force_login(clinician)
    page = client.get(reverse("dashboard:patient", args=[other_patient.pk]))
    assert page.status_code == 200
    assert 'id="controls-h"' not in page.content.decode()
    settings_url = reverse("dashboard:clinical-settings", args=[other_patient.pk])
    assert client.post(settings_url, {}).status_code == 403
    panel = client.get(reverse("dashboard:panel")).content.decode()
    main = panel[panel.index('<main id="main"') :]
    assert "Olga Other" not in main  # in the navigation's "People I care for" only
    assert "Olga Other" in panel[: panel.index('<main id="main"')]


def test_the_menu_is_cached_and_costs_no_query_when_warm(caregiver, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(1):
        assert caregivers.people_cared_for(caregiver)[0]["name"] == "Pat Patient"
    with django_assert_num_queries(0):
        caregivers.people_cared_for(caregiver)


def test_the_menu_costs_nothing_for_someone_who_cares_for_nobody(
    patient, clinician, django_assert_num_queries
):
    cache.clear()
    with django_assert_num_queries(0):
        assert caregivers.people_cared_for(patient.user) == []
        assert caregivers.people_cared_for(clinician) == []


def test_the_hint_follows_accepting_and_the_last_link_ending(
    client, patient, other_patient, daughter, token
):
    client.force_login(daughter)
    client.post(reverse("accounts:caregiver-accept", args=[token]))
    daughter.refresh_from_db()
    assert daughter.cares_for_someone
    client.force_login(daughter)  # now a caregiver: verified, as after the second step
    make_caregiver(other_patient, "", "", user=daughter)
    first, second = CaregiverLink.objects.filter(caregiver=daughter).order_by("pk")
    client.post(reverse("accounts:caregiver-end", args=[first.pk]))
    daughter.refresh_from_db()
    assert daughter.cares_for_someone  # still helps Olga
    client.post(reverse("accounts:caregiver-end", args=[second.pk]))
    daughter.refresh_from_db()
    assert not daughter.cares_for_someone


# --- Account deletion -------------------------------------------------------------


def test_deleting_the_patient_removes_their_caregiver_links(client, patient, caregiver):
    client.force_login(patient.user)
    response = client.post(
        reverse("interop:delete-account"), {"password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert not CaregiverLink.objects.exists()
    caregiver.refresh_from_db()  # the caregiver's own account stays


def test_a_caregiver_without_a_record_deletes_her_account(client, patient, caregiver):
    client.force_login(caregiver)
    client.post(
        reverse("records:add", args=[patient.pk, "falls"]), {"date": "2026-10-01", "injured": "on"}
    )
    page = client.get(reverse("interop:delete-account")).content.decode()
    assert "If you help someone with their record" in page and "Your whole record" not in page
    client.post(reverse("interop:delete-account"), {"password": "correct-horse-battery-staple"})
    assert not CaregiverLink.objects.filter(email=caregiver.email).exists()
    assert not caregivers.User.objects.filter(pk=caregiver.pk).exists()
    # What she added stays in the patient's record and trail, under an account number.
    added = AuditEvent.objects.get(action=Action.CREATE, patient=patient)
    assert added.actor_label == f"deleted account {caregiver.pk}" and "Fall" in added.summary


def test_sharing_with_a_clinician_still_works_beside_caregivers(client, patient, clinician):
    other = make_user(
        "doc2@example.com", "Dr Two", Role.CLINICIAN, approved_at=clinician.approved_at
    )
    client.force_login(patient.user)
    client.post(reverse("accounts:sharing"), {"email": other.email})
    assert patient.care_links.active().count() == 2
