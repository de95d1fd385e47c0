from django.urls import path

from tracker.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("patients/<int:patient_id>/", views.patient, name="patient"),
]
