from django.urls import path

from tracker.reminders import views

app_name = "reminders"

urlpatterns = [
    path("patients/<int:patient_id>/alerts/done/", views.alert_done, name="done"),
    path("patients/<int:patient_id>/alerts/snooze/", views.alert_snooze, name="snooze"),
    path(
        "patients/<int:patient_id>/alerts/acknowledge/", views.alert_acknowledge, name="acknowledge"
    ),
    path("reminders/settings/", views.settings_page, name="settings"),
    path("reminders/calendar/new/", views.calendar_new, name="calendar-new"),
    path("reminders/calendar/revoke/", views.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
