"""The second factor: who must have one, enrolling an authenticator app, recovery codes, checks.

An authenticator app (TOTP, django-otp) is the second factor; ten single-use recovery codes
come with it for the day the phone is lost. Managers and superusers must have one; staff may
add one, and whoever has one is asked for a code after the password, on every page.
"""

from base64 import b32encode

from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inventory.access import is_platform_operator
from inventory.models import Membership, Role

# What a signed-in session still owes, kept in the session so that staff pages pay no query
# for it; the admin asks the database afresh on each request.
SESSION_KEY = "dealerhub.second_factor"
VERIFY = "verify"
ENROL = "enrol"
NOTHING = ""

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR = "Authenticator app"
RECOVERY_CODES = "Recovery codes"


def must_have_second_factor(user) -> bool:
    """Managers, platform operators and superusers reach other people's accounts, a dealer's
    settings or those every dealer shares."""
    return (
        is_platform_operator(user)
        or Membership.objects.filter(user=user, role=Role.MANAGER).exists()
    )


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def owed(user) -> str:
    """What the user must still do after the password: VERIFY, ENROL or NOTHING."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if must_have_second_factor(user) else NOTHING


def remember_owed(request, user) -> str:
    request.session[SESSION_KEY] = state = owed(user)
    return state


def owed_by_session(request) -> str:
    """What this session owes, as worked out when it signed in (or on its first request)."""
    state = request.session.get(SESSION_KEY)
    return remember_owed(request, request.user) if state is None else state


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (RFC 4648 base32)."""
    return b32encode(device.bin_key).decode()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def enrolment_start(*, user) -> TOTPDevice:
    """The authenticator being set up: the same one until it is confirmed, so that reloading
    the page does not change the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def enrolment_confirm(*, user, device_id: int, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm a new authenticator with its first code. It replaces any earlier authenticator,
    and comes with fresh recovery codes (the earlier ones stop working). None when the code is
    wrong."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, pk=device_id, confirmed=False)
        .first()
    )
    if device is None or not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = AUTHENTICATOR
    device.save(update_fields=["confirmed", "name"])
    return device, recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Ten new single-use codes, in place of whatever codes the user had."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_remove(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def second_factor_check(*, user, token: str):
    """The device that accepts the code, or None. Six digits are a code from the app; anything
    else is a recovery code, which works once. Each device throttles its own wrong guesses
    (django-otp doubles the wait after every failure)."""
    token = "".join(token.split())
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
        token = token.lower()
    for device in devices:
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def second_factor_waiting(user) -> bool:
    """Whether wrong codes have made the authenticator wait before it checks another one."""
    device = authenticator(user)
    return device is not None and not device.verify_is_allowed()[0]


def _digits(token: str) -> str:
    return "".join(token.split())
