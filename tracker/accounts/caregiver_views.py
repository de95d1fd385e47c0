"""Caregivers' pages (issue 12): the invitation (open to whoever holds its link), the
account an invited person makes, "People I care for", ending a link from either side,
and the patient's consent to send their injection reminders to a caregiver. The
patient's side of inviting lives on the Sharing page (views.sharing_page)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts import account, caregivers
from tracker.accounts.forms import CaregiverAccountForm, CaregiverInviteForm
from tracker.accounts.models import AuditEvent, CaregiverLink, Role

Action = AuditEvent.Action
InvitationError = caregivers.InvitationError


def _invitation_page(request, token: str, *, error: str = "", status: int = 200):
    try:
        link = caregivers.invitation(token)
    except InvitationError as problem:
        context = {"problem": problem.reason, "days": caregivers.INVITATION_VALID_FOR.days}
        return render(request, "accounts/caregiver_invitation.html", context, status=404)
    user = request.user
    context = {
        "link": link,
        "token": token,
        "error": error,
        "refusal": caregivers.refusal(user, link) if user.is_authenticated else "",
        "next": reverse("accounts:caregiver-invitation", args=[token]),
    }
    return render(request, "accounts/caregiver_invitation.html", context, status=status)


@login_not_required
@require_GET
def invitation(request, token: str):
    """The link in the invitation email: what it is, and the way to accept it."""
    return _invitation_page(request, token)


@require_POST
def invitation_accept(request, token: str):
    try:
        link = caregivers.accept(request, token=token)
    except ValidationError as exc:
        return _invitation_page(request, token, error=exc.messages[0], status=400)
    except InvitationError:
        return _invitation_page(request, token)
    if request.user.is_verified():
        done = "This is their record; you can add to it."
    else:  # the dashboard asks for the second step first (two_factor.required_for)
        done = "One more step keeps their record safe: two-step sign-in."
    messages.success(request, f"You now help {link.patient.name}. {done}")
    return redirect("dashboard:patient", patient_id=link.patient_id)


@login_not_required
@require_POST
def invitation_decline(request, token: str):
    try:
        link = caregivers.decline(request, token=token)
    except InvitationError:
        return _invitation_page(request, token)
    return render(request, "accounts/caregiver_declined.html", {"link": link})


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_signup(request, token: str):
    """An account for the invited address, with no record of its own; the invitation's
    link proved the address reaches its owner, so it is confirmed at once."""
    if request.user.is_authenticated:
        return redirect("accounts:caregiver-invitation", token=token)
    try:
        link = caregivers.invitation(token)
    except InvitationError:
        return _invitation_page(request, token)
    form = CaregiverAccountForm(request.POST or None, email=link.email, prefix="account")
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.role, user.email_verified_at = Role.PATIENT, timezone.now()
        user.save()
        account.record(request, user, Action.CREATE, "signed up from a caregiver invitation")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready. One more step: accept the invitation.")
        return redirect("accounts:caregiver-invitation", token=token)
    context = {"form": form, "link": link, "token": token}
    return render(request, "accounts/caregiver_signup.html", context)


@require_GET
def caring(request):
    """People I care for: each one's record, and a way to step back."""
    if request.user.role == Role.ADMIN:
        raise PermissionDenied
    links = (
        CaregiverLink.objects.active()
        .filter(caregiver=request.user, patient__user__is_active=True)
        .select_related("patient__user")
        .order_by("patient__user__full_name", "pk")
    )
    return render(request, "accounts/caring.html", {"links": links})


def _link_for(request, link_id: int) -> CaregiverLink:
    """An open link the user is one side of; anyone else gets 404."""
    link = get_object_or_404(
        CaregiverLink.objects.open().select_related("patient__user", "caregiver"), pk=link_id
    )
    if not link.involves(request.user):
        raise Http404
    return link


@require_http_methods(["GET", "POST"])
def end(request, link_id: int):
    """The patient ends a caregiver's access (or withdraws an invitation); the
    caregiver steps back. GET shows the confirmation."""
    link = _link_for(request, link_id)
    as_patient = request.user.pk == link.patient.user_id
    back = "accounts:sharing" if as_patient else "accounts:caring"
    if request.method == "POST":
        try:
            caregivers.end(request, link=link)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                f"{link.name} can no longer see your record."
                if as_patient
                else f"You no longer help {link.patient.name}.",
            )
        return redirect(back)
    context = {"link": link, "as_patient": as_patient, "back": back}
    return render(request, "accounts/caregiver_end.html", context)


@require_POST
def reminders(request, link_id: int):
    """The patient ticks or unticks "send my injection reminders to this person"."""
    link = _link_for(request, link_id)
    if request.user.pk != link.patient.user_id:
        raise PermissionDenied("Only the patient decides who gets their reminders.")
    send = request.POST.get("send") == "yes"
    try:
        caregivers.set_reminders(request, link=link, send=send)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            f"{link.name} will get your injection and infusion reminders."
            if send
            else f"{link.name} will no longer get your reminders.",
        )
    return redirect("accounts:sharing")


def invite(request, patient, data) -> tuple[CaregiverInviteForm, bool]:
    """The Sharing page's invitation form: (form, whether it was sent)."""
    form = CaregiverInviteForm(data, prefix="caregiver")
    if data is None or not form.is_valid():
        return form, False
    try:
        link, sent = caregivers.invite(
            request,
            patient=patient,
            email=form.cleaned_data["email"],
            reminders=form.cleaned_data["reminders"],
        )
    except ValidationError as exc:
        form.add_error("email", exc)
        return form, False
    if sent:
        messages.success(request, f"We sent an invitation to {link.email}.")
    else:
        messages.warning(
            request,
            f"We could not send the invitation to {link.email} just now. "
            "Withdraw it below and invite them again later.",
        )
    return form, True
