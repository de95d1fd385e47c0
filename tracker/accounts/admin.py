from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.accounts import audit, caregivers, sharing, two_factor
from tracker.accounts.models import AuditEvent, CaregiverLink, CareLink, Patient, Role, User
from tracker.records.changes import change_record
from tracker.records.summary import assess_soon_for

# An admin's edit of these changes whom reminders reach (issue 13 item 7).
WHO_IS_REMINDED = {"approved_at", "role", "is_active"}

Action = AuditEvent.Action

# Admins manage accounts and care links and read the audit trail; the clinical
# record (Patient profile and everything in tracker.records) is deliberately
# not registered here: admins read no clinical data by default.


def _account_event(request, user: User, action: str, summary: str) -> None:
    """Every admin change to an account is audited (issue 9); a patient's account
    changes through the one write path, which audits it with the record."""
    patient = getattr(user, "patient", None)
    if patient is not None:
        with change_record(request, patient) as change:
            change.audit(action, user, summary)
    else:
        audit.record(request, action, obj=user, summary=summary)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen, never added, changed or deleted here (actions may still act, each
    through its own audited path)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "role",
        "is_active",
        "approved_at",
        "date_joined",
        "last_login",
    ]
    list_filter = ["role", "is_active", ("approved_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login", "email_verified_at", "pending_email"]
    fieldsets = [
        (
            None,
            {"fields": ["email", "email_verified_at", "pending_email", "full_name", "password"]},
        ),
        ("Role and access", {"fields": ["role", "is_active", "approved_at", "is_superuser"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    filter_horizontal = []
    actions = ["approve_clinicians", "deactivate", "reset_two_factor"]

    def save_model(self, request, obj, form, change):
        # A clinician account that an admin creates is approved by that act.
        if not change and obj.role == Role.CLINICIAN and obj.approved_at is None:
            obj.approved_at = timezone.now()
        # An address an admin types is not one its owner has confirmed (issue 9): the
        # owner confirms it with "Send it again" from the notice on every page.
        if change and "email" in form.changed_data:
            obj.email_verified_at = None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = ", ".join(form.changed_data) or "nothing"
            _account_event(
                request,
                obj,
                Action.UPDATE if change else Action.CREATE,
                f"account {'changed' if change else 'created'} by an admin: {changed}",
            )
            if change and WHO_IS_REMINDED & set(form.changed_data):
                assess_soon_for(obj)  # issue 13 item 7

    # An account is deactivated, never deleted: a patient's record and the audit
    # trail would go with it.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve selected clinicians")
    def approve_clinicians(self, request, queryset):
        pending = queryset.filter(role=Role.CLINICIAN, approved_at__isnull=True)
        count = 0
        for clinician in pending:
            with transaction.atomic():
                if User.objects.filter(pk=clinician.pk, approved_at__isnull=True).update(
                    approved_at=timezone.now()
                ):
                    _account_event(request, clinician, Action.UPDATE, "clinician approved")
                    assess_soon_for(clinician)  # issue 13 item 7: their digest starts
                    count += 1
        self.message_user(request, f"{count} clinician(s) approved.", messages.SUCCESS)

    @admin.action(description="Deactivate selected accounts (access ends at once)")
    def deactivate(self, request, queryset):
        accounts = queryset.exclude(pk=request.user.pk).filter(is_active=True)
        # A patient's deactivation closes their record to everyone: a change to it.
        for patient in Patient.objects.filter(user__in=accounts).select_related("user"):
            with change_record(request, patient) as change:
                User.objects.filter(pk=patient.user_id).update(is_active=False)
                change.audit(Action.UPDATE, patient.user, "account deactivated")
        # A patient-role account with no record of its own (a caregiver's) is not one.
        for user in accounts.filter(patient__isnull=True):
            _account_event(request, user, Action.UPDATE, "account deactivated")
        count = accounts.update(is_active=False)
        self.message_user(request, f"{count} account(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reset two-step sign-in (lost phone: they set up a new one)")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor.reset(request, user)
        self.message_user(
            request, f"Two-step sign-in reset for {len(queryset)} account(s).", messages.SUCCESS
        )


@admin.register(CareLink)
class CareLinkAdmin(ReadOnlyAdmin):
    list_display = ["patient", "clinician", "status", "initiated_by", "created_at", "ended_at"]
    list_filter = ["status", "initiated_by"]
    search_fields = [
        "patient__user__email",
        "patient__user__full_name",
        "clinician__email",
        "clinician__full_name",
    ]
    list_select_related = ["patient__user", "clinician"]
    raw_id_fields = ["patient", "clinician", "ended_by"]
    date_hierarchy = "created_at"
    actions = ["end_links"]

    # Only a patient gives consent (issue 9): an admin may end a link, never create,
    # activate or move one. The list and each link are read-only; consent history
    # is never deleted.

    @admin.action(description="End selected links (access ends at once)")
    def end_links(self, request, queryset):
        ended = 0
        for link in queryset.open().select_related("patient__user", "clinician"):
            try:
                sharing.end(request, link=link)  # the one write path: audited, versioned
            except ValidationError:
                continue  # ended meanwhile by the patient or the clinician
            ended += 1
        self.message_user(request, f"{ended} link(s) ended.", messages.SUCCESS)


@admin.register(CaregiverLink)
class CaregiverLinkAdmin(ReadOnlyAdmin):
    # Issue 12: as for care links, only the patient gives consent; an admin may end one.
    list_display = ["patient", "caregiver", "email", "status", "created_at", "ended_at"]
    fields = [*list_display, "gets_injection_reminders", "accepted_at", "ended_by"]
    list_filter = ["status", "gets_injection_reminders"]
    search_fields = ["patient__user__email", "caregiver__email", "email"]
    list_select_related = ["patient__user", "caregiver"]
    date_hierarchy = "created_at"
    actions = ["end_links"]

    @admin.action(description="End selected caregiver links (access ends at once)")
    def end_links(self, request, queryset):
        ended = 0
        for link in queryset.open().select_related("patient__user", "caregiver"):
            try:
                caregivers.end(request, link=link)  # the one write path: audited
            except ValidationError:
                continue
            ended += 1
        self.message_user(request, f"{ended} caregiver link(s) ended.", messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    # Actions and objects, never clinical details: an event's summary can name a
    # fracture site, a drug or a note (issue 9), so admins do not see it.
    list_display = ["at", "actor_label", "action", "patient", "object_type", "object_id", "ip"]
    fields = list_display
    list_filter = ["action", "at"]
    search_fields = ["actor_label", "patient__user__email", "ip"]
    list_select_related = ["patient__user"]
    date_hierarchy = "at"


# Roles, not groups, decide who does what here.
admin.site.unregister(Group)
# Admins reset a lost device (the action above); they never read anyone's secret.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
