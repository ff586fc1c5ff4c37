"""Every staff page on a phone, in Chinese: nothing scrolls sideways at 390 px (and the main
pages at 360 and 414), the top bar and the filters fold, and the inspection outline's panels
jump to their readings.

The pages come from the URLconf, so a new staff page is walked without editing this test;
only file downloads and POST-only endpoints are left out, by name, below.
"""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.dealerhub.test_url_isolation import (
    _ARGUMENT,
    PUBLIC,
    PUBLIC_PREFIXES,
    _fill,
    _staff_patterns,
)
from tests.e2e.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory, dealer_world

# Answers that are files, not pages.
DOWNLOADS = {
    "inventory:vehicle_csv",
    "inventory:vehicle_intake_template",
    "inventory:inspection_certificate",
    "inventory:inspection_photo",
    "inventory:vehicle_document_scan",
    "exports:shipment_document_download",
    "report_download",
    "inventory:vehicle_stock_sheet",
    "inventory:vehicle_stock_sheets",
    "inventory:vehicle_intake_errors",
    "inventory:vehicle_intake_file",
    "inventory:vehicle_photo",
    "inventory:vehicle_photo_thumbnail",
    "exports:candidates_csv",
    "exports:candidates_xlsx",
    "exports:exporter_document_download",
    "exports:offer_pdf",
    "exports:offer_xlsx",
}
# Endpoints that only take a form's POST (a GET is refused or sent elsewhere), and fragments
# that htmx loads into a page walked here anyway.
POST_ONLY = {
    "logout",
    "inventory:vehicle_bulk",
    "inventory:vehicle_bulk_apply",
    "inventory:saved_view_create",
    "inventory:saved_view_delete",
    "inventory:vehicle_reprice",
    "inventory:vehicle_reserve",
    "inventory:vehicle_photo_add",
    "inventory:vehicle_photo_move",
    "inventory:vehicle_photo_remove",
    "exports:ship_ticked",
    "exports:ship_ticked_apply",
    "exports:shipment_set_prices",
    "inventory:dealer_switch",
    "inventory:vehicle_intake_commit",
    "inventory:vehicle_status",
    "inventory:vehicle_document_add",
    "inventory:vehicle_document_remove",
    "inventory:vehicle_floor",
    "inventory:floor_plan_pay",
    "inventory:inspection_issue",
    "inventory:inspection_revise",
    "inventory:inspection_revoke",
    "inventory:inspection_discard",
    "inventory:inspection_photo_add",
    "inventory:inspection_photo_remove",
    "inventory:inspection_start",
    "exports:shipment_edit",
    "exports:shipment_advance",
    "exports:shipment_add_vehicle",
    "exports:shipment_line_price",
    "exports:shipment_line_dates",
    "exports:shipment_line_remove",
    "exports:shipment_documents",
    "exports:exporter_document_add",
    "exports:export_sale_proof",
    "exports:export_sale_cancel",
    "exports:offer_ticked",
    "exports:offer_set_discount",
    "exports:offer_line_price",
    "exports:offer_line_withdraw",
    "exports:offer_add_recipient",
    "exports:offer_recipient_revoke",
    "exports:offer_send",
    "exports:offer_withdraw",
    "exports:offer_record_bid",
    "exports:offer_bid_accept",
    "exports:offer_bid_decline",
    "two_factor_remove",
    "email_language",
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_recovery_codes",
}
FRAGMENTS = {
    "inventory:vin_check",
    "inventory:vehicle_intake_progress",
    "exports:vehicle_eligibility",
    "report_row",
}
# Which row of `dealer_world` a page shows; the draft for the inspection form.
INSPECTION_EDIT = "inventory:inspection_edit"

MAIN_PAGES = [
    "dashboard",
    "inventory:vehicle_list",
    "exports:candidates",
    "exports:shipment_list",
    "inventory:inspection_list",
]


def _skipped(name):
    short = name.split(":")[-1]
    return (
        short in PUBLIC
        or short.startswith(PUBLIC_PREFIXES)
        or name in DOWNLOADS | POST_ONLY | FRAGMENTS
    )


def staff_pages(world):
    """The address of every staff page, its ids filled from `world`."""
    pages = []
    for route, name in _staff_patterns():
        if _skipped(name):
            continue
        if not _ARGUMENT.search(route):
            pages.append((name, reverse(name)))
            continue
        kwargs = _fill(route, world)
        if name == INSPECTION_EDIT:
            kwargs["pk"] = world["draft"].pk
        pages.append((name, reverse(name, kwargs=kwargs)))
    # The account's password page, which the walk of the URLconf counts as public.
    pages.append(("password_change", reverse("password_change")))
    # The lists with filters applied, which must not widen the page either.
    pages.append(("vehicle_list filtered", reverse("inventory:vehicle_list") + "?status=in_stock"))
    pages.append(("candidates filtered", reverse("exports:candidates") + "?days=61-90"))
    return pages


@pytest.fixture
def world(markets, maker_codes, dealer_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return dealer_world(dealer_a, tag="a")


def _phone(browser, width=390):
    return browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": 844}, accept_downloads=True
    )


def _sign_in(page, live_server, user, device=None):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    if device is not None:
        page.wait_for_url("**/two-factor/verify/**")
        page.locator("form.stacked input:not([type=hidden])").first.fill(
            f"{TOTP(device.bin_key).token():06d}"
        )
        page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def _too_wide(page, live_server, pages, width):
    """(page, its scroll width) for each page wider than the screen, and the pages that failed."""
    wide = []
    for name, url in pages:
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{name} {url}: {response.status}"
        assert "text/html" in response.headers["content-type"], f"{name} is a file: list it"
        page.wait_for_load_state("networkidle")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide.append((name, url, scroll))
    return wide


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_every_staff_page_fits_a_phone_in_chinese(browser, live_server, world, dealer_a, who):
    if who == "manager":
        user = UserFactory(username="phone.manager", is_staff=True)
        from inventory.services import managers_group_sync

        user.groups.add(managers_group_sync())
        MembershipFactory(user=user, dealer=dealer_a, role="manager")
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    else:
        user = MembershipFactory(dealer=dealer_a, user=UserFactory(username="phone.staff")).user
        device = None
    context = _phone(browser)
    page = context.new_page()
    _sign_in(page, live_server, user, device)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    pages = staff_pages(world)
    assert len(pages) >= 18, pages
    assert _too_wide(page, live_server, pages, 390) == []
    context.close()


@pytest.mark.parametrize("width", [360, 414])
def test_the_main_pages_fit_narrow_and_wide_phones(browser, live_server, world, width):
    context = _phone(browser, width)
    page = context.new_page()
    _sign_in(page, live_server, world["staff"])
    pages = [(name, reverse(name)) for name in MAIN_PAGES]
    pages += [
        ("vehicle", world["vehicle"].get_absolute_url()),
        ("inspection", world["inspection"].get_absolute_url()),
        ("inspection form", reverse(INSPECTION_EDIT, args=[world["draft"].pk])),
        ("shipment", world["shipment"].get_absolute_url()),
    ]
    assert _too_wide(page, live_server, pages, width) == []
    context.close()


def test_the_top_bar_and_filters_fold_and_the_outline_jumps_to_readings(
    browser, live_server, world
):
    context = _phone(browser)
    page = context.new_page()
    _sign_in(page, live_server, world["staff"])

    inventory_link = page.get_by_role("link", name="库存", exact=True)
    expect(inventory_link).to_be_hidden()
    page.get_by_text("菜单", exact=True).click()
    expect(inventory_link).to_be_visible()
    box = inventory_link.bounding_box()
    assert box["height"] >= 44, box

    inventory_link.click()
    search = page.locator("#filters input[name=q]")
    expect(search).to_be_hidden()
    page.get_by_text("筛选条件", exact=True).click()
    expect(search).to_be_visible()
    # A phone shows each car as a card that names its columns.
    row = page.locator("#vehicles tbody tr").first
    expect(row.locator("td[data-label='库存天数']")).to_be_visible()
    expect(row.locator("td[data-label='标价']")).to_be_visible()

    page.goto(live_server.url + world["inspection"].get_absolute_url())
    drawing = page.locator("figure.outline svg.car-outline")
    assert drawing.bounding_box()["width"] >= 300
    # The smallest verdict code on the drawing reads at 12 px or more.
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.car-outline .panel text')]
             .map((t) => {
               const m = t.getScreenCTM();
               return Number(t.getAttribute('font-size')) * Math.hypot(m.a, m.b);
             }))"""
    )
    assert smallest >= 12, smallest
    hood = page.locator("ul.panel-links a[href='#panel-hood']")
    assert hood.bounding_box()["height"] >= 44
    hood.click()
    expect(page).to_have_url(
        f"{live_server.url}{world['inspection'].get_absolute_url()}#panel-hood"
    )
    expect(page.locator("#panel-hood")).to_be_in_viewport()
    page.locator("svg.car-outline a[href='#panel-trunk']").click()
    expect(page.locator("#panel-trunk")).to_be_in_viewport()
    context.close()


def test_a_desktop_keeps_the_top_bar_and_filters_open(logged_in, live_server):
    page = logged_in
    expect(page.get_by_role("link", name="Inventory", exact=True)).to_be_visible()
    page.get_by_role("link", name="Inventory", exact=True).click()
    expect(page.locator("#filters input[name=q]")).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
