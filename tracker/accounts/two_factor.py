"""Two-step sign-in (issue 9): an authenticator app (TOTP) plus one-time backup codes.

Required for clinicians and admins before they see any patient, the panel or the
admin, and for caregivers before they see anything (they read someone else's record);
optional for patients, and required at their sign-in once they set it up.
tracker.accounts.middleware.SecondFactorMiddleware enforces it on every view;
this module holds the rules and the device bookkeeping (django-otp's models).
"""

import base64
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.accounts import audit
from tracker.accounts.models import CaregiverLink, Role, User

BACKUP_CODES = 10
APP_DEVICE = "authenticator app"
BACKUP_DEVICE = "backup codes"


def required_for(user: User) -> bool:
    """Clinicians, admins and caregivers (anyone with an active caregiver link: they
    read someone else's health record) must use a second step; patients choose.
    No query: `cares_for_someone` is kept on the user by caregivers._forget, and the
    access gate asks again of the link itself (access.SecondStepNeeded)."""
    return user.role in (Role.CLINICIAN, Role.ADMIN) or user.cares_for_someone


def required_now(user: User) -> bool:
    """`required_for`, asked of the links themselves (a query): for the two-step pages,
    so that a caregiver the access gate sent there is never sent back unverified."""
    if required_for(user):
        return True
    return CaregiverLink.objects.active().filter(caregiver=user).exists()


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: User) -> TOTPDevice:
    """The device being set up: a new secret, kept until confirmed with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it by hand: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, drawn here as SVG: nothing leaves the server."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app. On success it replaces
    any earlier device, the user is verified, and new backup codes are returned
    (to be shown once); None if the code did not match."""
    if not device.verify_token(code):
        return None
    user = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    codes = new_backup_codes(user)
    _verified(request, device)
    audit.record(request, audit.Action.UPDATE, obj=user, summary="two-step sign-in set up")
    return codes


def new_backup_codes(user: User, codes: list[str] | None = None) -> list[str]:
    """Replace the user's backup codes: fresh random ones, or `codes` (the demo's)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE, confirmed=True)
    codes = codes or [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request, code: str, *, backup: bool = False) -> bool:
    """Check a code from the app (or a backup code, used up by this); audit a failure."""
    model = StaticDevice if backup else TOTPDevice
    code = code.strip().replace(" ", "").lower() if backup else code.strip()
    for device in model.objects.filter(user=request.user, confirmed=True):
        matched = django_otp.verify_token(request.user, device.persistent_id, code)
        if matched is not None:
            _verified(request, matched)
            return True
    what = "backup code" if backup else "two-step code"
    audit.record(request, audit.Action.LOGIN_FAILED, summary=f"wrong {what}")
    return False


def reset(request, user: User) -> None:
    """An admin's answer to a lost device: the user sets up a new one at next sign-in.
    Sessions verified by the old device are verified no more."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(request, audit.Action.UPDATE, obj=user, summary="two-step sign-in reset (admin)")


def _verified(request, device) -> None:
    # A new session key for the raised privilege, as at sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)
