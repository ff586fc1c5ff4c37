"""Shared fixtures. In CI (CI set) the suite refuses to run without PostgreSQL and Redis."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from .factories import DealerFactory, MembershipFactory, UserFactory

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
def staff_a(dealer_a):
    return MembershipFactory(dealer=dealer_a, user=UserFactory(username="staff_a")).user


@pytest.fixture
def all_permissions():
    return Permission.objects.all()


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
