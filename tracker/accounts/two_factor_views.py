"""The pages of two-step sign-in: set up, verify, and a lost device (issue 9)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from tracker.accounts import two_factor
from tracker.accounts.forms import CodeForm
from tracker.accounts.middleware import NEEDS_SECOND_FACTOR, second_factor_not_required

NO_MATCH = "That code did not match. Check it and try again."


def _next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else "/"


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


@second_factor_not_required
@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if two_factor.has_app(user) and not user.is_verified():
        # Only the holder of the current device may replace it: a stolen password cannot.
        return redirect(_with_next("accounts:two-factor-verify", request))
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[NEEDS_SECOND_FACTOR] = True
            context = {"codes": codes, "next": _next(request)}
            return render(request, "accounts/two_factor_codes.html", context)
        form.add_error("code", NO_MATCH)
    context = {
        "form": form,
        "secret": two_factor.secret(device),
        "qr": two_factor.qr_data_uri(device),
        "required": two_factor.required_now(user),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@second_factor_not_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.user.is_verified():
        return redirect(_next(request))
    if not two_factor.has_app(request.user):
        if two_factor.required_now(request.user):
            return redirect(_with_next("accounts:two-factor-setup", request))
        request.session[NEEDS_SECOND_FACTOR] = False  # a patient's device was reset
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", NO_MATCH)
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/two_factor_verify.html", context)


@second_factor_not_required
@require_http_methods(["GET", "POST"])
def lost(request):
    form = CodeForm(request.POST or None, backup=True)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"], backup=True):
            messages.warning(
                request,
                "You signed in with a backup code; each works once. "
                "Set up your new phone under Two-step sign-in.",
            )
            return redirect(_next(request))
        form.add_error("code", NO_MATCH)
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/two_factor_lost.html", context)
