"""The access ladder for every records view, and guessed IDs."""

from django.urls import reverse


def test_post_only_views(as_role, patient, entries):
    url = reverse("records:dose-add", args=[patient.pk, entries["medications"].pk])
    assert as_role("owner").get(url).status_code == 405
    for role, status in [("other_patient", 404), ("other_clinician", 404), ("admin", 404)]:
        assert (
            as_role(role)
            .post(url, {"date": "2026-11-01", "kind": "aerobic", "minutes": "30"})
            .status_code
            == status
        )


def test_read_only_pages_refuse_post(as_role, patient, entries):
    client = as_role("owner")
    assert client.post(reverse("records:history", args=[patient.pk])).status_code == 405
    assert (
        client.post(reverse("records:scan", args=[patient.pk, entries["scans"].pk])).status_code
        == 405
    )
    url = reverse("records:detail", args=[patient.pk, "falls", entries["falls"].pk])
    assert client.post(url).status_code == 405


def test_guessing_another_patients_entry_ids_is_404(as_role, patient, other_patient, entries):
    """Olga may see her own record, but not Pat's entries through her own patient id."""
    client = as_role("other_patient")
    for slug, entry in entries.items():
        if slug == "scans":
            view = reverse("records:scan", args=[other_patient.pk, entry.pk])
            edit = reverse("records:scan-edit", args=[other_patient.pk, entry.pk])
        else:
            view = reverse("records:detail", args=[other_patient.pk, slug, entry.pk])
            edit = reverse("records:edit", args=[other_patient.pk, slug, entry.pk])
        delete = reverse("records:delete", args=[other_patient.pk, slug, entry.pk])
        for url in (view, edit, delete):
            assert client.get(url).status_code == 404, url
        for url in (edit, delete):
            assert client.post(url).status_code == 404, url
    assert all(type(e).objects.filter(pk=e.pk).exists() for e in entries.values())


def test_unknown_kind_is_404(as_role, patient):
    assert as_role("owner").get(f"/patients/{patient.pk}/bananas/add/").status_code == 404
    assert (
        as_role("owner").get(reverse("records:add", args=[patient.pk, "doses"])).status_code == 404
    )
