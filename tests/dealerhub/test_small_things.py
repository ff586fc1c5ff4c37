"""Small things people notice: the site's icon, the demo's progress, the port `make run` serves
on, the catalogue compiler's summary, what the vehicle page and the history show when there is
nothing to show, and what the reports page says about a report that is already built."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from dealerhub.models import InventoryReport, ReportStatus
from inventory import services as inventory_services
from tests.factories import VehicleFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def built_at_once(settings, tmp_path):
    """Reports built in the request, as with no broker (`make run`): tasks run in-process, and
    with no test transaction around the request the build queued for the commit runs before
    the page answers."""
    from dealerhub.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


def test_the_site_has_an_icon_and_browsers_find_it_at_the_root(staff_client):
    page = staff_client.get(reverse("inventory:vehicle_list")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page

    icon = staff_client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file


# CI runs through make, so there it is never skipped.
@pytest.mark.skipif(not shutil.which("make") and not os.environ.get("CI"), reason="needs make")
@pytest.mark.parametrize(("port", "expected"), [(None, "8000"), ("8080", "8080")])
def test_make_run_serves_on_the_port_it_is_given(port, expected):
    command = ["make", "-n", "run"] + ([f"PORT={port}"] if port else [])
    planned = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"runserver 127.0.0.1:{expected}" in planned
    assert f"SITE_URL:-http://127.0.0.1:{expected}" in planned


def test_the_compile_step_says_what_the_certificate_languages_cover():
    out = io.StringIO()
    call_command("compile_catalogues", stdout=out)
    lines = out.getvalue().splitlines()

    assert any(line.startswith("ru: certificate and verification pages, ") for line in lines)
    assert any(line.startswith("ar: certificate and verification pages, ") for line in lines)
    [chinese] = [line for line in lines if line.startswith("zh_Hans:")]
    assert chinese.endswith("messages translated")  # complete, so nothing "not yet"
    assert not any(" of " in line for line in lines)


def test_a_car_without_a_floor_plan_shows_no_payoff_of_zero(staff_client, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    html = staff_client.get(vehicle.get_absolute_url()).content.decode()

    assert 'id="export-or-hold"' in html
    assert "Floor-plan payoff today" not in html
    assert "\u22120.00" not in html  # a minus sign before nothing


def test_a_floored_car_shows_its_payoff_on_both_sides(staff_client, book):
    html = staff_client.get(book["floored"].get_absolute_url()).content.decode()
    assert html.count("Floor-plan payoff today") == 2


def test_the_admin_history_has_no_change_reason_column_of_none(client, manager_a, dealer_a):
    vehicle = VehicleFactory(dealer=dealer_a)
    inventory_services.vehicle_change_status(
        vehicle=vehicle, to_status="sold_domestic", by=manager_a
    )
    client.force_login(manager_a)

    html = client.get(reverse("admin:inventory_vehicle_history", args=[vehicle.pk])).content
    html = html.decode()
    assert "Change reason" not in html
    assert "<td>\n          None\n        </td>" not in html
    assert "manager_a" in html  # who changed it
    assert "system" in html  # the car received with no person recorded


@pytest.mark.django_db(transaction=True)
def test_a_report_built_at_once_is_called_ready_not_being_built(
    staff_client, dealer_a, manager_a, built_at_once, mailoutbox
):
    response = staff_client.post(reverse("reports"), follow=True)

    body = response.content.decode()
    assert InventoryReport.objects.get().status == ReportStatus.READY
    assert "being built" not in body
    assert "The report is ready below and was e-mailed to the managers." in body
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_ready_report_nobody_could_be_sent_says_why(
    staff_client, dealer_a, manager_a, built_at_once, mailoutbox
):
    manager_a.email = ""
    manager_a.save()

    body = staff_client.post(reverse("reports"), follow=True).content.decode()

    assert "The report is ready below. No manager of this dealer has an e-mail address" in body
    assert "being built" not in body and mailoutbox == []
