from django.urls import path

from tracker.records import frax_views, lifestyle_views, views

app_name = "records"

P = "patients/<int:patient_id>/"
urlpatterns = [
    path(P + "history/", views.history, name="history"),
    path(P + "scans/add/", views.scan_form, name="scan-add"),
    path(P + "scans/<int:pk>/", views.scan_detail, name="scan"),
    path(P + "scans/<int:pk>/edit/", views.scan_form, name="scan-edit"),
    path(P + "medications/<int:course_id>/doses/add/", views.dose_add, name="dose-add"),
    path(P + "calcium/", lifestyle_views.calcium, name="calcium"),
    path(P + "falls-checklist/", lifestyle_views.falls_checklist, name="falls-checklist"),
    path(P + "fracture-risk/", frax_views.frax_page, name="frax"),
    path(P + "<slug:kind>/add/", views.entry_add, name="add"),
    path(P + "<slug:kind>/<int:pk>/", views.entry_detail, name="detail"),
    path(P + "<slug:kind>/<int:pk>/edit/", views.entry_edit, name="edit"),
    path(P + "<slug:kind>/<int:pk>/delete/", views.entry_delete, name="delete"),
]
