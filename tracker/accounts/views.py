from urllib.parse import urlsplit

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts import account as account_events
from tracker.accounts import caregiver_views, sharing, throttle, verification
from tracker.accounts.access import clinician_required, patient_required, role_required
from tracker.accounts.forms import (
    AccountForm,
    EmailChangeForm,
    EmailForm,
    PatientProfileForm,
    TextSizeForm,
    TimeZoneForm,
)
from tracker.accounts.models import AuditEvent, CaregiverLink, CareLink, Patient, Role
from tracker.records.changes import change_record

OPEN_CAREGIVER_LINKS = (CaregiverLink.Status.ACTIVE, CaregiverLink.Status.PENDING)


@require_GET
def home(request):
    if request.user.role == Role.CLINICIAN:
        return redirect("dashboard:panel")
    if request.user.role == Role.ADMIN:
        return redirect("admin:index")
    if not request.user.has_record:  # an account made to care for someone (issue 12)
        return redirect("accounts:caring")
    return redirect("dashboard:patient", patient_id=request.user.patient.pk)


@login_not_required
@require_GET
def healthz(request):
    """For load balancers and uptime checks; also the minimal view of `make bench`."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
def favicon(request):
    """Pages without our <link rel="icon"> (the Django admin's) make browsers ask for
    /favicon.ico: send them to the icon, its hashed name looked up at request time."""
    return redirect(static("img/favicon.svg"), permanent=True)


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    account = AccountForm(request.POST or None, prefix="account")
    profile = PatientProfileForm(request.POST or None, prefix="profile")
    if request.method == "POST" and account.is_valid() and profile.is_valid():
        user = account.save(commit=False)
        user.role = Role.PATIENT
        with change_record(request, profile.instance, actor=user) as change:
            user.save()
            profile.instance.user = user
            profile.save()
            change.audit(AuditEvent.Action.CREATE, profile.instance, "signed up")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, "Welcome to BoneTrack. Your record is private until you share it."
        )
        _send_first_link(request, user)
        return redirect("home")
    return render(request, "accounts/signup.html", {"account": account, "profile": profile})


@login_not_required
@require_http_methods(["GET", "POST"])
def clinician_signup(request):
    account = AccountForm(request.POST or None, prefix="account")
    if request.method == "POST" and account.is_valid():
        user = account.save(commit=False)
        user.role = Role.CLINICIAN
        user.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.info(request, "Your clinician account waits for an administrator's approval.")
        _send_first_link(request, user)
        return redirect("home")
    return render(request, "accounts/clinician_signup.html", {"account": account})


def _send_first_link(request, user) -> None:
    # The notice on every page says where the link went; only a failure needs a word.
    if not verification.send_confirmation(user):
        messages.warning(
            request, "We could not send the email that confirms your address. Please try again."
        )


@login_not_required
@require_GET
def confirm_email(request, token: str):
    """The link in the email: works signed in or not, and a second click changes nothing."""
    try:
        user, outcome = verification.confirm(request, token)
    except verification.LinkError as error:
        context = {"error": error.reason, "address": error.address}
    else:
        context = {"outcome": outcome, "confirmed_user": user}
        if request.user.pk == user.pk:
            request.user = user  # the page's notice reads the confirmed account
    context["days"] = settings.EMAIL_CONFIRMATION_DAYS
    return render(request, "accounts/confirm_email.html", context)


@require_http_methods(["GET", "POST"])
def confirm_email_send(request):
    """'Send it again', from the notice on every page or an expired link."""
    if request.method == "POST":
        outcome = verification.resend(request.user)
        address = request.user.address_to_confirm
        if outcome == "sent":
            messages.success(request, f"We sent a new link to {address}.")
        elif outcome == "too_soon":
            messages.info(
                request,
                f"We sent a link to {address} less than a minute ago. Please check "
                "your inbox (and spam folder) before asking again.",
            )
        elif outcome == "failed":
            messages.error(request, "We could not send the email just now. Please try later.")
        else:
            messages.info(request, "Your email address is already confirmed.")
        return redirect("accounts:confirm-email-send")
    return render(
        request,
        "accounts/confirm_email_send.html",
        {"days": settings.EMAIL_CONFIRMATION_DAYS},
    )


@require_http_methods(["GET", "POST"])
def account(request):
    """Every user's own settings: email address, time zone and text size."""
    user, which = request.user, request.POST.get("form")
    data = request.POST if request.method == "POST" else None
    email_form = EmailChangeForm(user, data if which == "email" else None, prefix="email")
    zone_form = TimeZoneForm(data if which == "time_zone" else None, instance=user, prefix="zone")
    text_form = TextSizeForm(data if which == "text_size" else None, instance=user, prefix="text")
    if which == "email" and email_form.is_valid():
        address = email_form.cleaned_data["email"]
        if verification.request_change(request, user=user, new_email=address):
            messages.success(
                request,
                f"We sent a link to {address}. Your address changes when you open it; "
                f"until then we keep using {user.email}.",
            )
        else:
            messages.error(request, "We could not send the email just now. Please try later.")
        return redirect("accounts:account")
    if which == "time_zone" and zone_form.is_valid():
        name = account_events.set_time_zone(request, form=zone_form)
        messages.success(request, f"Your time zone is now {name}.")
        return redirect("accounts:account")
    if which == "text_size" and text_form.is_valid():
        larger = account_events.set_text_size(request, form=text_form)
        messages.success(request, "Text is now larger." if larger else "Text is now standard size.")
        return redirect("accounts:account")
    if which == "cancel":
        verification.cancel_change(request, user=user)
        messages.info(request, "The change of email address is cancelled.")
        return redirect("accounts:account")
    forms = {"email_form": email_form, "zone_form": zone_form, "text_form": text_form}
    return render(request, "accounts/account.html", forms)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def profile(request):
    """The patient's profile; for an account made to care for someone, the start of
    a record of their own."""
    patient = getattr(request.user, "patient", None)
    starting = patient is None
    form = PatientProfileForm(request.POST or None, instance=patient or Patient(user=request.user))
    if request.method == "POST" and form.is_valid():
        with change_record(request, form.instance) as change:
            form.save()
            action = AuditEvent.Action.CREATE if starting else AuditEvent.Action.UPDATE
            change.audit(action, form.instance, "started own record" if starting else "profile")
        messages.success(request, "Your record is ready." if starting else "Your profile is saved.")
        return redirect("home")
    return render(request, "accounts/profile.html", {"form": form, "starting": starting})


@patient_required
@require_http_methods(["GET", "POST"])
def sharing_page(request):
    patient, which = request.user.patient, request.POST.get("form")
    data = request.POST if request.method == "POST" else None
    form = EmailForm(data if which != "caregiver" else None, label="Clinician's email")
    invite, invited = caregiver_views.invite(
        request, patient, data if which == "caregiver" else None
    )
    if invited:
        return redirect("accounts:sharing")
    if data is not None and which != "caregiver" and form.is_valid():
        try:
            link = sharing.share_with_clinician(
                request, patient=patient, clinician_email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, f"{link.clinician} can now see your record.")
            return redirect("accounts:sharing")
    links = patient.care_links.select_related("clinician").order_by("-created_at")
    helpers = patient.caregiver_links.select_related("caregiver").order_by("-created_at")
    return render(
        request,
        "accounts/sharing.html",
        {
            "form": form,
            "active": [link for link in links if link.status == CareLink.Status.ACTIVE],
            "pending": [link for link in links if link.status == CareLink.Status.PENDING],
            "past": [
                link
                for link in links
                if link.status in (CareLink.Status.ENDED, CareLink.Status.DECLINED)
            ][:20],
            "invite_form": invite,
            "caregivers": [link for link in helpers if link.status in OPEN_CAREGIVER_LINKS],
            "past_caregivers": [
                link for link in helpers if link.status not in OPEN_CAREGIVER_LINKS
            ][:20],
        },
    )


@patient_required
@require_POST
def respond(request, link_id: int, answer: str):
    link = get_object_or_404(CareLink, pk=link_id, patient__user=request.user)
    try:
        if answer == "accept":
            sharing.accept(request, link=link)
            messages.success(request, f"{link.clinician} can now see your record.")
        else:
            sharing.decline(request, link=link)
            messages.info(request, f"You declined {link.clinician}'s request.")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("accounts:sharing")


@require_http_methods(["GET", "POST"])
def end_link(request, link_id: int):
    """Either side ends a link; GET shows the confirmation."""
    link = get_object_or_404(
        CareLink.objects.open().select_related("patient__user", "clinician"), pk=link_id
    )
    if not link.involves(request.user):
        raise Http404
    back = "accounts:sharing" if request.user.is_patient else "accounts:my-patients"
    if request.method == "POST":
        try:
            sharing.end(request, link=link)
            messages.success(request, "Sharing has ended. Access stops now.")
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        return redirect(back)
    return render(request, "accounts/end_link.html", {"link": link, "back": back})


@clinician_required
@require_http_methods(["GET", "POST"])
def my_patients(request):
    form = EmailForm(request.POST or None, label="Patient's email")
    if request.method == "POST" and form.is_valid():
        try:
            link = sharing.request_access(
                request, clinician=request.user, patient_email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, f"Request sent. {link.patient} will see it under Sharing.")
            return redirect("accounts:my-patients")
    links = request.user.care_links.select_related("patient__user").order_by(
        "patient__user__full_name"
    )
    page = Paginator(links.active(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/my_patients.html",
        {
            "form": form,
            "approved": request.user.is_approved_clinician,
            "page": page,
            "pending": links.pending(),
        },
    )


@patient_required
@require_GET
def access_log(request):
    events = (
        AuditEvent.objects.filter(patient=request.user.patient)
        .exclude(actor=request.user)
        .select_related("actor")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/access_log.html", {"page": page})


def locked_out(request, original_response=None, credentials=None):
    """What a locked email-and-address pair sees (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes, "username": throttle.username(request, credentials)}
    return render(request, "accounts/locked_out.html", context, status=429)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password is the way back from a sign-in lock: it ends every lock on the account."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.email.lower())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The reset link is built from SITE_URL, never from the request's Host header: a
    forged Host must not put a working reset link to someone else's server in the email."""

    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        self.domain_override = urlsplit(settings.SITE_URL).netloc
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)
