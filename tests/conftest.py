"""Shared fixtures. In CI (CI set) the suite refuses to run without PostgreSQL and Redis."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.test.client import MULTIPART_CONTENT, Client
from django.utils import translation

from .factories import (
    DealerFactory,
    FloorPlanLineFactory,
    MembershipFactory,
    ShipmentFactory,
    UserFactory,
    VehicleFactory,
)

IN_CI = bool(os.environ.get("CI"))


def _redis_answers():
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def pytest_sessionstart(session):
    if not IN_CI:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not _redis_answers():
        problems.append(f"Redis does not answer at REDIS_URL={settings.REDIS_URL!r}")
    if problems:
        pytest.exit("CI needs the real services: " + "; ".join(problems), returncode=3)


class FormTokenClient(Client):
    """A test client that posts like a browser that has just rendered the form: each POST of
    a dict carries a fresh one-time form token of the signed-in user. A test that sends its own
    `form_token` (the same one twice, or an empty one) is left to it."""

    def post(self, path, data=None, content_type=MULTIPART_CONTENT, **extra):
        from inventory.idempotency import FIELD_NAME, issue_token

        signed_in = settings.SESSION_COOKIE_NAME in self.cookies
        user_id = self.session.get(SESSION_KEY) if signed_in else None
        if user_id and (data is None or isinstance(data, dict)) and FIELD_NAME not in (data or {}):
            user = get_user_model()(pk=get_user_model()._meta.pk.to_python(user_id))
            data = {**(data or {}), FIELD_NAME: issue_token(user)}
        return super().post(path, data, content_type, **extra)


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The suite speaks plain HTTP to the test client and the live server, while the settings
    (DEBUG off, as in production) would redirect it to HTTPS and keep cookies to HTTPS. Session
    scoped so that it is in place before the live server builds its middleware."""
    with override_settings(
        SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False
    ):
        yield


def otp_verify(client, user):
    """Mark the client's session as having given the second factor, creating an authenticator
    for a user who must have one and has none: what `force_login` is to the password."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dealerhub import two_factor

    if two_factor.owed(user) == two_factor.NOTHING:
        return None
    device = two_factor.authenticator(user) or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


class VerifiedClient(FormTokenClient):
    """The test client, whose `force_login` also gives the second factor where one is owed
    (managers and superusers), so tests of the admin start where a manager who typed the
    code would. The sign-in tests themselves use django.test.Client."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        otp_verify(self, user)

    def login(self, **credentials):
        # django-axes counts attempts per request and wants one, as the login views give it.
        from django.http import HttpRequest

        credentials.setdefault("request", HttpRequest())
        return super().login(**credentials)


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def on_postgres():
    """For tests of behaviour SQLite cannot show (row locks, concurrent transactions)."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        if IN_CI:
            pytest.fail("this test needs PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def on_redis():
    if not _redis_answers():
        if IN_CI:
            pytest.fail("this test needs Redis")
        pytest.skip("needs Redis (set REDIS_URL)")


@pytest.fixture
def eager_tasks():
    """Tasks run in the test's process, as in the embedded default. Celery reads its settings
    once, so they are set on the app."""
    from dealerhub.celery import app

    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


@pytest.fixture
def dealer_a(db):
    return DealerFactory(name="Alpha Motors", code="alpha")


@pytest.fixture
def dealer_b(db):
    return DealerFactory(name="Bravo Auto", code="bravo")


def _manager(dealers, username):
    from inventory.services import managers_group_sync

    user = UserFactory(username=username, is_staff=True)
    user.groups.add(managers_group_sync())
    for dealer in dealers:
        MembershipFactory(user=user, dealer=dealer, role="manager")
    return user


@pytest.fixture
def manager_a(dealer_a):
    return _manager([dealer_a], "manager_a")


@pytest.fixture
def manager_b(dealer_b):
    return _manager([dealer_b], "manager_b")


@pytest.fixture
def operator(db):
    """A platform operator: maintains markets, rules and schedules; belongs to no dealer."""
    from inventory.services import platform_operators_group_sync

    user = UserFactory(username="operator", is_staff=True)
    user.groups.add(platform_operators_group_sync())
    return user


@pytest.fixture
def staff_a(dealer_a):
    return MembershipFactory(dealer=dealer_a, user=UserFactory(username="staff_a")).user


@pytest.fixture
def staff_client(client, staff_a):
    """The test client signed in as staff_a, a staff member of dealer_a."""
    client.force_login(staff_a)
    return client


@pytest.fixture
def all_permissions():
    return Permission.objects.all()


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """The locale middleware leaves the language of the last request active in the thread the
    test client runs in; the next test starts from the default again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the test database's ids and data versions start
    again with every run, while a Redis cache outlives it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def markets(db):
    """The shipped markets and rules. A transactional test (live server, real worker) may run
    after another one's flush emptied the tables the data migration filled."""
    from exports.data import load_market_rules
    from exports.models import DestinationMarket, MarketRule

    load_market_rules(DestinationMarket, MarketRule)


@pytest.fixture
def maker_codes(db):
    """The shipped table of makers' VIN codes, for tests that may run after a flush."""
    from inventory.data import load_wmi_codes
    from inventory.models import WorldManufacturerCode

    load_wmi_codes(WorldManufacturerCode)


@pytest.fixture
def line(dealer_a):
    """7.3% (20.00 a day on 100,000), 500 + 0.2% fees, 10% curtailed after 35 days."""
    return FloorPlanLineFactory(
        dealer=dealer_a,
        flat_fee=Decimal("500"),
        fee_pct=Decimal("0.2"),
        first_curtailment_days=35,
        curtailment_pct=Decimal("10"),
        curtailment_every_days=30,
    )


@pytest.fixture
def book(dealer_a, line):
    """The worked cash-flow example: three cars on hand, one floored, one loaded on a ship.

    Figures on the dealer's today: 3 on hand, 2 aged, capital 300,000.00, carry 245.00 a day,
    2 candidates releasing 54,200.00 (floored) + 95,500.00 (priced by staff) = 149,700.00,
    floor-plan balance 100,000.00 with a 10,000.00 curtailment due in 5 days, and 142,000.00
    realised from 20,000 USD at 7.1.
    """
    from exports.models import ShipmentLine, ShipmentStatus
    from inventory import services as inventory_services
    from inventory.models import VehicleStatus

    today = dealer_a.today()
    floored = VehicleFactory(
        dealer=dealer_a,
        stocked_on=today - timedelta(days=70),
        acquisition_cost=Decimal("150000"),
        list_price=Decimal("200000"),
        export_candidate=True,
        stock_number="A-70",
    )
    inventory_services.vehicle_floor(
        vehicle=floored,
        line=line,
        principal=Decimal("100000"),
        floored_on=today - timedelta(days=30),
    )
    priced = VehicleFactory(
        dealer=dealer_a,
        stocked_on=today - timedelta(days=100),
        acquisition_cost=Decimal("100000"),
        list_price=Decimal("120000"),
        export_price=Decimal("100000"),
        export_candidate=True,
    )
    fresh = VehicleFactory(
        dealer=dealer_a, stocked_on=today - timedelta(days=10), acquisition_cost=Decimal("50000")
    )
    VehicleFactory(dealer=dealer_a, status=VehicleStatus.SOLD_DOMESTIC)
    shipped = VehicleFactory(dealer=dealer_a, status=VehicleStatus.EXPORTED)
    shipment = ShipmentFactory(
        dealer=dealer_a, status=ShipmentStatus.LOADED, fx_rate_to_base=Decimal("7.1")
    )
    ShipmentLine.objects.create(shipment=shipment, vehicle=shipped, sale_price=Decimal("20000"))
    return {"floored": floored, "priced": priced, "fresh": fresh}
