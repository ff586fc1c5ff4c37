"""A person's own account settings: the second factor (setting up, checking, renewing and
removing it) and the language of their e-mails."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from inventory import services
from inventory.forms import EmailLanguageForm, email_language_of

from . import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _next_url(request, default="dashboard"):
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # Back to the code page would go round in circles.
    if safe and not wanted.startswith(reverse("two_factor_verify")):
        return wanted
    return reverse(default)


def _signed_in_with_second_factor(request, device):
    otp_login(request, device)
    # A new session key for the more trusted session, as at sign-in.
    request.session.cycle_key()
    request.session[two_factor.SESSION_KEY] = two_factor.VERIFY


@never_cache
@login_required
def account(request):
    """Two-factor authentication on one's own account: whether it is on, and what to do."""
    user = request.user
    device = two_factor.authenticator(user)
    return render(
        request,
        "registration/two_factor.html",
        {
            "device": device,
            "required": two_factor.must_have_second_factor(user),
            "codes_left": two_factor.recovery_codes_left(user) if device else 0,
            "language_form": EmailLanguageForm(initial={"language": email_language_of(user)}),
        },
    )


@login_required
@require_POST
def email_language(request):
    """The language one's own e-mails come in; it is always the signed-in person's own."""
    form = EmailLanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["language"]))
        return redirect("two_factor")
    try:
        services.user_language_set(user=request.user, language=form.cleaned_data["language"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your e-mails will come in the language you chose."))
    return redirect("two_factor")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Scan a QR code into an authenticator app, type its first code, keep the recovery codes.

    A person who already has an authenticator must give a code from it first: a password
    alone never replaces the second factor.
    """
    user = request.user
    if not user.is_verified() and two_factor.authenticator(user) is not None:
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    device = two_factor.enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = two_factor.enrolment_confirm(
            user=user, device_id=device.pk, token=form.cleaned_data["code"]
        )
        if confirmed is not None:
            device, codes = confirmed
            _signed_in_with_second_factor(request, device)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request, "two_factor")},
            )
        form.add_error(
            "code",
            _("That code is not right. Check the clock of the phone and type the newest code."),
        )
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.secret_base32(device),
            "otpauth_url": device.config_url,
            "qr_code": _qr_data_uri(device.config_url),
            "required": two_factor.must_have_second_factor(user),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The code after the password, from the authenticator app or one recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if two_factor.authenticator(user) is None:
        # Removed meanwhile (a superuser reset it): the next page says what is owed now.
        two_factor.remember_owed(request, user)
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.second_factor_check(user=user, token=form.cleaned_data["code"])
        if device is not None:
            _signed_in_with_second_factor(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d are left. Get new ones "
                        "under Two-factor authentication."
                    )
                    % {"left": left},
                )
            return redirect(_next_url(request))
        if two_factor.second_factor_waiting(user):
            refusal = _(
                "Too many wrong codes in a row. Wait a few minutes, then type the newest code."
            )
        else:
            refusal = _(
                "That code is not right or was used already. Wait for the next code of the "
                "app, or use a recovery code."
            )
        form.add_error("code", refusal)
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    """Ten new recovery codes, shown once; the earlier ones stop working."""
    if two_factor.authenticator(request.user) is None:
        return redirect("two_factor")
    codes = two_factor.recovery_codes_renew(user=request.user)
    return render(
        request,
        "registration/two_factor_codes.html",
        {"codes": codes, "next": reverse("two_factor")},
    )


@login_required
@require_POST
def remove(request):
    """Staff may turn the second factor off again; managers and superusers may not."""
    user = request.user
    if two_factor.must_have_second_factor(user):
        messages.error(request, _("Managers and administrators cannot turn this off."))
        return redirect("two_factor")
    two_factor.second_factor_remove(user=user)
    two_factor.remember_owed(request, user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("two_factor")


def _qr_data_uri(text):
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)
