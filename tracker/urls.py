from django.contrib import admin
from django.urls import include, path

from tracker.accounts import views as account_views

admin.site.site_header = "BoneTrack administration"
admin.site.site_title = "BoneTrack admin"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("tracker.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("tracker.dashboard.urls")),
    path("", include("tracker.records.urls")),
    path("", include("tracker.reminders.urls")),
    path("learn/", include("tracker.learn.urls")),
]
