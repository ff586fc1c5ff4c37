"""The browser keeps to the Content-Security-Policy, and a new manager enrols an authenticator
app before the admin opens."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.factories import VehicleFactory


@pytest.fixture
def violations(page):
    """Whatever the browser refused under the policy, as it reports it on the console."""
    seen = []

    def note(message):
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", note)
    return seen


def test_staff_pages_run_under_the_policy(logged_in, violations, dealer_a):
    page = logged_in
    car = VehicleFactory(dealer=dealer_a)
    page.get_by_role("link", name="Inventory").click()
    page.get_by_role("link", name=car.vin).click()
    # The export check loads through htmx, the language switch submits from a script file.
    expect(page.locator('#eligibility tr[data-market="KZ"]')).to_be_visible()
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("link", name="库存", exact=True)).to_be_visible()
    assert violations == []


def test_a_new_manager_enrols_then_works_in_the_admin(page, live_server, manager_a, violations):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(manager_a.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill(f"{TOTP(b32decode(secret)).token():06d}")
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name=re.compile("continue")).click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Vehicles").first.click()
    expect(page).to_have_url(re.compile(r"/admin/inventory/vehicle/$"))
    page.get_by_role("link", name=re.compile("Add vehicle")).click()
    expect(page.get_by_label("VIN")).to_be_visible()
    assert violations == []
