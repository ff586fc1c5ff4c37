"""Static files with DEBUG off: the stylesheet is served whether or not collectstatic has run,
and the system check says when it has not."""

import pytest
from django.core.management import call_command
from django.test import Client

from dealerhub.static_files import static_files_collected

STYLESHEET = "/static/css/dealerhub.css"


def fetch(path):
    response = Client().get(path)  # a new client builds the middleware with today's settings
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.fixture
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    return settings


def test_stylesheet_is_served_before_collectstatic_has_run(production):
    response, body = fetch(STYLESHEET)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b".topbar" in body


def test_stylesheet_is_served_from_the_collected_files(production):
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (production.STATIC_ROOT / "css" / "dealerhub.css").is_file()
    response, body = fetch(STYLESHEET)
    assert response.status_code == 200
    assert b".topbar" in body
    # Only the collected files come compressed.
    response = Client().get(STYLESHEET, headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


def test_an_unknown_static_file_is_still_404(production):
    response, _ = fetch("/static/css/no-such-file.css")
    assert response.status_code == 404


def test_the_system_check_warns_while_nothing_is_collected(production):
    warnings = static_files_collected(None)
    assert [warning.id for warning in warnings] == ["dealerhub.W001"]
    assert "collectstatic" in warnings[0].hint

    production.STATIC_ROOT.mkdir()
    (production.STATIC_ROOT / "staticfiles.json").write_text("{}")
    assert static_files_collected(None) == []


def test_the_system_check_is_quiet_in_development(settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path / "never-collected"
    assert static_files_collected(None) == []
