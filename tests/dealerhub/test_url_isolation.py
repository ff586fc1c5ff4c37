"""Every URL of the project, walked as a user of another dealer: an object of dealer A is a
404 (or 403) to dealer B's staff and manager, by GET and by POST, on staff pages and in the
admin; a page without an id shows none of dealer A's rows.

The URLs come from the URLconf and the admin site, so a new one is covered without editing
this test. A staff URL whose ids this test cannot fill fails it: teach `_OBJECT_FOR` the new
segment rather than skipping it.
"""

import io
import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inventory.models import Role, VehicleFloorPlan
from tests.factories import MembershipFactory, UserFactory, dealer_world

pytestmark = pytest.mark.django_db


def _text_of(page) -> str:
    """What a page shows: its text, or every cell of a workbook it downloads."""
    if page["Content-Type"].startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(page.content), read_only=True)
        return " ".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
        )
    return page.content.decode()


# Pages anyone may open: the buyer's verification by token, sign-in, health, language.
PUBLIC = {
    "verify",
    "verify_pdf",
    "offer_public",
    "offer_public_photo",
    "healthz",
    "set_language",
    "login",
    "logout",
}
PUBLIC_PREFIXES = ("password_", "javascript-catalog")

# (the path segment before an id, the id's name) -> the key of the row in `dealer_world`.
_OBJECT_FOR = {
    ("vehicles", "pk"): "vehicle",
    ("documents", "document_pk", "vehicles"): "document",
    ("documents", "document_pk", "shipments"): "shipment_document",
    ("inspections", "pk"): "inspection",
    ("photos", "photo_pk"): "photo",
    ("shipments", "pk"): "shipment",
    ("lines", "line_pk"): "line",
    ("reports", "pk"): "report",
    ("views", "pk"): "saved_view",
    ("import", "pk"): "stock_import",
    ("exporters", "pk"): "exporter",
    ("documents", "document_pk", "exporters"): "exporter_document",
    ("sales", "pk"): "export_sale",
    ("offers", "pk"): "offer",
    ("offer-lines", "offer_line_pk"): "offer_line",
    ("recipients", "recipient_pk"): "offer_recipient",
    ("bids", "bid_pk"): "bid",
}
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _staff_patterns(resolver=None, prefix="", namespace=""):
    """(route, URL name) of every pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            # The JSON API answers tokens, not sessions: tests/api/test_isolation.py walks it.
            if route.startswith(("admin/", "api/")):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _staff_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, namespace + pattern.name


def _fill(route, world, mixed_with=None):
    """The route with each id taken from `world`; `mixed_with` supplies the first id (the
    parent) from another world, to try a foreign child under one's own parent."""
    segments = route.split("/")
    values = {}
    for index, segment in enumerate(segments):
        match = _ARGUMENT.fullmatch(segment)
        if not match:
            continue
        name = match["name"]
        if name == "fmt":
            values[name] = "pdf"
            continue
        before = segments[index - 1]
        key = _OBJECT_FOR.get((before, name, segments[index - 3] if index >= 3 else ""))
        key = key or _OBJECT_FOR.get((before, name))
        assert key, f"{route}: no row for <{name}> after {before}/; add it to _OBJECT_FOR"
        source = mixed_with if (mixed_with is not None and not values) else world
        values[name] = source[key].pk
    return values


@pytest.fixture
def two_dealers(markets, dealer_a, dealer_b, manager_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    theirs = dealer_world(dealer_a, tag="a")
    ours = dealer_world(dealer_b, tag="b")
    staff_b = MembershipFactory(dealer=dealer_b, user=UserFactory(username="walker")).user
    return theirs, ours, {"staff": staff_b, "manager": manager_b}


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_every_staff_url_hides_another_dealers_objects(client, two_dealers, who):
    theirs, ours, users = two_dealers
    client.force_login(users[who])
    secrets = [theirs["vehicle"].vin, theirs["shipment"].reference, "A-1"]
    walked = 0
    for route, name in _staff_patterns():
        if name.split(":")[-1] in PUBLIC or name.split(":")[-1].startswith(PUBLIC_PREFIXES):
            continue
        if not _ARGUMENT.search(route):
            page = client.get(reverse(name))
            assert page.status_code in (200, 302, 405), f"{name}: {page.status_code}"
            if page.status_code == 200 and not getattr(page, "streaming", False):
                body = _text_of(page)
                for secret in secrets:
                    assert secret not in body, f"{name} shows {secret} of another dealer"
            continue
        tries = [_fill(route, theirs)]
        if len(_ARGUMENT.findall(route)) > 1:
            # Our own parent with their child: the child must be looked up under the parent.
            tries.append(_fill(route, theirs, mixed_with=ours))
        for kwargs in tries:
            url = reverse(name, kwargs=kwargs)
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code in (403, 404, 405), (
                    f"{method.__name__.upper()} {url} as {who}: {response.status_code}"
                )
            walked += 1
    assert walked >= 20


def test_every_admin_url_hides_another_dealers_objects(client, two_dealers, dealer_a):
    theirs, _ours, users = two_dealers
    manager = users["manager"]
    client.force_login(manager)
    walked = 0
    for model, model_admin in admin.site._registry.items():
        rows = model._default_manager.all()
        if not hasattr(rows, "visible_to"):
            continue
        foreign = rows.exclude(pk__in=rows.visible_to(manager, roles=[Role.MANAGER]).values("pk"))
        row = foreign.first()
        assert row is not None, f"no {model._meta.label} of dealer A to try"
        for pattern in model_admin.get_urls():
            if "object_id" not in str(pattern.pattern) or not pattern.name:
                continue
            kwargs = {"object_id": row.pk}
            if "version_id" in str(pattern.pattern):
                history = getattr(row, "history", None)
                if history is None:
                    continue
                kwargs["version_id"] = history.first().history_id
            url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code in (403, 404), (
                    f"{method.__name__.upper()} {url}: {response.status_code}"
                )
            walked += 1
    # Accounts: a user of dealer A only is not the manager's to see.
    url = reverse("admin:auth_user_change", args=[theirs["staff"].pk])
    assert client.get(url).status_code == 404
    assert walked >= 15


def test_ids_in_a_form_body_are_checked_like_ids_in_the_path(client, two_dealers, dealer_a):
    theirs, ours, users = two_dealers
    client.force_login(users["staff"])
    car = ours["vehicle"]
    their_line = theirs["floor_plan"].line
    client.post(
        reverse("inventory:vehicle_floor", args=[car.pk]),
        {"line": their_line.pk, "principal": "1000", "floored_on": car.stocked_on.isoformat()},
    )
    assert not VehicleFloorPlan.objects.filter(vehicle=car).exists()
    assert not their_line.floor_plans.filter(vehicle=car).exists()
    switch = client.post(reverse("inventory:dealer_switch"), {"dealer": dealer_a.pk})
    assert switch.status_code == 404
    page = client.get(reverse("exports:shipment_create"), {"vehicle": [theirs["vehicle"].pk]})
    assert theirs["vehicle"].vin not in page.content.decode()
