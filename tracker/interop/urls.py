"""The interop pages. Each concern keeps its routes in its own views module."""

from tracker.interop import views_data, views_fhir, views_reports

app_name = "interop"

urlpatterns = [
    *views_reports.urlpatterns,
    *views_fhir.urlpatterns,
    *views_data.urlpatterns,
]
