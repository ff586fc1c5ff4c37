"""Health check and start-up settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_redis_answer(client, on_redis, settings):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "ConnectionError"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError

    from dealerhub import views

    def broken_cursor():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "OperationalError"


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_with_debug_off_stops_with_one_clear_line():
    result = run_check(DEBUG="0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "DealerHub: SECRET_KEY is not set; set it in the environment (or DEBUG=1 locally)."
    ]


def test_production_database_without_debug_or_secret_stops():
    result = run_check(DATABASE_URL="postgres://dealerhub@127.0.0.1:5432/dealerhub")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr


def test_secret_key_from_the_environment_starts():
    result = run_check(DEBUG="0", SECRET_KEY="a-long-production-secret-from-the-environment")
    assert result.returncode == 0, result.stderr


def test_embedded_default_is_sqlite_and_eager_tasks():
    code = (
        "import django,os;django.setup();from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND'].rsplit('.',1)[1], s.TIME_ZONE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "dealerhub.settings"},
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "LocMemCache",
        "Asia/Shanghai",
    ], result.stderr


def test_dashboard_needs_login_and_shows_own_dealers(client, staff_a, dealer_b):
    assert client.get("/").status_code == 302
    client.force_login(staff_a)
    page = client.get("/").content.decode()
    assert "Alpha Motors" in page
    assert "Bravo Auto" not in page


def run_deploy_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        cwd=ROOT,
        env={**clean, "DEBUG": "0", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "key", ["x", "change-me", "django-insecure-" + "k" * 50, "insecure-development-key-" * 3]
)
def test_production_start_refuses_a_placeholder_secret_key(key):
    result = run_deploy_check(SECRET_KEY=key)
    assert result.returncode == 1
    assert "dealerhub.E001" in result.stderr


def test_production_start_accepts_a_random_secret_key():
    result = run_deploy_check(SECRET_KEY="pV3q9Zr1-LmX8sT2wKc7YbN4hJd6QfE0uGa5RiO-TnWvBzHy2sPk8")
    assert result.returncode == 0, result.stderr
    assert "dealerhub.E001" not in result.stderr + result.stdout
