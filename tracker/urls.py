from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from tracker.accounts import views as account_views

admin.site.site_header = "BoneTrack administration"
admin.site.site_title = "BoneTrack admin"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    # Pages without our <link rel="icon"> (the Django admin's) make browsers ask here.
    path("favicon.ico", account_views.favicon),
    path("accounts/", include("tracker.accounts.urls")),
    # One way in, throttled and with the second step: the admin signs in where everyone does.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    path("", include("tracker.dashboard.urls")),
    path("", include("tracker.records.urls")),
    path("", include("tracker.reminders.urls")),
    path("learn/", include("tracker.learn.urls")),
    path("", include("tracker.interop.urls")),
]
