from django.urls import path

from tracker.dashboard import quality_views, views

app_name = "dashboard"

urlpatterns = [
    path("patients/", views.panel, name="panel"),
    path("fracture-service/", quality_views.quality_page, name="quality"),
    path("patients/export.csv", views.panel_csv, name="panel-csv"),
    path("patients/<int:patient_id>/", views.patient, name="patient"),
    path("patients/<int:patient_id>/print/", views.print_view, name="print"),
    path("patients/<int:patient_id>/changes/", views.changes, name="changes"),
    path(
        "patients/<int:patient_id>/clinical-settings/",
        views.clinical_settings,
        name="clinical-settings",
    ),
]
