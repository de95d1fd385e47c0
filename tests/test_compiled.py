"""Queries written once and run many times (issue 13, tracker.compiled): the access
gate, compiled once per kind of user, answers every member of the cast as the ORM's
own query does; a query whose stand-in cannot be found is not compiled."""

import datetime as dt

import pytest
from django.db.models import Value
from django.db.models.functions import Concat
from django.http import Http404

from tests.conftest import make_caregiver, make_user
from tracker.accounts import access
from tracker.accounts.middleware import SecondStepNeeded
from tracker.accounts.models import Patient, Role
from tracker.compiled import Shapes, compile_query, standins


@pytest.fixture
def fresh_gate(monkeypatch):
    shapes = Shapes(limit=16)
    monkeypatch.setattr(access, "_GATE", shapes)
    return shapes.known


def _as_orm(user, patient_id):
    found = list(access._gate(user, patient_id)) if _lets_in(user) else []
    return found[0] if found else None


def _lets_in(user) -> bool:
    return user.is_active and user.role != Role.ADMIN


def _same(compiled, built) -> None:
    if built is None:
        assert compiled is None
        return
    assert compiled.pk == built.pk
    assert compiled.__dict__.keys() - {"_state"} == built.__dict__.keys() - {"_state"}
    for name in ("birth_date", "sex", "created_at", "user_id"):
        assert getattr(compiled, name) == getattr(built, name)
    assert getattr(compiled, "shared_with_user", None) == getattr(built, "shared_with_user", None)
    # What rides along is loaded with it, not fetched again.
    assert compiled._state.fields_cache.keys() == built._state.fields_cache.keys()
    assert compiled.user.email == built.user.email
    assert compiled._state.db == built._state.db and not compiled._state.adding


def test_the_gate_answers_every_member_of_the_cast_as_the_orm_does(
    cast, patient, other_patient, fresh_gate, django_assert_num_queries
):
    waiting = make_user("waiting@example.com", "Dr Waiting", Role.CLINICIAN)
    # A clinician who is also family: sees Olga as her caregiver.
    make_caregiver(other_patient, "", "", user=cast["clinician"])
    users = [u for u in cast.values() if u is not None] + [waiting]
    for user in users:
        for record in (patient, other_patient):
            with django_assert_num_queries(1 if _lets_in(user) else 0):
                compiled = access._gated(user, record.pk)
            _same(compiled, _as_orm(user, record.pk))
    # One compiled query per kind of user: patient, approved clinician, waiting one.
    assert set(fresh_gate) == {
        ("default", Role.PATIENT, False),
        ("default", Role.CLINICIAN, True),
        ("default", Role.CLINICIAN, False),
    }
    assert all(compiled is not None for compiled in fresh_gate.values())


def test_the_relation_comes_from_the_compiled_gate(rf, cast, patient, fresh_gate):
    for role, relation in (
        ("owner", access.OWNER),
        ("clinician", access.CLINICIAN),
        ("caregiver", access.CAREGIVER),
    ):
        request = rf.get("/")
        request.user = cast[role]
        request.user.is_verified = lambda: True  # (django-otp's middleware sets it)
        assert access.patient_for(request, patient.pk).access.relation == relation
    for role in ("other_patient", "other_clinician", "admin", "ended_caregiver"):
        request = rf.get("/")
        request.user = cast[role]
        with pytest.raises(Http404):
            access.patient_for(request, patient.pk)


def test_an_unverified_caregiver_is_sent_to_the_second_step(rf, cast, patient, fresh_gate):
    request = rf.get("/")
    request.user = cast["caregiver"]
    request.user.is_verified = lambda: False
    with pytest.raises(SecondStepNeeded):
        access.patient_for(request, patient.pk)


def test_an_inactive_user_is_let_through_nowhere(cast, patient, fresh_gate):
    owner = cast["owner"]
    owner.is_active = False
    assert access._gated(owner, patient.pk) is None


def test_a_gate_that_cannot_be_compiled_is_built_for_each_request(
    client, cast, patient, fresh_gate, monkeypatch
):
    monkeypatch.setattr(access, "compile_query", lambda *args: None)
    for role in ("owner", "clinician", "caregiver"):
        client.force_login(cast[role])
        assert client.get(f"/patients/{patient.pk}/").status_code == 200
    client.force_login(cast["other_clinician"])
    assert client.get(f"/patients/{patient.pk}/").status_code == 404
    assert set(fresh_gate.values()) == {None}


def test_a_standin_written_into_the_sql_is_not_compiled(db):
    given = standins(patient="int")
    written = Patient.objects.filter(pk=given["patient"].value).extra(
        where=[f"accounts_patient.id <> {given['patient'].value}"]
    )
    assert compile_query(written, given) is None


def test_a_standin_that_is_not_found_is_not_compiled(db):
    given = standins(patient="int", user="int")
    assert compile_query(Patient.objects.filter(pk=given["patient"].value), given) is None


def test_a_query_that_selects_nothing_is_not_compiled(db):
    assert compile_query(Patient.objects.none(), standins(patient="int")) is None


def test_values_dates_and_words_are_bound_and_converted(patient, other_patient):
    given = standins(born="date", word="like")
    query = (
        Patient.objects.filter(birth_date__gte=given["born"].value)
        .annotate(label=Concat("user__full_name", Value("!")))
        .filter(user__full_name__icontains=given["word"].value)
        .values("pk", "birth_date", "label")
        .order_by("pk")
    )
    compiled = compile_query(query, given)
    assert compiled is not None
    for born, word in ((dt.date(1950, 1, 1), "pat"), (dt.date(1960, 1, 1), "pat"), (None, "%")):
        born = born or dt.date(1900, 1, 1)
        built = list(
            Patient.objects.filter(birth_date__gte=born)
            .annotate(label=Concat("user__full_name", Value("!")))
            .filter(user__full_name__icontains=word)
            .values("pk", "birth_date", "label")
            .order_by("pk")
        )
        assert compiled.dicts({"born": born, "word": word}) == built
    rows = compiled.dicts({"born": dt.date(1950, 1, 1), "word": "PAT"})
    assert rows == [{"pk": patient.pk, "birth_date": dt.date(1955, 5, 17), "label": "Pat Patient!"}]


def test_shapes_keep_what_they_compiled_up_to_their_limit():
    shapes, built = Shapes(limit=2), []

    def build(n):
        built.append(n)
        return n

    for n in (1, 2, 1, 3, 3):
        assert shapes.get((n,), lambda n=n: build(n)) == n
    assert built == [1, 2, 3, 3]  # past the limit, compiled for each use
    assert set(shapes.known) == {(1,), (2,)}
