"""Signing in: throttled guesses, the second factor, and what every page tells the browser."""

import os
import re
import secrets
import subprocess
import sys
from base64 import b32decode
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import MembershipFactory, UserFactory, VehicleFactory, issued_inspection

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-for-tests-1"
LOCKED = "Too many failed sign-ins for this account or address; try again in 15 minutes"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def sign_in(client, username, password=PASSWORD, *, url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def code(device, *, steps_ahead=0):
    """The code the authenticator app shows now (or that many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


# --- throttling -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_six_wrong_passwords_lock_the_account_even_for_the_right_one(url, manager_a):
    client = Client()
    for _attempt in range(6):
        refused = sign_in(client, manager_a.username, "not-the-password", url=url)
        assert signed_in_as(client) is None
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    right = sign_in(client, manager_a.username, url=url)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert signed_in_as(client) is None
    # The page is the login form again, to try later.
    assert 'name="password"' in right.content.decode()


@pytest.mark.django_db
def test_the_lockout_speaks_the_readers_language(staff_a):
    client = Client()
    for _attempt in range(6):
        refused = sign_in(client, staff_a.username, "wrong", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "登录失败次数过多" in refused.content.decode()
    assert "15 分钟后重试" in refused.content.decode()


@pytest.mark.django_db
def test_the_limit_is_a_setting_and_counts_per_user_name(staff_a, manager_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _attempt in range(2):
        sign_in(client, staff_a.username, "wrong")
    assert sign_in(client, staff_a.username).status_code == 302
    assert signed_in_as(client) == str(staff_a.pk)
    other = Client(REMOTE_ADDR="198.51.100.20")
    for _attempt in range(3):
        sign_in(other, manager_a.username, "wrong")
    assert sign_in(other, manager_a.username).status_code == 429
    # The name is locked wherever the next try comes from.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.1"), manager_a.username).status_code == 429


@pytest.mark.django_db
def test_one_address_guessing_many_names_is_locked_out_by_address(staff_a):
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(5):
        sign_in(guesser, f"someone{number}", "wrong")
    refused = sign_in(guesser, staff_a.username)
    assert refused.status_code == 429
    assert signed_in_as(guesser) is None
    # The same person from another address is not held back by someone else's guesses.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert sign_in(elsewhere, staff_a.username).status_code == 302


@pytest.mark.django_db
def test_a_forwarded_for_header_is_not_believed_without_a_trusted_proxy(staff_a):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(5):
        sign_in(client, f"someone{number}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert sign_in(client, staff_a.username, HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_counts_on_its_own(staff_a, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    for number in range(5):
        sign_in(proxy, f"someone{number}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    ok = sign_in(proxy, staff_a.username, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert ok.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@pytest.mark.django_db
def test_a_superuser_unlocks_an_account_in_the_admin(staff_a):
    locked_out = Client()
    for _attempt in range(6):
        sign_in(locked_out, staff_a.username, "wrong")
    assert sign_in(locked_out, staff_a.username).status_code == 429

    operator = Client()
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    operator.force_login(root)
    device = TOTPDevice.objects.get(user=root)
    operator.post(reverse("two_factor_verify"), {"code": code(device)})
    listing = operator.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert staff_a.username in listing.content.decode()
    attempt = AccessAttempt.objects.get(username=staff_a.username)
    deleted = operator.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302

    assert sign_in(locked_out, staff_a.username).status_code == 302
    assert signed_in_as(locked_out) == str(staff_a.pk)


@pytest.mark.django_db
def test_managers_do_not_see_the_sign_in_records(client, manager_a, staff_a):
    sign_in(Client(), staff_a.username, "wrong")
    attempt = AccessAttempt.objects.get()
    client.force_login(manager_a)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert client.get(reverse("admin:axes_accesslog_changelist")).status_code == 403
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert "axes" not in client.get(reverse("admin:index")).content.decode()
    assert AccessAttempt.objects.exists()


# --- the second factor ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_without_an_authenticator_sets_one_up_before_the_admin(manager_a):
    client = Client()
    assert sign_in(client, manager_a.username, url=ADMIN_LOGIN).status_code == 302
    sent = client.get("/admin/")
    assert sent.status_code == 302
    assert sent.url == f"{reverse('two_factor_setup')}?next=%2Fadmin%2F"
    # Nothing else opens in the meantime, in the admin or outside it.
    assert client.get(reverse("admin:inventory_vehicle_changelist")).status_code == 302
    assert client.get("/inventory/vehicles/").url.startswith(reverse("two_factor_setup"))

    setup = client.get(sent.url)
    page = setup.content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=manager_a, confirmed=False)
    secret = re.search(r'id="totp-secret">(\w+)<', page).group(1)
    assert b32decode(secret) == device.bin_key
    assert "otpauth://totp/DealerHub%3Amanager_a?secret=" in page

    wrong = client.post(sent.url, {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    device.throttle_reset()
    done = client.post(sent.url, {"code": code(device), "next": "/admin/"})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=manager_a).confirmed


@pytest.fixture
def phone(manager_a):
    return TOTPDevice.objects.create(user=manager_a, name="phone", confirmed=True)


@pytest.mark.django_db
def test_a_manager_with_an_authenticator_gives_a_code_at_each_sign_in(manager_a, phone, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code then the right one, at once
    client = Client()
    sign_in(client, manager_a.username, url=f"{ADMIN_LOGIN}?next=/admin/")
    asked = client.get("/admin/")
    assert asked.url == f"{reverse('two_factor_verify')}?next=%2Fadmin%2F"
    wrong = client.post(asked.url, {"code": "123456", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    right = client.post(asked.url, {"code": code(phone), "next": "/admin/"})
    assert right.url == "/admin/"
    assert client.get("/admin/").status_code == 200

    # The next sign-in asks again, and the code already used does not work twice.
    again = Client()
    sign_in(again, manager_a.username)
    assert again.get("/").url.startswith(reverse("two_factor_verify"))
    replay = again.post(reverse("two_factor_verify"), {"code": code(phone)})
    assert replay.status_code == 200
    later = again.post(reverse("two_factor_verify"), {"code": code(phone, steps_ahead=1)})
    assert later.status_code == 302
    assert again.get("/").status_code == 200


@pytest.mark.django_db
def test_guessing_codes_makes_the_authenticator_wait(manager_a, phone):
    client = Client()
    sign_in(client, manager_a.username)
    client.post(reverse("two_factor_verify"), {"code": "111111"})
    # Even the right code waits until the pause after a wrong one has passed.
    refused = client.post(reverse("two_factor_verify"), {"code": code(phone)})
    assert "Too many wrong codes in a row" in refused.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_recovery_code_works_once_and_only_once(manager_a, phone):
    from dealerhub import two_factor

    codes = two_factor.recovery_codes_renew(user=manager_a)
    first = Client()
    sign_in(first, manager_a.username)
    used = first.post(reverse("two_factor_verify"), {"code": codes[0].upper(), "next": "/admin/"})
    assert used.url == "/admin/"
    assert first.get("/admin/").status_code == 200

    second = Client()
    sign_in(second, manager_a.username)
    refused = second.post(reverse("two_factor_verify"), {"code": codes[0], "next": "/admin/"})
    assert refused.status_code == 200
    assert second.get("/admin/").status_code == 302
    assert two_factor.recovery_codes_left(manager_a) == 9


@pytest.mark.django_db
def test_a_superuser_resets_a_lost_authenticator_without_seeing_its_key(client, manager_a, phone):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    change = reverse("admin:otp_totp_totpdevice_change", args=[phone.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert phone.key not in page.content.decode()
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[phone.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=phone.pk).exists()
    # The manager's next sign-in sets up a new one.
    again = Client()
    sign_in(again, manager_a.username)
    assert again.get("/admin/").url.startswith(reverse("two_factor_setup"))


@pytest.mark.django_db
def test_managers_cannot_reach_anyones_authenticator(client, manager_a, staff_a):
    device = TOTPDevice.objects.create(user=staff_a, name="phone", confirmed=True)
    client.force_login(manager_a)
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    assert client.get(change).status_code == 403


@pytest.mark.django_db
def test_a_password_alone_cannot_replace_the_authenticator(manager_a, phone):
    client = Client()
    sign_in(client, manager_a.username)
    response = client.get(reverse("two_factor_setup"))
    assert response.url.startswith(reverse("two_factor_verify"))
    assert not TOTPDevice.objects.filter(confirmed=False).exists()


@pytest.mark.django_db
def test_an_htmx_request_is_sent_to_the_code_page_as_a_whole_page(manager_a, phone):
    client = Client()
    sign_in(client, manager_a.username)
    response = client.get("/inventory/vehicles/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("two_factor_verify"))


@pytest.mark.django_db
def test_staff_work_without_a_second_factor_and_may_turn_one_on(staff_a):
    client = Client()
    sign_in(client, staff_a.username)
    assert client.get("/inventory/vehicles/").status_code == 200
    account = client.get(reverse("password_change")).content.decode()
    assert reverse("two_factor") in account
    assert "Set up an authenticator app" in client.get(reverse("two_factor")).content.decode()

    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff_a)
    client.post(reverse("two_factor_setup"), {"code": code(device)})
    assert "Turn off" in client.get(reverse("two_factor")).content.decode()

    # From now on the staff member too gives a code after the password.
    later = Client()
    sign_in(later, staff_a.username)
    assert later.get("/inventory/vehicles/").url.startswith(reverse("two_factor_verify"))
    later.post(reverse("two_factor_verify"), {"code": code(device, steps_ahead=1)})
    assert later.get("/inventory/vehicles/").status_code == 200

    later.post(reverse("two_factor_remove"))
    assert not TOTPDevice.objects.filter(user=staff_a).exists()
    third = Client()
    sign_in(third, staff_a.username)
    assert third.get("/inventory/vehicles/").status_code == 200


@pytest.mark.django_db
def test_managers_cannot_turn_the_second_factor_off(client, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("two_factor_remove"), follow=True)
    assert "cannot turn this off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager_a, confirmed=True).exists()


@pytest.mark.django_db
def test_a_person_made_manager_during_a_session_is_stopped_at_the_admin(dealer_a, dealer_b):
    user = UserFactory(username="promoted", is_staff=True)
    MembershipFactory(user=user, dealer=dealer_a)
    client = Client()
    sign_in(client, user.username)
    assert client.get("/").status_code == 200
    MembershipFactory(user=user, dealer=dealer_b, role="manager")
    assert client.get("/admin/").url.startswith(reverse("two_factor_setup"))


# --- production settings --------------------------------------------------------------------


# What this process's environment holds for the tests and a deployment would not: settings
# under test, and the browser tests' permission to call the ORM from Playwright's event loop.
NOT_INHERITED = ("SECURE_", "BEHIND_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC")


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "dealerhub.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://dealerhub.example.com",
    "DATABASE_URL": "postgres://dealerhub@127.0.0.1:5432/dealerhub",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://reports:secret@smtp.example.com:587",
}


def test_the_documented_production_settings_pass_the_deployment_checks(tmp_path):
    # As the README's steps run them: the static files collected first, then the checks.
    production = {**PRODUCTION, "STATIC_ROOT": str(tmp_path / "static")}
    collected = run_manage("collectstatic", "--noinput", "--verbosity", "0", **production)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_proxys_https_header_is_believed_only_when_a_proxy_is_declared():
    code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    alone = run_manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert alone.stdout.strip() == "None", alone.stderr
    proxied = run_manage("shell", "--no-imports", "-c", code, **PRODUCTION, BEHIND_TLS_PROXY="1")
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", proxied.stderr


# --- content security policy ----------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|<[^>]+\sstyle\s*=", re.IGNORECASE)


PUBLIC_POLICY = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "base-uri 'none'",
]


def assert_policy(response):
    """The site's policy, or on the buyers' pages their own stricter one (nothing at all
    allowed but the site's style sheets and images)."""
    policy = response["Content-Security-Policy"]
    assert "unsafe" not in policy
    if response.request["PATH_INFO"].startswith("/verify/"):
        assert sorted(policy.split("; ")) == sorted(PUBLIC_POLICY), policy
        return
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]:
        assert directive in policy, (response.request["PATH_INFO"], policy)


@pytest.mark.django_db
def test_every_page_carries_the_policy_and_no_inline_script_or_style(client, staff_a, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    report = issued_inspection(vehicle)
    anonymous = Client()
    pages = [
        (anonymous, LOGIN),
        (anonymous, reverse("verify", args=[report.verification_token])),
        (anonymous, reverse("verify", args=["no-such-token"])),
        (anonymous, reverse("healthz")),
    ]
    client.force_login(staff_a)
    pages += [
        (client, url)
        for url in [
            "/",
            "/inventory/vehicles/",
            vehicle.get_absolute_url(),
            "/inventory/inspections/",
            reverse("inventory:inspection_detail", args=[report.pk]),
            "/exports/shipments/",
            "/exports/candidates/",
            "/reports/",
            reverse("password_change"),
            reverse("two_factor"),
            reverse("two_factor_setup"),
        ]
    ]
    for who, url in pages:
        response = who.get(url)
        assert response.status_code in {200, 404} or url == reverse("healthz"), url
        assert_policy(response)
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), url
            assert not INLINE_HANDLER.search(html), url
            assert not INLINE_STYLE.search(html), url


@pytest.mark.django_db
def test_admin_pages_carry_the_policy_and_no_inline_script(client, manager_a, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    client.force_login(manager_a)
    for url in [
        reverse("admin:index"),
        reverse("admin:inventory_vehicle_changelist"),
        reverse("admin:inventory_vehicle_change", args=[vehicle.pk]),
        reverse("admin:inventory_vehicle_add"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_policy(response)
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
    assert_policy(Client().get(ADMIN_LOGIN))


# --- database outage ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_view_that_loses_the_database_answers_a_plain_503(client, staff_a, monkeypatch):
    from dealerhub import dashboard_cache

    def no_database(dealer):
        raise OperationalError("connection to server failed")

    monkeypatch.setattr(dashboard_cache, "dealer_summary", no_database)
    client.force_login(staff_a)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "cannot reach its database" in response.content.decode()


@pytest.mark.django_db
def test_losing_the_database_before_the_view_answers_503_too(staff_a, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(staff_a)

    def no_database(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", no_database)
    response = client.get("/inventory/vehicles/")
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()
