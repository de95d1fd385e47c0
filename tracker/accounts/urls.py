from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tracker.accounts import caregiver_views, two_factor_views, views
from tracker.accounts.forms import EmailAuthenticationForm
from tracker.accounts.middleware import second_factor_not_required

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", second_factor_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("two-step/", two_factor_views.setup, name="two-factor-setup"),
    path("two-step/verify/", two_factor_views.verify, name="two-factor-verify"),
    path("two-step/lost-device/", two_factor_views.lost, name="two-factor-lost"),
    path("signup/", views.signup, name="signup"),
    path("signup/clinician/", views.clinician_signup, name="clinician-signup"),
    path("profile/", views.profile, name="profile"),
    path("account/", views.account, name="account"),
    path("confirm/", views.confirm_email_send, name="confirm-email-send"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm-email"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password-change-done")
        ),
        name="password-change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("accounts:password-reset-done")),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password-reset-complete")
        ),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("sharing/", views.sharing_page, name="sharing"),
    path(
        "sharing/<int:link_id>/accept/", views.respond, {"answer": "accept"}, name="sharing-accept"
    ),
    path(
        "sharing/<int:link_id>/decline/",
        views.respond,
        {"answer": "decline"},
        name="sharing-decline",
    ),
    path("links/<int:link_id>/end/", views.end_link, name="link-end"),
    path("my-patients/", views.my_patients, name="my-patients"),
    # Issue 12: caregivers. The invitation's random secret is the credential.
    path("caring/", caregiver_views.caring, name="caring"),
    path(
        "caregivers/invitation/<str:token>/",
        caregiver_views.invitation,
        name="caregiver-invitation",
    ),
    path(
        "caregivers/invitation/<str:token>/accept/",
        caregiver_views.invitation_accept,
        name="caregiver-accept",
    ),
    path(
        "caregivers/invitation/<str:token>/decline/",
        caregiver_views.invitation_decline,
        name="caregiver-decline",
    ),
    path(
        "caregivers/invitation/<str:token>/signup/",
        caregiver_views.invitation_signup,
        name="caregiver-signup",
    ),
    path("caregivers/<int:link_id>/end/", caregiver_views.end, name="caregiver-end"),
    path(
        "caregivers/<int:link_id>/reminders/",
        caregiver_views.reminders,
        name="caregiver-reminders",
    ),
    path("access-log/", views.access_log, name="access-log"),
]
